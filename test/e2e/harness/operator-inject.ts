/**
 * The container env the OpenTelemetry Operator v0.158.0 admission webhook injects into a pod for an
 * Instrumentation CR, transcribed from its source (`internal/instrumentation/sdk.go`, `nodejs.go`,
 * `exporter.go`, `helper.go`, `pkg/constants/env.go` at tag v0.158.0), in the operator's order:
 *
 * Node.js (`inject-nodejs`, `injectNodeJS`):
 *  1. `injectNodeJSSDKToContainer`: the `spec.nodejs.env` entries not already set (appendIfNotSet);
 *     refuses a NODE_OPTIONS that uses valueFrom.
 *  2. `injectCommonEnvVar`: OTEL_POD_IP (status.podIP) and OTEL_NODE_IP (status.hostIP) PREPENDED when
 *     absent (so NODE_IP ends up first), then `spec.env` entries not already set.
 *  3. `injectDefaultNodeJSEnvVars`: NODE_OPTIONS = existing value + " --require
 *     /otel-auto-instrumentation-nodejs/autoinstrumentation.js" (the image's hard link to
 *     auto-instrumentations-node's build/src/register.js), OTEL_METRICS_EXPORTER=otlp when absent.
 *  4. `injectCommonSDKConfig` (below).
 *
 * SDK only (`inject-sdk`, `injectSdk`): steps 2 and 4, for apps with the SDK compiled in (our Go service).
 *
 * `injectCommonSDKConfig`: OTEL_SERVICE_NAME when absent (`chooseServiceName`: the
 * `resource.opentelemetry.io/service.name` annotation, labels only with `defaults.useLabelsForResourceAttributes`,
 * else k8s.deployment.name, replicaset, statefulset, daemonset, cronjob, job, pod name, container name);
 * OTEL_EXPORTER_OTLP_ENDPOINT = `spec.exporter.endpoint` when absent (TLS files only with
 * `spec.exporter.tls`); OTEL_RESOURCE_ATTRIBUTES_POD_NAME (metadata.name) always; OTEL_RESOURCE_ATTRIBUTES_POD_UID
 * with `resource.addK8sUIDAttributes`; OTEL_RESOURCE_ATTRIBUTES_NODE_NAME (spec.nodeName) when the pod has no
 * node yet (at admission it never has); OTEL_RESOURCE_ATTRIBUTES (created, or appended to with a comma) from
 * `createResourceMap`: `spec.resource.attributes`, then k8s.namespace.name, k8s.container.name, k8s.pod.name,
 * k8s.node.name, service.instance.id = `<ns>.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).<container>`, the owner chain
 * (k8s.replicaset.name -> k8s.deployment.name, ...), `resource.opentelemetry.io/*` annotations,
 * service.namespace = the namespace, service.version from the image tag — keys sorted, empty values
 * dropped, keys already in the container's OTEL_RESOURCE_ATTRIBUTES left alone; OTEL_PROPAGATORS =
 * `spec.propagators` joined with commas when absent; OTEL_TRACES_SAMPLER (and _ARG when `spec.sampler.argument`)
 * when neither is set; finally OTEL_RESOURCE_ATTRIBUTES moved to the end (it references earlier variables).
 *
 * The result is the manifest form (`valueFrom` kept); `pod-env.ts podEnv` resolves it as the kubelet does.
 * When the control-plane harness lands, the env can be read from a pod the real operator mutated instead.
 */

/** A container env entry (manifest form). */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: any;
}

/**
 * The pod as the webhook sees it. At admission a pod created by a ReplicaSet has no name (generateName),
 * no uid and no node yet; tests of the operator set them.
 */
export interface AdmittedPod {
  readonly namespace: string;
  readonly name?: string;
  readonly uid?: string;
  readonly nodeName?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** The owner chain, nearest first, e.g. [{ kind: 'ReplicaSet', name: 'frontend-7d4f9' }, { kind: 'Deployment', name: 'frontend' }]. */
  readonly owners: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly uid?: string }>;
}

/** A container as the webhook sees it. */
export interface AdmittedContainer {
  readonly name: string;
  readonly image?: string;
  readonly env?: readonly EnvVar[];
}

/** What the webhook injects. */
export type InjectedSdk = 'nodejs' | 'sdk';

const NODE_REQUIRE = ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js';
/** Where the operator mounts the Node.js auto-instrumentation (its init container copies the image there). */
export const NODEJS_INSTRUMENTATION_DIR = '/otel-auto-instrumentation-nodejs';

function field(path: string): any {
  return { fieldRef: { fieldPath: path } };
}

function idx(env: EnvVar[], name: string): number {
  return env.findIndex((e) => e.name === name);
}

function appendIfNotSet(env: EnvVar[], add: readonly EnvVar[]): EnvVar[] {
  const out = [...env];
  for (const e of add) if (idx(out, e.name) === -1) out.push(e);
  return out;
}

