/**
 * The two verdicts the differential check compares on a mutant: the library's
 * (`CollectorConfig.fromObject` + `validate()`, and `validateManifests` on the CR or ConfigMap carrying
 * the mutant when the config came from synthesized objects) and the real collector's (`judge`:
 * validate, then the start check).
 */
import { stringify } from 'yaml';
import { CollectorConfig, CrdRegistry, validateManifests } from '../../../lib';
import { ProgramVerdict } from './otelcol';

/** `accepted`, `rejected`, or `warned` (accepted with a deprecation warning). */
export type Verdict = 'accepted' | 'rejected' | 'warned';

/** A verdict with the reason behind it. */
export interface Judged {
  readonly verdict: Verdict;
  readonly detail: string;
}

/** Where a config came from, when objects carry it. */
export interface Carried {
  readonly objects: readonly any[];
  readonly carrier: number;
  readonly carrierKey?: string;
}

/** The objects with the carrier's config replaced by `config`. */
export function withConfig(c: Carried, config: unknown): any[] {
  return c.objects.map((o, i) => {
    if (i !== c.carrier) return o;
    const copy = JSON.parse(JSON.stringify(o));
    if (copy.kind === 'OpenTelemetryCollector') copy.spec.config = config;
    else copy.data[c.carrierKey!] = stringify(config, { version: '1.1' });
    return copy;
  });
}

/** The library's verdict on a config (and on its carrier objects, when given). */
export function libraryVerdict(config: unknown, carried?: Carried, crds?: CrdRegistry): Judged {
  let findings;
  try {
    findings = CollectorConfig.fromObject(config).validate();
  } catch (e) {
    return { verdict: 'rejected', detail: `fromObject: ${(e as Error).message}` };
  }
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length)
    return {
      verdict: 'rejected',
      detail: `validate: ${errors.map((f) => `${f.rule} at ${f.path}: ${f.message}`).join('; ')}`,
    };
  if (carried) {
    const result = validateManifests(withConfig(carried, config), { crds });
    const bad = result.findings.filter((f) => f.severity === 'error');
    if (bad.length)
      return {
        verdict: 'rejected',
        detail: `validateManifests: ${bad.map((f) => `${f.kind} ${f.name} ${f.rule} at ${f.path}: ${f.message}`).join('; ')}`,
      };
  }
  const deprecated = findings.filter((f) => f.rule === 'deprecated-type');
  if (deprecated.length)
    return { verdict: 'warned', detail: deprecated.map((f) => `${f.path}: ${f.message}`).join('; ') };
  return { verdict: 'accepted', detail: '' };
}

/** The real collector's verdict from `judge`. */
export function programVerdict(v: ProgramVerdict): Judged {
  if (!v.ok) return { verdict: 'rejected', detail: `${v.failedAt}: ${v.errors.join('; ')}` };
  if (v.deprecations.length) return { verdict: 'warned', detail: v.deprecations.join('; ') };
  return { verdict: 'accepted', detail: '' };
}
