/**
 * The field declarations of the components converted to declare their fields once (see fields.ts):
 * `memory_limiter`, `batch`, `health_check`, `zpages`, `pprof`, `file_storage` and the `debug` exporter. The factory (`Processor.batch()`,
 * `Extension.*`) checks and renders from these, the parser (component-parsers.ts) parses from them,
 * and the rules between fields below run on both paths. Sources: the 0.158.0 `Config` structs and
 * `Validate()` methods (internal/memorylimiter, processor/batchprocessor, internal/healthcheck, extension/zpagesextension,
 * extension/pprofextension, extension/storage/filestorage, exporter/debugexporter).
 */
import type { ComponentOptions } from './component';
import { ComponentFields } from './fields';

/** Props of `Processor.memoryLimiter()`: give either the MiB form or the percentage form. */
export interface MemoryLimiterProps extends ComponentOptions {
  /** How often memory is measured. @default 1 */
  readonly checkIntervalSec?: number;
  /** Hard limit in MiB (fixed-memory form). @default - use limitPercentage */
  readonly limitMiB?: number;
  /** Spike headroom in MiB (soft limit = limit - spike). @default - 20 % of limitMiB (collector default) */
  readonly spikeLimitMiB?: number;
  /** Hard limit as % of the container memory limit (cgroup-aware form). @default 80 when limitMiB is unset */
  readonly limitPercentage?: number;
  /** Spike headroom in %. @default 25 when the percentage form is used */
  readonly spikeLimitPercentage?: number;
}

/** Props of `Processor.batch()`. */
export interface BatchProps extends ComponentOptions {
  /** Send a batch once it has this many items. @default 8192 */
  readonly sendBatchSize?: number;
  /** Upper bound of a batch (0 = no limit). @default 0 */
  readonly sendBatchMaxSize?: number;
  /** Send a batch after this long regardless of size. @default 0.2 */
  readonly timeoutSec?: number;
  /** Batch separately per value of these client metadata keys. @default - none */
  readonly metadataKeys?: readonly string[];
}

/** Props of `Extension.healthCheck()`. */
export interface HealthCheckProps extends ComponentOptions {
  /** Listen address (probes need a non-loopback address). @default '0.0.0.0:13133' */
  readonly endpoint?: string;
  /** HTTP path of the check. @default '/' */
  readonly path?: string;
}

/** Props of the debugging extensions (`pprof`, `zpages`). */
export interface DebugEndpointProps extends ComponentOptions {
  /** Listen address. @default - loopback (pprof localhost:1777, zpages localhost:55679) */
  readonly endpoint?: string;
}

/** Props of `Extension.fileStorage()`. */
export interface FileStorageProps extends ComponentOptions {
  /** Directory for the persistent queue (mount a volume there). */
  readonly directory: string;
  /** How long to wait for the file lock (0: forever; negative: give up after the first try). @default 1 */
  readonly timeoutSec?: number;
  /** Create the directory when missing. @default false */
  readonly createDirectory?: boolean;
}

/** Props of `Exporter.debug()`. */
export interface DebugExporterProps extends ComponentOptions {
  /** `basic`, `normal` or `detailed`. @default 'basic' */
  readonly verbosity?: 'basic' | 'normal' | 'detailed';
  /** Items logged per second before sampling (>= 0). @default 2 */
  readonly samplingInitial?: number;
  /** Log every Nth item after that (0: none after the first ones). @default 1 */
  readonly samplingThereafter?: number;
}

/** Keys of confighttp.ServerConfig besides `endpoint` (squashed into health_check and zpages). */
export const HTTP_SERVER_KEYS = [
  'transport',
  'dialer',
  'tls',
  'cors',
  'auth',
  'max_request_body_size',
  'include_metadata',
  'response_headers',
  'compression_algorithms',
  'read_timeout',
  'read_header_timeout',
  'write_timeout',
  'idle_timeout',
  'middlewares',
  'keep_alives_enabled',
];

const LISTEN = 'pass a listen address host:port, e.g. "0.0.0.0:13133"';

