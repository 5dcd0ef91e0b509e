import { Finding } from '../../common/findings';

export type { Finding };

/** Thrown by `CollectorConfig.assertValid()`; carries the findings. */
export class CollectorConfigError extends Error {
  /** What made the config invalid (errors, and the warnings found with them). */
  public readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    super(formatFindings(findings));
    this.name = 'CollectorConfigError';
    this.findings = findings;
  }
}

/** A readable multi-line report of findings. */
export function formatFindings(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const lines = findings.map((f) => `  [${f.severity}] ${f.rule} at ${f.path}: ${f.message}`);
  return [`invalid collector config (${errors} error(s), ${findings.length - errors} warning(s)):`, ...lines].join('\n');
}
