import { CollectorConfig, ListeningPort } from './config';
import { goMemLimit, ResolvedResources } from './collector-resources';
import { gibibytes } from '../common/quantity';

/** Kubernetes workload kind a collector runs as (the operator's `spec.mode` values). */
export type CollectorMode = 'daemonset' | 'statefulset' | 'deployment';

/** One RBAC rule (`rules[]` entry of a Role/ClusterRole). */
export interface RbacRule {
  /** API groups (`''` is the core group). */
  readonly apiGroups: readonly string[];
  /** Resource plurals, e.g. `pods`. */
  readonly resources: readonly string[];
  /** Verbs, e.g. `get`, `list`, `watch` (never `*`). */
  readonly verbs: readonly string[];
}

/** Namespaced permissions granted to the collector's ServiceAccount in `namespace`. */
export interface NamespacedRbac {
  /** Namespace of the Role and RoleBinding. */
  readonly namespace: string;
  /** Rules of the Role bound in that namespace. */
  readonly rules: readonly RbacRule[];
}

/** A Secret key mounted as a file (e.g. the backend CA bundle). */
export interface CollectorSecretFileMount {
  /** Pod volume name. */
  readonly volumeName: string;
  /** Secret holding the file. */
  readonly secretName: string;
  /** Key of the Secret (also the file name). */
  readonly key: string;
  /** Directory; the file is `<mountPath>/<key>`. */
  readonly mountPath: string;
}

/** A PVC per replica (StatefulSet volumeClaimTemplates) holding the exporter's persistent queue. */
export interface PersistentQueueVolume {
  /** Pod volume name. */
  readonly volumeName: string;
  /** Where the queue's file_storage directory is mounted in the container. */
  readonly mountPath: string;
  /** PVC size per replica, GiB. */
  readonly sizeGiB: number;
  /** StorageClass. @default - the cluster default */
  readonly storageClassName?: string;
}

