// The public API of this room: a deliberate list (internal helpers are imported from their modules).

export { AgentDelivery, CollectorAgent, NODE_IP_ENV } from './collector-agent';
export type { CollectorAgentProps } from './collector-agent';
export { CollectorConstruct } from './collector-base';
export type { AddBackendOptions } from './collector-base';
export { BACKEND_CA_DIR, MAX_COLLECTOR_NAME } from './collector-common';
export { K8S_ATTRIBUTES_RULES, K8S_RESOLVER_RULES } from './collector-rbac';
export { MIN_COLLECTOR_MEMORY_MIB } from './collector-resources';
export type { CollectorResources, ResolvedResources } from './collector-resources';
export { COLLECTOR_RULES } from './collector-rules';
export { CollectorRuntime } from './collector-runtime';
export type { OperatorRuntimeOptions } from './collector-runtime';
export { DOWNWARD_ENV } from './collector-workload-spec';
export type {
  CollectorEnvVar,
  CollectorMode,
  CollectorSecretFileMount,
  CollectorWorkloadSpec,
  NamespacedRbac,
  PersistentQueueVolume,
  RbacRule,
} from './collector-workload-spec';
export { CONFIG_DIR, CONFIG_FILE } from './manifests-runtime';
export { COLLECTOR_COMPONENT_LABEL } from './runtime-common';
export type { RenderedCollector } from './runtime-common';
export { QUEUE_DIR, TailSamplingGateway, sizeGateway } from './tail-sampling-gateway';
export type {
  GatewayProcessorOptions,
  GatewayResolver,
  GatewaySizing,
  GatewaySizingLimits,
  GatewayTraffic,
  PersistentQueueProps,
  TailSamplingGatewayProps,
} from './tail-sampling-gateway';
