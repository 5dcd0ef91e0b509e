/**
 * What the API server checks beyond the OpenAPI schema, for the fields our constructs emit:
 * object names, label and annotation syntax, port ranges and names, workload selectors.
 */

export interface RuleProblem {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a name as a DNS-1123 subdomain (most kinds). Returns the problem or undefined. */
export function dns1123Subdomain(name: string): string | undefined {
  if (name.length > 253) return `"${name}" is longer than 253 characters`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return `"${name}" is not a valid DNS-1123 subdomain; use lowercase letters, digits, "-" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Checks a name as a DNS-1123 label (namespaces, container names). */
export function dns1123Label(name: string): string | undefined {
  if (name.length > 63) return `"${name}" is longer than 63 characters`;
  if (!DNS1123_LABEL.test(name)) {
    return `"${name}" is not a valid DNS-1123 label; use lowercase letters, digits and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Checks a name as a DNS-1035 label (Services). */
export function dns1035Label(name: string): string | undefined {
  if (name.length > 63) return `"${name}" is longer than 63 characters`;
  if (!DNS1035_LABEL.test(name)) {
    return `"${name}" is not a valid DNS-1035 label; use lowercase letters, digits and "-", starting with a letter`;
  }
  return undefined;
}

function qualifiedKey(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && dns1123Subdomain(prefix)) return `key "${key}" has an invalid prefix "${prefix}" (must be a DNS subdomain)`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `key "${key}" is invalid; the name part must be 1-63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

function labelValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return `label value ${JSON.stringify(value)} must be a string`;
  if (value.length > 63) return `label value "${value}" is longer than 63 characters`;
  if (value !== '' && !QUALIFIED_NAME.test(value)) {
    return `label value "${value}" is invalid; use letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

function nameRule(kind: string): (name: string) => string | undefined {
  switch (kind) {
    case 'Namespace':
      return dns1123Label;
    case 'Service':
      return dns1035Label;
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
    case 'PodDisruptionBudget':
      // path segment names (ValidateRBACName, ValidatePodDisruptionBudgetName)
      return (n) => (n === '.' || n === '..' || /[/%]/.test(n) ? `"${n}" may not be "." or ".." or contain "/" or "%"` : undefined);
    default:
      return dns1123Subdomain;
  }
}

function checkLabels(map: unknown, path: string, out: RuleProblem[], values: boolean): void {
  if (map === undefined || map === null) return;
  if (typeof map !== 'object' || Array.isArray(map)) {
    out.push({ rule: 'label', path, message: `${path} must be a map of string keys to string values, not ${Array.isArray(map) ? 'a list' : typeof map}` });
    return;
  }
  for (const [k, v] of Object.entries(map)) {
    const kp = qualifiedKey(k);
    if (kp) out.push({ rule: 'label', path: `${path}["${k}"]`, message: kp });
    if (values) {
      const vp = labelValue(v);
      if (vp) out.push({ rule: 'label', path: `${path}["${k}"]`, message: vp });
    }
  }
}

const PORT_KEYS = new Set(['containerPort', 'hostPort', 'port', 'targetPort', 'nodePort']);

/** Walks the object for port numbers out of 1-65535 and port names longer than 15 characters. */
function checkPorts(node: unknown, path: string, out: RuleProblem[]): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => checkPorts(v, `${path}[${i}]`, out));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    const p = path ? `${path}.${k}` : k;
    if (PORT_KEYS.has(k) && typeof v === 'number') {
      const allowZero = k === 'hostPort' || k === 'nodePort';
      if (!Number.isInteger(v) || v > 65535 || v < 0 || (v === 0 && !allowZero)) {
        out.push({ rule: 'port-range', path: p, message: `port ${v} is out of range; use an integer between 1 and 65535` });
      }
    } else if ((k === 'targetPort' || k === 'port') && typeof v === 'string' && !/^\d+$/.test(v) && (v.length > 15 || !IANA_SVC_NAME.test(v) || !/[a-z]/.test(v))) {
      out.push({ rule: 'port-name', path: p, message: `port name "${v}" is invalid; use at most 15 lowercase letters, digits and "-", with at least one letter` });
    } else if (k === 'ports' && Array.isArray(v)) {
      v.forEach((port, i) => {
        const name = (port as any)?.name;
        if (typeof name === 'string' && (name.length > 15 || !IANA_SVC_NAME.test(name) || !/[a-z]/.test(name) || name.includes('--'))) {
          out.push({ rule: 'port-name', path: `${p}[${i}].name`, message: `port name "${name}" is invalid; use at most 15 lowercase letters, digits and "-", with at least one letter` });
        }
      });
      checkPorts(v, p, out);
    } else if (typeof v === 'object') {
      checkPorts(v, p, out);
    }
  }
}

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet']);

