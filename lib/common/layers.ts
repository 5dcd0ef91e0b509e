import { isBuiltinGroup } from './schema-data';

/**
 * The order in which a tracing stack must be applied. The operator's CR webhooks fail closed
 * (a CR applied before the operator is ready is rejected) and injection happens only at pod
 * creation (an Instrumentation must exist before the pods it instruments), hence:
 * CRDs -> cert-manager objects -> operator -> custom resources -> workloads.
 */
export enum ApplyLayer {
  /** Namespaces and CustomResourceDefinitions. */
  CRDS = 0,
  /** cert-manager Issuers and Certificates (the operator webhook's serving certificate). */
  CERT_MANAGER = 1,
  /**
   * The operator itself (its RBAC, Services, Deployment and webhook configurations), and every
   * ServiceAccount and RBAC object: collector pods the operator creates from the CRs of the next
   * layer must find their permissions in place (k8s_attributes, the k8s resolver).
   */
  OPERATOR = 2,
  /** OpenTelemetry custom resources (Instrumentation, OpenTelemetryCollector) and other CRs. */
  CUSTOM_RESOURCES = 3,
  /** Everything else: collectors as plain manifests, backends, instrumented applications. */
  WORKLOADS = 4,
}

/** The Argo CD annotation that orders sync waves (lower waves are applied first). */
export const ARGOCD_SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Lowercase names of the layers, e.g. for file names (`01-cert-manager.k8s.yaml`). */
export const APPLY_LAYER_NAMES: Record<ApplyLayer, string> = {
  [ApplyLayer.CRDS]: 'crds',
  [ApplyLayer.CERT_MANAGER]: 'cert-manager',
  [ApplyLayer.OPERATOR]: 'operator-rbac',
  [ApplyLayer.CUSTOM_RESOURCES]: 'custom-resources',
  [ApplyLayer.WORKLOADS]: 'workloads',
};

const OPERATOR_NAME = 'opentelemetry-operator';
const ACCESS_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

/** Classifies a manifest into its apply layer, from its content alone. */
export function applyLayerOf(obj: { apiVersion?: string; kind?: string; metadata?: { labels?: Record<string, string> } }): ApplyLayer {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  if (kind === 'CustomResourceDefinition' || (kind === 'Namespace' && apiVersion === 'v1')) return ApplyLayer.CRDS;
  if (apiVersion.startsWith('cert-manager.io/')) return ApplyLayer.CERT_MANAGER;
  if (kind === 'MutatingWebhookConfiguration' || kind === 'ValidatingWebhookConfiguration') return ApplyLayer.OPERATOR;
  if (obj.metadata?.labels?.['app.kubernetes.io/name'] === OPERATOR_NAME) return ApplyLayer.OPERATOR;
  if (ACCESS_KINDS.has(kind) && (apiVersion === 'v1' || apiVersion.startsWith('rbac.authorization.k8s.io/'))) return ApplyLayer.OPERATOR;
  const slash = apiVersion.lastIndexOf('/');
  if (!isBuiltinGroup(slash < 0 ? '' : apiVersion.slice(0, slash))) return ApplyLayer.CUSTOM_RESOURCES;
  return ApplyLayer.WORKLOADS;
}