/** Semconv v1.7.0 keys the operator uses. */
const K = {
  ns: 'k8s.namespace.name',
  container: 'k8s.container.name',
  pod: 'k8s.pod.name',
  podUid: 'k8s.pod.uid',
  node: 'k8s.node.name',
  instance: 'service.instance.id',
  version: 'service.version',
  serviceNs: 'service.namespace',
  serviceName: 'service.name',
};

const OWNER_KEYS: Record<string, string> = {
  replicaset: 'k8s.replicaset.name',
  deployment: 'k8s.deployment.name',
  statefulset: 'k8s.statefulset.name',
  daemonset: 'k8s.daemonset.name',
  job: 'k8s.job.name',
  cronjob: 'k8s.cronjob.name',
};

/** `parseServiceVersionFromImage` for the usual `repo[:tag][@digest]` forms. */
export function imageVersion(image: string | undefined): string {
  if (!image) return '';
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : '';
  if (digest) return tag ? `${tag}@${digest}` : digest;
  return tag;
}

/**
 * The env of `container` after the webhook injected `sdk` from the Instrumentation CR `inst`
 * (an `opentelemetry.io/v1alpha1` Instrumentation object as the library emits it).
 */
export function operatorInjectedEnv(
  inst: any,
  pod: AdmittedPod,
  container: AdmittedContainer,
  sdk: InjectedSdk,
): EnvVar[] {
  if (inst?.kind !== 'Instrumentation')
    throw new Error('operator-inject: inst is not an Instrumentation object');
  const spec = inst.spec ?? {};
  let env: EnvVar[] = [...(container.env ?? [])];
  if (sdk === 'nodejs') {
    const opts = env.find((e) => e.name === 'NODE_OPTIONS');
    if (opts?.valueFrom)
      throw new Error('operator-inject: NODE_OPTIONS uses valueFrom; the operator skips Node.js injection');
    env = appendIfNotSet(env, spec.nodejs?.env ?? []);
  }
  env = injectCommonEnvVar(spec, env);
  if (sdk === 'nodejs') env = injectDefaultNodeJSEnvVars(env);
  return injectCommonSDKConfig(spec, pod, { ...container, env });
}

/** `injectCommonEnvVar`: OTEL_POD_IP, OTEL_NODE_IP prepended when absent; `spec.env` appended when absent. */
export function injectCommonEnvVar(spec: any, envIn: readonly EnvVar[]): EnvVar[] {
  let env = [...envIn];
  for (const e of [
    { name: 'OTEL_POD_IP', valueFrom: field('status.podIP') },
    { name: 'OTEL_NODE_IP', valueFrom: field('status.hostIP') },
  ]) {
    if (idx(env, e.name) === -1) env = [e, ...env];
  }
  return appendIfNotSet(env, spec.env ?? []);
}

/** `injectDefaultNodeJSEnvVars` (getDefaultNodeJSEnvVars + appendOrReplace). */
export function injectDefaultNodeJSEnvVars(envIn: readonly EnvVar[]): EnvVar[] {
  const env = [...envIn];
  const add: EnvVar[] = [];
  const i = idx(env, 'NODE_OPTIONS');
  if (i === -1) add.push({ name: 'NODE_OPTIONS', value: NODE_REQUIRE });
  else if (!env[i].valueFrom)
    add.push({ name: 'NODE_OPTIONS', value: `${env[i].value ?? ''}${NODE_REQUIRE}` });
  if (idx(env, 'OTEL_METRICS_EXPORTER') === -1) add.push({ name: 'OTEL_METRICS_EXPORTER', value: 'otlp' });
  for (const e of add) {
    const j = idx(env, e.name);
    if (j === -1) env.push(e);
    else env[j] = e;
  }
  return env;
}

