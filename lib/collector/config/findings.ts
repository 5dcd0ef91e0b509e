/** Severity of a validation finding. Errors make the collector refuse the config; warnings are advice. */
export type FindingSeverity = 'error' | 'warning';

/** One problem found by `CollectorConfig.validate()`. */
export interface ConfigFinding {
  /** `error` (the collector would reject the config / the image lacks a component) or `warning`. */
  readonly severity: FindingSeverity;
  /** Stable rule id, e.g. `undefined-component` or `batch-last` (warnings can be silenced by id). */
  readonly rule: string;
  /** Where, e.g. `service.pipelines.traces.processors[1]` or `processors.tail_sampling/x.policies[2]`. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Thrown by `CollectorConfig.assertValid()`; carries the findings. */
export class CollectorConfigError extends Error {
  /** What made the config invalid (errors, and the warnings found with them). */
  public readonly findings: readonly ConfigFinding[];
  constructor(findings: readonly ConfigFinding[]) {
    super(formatFindings(findings));
    this.name = 'CollectorConfigError';
    this.findings = findings;
  }
}

/** A readable multi-line report of findings. */
export function formatFindings(findings: readonly ConfigFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const lines = findings.map((f) => `  [${f.severity}] ${f.rule} at ${f.path}: ${f.message}`);
  return [`invalid collector config (${errors} error(s), ${findings.length - errors} warning(s)):`, ...lines].join('\n');
}
