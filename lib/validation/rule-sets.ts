import { fail, reqString } from '../common/guards';
/**
 * Rule sets that look at the manifests as a whole (beyond each object's schema). The validation
 * engine is generic: rooms above it register their own rules (the collector room registers the
 * collector's rules on every collector config and its cross-object checks when it is loaded), and
 * `validateManifests` runs every registered set unless `ruleSets` says otherwise.
 */
import { Finding } from '../common/findings';

/** A finding about one of the objects (the engine turns the object into its index). */
export type ObjectFinding = Finding & { readonly object?: object };

/** A named set of manifest-level rules. */
export interface ManifestRuleSet {
  /** Unique name, e.g. `collector`. */
  readonly name: string;
  /** Findings for a list of manifest objects. */
  check(objects: readonly any[]): ObjectFinding[];
}

const REGISTERED: ManifestRuleSet[] = [];

/** Registers a rule set for every later validation (a second set with the same name replaces the first). */
export function registerRuleSet(ruleSet: ManifestRuleSet): void {
  checkRuleSet('registerRuleSet', 'ruleSet', ruleSet);
  const i = REGISTERED.findIndex((r) => r.name === ruleSet.name);
  if (i >= 0) REGISTERED[i] = ruleSet;
  else REGISTERED.push(ruleSet);
}

/** The registered rule sets, in registration order. */
export function registeredRuleSets(): readonly ManifestRuleSet[] {
  return [...REGISTERED];
}

/** Checks a rule set given by a caller (`{ name, check(objects) }`). */
export function checkRuleSet(where: string, path: string, r: unknown): ManifestRuleSet {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) fail(where, path, r, 'is not a rule set', 'pass { name, check(objects) }');
  const rs = r as ManifestRuleSet;
  reqString(where, `${path}.name`, rs.name, 'pass a rule-set name such as "my-team"');
  if (typeof rs.check !== 'function') fail(where, `${path}.check`, rs.check, 'is not a function', 'pass check(objects) returning findings');
  return rs;
}
