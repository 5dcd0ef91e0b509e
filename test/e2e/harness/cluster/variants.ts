/**
 * Broken variants of the objects we emit, for the differential check of `validateManifests` against the
 * API server: each mutation breaks one thing (an unknown field, a wrong type, a value out of range, a
 * bad name, a missing required field, a rule of the kind's validation, a CRD CEL rule) on every object
 * it applies to. Ids are stable (`<kind>/<name>:<mutation>`), so a list of known differences can name them.
 */
import { KObject } from './client';

/** One mutation. */
export interface Mutation {
  readonly id: string;
  /** True when it applies to the object. */
  readonly applies: (o: KObject) => boolean;
  /** Breaks a copy of the object (in place). */
  readonly mutate: (o: any) => void;
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const isWorkload = (o: KObject) => WORKLOADS.has(o.kind) && o.apiVersion === 'apps/v1';
const isKind =
  (...kinds: string[]) =>
  (o: KObject) =>
    kinds.includes(o.kind);
const isCollector = (o: KObject) =>
  o.kind === 'OpenTelemetryCollector' && o.apiVersion === 'opentelemetry.io/v1beta1';
const isInstrumentation = (o: KObject) => o.kind === 'Instrumentation';
const pod = (o: any) => o.spec.template.spec;
const c0 = (o: any) => pod(o).containers[0];
const hasPorts = (o: any) => isWorkload(o) && (c0(o).ports ?? []).length > 0;

/** Every mutation. */
export const MUTATIONS: readonly Mutation[] = [
  // any kind
  { id: 'unknown-top-level-field', applies: () => true, mutate: (o) => (o.specs = {}) },
  { id: 'unknown-metadata-field', applies: () => true, mutate: (o) => (o.metadata.label = { a: 'b' }) },
  { id: 'name-uppercase-underscore', applies: () => true, mutate: (o) => (o.metadata.name = 'Bad_Name') },
  { id: 'name-254-characters', applies: () => true, mutate: (o) => (o.metadata.name = 'a'.repeat(254)) },
  {
    id: 'label-value-with-space',
    applies: () => true,
    mutate: (o) => (o.metadata.labels = { ...o.metadata.labels, app: 'bad value!' }),
  },
  {
    id: 'label-key-leading-dash',
    applies: () => true,
    mutate: (o) => (o.metadata.labels = { ...o.metadata.labels, '-bad': 'x' }),
  },
  {
    id: 'annotation-key-with-space',
    applies: () => true,
    mutate: (o) => (o.metadata.annotations = { ...o.metadata.annotations, 'bad key': 'x' }),
  },
  { id: 'labels-not-a-map', applies: () => true, mutate: (o) => (o.metadata.labels = ['a']) },
  {
    id: 'unknown-spec-field',
    applies: (o) => typeof (o as any).spec === 'object',
    mutate: (o) => (o.spec.bogusField = 1),
  },

  // workloads (Deployment, StatefulSet, DaemonSet)
  {
    id: 'replicas-as-string',
    applies: isKind('Deployment', 'StatefulSet'),
    mutate: (o) => (o.spec.replicas = '3'),
  },
  {
    id: 'replicas-negative',
    applies: isKind('Deployment', 'StatefulSet'),
    mutate: (o) => (o.spec.replicas = -1),
  },
  { id: 'selector-missing', applies: isWorkload, mutate: (o) => delete o.spec.selector },
  {
    id: 'selector-not-matching-template',
    applies: isWorkload,
    mutate: (o) => (o.spec.selector = { matchLabels: { 'e2e-nowhere': 'x' } }),
  },
  { id: 'container-name-missing', applies: isWorkload, mutate: (o) => delete c0(o).name },
  { id: 'container-image-missing', applies: isWorkload, mutate: (o) => delete c0(o).image },
  { id: 'container-unknown-field', applies: isWorkload, mutate: (o) => (c0(o).imagePullPolicies = 'Always') },
  { id: 'container-name-uppercase', applies: isWorkload, mutate: (o) => (c0(o).name = 'App') },
  {
    id: 'containers-duplicate-name',
    applies: isWorkload,
    mutate: (o) => pod(o).containers.push({ ...c0(o) }),
  },
  { id: 'containers-empty', applies: isWorkload, mutate: (o) => (pod(o).containers = []) },
  { id: 'image-pull-policy-enum', applies: isWorkload, mutate: (o) => (c0(o).imagePullPolicy = 'Sometimes') },
  { id: 'container-port-70000', applies: hasPorts, mutate: (o) => (c0(o).ports[0].containerPort = 70000) },
  {
    id: 'container-port-as-string',
    applies: hasPorts,
    mutate: (o) => (c0(o).ports[0].containerPort = '8080'),
  },
  {
    id: 'container-port-name-16-chars',
    applies: hasPorts,
    mutate: (o) => (c0(o).ports[0].name = 'abcdefghijklmnop'),
  },
  {
    id: 'container-port-protocol-enum',
    applies: hasPorts,
    mutate: (o) => (c0(o).ports[0].protocol = 'SCTPX'),
  },
  { id: 'host-port-70000', applies: hasPorts, mutate: (o) => (c0(o).ports[0].hostPort = 70000) },
  {
    id: 'memory-quantity-malformed',
    applies: isWorkload,
    mutate: (o) => (c0(o).resources = { limits: { memory: '2 GB' } }),
  },
  {
    id: 'memory-request-above-limit',
    applies: isWorkload,
    mutate: (o) => (c0(o).resources = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }),
  },
  {
    id: 'env-name-leading-digit',
    applies: isWorkload,
    mutate: (o) => (c0(o).env = [...(c0(o).env ?? []), { name: '1BAD', value: 'x' }]),
  },
  {
    id: 'env-name-with-equals',
    applies: isWorkload,
    mutate: (o) => (c0(o).env = [...(c0(o).env ?? []), { name: 'A=B', value: 'x' }]),
  },
  {
    id: 'env-value-and-value-from',
    applies: isWorkload,
    mutate: (o) =>
      (c0(o).env = [
        ...(c0(o).env ?? []),
        { name: 'X', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ]),
  },
  {
    id: 'env-field-path-unsupported',
    applies: isWorkload,
    mutate: (o) =>
      (c0(o).env = [
        ...(c0(o).env ?? []),
        { name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } },
      ]),
  },
  {
    id: 'env-value-as-number',
    applies: isWorkload,
    mutate: (o) => (c0(o).env = [...(c0(o).env ?? []), { name: 'X', value: 3 }]),
  },
  {
    id: 'volume-mount-of-undefined-volume',
    applies: isWorkload,
    mutate: (o) =>
      (c0(o).volumeMounts = [...(c0(o).volumeMounts ?? []), { name: 'e2e-undefined', mountPath: '/e2e' }]),
  },
  {
    id: 'volume-mount-relative-path',
    applies: (o) => isWorkload(o) && (pod(o).volumes ?? []).length > 0,
    mutate: (o) =>
      (c0(o).volumeMounts = [
        ...(c0(o).volumeMounts ?? []),
        { name: pod(o).volumes[0].name, mountPath: 'relative' },
      ]),
  },
  {
    id: 'volumes-duplicate-name',
    applies: (o) => isWorkload(o) && (pod(o).volumes ?? []).length > 0,
    mutate: (o) => pod(o).volumes.push({ ...pod(o).volumes[0] }),
  },
  { id: 'restart-policy-never', applies: isWorkload, mutate: (o) => (pod(o).restartPolicy = 'Never') },
  {
    id: 'termination-grace-negative',
    applies: isWorkload,
    mutate: (o) => (pod(o).terminationGracePeriodSeconds = -5),
  },
  {
    id: 'run-as-user-as-string',
    applies: isWorkload,
    mutate: (o) => (c0(o).securityContext = { ...c0(o).securityContext, runAsUser: 'root' }),
  },
  {
    id: 'service-account-name-invalid',
    applies: isWorkload,
    mutate: (o) => (pod(o).serviceAccountName = 'Bad_SA'),
  },
  {
    id: 'node-selector-bad-value',
    applies: isWorkload,
    mutate: (o) => (pod(o).nodeSelector = { 'kubernetes.io/os': 'linux os' }),
  },
  {
    id: 'toleration-operator-enum',
    applies: isWorkload,
    mutate: (o) => (pod(o).tolerations = [{ key: 'x', operator: 'Maybe' }]),
  },
  {
    id: 'toleration-exists-with-value',
    applies: isWorkload,
    mutate: (o) => (pod(o).tolerations = [{ key: 'x', operator: 'Exists', value: 'y' }]),
  },
  {
    id: 'probe-two-handlers',
    applies: isWorkload,
    mutate: (o) => (c0(o).readinessProbe = { httpGet: { path: '/', port: 8080 }, tcpSocket: { port: 8080 } }),
  },
  {
    id: 'probe-port-0',
    applies: isWorkload,
    mutate: (o) => (c0(o).livenessProbe = { tcpSocket: { port: 0 } }),
  },
  {
    id: 'template-label-value-invalid',
    applies: isWorkload,
    mutate: (o) =>
      (o.spec.template.metadata.labels = { ...o.spec.template.metadata.labels, tier: 'front end' }),
  },
  {
    id: 'strategy-type-enum',
    applies: isKind('Deployment'),
    mutate: (o) => (o.spec.strategy = { type: 'Rolling' }),
  },
  {
    id: 'pod-management-policy-enum',
    applies: isKind('StatefulSet'),
    mutate: (o) => (o.spec.podManagementPolicy = 'Random'),
  },
  {
    id: 'update-strategy-type-enum',
    applies: isKind('StatefulSet', 'DaemonSet'),
    mutate: (o) => (o.spec.updateStrategy = { type: 'Whenever' }),
  },
  {
    id: 'service-name-invalid',
    applies: isKind('StatefulSet'),
    mutate: (o) => (o.spec.serviceName = 'Bad_Service'),
  },
  {
    id: 'claim-template-access-mode-enum',
    applies: (o) => o.kind === 'StatefulSet' && ((o as any).spec.volumeClaimTemplates ?? []).length > 0,
    mutate: (o) => (o.spec.volumeClaimTemplates[0].spec.accessModes = ['ReadWriteSometimes']),
  },

