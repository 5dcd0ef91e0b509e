import { Finding, objectLabel } from '../common/findings';

export { objectLabel };
export type { Finding, Severity } from '../common/findings';

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
