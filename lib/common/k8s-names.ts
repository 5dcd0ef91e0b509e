import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { dns1123Label } from '../validation/object-rules';

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