  { id: 'container-name-64-chars', applies: isWorkload, mutate: (o) => (c0(o).name = 'c'.repeat(64)) },
  {
    id: 'container-ports-duplicate',
    applies: hasPorts,
    mutate: (o) => c0(o).ports.push({ ...c0(o).ports[0], name: 'dup' }),
  },
  {
    id: 'fs-group-as-string',
    applies: isWorkload,
    mutate: (o) => (pod(o).securityContext = { ...pod(o).securityContext, fsGroup: '10001' }),
  },
  {
    id: 'revision-history-negative',
    applies: isKind('Deployment', 'StatefulSet', 'DaemonSet'),
    mutate: (o) => (o.spec.revisionHistoryLimit = -1),
  },
  {
    id: 'rolling-update-max-unavailable-150-percent',
    applies: isKind('Deployment'),
    mutate: (o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } }),
  },
  {
    id: 'daemonset-max-unavailable-and-surge-0',
    applies: isKind('DaemonSet'),
    mutate: (o) =>
      (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
  },
  {
    id: 'template-label-value-64-chars',
    applies: isWorkload,
    mutate: (o) =>
      (o.spec.template.metadata.labels = { ...o.spec.template.metadata.labels, long: 'v'.repeat(64) }),
  },

  // Service
  {
    id: 'service-node-port-headless',
    applies: isKind('Service'),
    mutate: (o) => ((o.spec.type = 'NodePort'), (o.spec.clusterIP = 'None')),
  },
  {
    id: 'service-port-0',
    applies: (o) => o.kind === 'Service' && ((o as any).spec.ports ?? []).length > 0,
    mutate: (o) => (o.spec.ports[0].port = 0),
  },
  {
    id: 'service-port-70000',
    applies: (o) => o.kind === 'Service' && ((o as any).spec.ports ?? []).length > 0,
    mutate: (o) => (o.spec.ports[0].port = 70000),
  },
  {
    id: 'service-target-port-name-invalid',
    applies: (o) => o.kind === 'Service' && ((o as any).spec.ports ?? []).length > 0,
    mutate: (o) => (o.spec.ports[0].targetPort = 'Bad_Port'),
  },
  {
    id: 'service-ports-duplicate-name',
    applies: (o) => o.kind === 'Service' && ((o as any).spec.ports ?? []).length > 0,
    mutate: (o) => o.spec.ports.push({ ...o.spec.ports[0], port: 1 }),
  },
  {
    id: 'service-ports-missing',
    applies: (o) => o.kind === 'Service' && (o as any).spec.clusterIP !== 'None',
    mutate: (o) => delete o.spec.ports,
  },
  { id: 'service-type-enum', applies: isKind('Service'), mutate: (o) => (o.spec.type = 'Bogus') },
  {
    id: 'service-internal-traffic-policy-enum',
    applies: isKind('Service'),
    mutate: (o) => (o.spec.internalTrafficPolicy = 'Sometimes'),
  },
  {
    id: 'service-selector-bad-value',
    applies: isKind('Service'),
    mutate: (o) => (o.spec.selector = { app: 'bad value!' }),
  },
  {
    id: 'service-name-leading-digit',
    applies: isKind('Service'),
    mutate: (o) => (o.metadata.name = '1service'),
  },

  // ConfigMap, ServiceAccount, PVC, PDB, Namespace
  {
    id: 'configmap-key-invalid',
    applies: isKind('ConfigMap'),
    mutate: (o) => (o.data = { ...o.data, 'bad key!': 'x' }),
  },
  {
    id: 'configmap-value-as-number',
    applies: isKind('ConfigMap'),
    mutate: (o) => (o.data = { ...o.data, n: 3 }),
  },
  {
    id: 'configmap-binary-data-not-base64',
    applies: isKind('ConfigMap'),
    mutate: (o) => (o.binaryData = { bin: '***' }),
  },
  {
    id: 'automount-as-string',
    applies: isKind('ServiceAccount'),
    mutate: (o) => (o.automountServiceAccountToken = 'yes'),
  },
  {
    id: 'pvc-access-mode-enum',
    applies: isKind('PersistentVolumeClaim'),
    mutate: (o) => (o.spec.accessModes = ['ReadWriteSometimes']),
  },
  {
    id: 'pvc-storage-missing',
    applies: isKind('PersistentVolumeClaim'),
    mutate: (o) => (o.spec.resources = {}),
  },
  {
    id: 'pvc-storage-malformed',
    applies: isKind('PersistentVolumeClaim'),
    mutate: (o) => (o.spec.resources = { requests: { storage: '20 GB' } }),
  },
  { id: 'pdb-min-and-max', applies: isKind('PodDisruptionBudget'), mutate: (o) => (o.spec.minAvailable = 1) },
  {
    id: 'pdb-max-unavailable-150-percent',
    applies: isKind('PodDisruptionBudget'),
    mutate: (o) => (o.spec.maxUnavailable = '150%'),
  },
  {
    id: 'namespace-name-uppercase',
    applies: isKind('Namespace'),
    mutate: (o) => (o.metadata.name = 'Observability'),
  },

  // RBAC
  {
    id: 'rule-verbs-missing',
    applies: (o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && ((o as any).rules ?? []).length > 0,
    mutate: (o) => delete o.rules[0].verbs,
  },
  {
    id: 'rule-verbs-not-a-list',
    applies: (o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && ((o as any).rules ?? []).length > 0,
    mutate: (o) => (o.rules[0].verbs = 'get'),
  },
  {
    id: 'rule-unknown-field',
    applies: (o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && ((o as any).rules ?? []).length > 0,
    mutate: (o) => (o.rules[0].verb = ['get']),
  },
  {
    id: 'role-ref-kind-missing',
    applies: isKind('ClusterRoleBinding', 'RoleBinding'),
    mutate: (o) => delete o.roleRef.kind,
  },
  {
    id: 'role-ref-api-group-wrong',
    applies: isKind('ClusterRoleBinding', 'RoleBinding'),
    mutate: (o) => (o.roleRef.apiGroup = 'rbac'),
  },
  {
    id: 'subject-kind-enum',
    applies: (o) =>
      (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && ((o as any).subjects ?? []).length > 0,
    mutate: (o) => (o.subjects[0].kind = 'Robot'),
  },
  {
    id: 'subject-service-account-no-namespace',
    applies: (o) =>
      o.kind === 'ClusterRoleBinding' &&
      ((o as any).subjects ?? []).some((s: any) => s.kind === 'ServiceAccount'),
    mutate: (o) => delete o.subjects.find((s: any) => s.kind === 'ServiceAccount').namespace,
  },

  // webhook configurations, CRDs (the operator install)
  {
    id: 'webhook-side-effects-enum',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => (o.webhooks[0].sideEffects = 'Maybe'),
  },
  {
    id: 'webhook-failure-policy-enum',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => (o.webhooks[0].failurePolicy = 'Sometimes'),
  },
  {
    id: 'webhook-review-versions-missing',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => delete o.webhooks[0].admissionReviewVersions,
  },
  {
    id: 'webhook-url-and-service',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => (o.webhooks[0].clientConfig.url = 'https://127.0.0.1:9443/x'),
  },
  {
    id: 'webhook-names-duplicate',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => o.webhooks.push({ ...o.webhooks[0] }),
  },
  {
    id: 'crd-scope-enum',
    applies: isKind('CustomResourceDefinition'),
    mutate: (o) => (o.spec.scope = 'Global'),
  },
  {
    id: 'crd-no-storage-version',
    applies: isKind('CustomResourceDefinition'),
    mutate: (o) => o.spec.versions.forEach((v: any) => (v.storage = false)),
  },
  {
    id: 'deployment-env-value-from-two-sources',
    applies: (o) => isWorkload(o) && (c0(o).env ?? []).some((e: any) => e.valueFrom),
    mutate: (o) =>
      (c0(o).env.find((e: any) => e.valueFrom).valueFrom.configMapKeyRef = { name: 'x', key: 'y' }),
  },

  // cert-manager
  {
    id: 'certificate-dns-names-not-a-list',
    applies: isKind('Certificate'),
    mutate: (o) => (o.spec.dnsNames = 'a.example.com'),
  },
  {
    id: 'certificate-secret-name-missing',
    applies: isKind('Certificate'),
    mutate: (o) => delete o.spec.secretName,
  },
  {
    id: 'issuer-self-signed-as-string',
    applies: isKind('Issuer'),
    mutate: (o) => (o.spec.selfSigned = 'yes'),
  },

  // OpenTelemetryCollector (schema and CEL)
  { id: 'collector-mode-enum', applies: isCollector, mutate: (o) => (o.spec.mode = 'sidecars') },
  {
    id: 'collector-sidecar-with-tolerations',
    applies: isCollector,
    mutate: (o) => (
      (o.spec.mode = 'sidecar'),
      (o.spec.tolerations = [{ operator: 'Exists' }]),
      delete o.spec.replicas
    ),
  },
  {
    id: 'collector-sidecar-with-priority-class',
    applies: isCollector,
    mutate: (o) => (
      (o.spec.mode = 'sidecar'),
      (o.spec.priorityClassName = 'high'),
      delete o.spec.tolerations
    ),
  },
  {
    id: 'collector-sidecar-with-affinity',
    applies: isCollector,
    mutate: (o) => (
      (o.spec.mode = 'sidecar'),
      (o.spec.affinity = { nodeAffinity: {} }),
      delete o.spec.tolerations
    ),
  },
  {
    id: 'collector-sidecar-with-additional-containers',
    applies: isCollector,
    mutate: (o) => (
      (o.spec.mode = 'sidecar'),
      (o.spec.additionalContainers = [{ name: 'x', image: 'busybox' }]),
      delete o.spec.tolerations
    ),
  },
  { id: 'collector-replicas-as-string', applies: isCollector, mutate: (o) => (o.spec.replicas = '3') },
  {
    id: 'collector-replicas-int32-overflow',
    applies: isCollector,
    mutate: (o) => (o.spec.replicas = 3_000_000_000),
  },
  { id: 'collector-config-missing', applies: isCollector, mutate: (o) => delete o.spec.config },
  {
    id: 'collector-config-service-unknown-field',
    applies: isCollector,
    mutate: (o) => (o.spec.config.service.pipeline = {}),
  },
  {
    id: 'collector-config-pipelines-not-a-map',
    applies: isCollector,
    mutate: (o) => (o.spec.config.service.pipelines = ['traces']),
  },
  {
    id: 'collector-memory-quantity-malformed',
    applies: isCollector,
    mutate: (o) => (o.spec.resources = { limits: { memory: 'lots' } }),
  },
  {
    id: 'collector-management-state-enum',
    applies: isCollector,
    mutate: (o) => (o.spec.managementState = 'bogus'),
  },
  {
    id: 'collector-upgrade-strategy-enum',
    applies: isCollector,
    mutate: (o) => (o.spec.upgradeStrategy = 'sometimes'),
  },
  {
    id: 'collector-env-unknown-field',
    applies: isCollector,
    mutate: (o) => (o.spec.env = [...(o.spec.env ?? []), { name: 'X', values: 'y' }]),
  },
  {
    id: 'collector-env-name-missing',
    applies: isCollector,
    mutate: (o) => (o.spec.env = [...(o.spec.env ?? []), { value: 'y' }]),
  },
  {
    id: 'collector-security-context-unknown-field',
    applies: isCollector,
    mutate: (o) => (o.spec.securityContext = { ...o.spec.securityContext, runAsRoot: true }),
  },
  {
    id: 'collector-toleration-unknown-field',
    applies: isCollector,
    mutate: (o) => (o.spec.tolerations = [{ key: 'x', operatr: 'Exists' }]),
  },
  {
    id: 'collector-pdb-max-unavailable-as-bool',
    applies: isCollector,
    mutate: (o) => (o.spec.podDisruptionBudget = { maxUnavailable: true }),
  },
  {
    id: 'collector-target-allocator-enabled-as-string',
    applies: isCollector,
    mutate: (o) => (o.spec.targetAllocator = { enabled: 'yes' }),
  },
  { id: 'collector-image-as-number', applies: isCollector, mutate: (o) => (o.spec.image = 158) },
  {
    id: 'collector-claim-templates-in-daemonset',
    applies: (o) => isCollector(o) && (o as any).spec.mode === 'daemonset',
    mutate: (o) =>
      (o.spec.volumeClaimTemplates = [
        {
          metadata: { name: 'q' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ]),
  },
  {
    id: 'collector-unserved-api-version',
    applies: isCollector,
    mutate: (o) => (o.apiVersion = 'opentelemetry.io/v1'),
  },

  // Instrumentation
  {
    id: 'instrumentation-sampler-enum',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.sampler = { type: 'ratio' }),
  },
  {
    id: 'instrumentation-propagator-enum',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.propagators = ['tracecontext', 'w3c']),
  },
  {
    id: 'instrumentation-exporter-unknown-field',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.exporter = { ...o.spec.exporter, endpoints: 'x' }),
  },
  {
    id: 'instrumentation-endpoint-as-number',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.exporter = { endpoint: 4317 }),
  },
  {
    id: 'instrumentation-env-name-missing',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.env = [{ value: 'x' }]),
  },
  {
    id: 'instrumentation-java-unknown-field',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.java = { ...o.spec.java, agent: 'x' }),
  },
  {
    id: 'instrumentation-resource-attributes-not-strings',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.resource = { resourceAttributes: { a: 1 } }),
  },
  {
    id: 'instrumentation-unserved-api-version',
    applies: isInstrumentation,
    mutate: (o) => (o.apiVersion = 'opentelemetry.io/v1beta1'),
  },

  // more rules of the API server and the CRDs
  {
    id: 'webhook-side-effects-some',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => (o.webhooks[0].sideEffects = 'Some'),
  },
  {
    id: 'webhook-timeout-31',
    applies: isKind('MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'),
    mutate: (o) => (o.webhooks[0].timeoutSeconds = 31),
  },
  {
    id: 'collector-port-70000',
    applies: isCollector,
    mutate: (o) => (o.spec.ports = [{ name: 'extra', port: 70000 }]),
  },
  { id: 'collector-replicas-negative', applies: isCollector, mutate: (o) => (o.spec.replicas = -1) },
  {
    id: 'instrumentation-sampler-argument-not-a-number',
    applies: isInstrumentation,
    mutate: (o) => (o.spec.sampler = { type: 'parentbased_traceidratio', argument: 'half' }),
  },
];

/** One broken variant. */
export interface Variant {
  /** `<Kind>/<name>:<mutation>`. */
  readonly id: string;
  readonly mutation: string;
  readonly kind: string;
  readonly object: KObject;
  /** The object it was made from. */
  readonly original: KObject;
}

/** Every applicable mutation of every object (objects deduplicated by kind and name, first one kept). */
export function variantsOf(objects: readonly KObject[]): Variant[] {
  const seen = new Set<string>();
  const out: Variant[] = [];
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const m of MUTATIONS) {
      if (!m.applies(o)) continue;
      const copy = structuredClone(o);
      m.mutate(copy);
      out.push({ id: `${key}:${m.id}`, mutation: m.id, kind: o.kind, object: copy, original: o });
    }
  }
  return out;
}
