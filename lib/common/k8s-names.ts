import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { dns1123Label, dns1123Subdomain } from '../validation/object-rules';

/**
 * The namespace a construct puts its objects in: explicit, else the chart's, else `default`;
 * checked as a DNS-1123 label (what the API server requires of namespaces).
 */
export function resolveNamespace(scope: Construct, what: string, explicit?: string): string {
  const ns = explicit ?? Chart.of(scope).namespace ?? 'default';
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