/** `injectCommonSDKConfig` for the app container (the container that holds the SDK). Returns its new env. */
export function injectCommonSDKConfig(spec: any, pod: AdmittedPod, container: AdmittedContainer): EnvVar[] {
  if (spec.exporter?.tls)
    throw new Error(
      'operator-inject: spec.exporter.tls is not modelled by the harness; extend operator-inject.ts',
    );
  let env: EnvVar[] = [...(container.env ?? [])];
  const resourceMap = createResourceMap(spec, pod, container.name, env);
  if (idx(env, 'OTEL_SERVICE_NAME') === -1) {
    env.push({ name: 'OTEL_SERVICE_NAME', value: chooseServiceName(spec, pod, resourceMap, container.name) });
  }
  if (spec.exporter?.endpoint)
    env = appendIfNotSet(env, [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: spec.exporter.endpoint }]);
  env.push({ name: 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', valueFrom: field('metadata.name') });
  resourceMap[K.pod] = '$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME)';
  if (spec.resource?.addK8sUIDAttributes && !resourceMap[K.podUid]) {
    env.push({ name: 'OTEL_RESOURCE_ATTRIBUTES_POD_UID', valueFrom: field('metadata.uid') });
    resourceMap[K.podUid] = '$(OTEL_RESOURCE_ATTRIBUTES_POD_UID)';
  }
  const existing = env.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES');
  if (!existing || !(existing.value ?? '').includes(K.version)) {
    const v =
      pod.annotations?.[`resource.opentelemetry.io/${K.version}`] ||
      (spec.defaults?.useLabelsForResourceAttributes ? pod.labels?.['app.kubernetes.io/version'] : '') ||
      imageVersion(container.image);
    if (v) resourceMap[K.version] = v;
  }
  if (!resourceMap[K.node]) {
    env.push({ name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', valueFrom: field('spec.nodeName') });
    resourceMap[K.node] = '$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME)';
  }
  const resStr = Object.keys(resourceMap)
    .sort()
    .map((k) => `${k}=${resourceMap[k]}`)
    .join(',');
  const ri = idx(env, 'OTEL_RESOURCE_ATTRIBUTES');
  if (ri === -1) env.push({ name: 'OTEL_RESOURCE_ATTRIBUTES', value: resStr });
  else {
    const cur = env[ri].value ?? '';
    env[ri] = { name: 'OTEL_RESOURCE_ATTRIBUTES', value: cur + (cur.endsWith(',') ? '' : ',') + resStr };
  }
  if (idx(env, 'OTEL_PROPAGATORS') === -1 && (spec.propagators ?? []).length > 0) {
    env.push({ name: 'OTEL_PROPAGATORS', value: spec.propagators.join(',') });
  }
  const sampler = spec.sampler ?? {};
  if (idx(env, 'OTEL_TRACES_SAMPLER') === -1 && sampler.type && idx(env, 'OTEL_TRACES_SAMPLER_ARG') === -1) {
    env.push({ name: 'OTEL_TRACES_SAMPLER', value: String(sampler.type) });
    if (sampler.argument) env.push({ name: 'OTEL_TRACES_SAMPLER_ARG', value: String(sampler.argument) });
  }
  const last = idx(env, 'OTEL_RESOURCE_ATTRIBUTES');
  env.push(...env.splice(last, 1));
  return env;
}

function createResourceMap(
  spec: any,
  pod: AdmittedPod,
  containerName: string,
  env: readonly EnvVar[],
): Record<string, string> {
  const existing = new Set<string>();
  const cur = env.find((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES');
  for (const kv of (cur?.value ?? '').split(',')) {
    const parts = kv.trim().split('=');
    if (parts.length === 2) existing.add(parts[0]);
  }
  const res: Record<string, string> = {};
  for (const [k, v] of Object.entries<string>(spec.resource?.attributes ?? {}))
    if (!existing.has(k)) res[k] = v;
  const k8s: Record<string, string> = {
    [K.ns]: pod.namespace,
    [K.container]: containerName,
    [K.pod]: pod.name ?? '', // generateName: no name at admission
    [K.podUid]: pod.uid ?? '',
    [K.node]: pod.nodeName ?? '', // not scheduled yet at admission
    [K.instance]: `${pod.namespace}.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).${containerName}`,
  };
  for (const o of pod.owners) {
    const key = OWNER_KEYS[o.kind.toLowerCase()];
    if (!key) continue;
    k8s[key] = o.name;
    if (spec.resource?.addK8sUIDAttributes) k8s[key.replace(/\.name$/, '.uid')] = o.uid ?? '';
  }
  for (const [k, v] of Object.entries(k8s)) if (!existing.has(k) && v !== '') res[k] = v;
  for (const [k, v] of Object.entries(pod.annotations ?? {})) {
    if (!k.startsWith('resource.opentelemetry.io/')) continue;
    const key = k.slice('resource.opentelemetry.io/'.length);
    if (!existing.has(key) && key !== K.serviceName) res[key] = v;
  }
  const serviceNs = pod.annotations?.[`resource.opentelemetry.io/${K.serviceNs}`] || pod.namespace;
  if (serviceNs && !existing.has(K.serviceNs)) res[K.serviceNs] = serviceNs;
  return res;
}

function chooseServiceName(
  spec: any,
  pod: AdmittedPod,
  res: Record<string, string>,
  containerName: string,
): string {
  const annotated = pod.annotations?.[`resource.opentelemetry.io/${K.serviceName}`];
  if (annotated) return annotated;
  if (spec.defaults?.useLabelsForResourceAttributes) {
    for (const l of ['app.kubernetes.io/instance', 'app.kubernetes.io/name'])
      if (pod.labels?.[l]) return pod.labels[l];
  }
  for (const key of [
    'k8s.deployment.name',
    'k8s.replicaset.name',
    'k8s.statefulset.name',
    'k8s.daemonset.name',
    'k8s.cronjob.name',
    'k8s.job.name',
    K.pod,
  ]) {
    if (res[key]) return res[key];
  }
  return containerName;
}