/** `batch` (processor/batchprocessor Config). */
export const BATCH_FIELDS: ComponentFields<BatchProps> = {
  fields: {
    sendBatchSize: { key: 'send_batch_size', type: 'uint32', collectorDefault: '8192' },
    sendBatchMaxSize: { key: 'send_batch_max_size', type: 'uint32', collectorDefault: '0' },
    timeoutSec: { key: 'timeout', type: 'duration', min: 0, collectorDefault: '0.2' },
    metadataKeys: { key: 'metadata_keys', type: 'strings', fix: 'pass a list of client metadata keys' },
  },
  unmodelledKeys: ['metadata_cardinality_limit'],
};

/** The rules between batch fields (batchprocessor Config.Validate). */
export function checkBatch(v: Partial<BatchProps>, where: string): void {
  const size = v.sendBatchSize ?? 8192;
  const max = v.sendBatchMaxSize ?? 0;
  if (max > 0 && max < size) {
    throw new Error(
      `${where}: send_batch_max_size ${max} is below send_batch_size ${size}${v.sendBatchSize === undefined ? ' (the default)' : ''}; raise sendBatchMaxSize (send_batch_max_size) or set it to 0`,
    );
  }
  const seen = new Set<string>();
  for (const k of v.metadataKeys ?? []) {
    if (seen.has(k.toLowerCase()))
      throw new Error(`${where}: metadata_keys has "${k}" twice (case-insensitive); list each key once`);
    seen.add(k.toLowerCase());
  }
}

/** `health_check` (internal/healthcheck Config; the collector's default endpoint is localhost:13133). */
export const HEALTH_CHECK_FIELDS: ComponentFields<HealthCheckProps> = {
  fields: {
    endpoint: {
      key: 'endpoint',
      type: 'string',
      allowEmpty: true,
      collectorDefault: 'localhost:13133',
      fix: LISTEN,
    },
    path: {
      key: 'path',
      type: 'string',
      allowEmpty: true,
      collectorDefault: '/',
      fix: 'pass an HTTP path such as "/health"',
    },
  },
  unmodelledKeys: [
    ...HTTP_SERVER_KEYS,
    'response_body',
    'check_collector_pipeline',
    'use_v2',
    'grpc',
    'http',
    'component_health',
  ],
};

/** The rules of health_check's legacy mode (internal/healthcheck Config.Validate, without use_v2). */
export function checkHealthCheck(v: Partial<HealthCheckProps>, where: string): void {
  if (v.endpoint === '') throw new Error(`${where}: endpoint is empty; set e.g. "0.0.0.0:13133"`);
  if (v.path !== undefined && !v.path.startsWith('/'))
    throw new Error(`${where}: path "${v.path}" must start with "/"; e.g. "/health"`);
}

/** `zpages` (extension/zpagesextension Config). */
export const ZPAGES_FIELDS: ComponentFields<DebugEndpointProps> = {
  fields: { endpoint: { key: 'endpoint', type: 'string', collectorDefault: 'localhost:55679', fix: LISTEN } },
  unmodelledKeys: [...HTTP_SERVER_KEYS, 'expvar'],
};

/** `pprof` (contrib extension/pprofextension Config). */
export const PPROF_FIELDS: ComponentFields<DebugEndpointProps> = {
  fields: { endpoint: { key: 'endpoint', type: 'string', collectorDefault: 'localhost:1777', fix: LISTEN } },
  unmodelledKeys: ['dialer', 'block_profile_fraction', 'mutex_profile_fraction', 'save_to_file'],
};

/** `file_storage` (extension/storage/filestorage Config). */
export const FILE_STORAGE_FIELDS: ComponentFields<FileStorageProps> = {
  fields: {
    directory: {
      key: 'directory',
      type: 'string',
      fix: 'pass the absolute path of a mounted volume, e.g. "/var/lib/otelcol/queue"',
    },
    // bbolt's file lock wait: 0 waits forever, a negative value gives up after the first try (flock in
    // bolt_unix.go); the collector accepts both, so no lower bound
    timeoutSec: { key: 'timeout', type: 'duration', collectorDefault: '1' },
    createDirectory: { key: 'create_directory', type: 'boolean', collectorDefault: 'false' },
  },
  unmodelledKeys: ['max_size', 'compaction', 'fsync', 'directory_permissions', 'recreate'],
};