/** One environment variable of the collector container (value, downward API or Secret key). */
export interface CollectorEnvVar {
  /** Variable name. */
  readonly name: string;
  /** Literal value. @default - none */
  readonly value?: string;
  /** Downward-API field path. @default - none */
  readonly fieldPath?: string;
  /** Secret key reference. @default - none */
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

/**
 * Runtime-neutral description of a collector workload: what `CollectorAgent` and `TailSamplingGateway`
 * decide, and what both runtimes (`CollectorRuntime.manifests()` / `.operator()`) render. Keeping one
 * description guarantees that the plain manifests and the OpenTelemetryCollector CR carry the same
 * env, resources, security context, tolerations and volumes.
 */
export interface CollectorWorkloadSpec {
  /** Base name (CR name, or workload/ConfigMap/Service name for plain manifests). */
  readonly name: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /** Workload kind. */
  readonly mode: CollectorMode;
  /** `agent` or `gateway` (label `app.kubernetes.io/component`). */
  readonly component: string;
  /** The collector config. */
  readonly config: CollectorConfig;
  /** Pinned collector image. */
  readonly image: string;
  /** Binary of the image's distribution, for `command` (`otelcol-k8s`). */
  readonly binary: string;
  /** Replicas (statefulset/deployment only). @default - 1 */
  readonly replicas?: number;
  /** Container resources. */
  readonly resources: ResolvedResources;
  /** Container environment. */
  readonly env: readonly CollectorEnvVar[];
  /** Receiver ports also bound on the node (`hostPort`). */
  readonly hostPorts: boolean;
  /** Node-local Service (`internalTrafficPolicy: Local`) instead of a cluster-wide one. */
  readonly nodeLocalService: boolean;
  /** Emit a headless Service (load_balancing dns resolver, StatefulSet identity). */
  readonly headlessService: boolean;
  /** Pod tolerations. @default - none */
  readonly tolerations?: readonly Record<string, unknown>[];
  /** Pod priority class. @default - none */
  readonly priorityClassName?: string;
  /** Cluster-wide read permissions (k8s_attributes). Empty: no ClusterRole. */
  readonly clusterRules: readonly RbacRule[];
  /** Namespaced permissions (k8s resolver of load_balancing). */
  readonly namespacedRbac: readonly NamespacedRbac[];
  /** Whether the pod needs its ServiceAccount token (any API access). */
  readonly needsApiAccess: boolean;
  /** PodDisruptionBudget `maxUnavailable` (statefulset/deployment). @default - no PDB */
  readonly maxUnavailable?: number;
  /** Secret keys mounted as files (backend CA). */
  readonly secretFiles: readonly CollectorSecretFileMount[];
  /** PVC for the persistent exporter queue. @default - none */
  readonly persistentQueue?: PersistentQueueVolume;
  /** Health check port and path for probes. @default - no probes */
  readonly health?: { readonly port: number; readonly path: string };
  /** Extra labels on every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Env var names set from the downward API (the names the Helm chart uses, so configs port over). */
export const DOWNWARD_ENV = {
  podIp: 'MY_POD_IP',
  nodeName: 'OTEL_K8S_NODE_NAME',
  nodeIp: 'OTEL_K8S_NODE_IP',
  namespace: 'OTEL_K8S_NAMESPACE',
  podName: 'OTEL_K8S_POD_NAME',
  podIpK8s: 'OTEL_K8S_POD_IP',
} as const;

/** Downward-API env, GOMEMLIMIT and the Secret-backed env of the config. */
export function collectorEnv(config: CollectorConfig, memoryLimitMiB: number): CollectorEnvVar[] {
  const env: CollectorEnvVar[] = [
    { name: DOWNWARD_ENV.podIp, fieldPath: 'status.podIP' },
    { name: DOWNWARD_ENV.nodeName, fieldPath: 'spec.nodeName' },
    { name: DOWNWARD_ENV.nodeIp, fieldPath: 'status.hostIP' },
    { name: DOWNWARD_ENV.namespace, fieldPath: 'metadata.namespace' },
    { name: DOWNWARD_ENV.podName, fieldPath: 'metadata.name' },
    { name: DOWNWARD_ENV.podIpK8s, fieldPath: 'status.podIP' },
    { name: 'GOMEMLIMIT', value: goMemLimit(memoryLimitMiB) },
  ];
  for (const s of config.secretEnv()) {
    if (env.some((e) => e.name === s.name)) {
      throw new Error(`collector env: "${s.name}" is set twice (Secret-backed header and built-in variable); rename the header variable`);
    }
    env.push({ name: s.name, secretKeyRef: { name: s.secretKeyRef.name, key: s.secretKeyRef.key } });
  }
  return env;
}

/** Kubernetes `env` entries. */
export function renderEnv(env: readonly CollectorEnvVar[]): Record<string, unknown>[] {
  return env.map((e) => {
    if (e.fieldPath) return { name: e.name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: e.fieldPath } } };
    if (e.secretKeyRef) return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } };
    return { name: e.name, value: e.value ?? '' };
  });
}

/** Ports a Service should expose: receivers and self-metrics (not health/pprof/zpages). */
export function servicePorts(ports: readonly ListeningPort[]): ListeningPort[] {
  return ports.filter((p) => !p.componentId.startsWith('health_check') && !p.componentId.startsWith('pprof') && !p.componentId.startsWith('zpages'));
}

/** Receiver ports only (what hostPort exposes on the node). */
export function receiverPorts(config: CollectorConfig): ListeningPort[] {
  const ids = new Set(config.components('receiver').map((c) => c.id));
  return config.listeningPorts().filter((p) => ids.has(p.componentId));
}

export { containerSecurityContext, podSecurityContext } from '../common/pod-security';

/** Volumes and mounts of the Secret files and the queue (not the config; runtimes add that). */
export function extraVolumes(spec: CollectorWorkloadSpec): { volumes: Record<string, unknown>[]; mounts: Record<string, unknown>[] } {
  const volumes: Record<string, unknown>[] = [];
  const mounts: Record<string, unknown>[] = [];
  for (const f of spec.secretFiles) {
    volumes.push({ name: f.volumeName, secret: { secretName: f.secretName, items: [{ key: f.key, path: f.key }] } });
    mounts.push({ name: f.volumeName, mountPath: f.mountPath, readOnly: true });
  }
  if (spec.persistentQueue) mounts.push({ name: spec.persistentQueue.volumeName, mountPath: spec.persistentQueue.mountPath });
  return { volumes, mounts };
}

/** volumeClaimTemplates entry of the persistent queue. */
export function queueClaimTemplate(q: PersistentQueueVolume): Record<string, unknown> {
  return {
    metadata: { name: q.volumeName },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: gibibytes(q.sizeGiB) } },
      ...(q.storageClassName ? { storageClassName: q.storageClassName } : {}),
    },
  };
}
