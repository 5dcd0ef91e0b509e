import { IConstruct } from 'constructs';
import { CrdRegistry, expectValidManifests, ValidationResult, validateConstruct, validateManifests } from '../../lib/validation';
import '../../lib/collector/collector-rules';
import { HAS_REFERENCE, ref } from './reference';

let registry: CrdRegistry | undefined;

/**
 * The CRDs of the pinned operator (v0.158.0), cert-manager and prometheus-operator, from the
 * reference folder, loaded once per test file. Empty when the folder is missing (then custom
 * resources only get an `unknown-crd` warning, and `expectValid` says so).
 */
export function referenceCrds(): CrdRegistry {
  if (!registry) {
    registry = HAS_REFERENCE
      ? CrdRegistry.fromDirs(
          ref('opentelemetry-operator', 'crds'),
          ref('cert-manager', 'crds'),
          ref('prometheus-operator', 'crds'),
        )
      : new CrdRegistry();
  }
  return registry;
}

/**
 * Asserts that a chart, app or object list validates with no error against the Kubernetes schema
 * and the reference CRDs. With the reference data present, a custom resource whose CRD is unknown
 * also fails the assertion. Returns the result for further checks.
 */
export function expectValid(input: IConstruct | readonly any[]): ValidationResult {
  const result = expectValidManifests(input, { crds: referenceCrds() });
  const unknown = result.warnings.filter((w) => w.rule === 'unknown-crd');
  if (HAS_REFERENCE && unknown.length) {
    throw new Error(`custom resources without a known CRD:\n${unknown.map((w) => `${w.kind} ${w.name}`).join('\n')}`);
  }
  return result;
}

/** Validation result without throwing (for tests of bad inputs). */
export function validate(input: IConstruct | readonly any[]): ValidationResult {
  return Array.isArray(input)
    ? validateManifests(input, { crds: referenceCrds() })
    : validateConstruct(input as IConstruct, { crds: referenceCrds() });
}
