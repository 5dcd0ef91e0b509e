import { TEMPO_DATA_DIR, TempoStorageModel } from './tempo-storage';
import { TempoVersion } from './tempo-version';

/** Ports of a Tempo monolithic instance. */
export const TEMPO_PORTS = {
  http: 3200,
  grpc: 9095,
  otlpGrpc: 4317,
  otlpHttp: 4318,
} as const;

/**
 * A metrics-generator processor. `local-blocks` exists in Tempo 2.x only: Tempo 3.0 removed it
 * (`tempo-cli migrate config` strips it, grafana/tempo PR 6982), so it is rejected for 3.x.
 */
export type TempoMetricsProcessor = 'span-metrics' | 'service-graphs' | 'local-blocks';

/** The optional metrics generator (span metrics and service graphs, remote-written to Prometheus). */
export interface TempoMetricsGeneratorOptions {
  /** Prometheus remote-write URL, e.g. `http://prometheus.monitoring:9090/api/v1/write`. */
  readonly remoteWriteUrl: string;
  /**
   * Processors enabled for every tenant (written as scoped overrides under `overrides.defaults`).
   * @default ['span-metrics', 'service-graphs']
   */
  readonly processors?: readonly TempoMetricsProcessor[];
  /**
   * Send exemplars with remote write.
   * @default true
   */
  readonly sendExemplars?: boolean;
  /**
   * Labels added to every generated series.
   * @default { source: 'tempo' }
   */
  readonly externalLabels?: Record<string, string>;
}

/** Ingester tuning. Tempo 2.x only: Tempo 3.x has no ingester. */
export interface TempoIngesterOptions {
  /**
   * Cut a block after this many minutes.
   * @default - Tempo's default (30 minutes)
   */
  readonly maxBlockDurationMin?: number;
  /**
   * Flush a trace after it has been idle for this many seconds.
   * @default - Tempo's default (5 seconds)
   */
  readonly traceIdlePeriodSec?: number;
}

/**
 * Live-store tuning. Tempo 3.x only: the live store replaces the 2.x ingester.
 *
 * Both settings are written as `live_store.readiness_target_lag` / `live_store.readiness_max_wait`
 * (keys confirmed in Tempo 3.0's live-store config). They measure Kafka consumer lag: in monolithic
 * mode, which this construct deploys, the distributor feeds the live store in-process without Kafka,
 * so upstream documents no Kafka consumption there and the settings have no practical effect.
 */
export interface TempoLiveStoreOptions {
  /**
   * Target Kafka consumer lag, in seconds, before the live store reports ready.
   * @default - Tempo's default (0: readiness waiting disabled)
   */
  readonly readinessTargetLagSec?: number;
  /**
   * Longest wait, in seconds, for that lag before reporting ready anyway. Tempo only reads it
   * when the target lag is above 0.
   * @default - Tempo's default (30 minutes)
   */
  readonly readinessMaxWaitSec?: number;
}

/** Log level of Tempo. */
export type TempoLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The typed model the Tempo config is rendered from. */
export interface TempoConfigModel {
  /** Used in error messages. */
  readonly name: string;
  /** Tempo release line (decides the config layout). */
  readonly version: TempoVersion;
  /** Resolved storage. */
  readonly storage: TempoStorageModel;
  /** Block retention, hours. */
  readonly retentionHours: number;
  /** Server log level. */
  readonly logLevel: TempoLogLevel;
  /** Metrics generator settings. @default - disabled */
  readonly metricsGenerator?: TempoMetricsGeneratorOptions;
  /** Ingester tuning (2.x). @default - Tempo defaults */
  readonly ingester?: TempoIngesterOptions;
  /** Live-store tuning (3.x). @default - Tempo defaults */
  readonly liveStore?: TempoLiveStoreOptions;
  /** Anonymous usage reporting. */
  readonly usageReporting: boolean;
}

/**
 * Builds the Tempo configuration object (serialized with `yaml` by the construct). The shape follows
 * Grafana Tempo's upstream example configurations (2.x: compactor retention; 3.x: no ingester or
 * compactor blocks, retention under backend_scheduler / backend_worker), with the OTLP receivers on
 * `0.0.0.0` as needed on Kubernetes.
 */
