import { Construct } from 'constructs';
import { ITraceBackend } from '../common/trace-backend';
import { checkPinnedImage, isDns1035Label, isDns1123Subdomain, resolveNamespace } from '../common/k8s-names';
import { optInstance, optNumber, optString } from '../common/guards';
import { CollectorDistribution } from './config';
import { CollectorSecretFileMount } from './collector-workload-spec';


/** Longest collector name: the operator appends `-collector-headless` (19 chars) within 63. */
export const MAX_COLLECTOR_NAME = 44;

/** Checks a collector name (a DNS-1035 label short enough for the operator's derived names). */
export function checkCollectorName(what: string, name: unknown, fallback?: string): string {
  if (name === undefined && fallback !== undefined) name = fallback;
  optString(what, 'name', name, 'pass a collector name such as "otel-agent"');
  if (typeof name !== 'string' || !isDns1035Label(name) || name.length > MAX_COLLECTOR_NAME) {
    throw new Error(
      `${what}: name ${JSON.stringify(name)} is invalid; use 1-${MAX_COLLECTOR_NAME} lowercase letters, digits and '-', starting with a letter (the operator appends "-collector-headless")`,
    );
  }
  return name;
}

/** Namespace: explicit, else the chart's, else `default` (a DNS-1123 label). */
export function collectorNamespace(scope: Construct, what: string, explicit?: string): string {
  optString(what, 'namespace', explicit, 'pass a namespace name');
  return resolveNamespace(scope, what, explicit);
}

/** The image and its distribution (official distributions only unless `distribution` is given). */
export function collectorImage(
  what: string,
  image: string | undefined,
  distribution: CollectorDistribution | undefined,
): { image: string; distribution: CollectorDistribution } {
  optString(what, 'image', image, 'pass an image reference with a tag, e.g. "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0"');
  optInstance(what, 'distribution', distribution, CollectorDistribution, 'CollectorDistribution.K8S, .CONTRIB, .CORE or .OTLP');
  if (image === undefined) {
    const d = distribution ?? CollectorDistribution.K8S;
    return { image: d.image(), distribution: d };
  }
  checkPinnedImage(what, image);
  if (distribution) return { image, distribution };
  // fromImage throws for an unofficial image: the message below names the construct and the prop
  let official: CollectorDistribution | undefined;
  try {
    official = CollectorDistribution.fromImage(image);
  } catch {
    official = undefined;
  }
  if (!official) {
    throw new Error(
      `${what}: image "${image}" is not an official collector distribution; use one of ${CollectorDistribution.all()
        .map((d) => d.ghcrRepository)
        .join(', ')}, or for your own build pass distribution: the official one it matches (e.g. CollectorDistribution.CONTRIB)`,
    );
  }
  return { image, distribution: official };
}

/** Directory the backend CA Secret is mounted at. */
export const BACKEND_CA_DIR = '/etc/otelcol/backend-ca';

/** The backend CA Secret as a mounted file, when the backend has one. */
export function backendCaMount(backend: ITraceBackend): CollectorSecretFileMount[] {
  const ca = backend.tls.caFrom;
  return ca ? [{ volumeName: 'backend-ca', secretName: ca.name, key: ca.key, mountPath: BACKEND_CA_DIR }] : [];
}

/** Checks an optional positive integer prop. */
export function checkPositive(what: string, prop: string, value: number | undefined, example: string): void {
  optNumber(what, prop, value, { integer: true, min: 1, example });
}

/** Checks a port prop. */
export function checkPort(what: string, prop: string, value: number | undefined): void {
  optNumber(what, prop, value, { integer: true, min: 1, max: 65535, example: '8888, usual for self-metrics' });
}

/** `priorityClassName` must be a DNS subdomain. */
export function checkPriorityClass(what: string, value: string | undefined): void {
  optString(what, 'priorityClassName', value, 'pass a PriorityClass name');
  if (value !== undefined && !isDns1123Subdomain(value)) {
    throw new Error(`${what}: priorityClassName "${value}" is not a valid PriorityClass name; use lowercase letters, digits, '-' and '.'`);
  }
}
