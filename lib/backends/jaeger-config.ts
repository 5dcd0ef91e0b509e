import { JaegerStorageModel } from './jaeger-storage';

/** Ports of a Jaeger v2 instance. */
export const JAEGER_PORTS = {
  queryHttp: 16686,
  queryGrpc: 16685,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  health: 13133,
  metrics: 8888,
} as const;

/** Name of the trace store inside `jaeger_storage.backends`. */
export const JAEGER_TRACE_STORE = 'trace_storage';

/** Log level of Jaeger. */
export type JaegerLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The typed model the Jaeger config is rendered from. */
export interface JaegerConfigModel {
  /** The storage backend's part of the config and pod. */
  readonly storage: JaegerStorageModel;
  /** Jaeger's log level (`service.telemetry.logs.level`). */
  readonly logLevel: JaegerLogLevel;
}

/**
 * Builds the Jaeger v2 (OpenTelemetry Collector distribution) configuration object: `jaeger_storage`
 * with one trace store, `jaeger_query` reading it, `healthcheckv2`, an OTLP receiver and the
 * `jaeger_storage_exporter`. Every endpoint binds `0.0.0.0` (the upstream files use
 * `${env:JAEGER_LISTEN_HOST:-localhost}`, which the image sets to 0.0.0.0).
 */
export function buildJaegerConfig(model: JaegerConfigModel): Record<string, unknown> {
  const any = (port: number) => `0.0.0.0:${port}`;
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: {
        traces: {
          receivers: ['otlp'],
          processors: ['batch'],
          exporters: ['jaeger_storage_exporter'],
        },
      },
      telemetry: {
        resource: { 'service.name': 'jaeger' },
        metrics: {
          level: 'detailed',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: JAEGER_PORTS.metrics } } } }],
        },
        logs: { level: model.logLevel },
      },
    },
    extensions: {
      healthcheckv2: {
        use_v2: true,
        http: { endpoint: any(JAEGER_PORTS.health), status: { enabled: true, path: '/status' } },
      },
      jaeger_query: {
        storage: { traces: JAEGER_TRACE_STORE },
        http: { endpoint: any(JAEGER_PORTS.queryHttp) },
        grpc: { endpoint: any(JAEGER_PORTS.queryGrpc) },
      },
      jaeger_storage: {
        backends: { [JAEGER_TRACE_STORE]: model.storage.backendConfig },
      },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: any(JAEGER_PORTS.otlpGrpc) },
          http: { endpoint: any(JAEGER_PORTS.otlpHttp) },
        },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: JAEGER_TRACE_STORE } },
  };
}
