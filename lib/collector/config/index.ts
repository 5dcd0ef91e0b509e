// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export { AttributeAction } from './attribute-action';
export { COMPRESSIONS } from './client-settings';
export type {
  ClientTlsProps,
  OtlpCompression,
  QueueBatchProps,
  RetryProps,
  SendingQueueProps,
  ServerTlsProps,
} from './client-settings';
export { CollectorConfig, WARNING_RULES } from './collector-config';
export type {
  CollectorConfigProps,
  ComponentTypeRef,
  ConfigValidateOptions,
  TelemetryProps,
} from './collector-config';
export { CollectorComponent, ConfiguredComponent, NAME_PATTERN, TYPE_PATTERN } from './component';
export type { ComponentOptions, CustomComponentOptions, ListeningPort, SecretEnvVar } from './component';
export { K8S_METADATA_FIELDS } from './component-parsers';
export { COMPONENT_KINDS, COMPONENT_TYPES } from './component-types';
export type { ComponentKind, ComponentTypeInfo } from './component-types';
export type { ConfigObject, ConfigValue } from './config-values';
export { Connector } from './connector';
export { COLLECTOR_VERSION, CollectorDistribution } from './distribution';
export type { ComponentAvailability } from './distribution';
export { envRef } from './env-ref';
export type { ExpansionProblem } from './env-ref';
export { Exporter, OtlpExporter } from './exporter';
export type { BackendExporterOptions, OtlpExporterProps } from './exporter';
export { EndpointExtension, Extension } from './extension';
export { CollectorConfigError, formatFindings } from './findings';
export type { Finding } from '../../common/findings';
export { LoadBalancingExporter, LoadBalancingResolver } from './load-balancing';
export type { LoadBalancingProps, RoutingKey } from './load-balancing';
export { OTLP_CLIENT_KEYS } from './otlp-client';
export type { OtlpClientProps } from './otlp-client';
export { PIPELINE_SIGNALS, Pipeline } from './pipeline';
export type { ComponentRef, PipelineProps, PipelineSignal } from './pipeline';
export { Processor } from './processor';
export type {
  AttributeMatch,
  AttributesMatchProps,
  AttributesProcessorProps,
  AttributesProps,
  K8sAttributesProps,
  K8sTagRule,
  PodAssociationSource,
  ProbabilisticSamplerProps,
} from './processor';
export { REDACTION_HASH_FUNCTIONS } from './redaction';
export type { RedactionHashFunction, RedactionProps } from './redaction';
export { OtlpReceiver, Receiver } from './receiver';
export type { CorsProps, OtlpGrpcServerProps, OtlpHttpServerProps, OtlpReceiverProps } from './receiver';
export { Policy } from './policies';
export type { CompositePolicyProps } from './policies';
export { COMPOSING_POLICY_TYPES } from './policy-types';
export type {
  LatencyPolicyProps,
  NumericAttributePolicyProps,
  OttlConditionPolicyProps,
  PolicyOptions,
  PolicyType,
  ProbabilisticPolicyProps,
  RateAllocation,
  SpanCountPolicyProps,
  SpanStatusCode,
  StringAttributePolicyProps,
} from './policy-types';
export { TailSamplingProcessor } from './tail-sampling';
export type { TailSamplingProps } from './tail-sampling';
export { sizeTailSampling } from './tail-sampling-sizing';
export type {
  TailSamplingSizing,
  TailSamplingSizingProps,
  TailSamplingTraffic,
} from './tail-sampling-sizing';
export type {
  BatchProps,
  DebugEndpointProps,
  DebugExporterProps,
  FileStorageProps,
  HealthCheckProps,
  MemoryLimiterProps,
} from './component-fields';
export { TRACING_DEFAULTS } from './defaults';