/** Runs every rule on one object. `builtin` is false for custom resources (names and metadata only). */
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

/**
 * The operator copies `spec.imagePullPolicy` of an Instrumentation (into the init containers it
 * injects) or of an OpenTelemetryCollector (into the collector pods); its CRDs declare it as a plain
 * string, so the API server accepts any value there, and refuses the pods later.
 */
function checkOperatorPullPolicy(obj: any, out: RuleProblem[]): void {
  if (!String(obj.apiVersion).startsWith('opentelemetry.io/') || (obj.kind !== 'Instrumentation' && obj.kind !== 'OpenTelemetryCollector')) return;
  const v = obj.spec?.imagePullPolicy;
  if (v !== undefined && !PULL_POLICIES.includes(v)) {
    out.push({
      rule: 'schema',
      path: 'spec.imagePullPolicy',
      message: `${JSON.stringify(v)} is not an image pull policy; use one of ${PULL_POLICIES.map((p) => `"${p}"`).join(', ')} (the operator copies it into pods, which the API server refuses otherwise)`,
    });
  }
}

export function objectRules(obj: any, builtin: boolean): RuleProblem[] {
  const out: RuleProblem[] = [];
  const md = obj.metadata ?? {};
  if (typeof md.name !== 'string' || md.name === '') {
    if (!md.generateName) out.push({ rule: 'dns-name', path: 'metadata.name', message: 'metadata.name is missing; every object needs a name' });
  } else {
    const p = nameRule(builtin ? obj.kind : '')(md.name);
    if (p) out.push({ rule: 'dns-name', path: 'metadata.name', message: p });
  }
  if (typeof md.namespace === 'string') {
    const p = dns1123Label(md.namespace);
    if (p) out.push({ rule: 'dns-name', path: 'metadata.namespace', message: p });
  }
  checkLabels(md.labels, 'metadata.labels', out, true);
  checkLabels(md.annotations, 'metadata.annotations', out, false);
  if (!builtin) {
    checkPorts(obj.spec, 'spec', out);
    checkOperatorPullPolicy(obj, out);
    return out;
  }
  checkPorts(obj, '', out);
  const template = obj.spec?.template ?? obj.spec?.jobTemplate?.spec?.template;
  if (template) {
    checkLabels(template.metadata?.labels, 'spec.template.metadata.labels', out, true);
    checkLabels(template.metadata?.annotations, 'spec.template.metadata.annotations', out, false);
  }
  const podSpec = obj.kind === 'Pod' ? obj.spec : template?.spec;
  for (const field of ['initContainers', 'containers']) {
    (podSpec?.[field] ?? []).forEach((c: any, i: number) => {
      if (typeof c?.name === 'string') {
        const p = dns1123Label(c.name);
        if (p) out.push({ rule: 'dns-name', path: `spec.template.spec.${field}[${i}].name`, message: `container name ${p}` });
      }
    });
  }
  if (WORKLOADS.has(obj.kind)) {
    const wanted = obj.spec?.selector?.matchLabels ?? {};
    const have = template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(wanted)) {
      if (have[k] !== v) {
        out.push({
          rule: 'selector',
          path: `spec.selector.matchLabels["${k}"]`,
          message: `selector ${k}=${v} does not match the pod template labels; the API server rejects a ${obj.kind} whose selector does not select its own pods`,
        });
      }
    }
  }
  if (obj.kind === 'Service') {
    const sel = obj.spec?.selector;
    if (sel) checkLabels(sel, 'spec.selector', out, true);
  }
  return out;
}
