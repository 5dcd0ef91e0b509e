/** How bad a finding is: errors fail synthesis, warnings are reported, infos are notes. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in one synthesized object. */
export interface Finding {
  /** `error` fails synthesis; `warning` and `info` are reported only. */
  readonly severity: Severity;
  /** Stable rule id, e.g. `schema`, `unknown-field`, `dns-name`, `port-range`, `duplicate`, `cel`. */
  readonly rule: string;
  /** apiVersion of the object. */
  readonly apiVersion: string;
  /** kind of the object. */
  readonly kind: string;
  /** metadata.namespace of the object, when set. */
  readonly namespace?: string;
  /** metadata.name of the object. */
  readonly name?: string;
  /** Dotted path inside the object, e.g. `spec.template.spec.containers[0].ports[0].containerPort`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The cdk8s construct path that produced the object, when known. */
  readonly constructPath?: string;
  /** Position of the object in the validated list (set by `validateManifests`). */
  readonly index?: number;
}

/** Converts an ajv instancePath (`/spec/ports/0/port`) to a dotted path (`spec.ports[0].port`). */
export function pointerToPath(pointer: string, extra?: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  if (extra !== undefined) out += out ? `.${extra}` : extra;
  return out || '(root)';
}

/** Human label of an object: `Deployment observability/otel-agent`. */
export function objectLabel(f: Pick<Finding, 'kind' | 'namespace' | 'name'>): string {
  return `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? '(unnamed)'}`;
}

/** The outcome of validating a set of manifests. */
export class ValidationResult {
  /** Findings with severity `error`. */
  public readonly errors: readonly Finding[];
  /** Findings with severity `warning`. */
  public readonly warnings: readonly Finding[];

  constructor(
    /** Every finding, in object order. */
    public readonly findings: readonly Finding[],
    /** How many objects were checked. */
    public readonly objectCount: number,
  ) {
    this.errors = findings.filter((f) => f.severity === 'error');
    this.warnings = findings.filter((f) => f.severity === 'warning');
  }

  /** True when there is no error (warnings allowed). */
  public get ok(): boolean {
    return this.errors.length === 0;
  }

  /** A readable multi-line report, one line per finding. */
  public toString(): string {
    if (this.findings.length === 0) return `${this.objectCount} objects validated: no findings`;
    const lines = this.findings.map(
      (f) =>
        `${f.severity.toUpperCase()} [${f.rule}] ${objectLabel(f)} (${f.apiVersion}) at ${f.path}: ${f.message}` +
        (f.constructPath ? ` (construct ${f.constructPath})` : ''),
    );
    return (
      `${this.objectCount} objects validated: ${this.errors.length} error(s), ${this.warnings.length} warning(s)\n` +
      lines.join('\n')
    );
  }
}
