import { Finding } from '../../common/findings';
import { fail, optList, optOneOf, reqProps, reqString } from '../../common/guards';

const FINDING_KEYS = ['severity', 'rule', 'path', 'message', 'apiVersion', 'kind', 'namespace', 'name', 'constructPath', 'index'];

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
  optList('formatFindings', 'findings', findings, (f, path) => {
    const o = reqProps<Record<string, unknown>>('formatFindings', path, f, FINDING_KEYS);
    optOneOf('formatFindings', `${path}.severity`, o.severity, ['error', 'warning', 'info']);
    if (o.severity === undefined) fail('formatFindings', `${path}.severity`, o.severity, 'is missing', 'use "error", "warning" or "info"');
    for (const k of ['rule', 'path', 'message']) reqString('formatFindings', `${path}.${k}`, o[k], 'pass a string');
    return o;
  }, 'pass a list of findings');
  if (findings === undefined) fail('formatFindings', 'findings', findings, 'is missing', 'pass a list of findings');
  const errors = findings.filter((f) => f.severity === 'error').length;
  const lines = findings.map((f) => `  [${f.severity}] ${f.rule} at ${f.path}: ${f.message}`);
  return [`invalid collector config (${errors} error(s), ${findings.length - errors} warning(s)):`, ...lines].join('\n');
}
