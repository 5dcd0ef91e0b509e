export * from './findings';
export * from './crd-registry';
export * from './validate-manifests';
export { compileCel } from './cel';
export { dns1123Label, dns1123Subdomain, dns1035Label } from './object-rules';
export type { SchemaError, SchemaIssue } from './structural-schema';
export { TracingManifestValidation } from './cdk8s-plugin';
export type { TracingValidationProps } from './cdk8s-plugin';
