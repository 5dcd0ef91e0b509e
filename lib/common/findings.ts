/**
 * The one finding type of the library: a collector config rule, a manifest schema error and a
 * cross-object check all report the same shape. Findings about a manifest object carry its identity.
 */

/** How bad a finding is: errors fail synthesis, warnings are reported, infos are notes. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in a collector config or a synthesized object. */
export interface Finding {
  /** `error` fails synthesis (the collector or the API server would refuse it); `warning` and `info` are reported only. */
  readonly severity: Severity;
  /** Stable rule id, e.g. `schema`, `unknown-field`, `undefined-component`, `batch-last` (warnings can be silenced by id). */
  readonly rule: string;
  /** Dotted path, e.g. `spec.template.spec.containers[0].ports[0].containerPort` or `service.pipelines.traces.processors[1]`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** apiVersion of the object (findings about manifests). @default - not about a manifest object */
  readonly apiVersion?: string;
  /** kind of the object. @default - not about a manifest object */
  readonly kind?: string;
  /** metadata.namespace of the object, when set. @default - none */
  readonly namespace?: string;
  /** metadata.name of the object. @default - none */
  readonly name?: string;
  /** The cdk8s construct path that produced the object, when known. @default - unknown */
  readonly constructPath?: string;
  /** Position of the object in the validated list (set by `validateManifests`). @default - unknown */
  readonly index?: number;
}

/** Human label of an object: `Deployment observability/otel-agent`. */
export function objectLabel(f: Pick<Finding, 'kind' | 'namespace' | 'name'>): string {
  return `${f.kind ?? '(no kind)'} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? '(unnamed)'}`;
}