export function buildTempoConfig(model: TempoConfigModel): Record<string, unknown> {
  const where = `tempo "${model.name}"`;
  const v3 = model.version.major === 3;
  if (!Number.isInteger(model.retentionHours) || model.retentionHours <= 0) {
    throw new Error(`${where}: retentionHours ${model.retentionHours} is invalid; use a positive whole number of hours, e.g. 336 (14 days)`);
  }
  if (v3 && model.ingester) {
    throw new Error(
      `${where}: ingester options apply to Tempo 2.x only; Tempo ${model.version.tag} has no ingester (remove ingester, or use liveStore, or TempoVersion.V2)`,
    );
  }
  if (!v3 && model.liveStore) {
    throw new Error(
      `${where}: liveStore options apply to Tempo 3.x only; Tempo ${model.version.tag} has no live store (remove liveStore, use ingester, or TempoVersion.V3)`,
    );
  }
  const retention = `${model.retentionHours}h`;
  const config: Record<string, unknown> = {
    stream_over_http_enabled: true,
    server: {
      http_listen_port: TEMPO_PORTS.http,
      grpc_listen_port: TEMPO_PORTS.grpc,
      log_level: model.logLevel,
    },
    distributor: {
      receivers: {
        otlp: {
          protocols: {
            grpc: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpGrpc}` },
            http: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpHttp}` },
          },
        },
      },
    },
  };

  if (!v3 && model.ingester) {
    const ingester: Record<string, unknown> = {};
    const ing = model.ingester;
    if (ing.maxBlockDurationMin !== undefined) {
      positive(where, 'ingester.maxBlockDurationMin', ing.maxBlockDurationMin);
      ingester.max_block_duration = `${ing.maxBlockDurationMin}m`;
    }
    if (ing.traceIdlePeriodSec !== undefined) {
      positive(where, 'ingester.traceIdlePeriodSec', ing.traceIdlePeriodSec);
      ingester.trace_idle_period = `${ing.traceIdlePeriodSec}s`;
    }
    config.ingester = ingester;
  }
  if (v3 && model.liveStore) {
    const liveStore: Record<string, unknown> = {};
    const ls = model.liveStore;
    if (ls.readinessTargetLagSec !== undefined) {
      positive(where, 'liveStore.readinessTargetLagSec', ls.readinessTargetLagSec);
      liveStore.readiness_target_lag = `${ls.readinessTargetLagSec}s`;
    }
    if (ls.readinessMaxWaitSec !== undefined) {
      positive(where, 'liveStore.readinessMaxWaitSec', ls.readinessMaxWaitSec);
      liveStore.readiness_max_wait = `${ls.readinessMaxWaitSec}s`;
    }
    config.live_store = liveStore;
  }

  if (v3) {
    config.backend_scheduler = { provider: { compaction: { compaction: { block_retention: retention } } } };
    config.backend_worker = { compaction: { block_retention: retention } };
  } else {
    config.compactor = { compaction: { block_retention: retention } };
  }

  const overridesDefaults: Record<string, unknown> = {};
  if (model.metricsGenerator) {
    const mg = model.metricsGenerator;
    if (typeof mg.remoteWriteUrl !== 'string' || !/^https?:\/\/[^\s/@]+(\/\S*)?$/.test(mg.remoteWriteUrl)) {
      throw new Error(
        `${where}: metricsGenerator.remoteWriteUrl ${JSON.stringify(mg.remoteWriteUrl)} is not an http(s) URL without credentials; use e.g. "http://prometheus.monitoring:9090/api/v1/write"`,
      );
    }
    const processors = mg.processors ?? ['span-metrics', 'service-graphs'];
    const allowed: readonly string[] = v3
      ? ['span-metrics', 'service-graphs']
      : ['span-metrics', 'service-graphs', 'local-blocks'];
    if (v3 && processors.includes('local-blocks')) {
      throw new Error(
        `${where}: metricsGenerator.processors includes "local-blocks", which Tempo ${model.version.tag} no longer has (removed in 3.0); remove it (TraceQL metrics are served without it in 3.x), or use TempoVersion.V2`,
      );
    }
    const unknown = processors.filter((p) => !allowed.includes(p));
    if (processors.length === 0 || unknown.length > 0) {
      throw new Error(
        `${where}: metricsGenerator.processors ${JSON.stringify(processors)} is invalid; use one or more of ${allowed.join(', ')}`,
      );
    }
    const generator: Record<string, unknown> = {
      registry: { external_labels: { source: 'tempo', ...(mg.externalLabels ?? {}) } },
      storage: {
        path: `${TEMPO_DATA_DIR}/generator/wal`,
        remote_write: [{ url: mg.remoteWriteUrl, send_exemplars: mg.sendExemplars ?? true }],
      },
    };
    // Tempo 2.x: local-blocks fails to start ("requires traces wal") without traces_storage.path.
    if (processors.includes('local-blocks')) {
      generator.traces_storage = { path: `${TEMPO_DATA_DIR}/generator/traces` };
    }
    config.metrics_generator = generator;
    overridesDefaults.metrics_generator = { processors: [...processors] };
  }

  config.storage = {
    trace: {
      ...model.storage.traceConfig,
      wal: { path: `${TEMPO_DATA_DIR}/wal` },
    },
  };
  if (Object.keys(overridesDefaults).length > 0) {
    config.overrides = { defaults: overridesDefaults };
  }
  config.usage_report = { reporting_enabled: model.usageReporting };
  return config;
}

function positive(where: string, prop: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${where}: ${prop} ${value} is invalid; use a positive number`);
  }
}