/** The rules of file_storage's directory (required here: the collector's default folder is not a mounted volume). */
export function checkFileStorage(v: Partial<FileStorageProps>, where: string): void {
  if (!v.directory) {
    throw new Error(
      `${where}: directory is required here (the collector's default folder is not a mounted volume); set the path of the PVC mount`,
    );
  }
  if (!v.directory.startsWith('/')) {
    throw new Error(
      `${where}: directory "${v.directory}" must be an absolute path; mount a volume and use its path`,
    );
  }
}

/** The `debug` exporter (exporter/debugexporter Config; the sampler counts are Go ints, 0 is meaningful). */
export const DEBUG_FIELDS: ComponentFields<DebugExporterProps> = {
  fields: {
    verbosity: {
      key: 'verbosity',
      type: 'string',
      oneOf: ['basic', 'normal', 'detailed'],
      collectorDefault: 'basic',
    },
    samplingInitial: { key: 'sampling_initial', type: 'int', min: 0, collectorDefault: '2' },
    samplingThereafter: { key: 'sampling_thereafter', type: 'int', min: 0, collectorDefault: '1' },
  },
  unmodelledKeys: ['use_internal_logger', 'output_paths', 'sending_queue'],
};

/** `memory_limiter` (internal/memorylimiter Config; every limit is a Go uint32, 0 meaning unset). */
export const MEMORY_LIMITER_FIELDS: ComponentFields<MemoryLimiterProps> = {
  fields: {
    checkIntervalSec: {
      key: 'check_interval',
      type: 'duration',
      min: 0,
      exclusiveMin: true,
      collectorDefault: '1',
    },
    limitMiB: { key: 'limit_mib', type: 'uint32' },
    spikeLimitMiB: { key: 'spike_limit_mib', type: 'uint32' },
    limitPercentage: { key: 'limit_percentage', type: 'uint32', max: 100, collectorDefault: '80' },
    spikeLimitPercentage: { key: 'spike_limit_percentage', type: 'uint32', max: 100, collectorDefault: '25' },
  },
  unmodelledKeys: [
    'min_gc_interval_when_soft_limited',
    'min_gc_interval_when_hard_limited',
    'max_gc_interval_when_soft_limited',
    'max_gc_interval_when_hard_limited',
  ],
};

/** The rules between memory_limiter limits (memorylimiter Config.Validate; a 0 limit is unset). */
export function checkMemoryLimiter(v: Partial<MemoryLimiterProps>, where: string): void {
  if (v.checkIntervalSec === undefined) {
    throw new Error(`${where}: check_interval must be greater than zero (it has no default); set e.g. "1s"`);
  }
  const limitMiB = v.limitMiB ?? 0;
  const spikeMiB = v.spikeLimitMiB ?? 0;
  const limitPct = v.limitPercentage ?? 0;
  const spikePct = v.spikeLimitPercentage ?? 0;
  if (limitMiB === 0 && limitPct === 0) {
    throw new Error(
      `${where}: limit_mib or limit_percentage must be greater than zero; set limit_percentage: 80 (or limit_mib)`,
    );
  }
  if (limitMiB > 0 && spikeMiB >= limitMiB) {
    throw new Error(
      `${where}: spike_limit_mib ${spikeMiB} must be below limit_mib ${limitMiB}; use about 20 % of the limit`,
    );
  }
  if (limitPct > 0 && spikePct >= limitPct) {
    throw new Error(
      `${where}: spike_limit_percentage ${spikePct} must be below limit_percentage ${limitPct}; lower the spike limit`,
    );
  }
  if ((limitMiB > 0 || spikeMiB > 0) && (limitPct > 0 || spikePct > 0)) {
    // the collector takes limit_mib and ignores the percentages: refused on both paths
    throw new Error(
      `${where}: both limit_mib and limit_percentage are set; use either the MiB form or the percentage form`,
    );
  }
}
