import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';

/*
 * Kubernetes name rules, in one place (the API server's regular expressions and lengths).
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

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

/** True for an IANA service name (container and Service port names): at most 15 of [a-z0-9-], a letter, no "--". */
export function isIanaSvcName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

/** True for a DNS-1123 label (namespaces, container names). */
export function isDns1123Label(name: unknown): name is string {
  return typeof name === 'string' && dns1123Label(name) === undefined;
}

/** True for a DNS-1035 label (Services, collector names). */
export function isDns1035Label(name: unknown): name is string {
  return typeof name === 'string' && dns1035Label(name) === undefined;
}

/** True for a DNS-1123 subdomain (most object names). */
export function isDns1123Subdomain(name: unknown): name is string {
  return typeof name === 'string' && dns1123Subdomain(name) === undefined;
}

/**
 * The namespace a construct puts its objects in: explicit, else the chart's, else `default`;
 * checked as a DNS-1123 label (what the API server requires of namespaces).
 */
export function resolveNamespace(scope: Construct, what: string, explicit?: string): string {
  const ns = explicit === undefined ? (Chart.of(scope).namespace ?? 'default') : explicit;
  const problem = typeof ns === 'string' ? dns1123Label(ns) : `${JSON.stringify(ns)} is not a string`;
  if (problem) throw new Error(`${what}: namespace ${problem}`);
  return ns;
}

const IMAGE_REFERENCE = /^(?:[A-Za-z0-9.-]+(?::\d{1,5})?\/)?(?:[a-z0-9]+(?:[._-]+[a-z0-9]+)*\/)*[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * Checks a pinned image reference: `[registry[:port]/]path:tag`, `path@sha256:<digest>` or both.
 * An untagged reference (implicitly `:latest`) is refused: deployments must be reproducible.
 */
export function checkPinnedImage(what: string, image: string): string {
  const last = typeof image === 'string' ? image.slice(image.lastIndexOf('/') + 1) : '';
  if (typeof image !== 'string' || !IMAGE_REFERENCE.test(image) || !/[:@]/.test(last)) {
    throw new Error(`${what}: image ${JSON.stringify(image)} is not a pinned image reference; use [registry[:port]/]repo:tag or repo@sha256:<digest>`);
  }
  return image;
}

/** Construct context key holding the cluster DNS domain (set it on the app, a chart, or via `TracingStack`'s `clusterDomain`). */
export const CLUSTER_DOMAIN_CONTEXT = '@otel-tracing/k8s-constructs:clusterDomain';

/** The cluster DNS domain in force at a construct: the nearest context value, else `cluster.local`. */
export function clusterDomain(scope: IConstruct): string {
  const value = scope.node.tryGetContext(CLUSTER_DOMAIN_CONTEXT) ?? 'cluster.local';
  const problem = typeof value === 'string' ? dns1123Subdomain(value) : `${JSON.stringify(value)} is not a string`;
  if (problem) throw new Error(`cluster domain ${problem}; set the context "${CLUSTER_DOMAIN_CONTEXT}" to e.g. "cluster.local"`);
  return value;
}

/** Fully qualified DNS name of a Service: `<name>.<namespace>.svc.<cluster domain>`. */
export function serviceHost(scope: IConstruct, name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${clusterDomain(scope)}`;
}
