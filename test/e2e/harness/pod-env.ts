/**
 * The environment a container gets from its manifest's `env`, as the kubelet builds it: literal values
 * with `$(VAR)` expanded from earlier variables, downward-API fields from the pod's identity, and Secret /
 * ConfigMap keys from a stand-in store (tests never see real credentials).
 */

/** What the downward API answers for this pod. */
export interface PodIdentity {
  readonly podName: string;
  readonly namespace: string;
  readonly podIp: string;
  readonly hostIp: string;
  readonly nodeName: string;
  readonly serviceAccount?: string;
}

/** A stand-in value for a Secret key (what a test puts in the Secret). */
export function secretValue(name: string, key: string): string {
  return `e2e-secret-${name}-${key}`;
}

/** Resolves a manifest's env list to process env. Unknown field paths throw (the pod would not start). */
export function podEnv(env: readonly any[], pod: PodIdentity, configMaps: Readonly<Record<string, Record<string, string>>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    if (!e || typeof e.name !== 'string') continue;
    if (typeof e.value === 'string') {
      out[e.name] = expand(e.value, out);
      continue;
    }
    const from = e.valueFrom ?? {};
    if (from.fieldRef) out[e.name] = field(String(from.fieldRef.fieldPath), pod);
    else if (from.secretKeyRef) out[e.name] = secretValue(from.secretKeyRef.name, from.secretKeyRef.key);
    else if (from.configMapKeyRef) {
      const v = configMaps[from.configMapKeyRef.name]?.[from.configMapKeyRef.key];
      if (v === undefined) throw new Error(`pod env ${e.name}: ConfigMap ${from.configMapKeyRef.name} key ${from.configMapKeyRef.key} not found`);
      out[e.name] = v;
    } else if (from.resourceFieldRef) out[e.name] = '1';
    else if (e.value === undefined) out[e.name] = '';
  }
  return out;
}

function field(fieldPath: string, pod: PodIdentity): string {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.podName;
    case 'metadata.namespace':
      return pod.namespace;
    case 'status.podIP':
      return pod.podIp;
    case 'status.hostIP':
      return pod.hostIp;
    case 'spec.nodeName':
      return pod.nodeName;
    case 'spec.serviceAccountName':
      return pod.serviceAccount ?? 'default';
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
      if (m) return '';
      throw new Error(`pod env: downward-API field ${fieldPath} is not known to the harness`);
    }
  }
}

/** Kubernetes `$(VAR)` expansion (`$$` escapes; unknown references stay as written). */
export function expand(value: string, vars: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => {
    if (m === '$$') return '$';
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : m;
  });
}
