// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export type { SchemaError, SchemaIssue } from './structural-schema';
export type { Finding, Severity } from '../common/findings';
export { ValidationResult } from './findings';
export { CrdRegistry } from './crd-registry';
export type { CrdCheck, CrdEntry, UnsupportedRule } from './crd-registry';
export {
  CRD_PATHS_ENV,
  KUBERNETES_VERSION_ENV,
  expectValidManifests,
  validateConstruct,
  validateManifests,
} from './validate-manifests';
export type { ValidateOptions } from './validate-manifests';
export { registerRuleSet, registeredRuleSets } from './rule-sets';
export type { ManifestRuleSet, ObjectFinding } from './rule-sets';
