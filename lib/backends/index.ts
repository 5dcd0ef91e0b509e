// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export type { BackendHeader, BackendServiceRef, BackendTls, ITraceBackend } from '../common/trace-backend';
export { Backend } from './backend';
export type { BackendBindOptions } from './backend';
export { ExternalOtlpBackend } from './external-otlp';
export type { ExternalOtlpOptions, ExternalOtlpTlsOptions } from './external-otlp';
export { Tempo } from './tempo';
export type { TempoProps } from './tempo';
export { TEMPO_PORTS } from './tempo-config';
export type {
  TempoConfigModel,
  TempoIngesterOptions,
  TempoLogLevel,
  TempoMetricsGeneratorOptions,
  TempoMetricsProcessor,
} from './tempo-config';
export { TEMPO_DATA_DIR, TempoStorage } from './tempo-storage';
export type {
  S3Credentials,
  SecretFileMount,
  TempoAzureStorageProps,
  TempoGcsStorageProps,
  TempoLocalStorageProps,
  TempoS3StorageProps,
  TempoStorageModel,
  TempoVolumeOptions,
} from './tempo-storage';
export { TempoVersion } from './tempo-version';
export { JAEGER_DEFAULT_VERSION, Jaeger } from './jaeger';
export type { JaegerProps } from './jaeger';
export { JAEGER_PORTS, JAEGER_TRACE_STORE } from './jaeger-config';
export type { JaegerConfigModel, JaegerLogLevel } from './jaeger-config';
export { IndexRotation, JAEGER_BADGER_DIR, JAEGER_TLS_DIR, JaegerStorage } from './jaeger-storage';
export type {
  JaegerBadgerStorageProps,
  JaegerCassandraStorageProps,
  JaegerMemoryStorageProps,
  JaegerSearchStorageProps,
  JaegerSecretFile,
  JaegerStorageModel,
  JaegerStorageTls,
} from './jaeger-storage';
export type { BackendServiceMonitorOptions, ServiceMonitorTarget } from './service-monitor';
export { InClusterBackend } from './in-cluster-backend';
export type { BackendSecretFile, InClusterBackendPorts } from './in-cluster-backend';
