import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkBuiltin, isBuiltinApiVersion, isClusterScopedBuiltin } from './builtin-kinds';
import { collectorChecks } from './collector-checks';
import { CrdRegistry, isCrd, splitApiVersion } from './crd-registry';
import { Finding, Severity, ValidationResult } from './findings';
import { saveCompiledValidators } from './models-loader';
import { objectRules } from './object-rules';
import { schemaProblems } from './schema-errors';
import { apiRules } from './api-rules';

/** Options of `validateManifests`. */
export interface ValidateOptions {
  /**
   * CRDs to validate custom resources against. CustomResourceDefinition objects found in the
   * validated set are added to (a copy of) it, so a stack that installs the operator has its CRs
   * checked against exactly that operator version.
   * @default - only the CRDs found in the validated set
   */
  readonly crds?: CrdRegistry;
  /**
   * Construct path of each object, for the report.
   * @default - none (use `validateConstruct` to get them automatically)
   */
  readonly constructPaths?: ReadonlyMap<object, string>;
  /**
   * Rule ids to report as warnings instead of errors (e.g. `unknown-field`).
   * @default - none
   */
  readonly downgrade?: readonly string[];
  /**
   * Rule ids to skip entirely.
   * @default - none
   */
  readonly ignore?: readonly string[];
}

const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'uid',
  'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds',
  'managedFields', 'selfLink',
]);

const CLUSTER_SCOPE_HINT = 'cluster-scoped objects take no namespace';

/**
 * Validates synthesized Kubernetes objects the way a cluster with the OpenTelemetry Operator
 * would: built-in kinds against the Kubernetes OpenAPI schema (plus unknown fields, names,
 * labels, ports and selectors), custom resources against their CRD's openAPIV3Schema
 * (including unknown fields, int-or-string, int32/int64, list types and CEL rules), and the set
 * as a whole for duplicates.
 */
export function validateManifests(objects: readonly any[], options: ValidateOptions = {}): ValidationResult {
  // CRDs in the synthesized set are added on top of the given registry (whose folders stay lazy)
  const crds = options.crds ? options.crds.extend() : new CrdRegistry();
  for (const o of objects) if (isCrd(o)) crds.add(o);

  const findings: Finding[] = [];
  const ignore = new Set(options.ignore ?? []);
  const downgrade = new Set(options.downgrade ?? []);
  const seen = new Map<string, number>();

  objects.forEach((obj, index) => {
    const base = {
      apiVersion: String(obj?.apiVersion ?? ''),
      kind: String(obj?.kind ?? ''),
      namespace: obj?.metadata?.namespace,
      name: obj?.metadata?.name,
      constructPath: options.constructPaths?.get(obj),
    };
    const add = (severity: Severity, rule: string, path: string, message: string) => {
      if (ignore.has(rule)) return;
      findings.push({ ...base, severity: severity === 'error' && downgrade.has(rule) ? 'warning' : severity, rule, path, message });
    };

    if (!obj || typeof obj !== 'object' || !obj.apiVersion || !obj.kind) {
      add('error', 'schema', '(root)', `object #${index} has no apiVersion/kind; every manifest needs both`);
      return;
    }

    const [group] = splitApiVersion(obj.apiVersion);
    const builtin = isBuiltinApiVersion(obj.apiVersion);
    if (builtin) {
      const res = checkBuiltin(obj);
      if (res.status === 'unknown-kind') {
        add('error', 'unknown-kind', 'kind', `kind "${obj.kind}" is not served by ${obj.apiVersion}; check the apiVersion and kind`);
      }
      for (const p of res.problems) add('error', p.rule, p.path, p.message);
      if (isClusterScopedBuiltin(obj.kind) && obj.metadata?.namespace) {
        add('warning', 'scope', 'metadata.namespace', `${obj.kind} is cluster-scoped; remove metadata.namespace (${CLUSTER_SCOPE_HINT})`);
      }
    } else {
      for (const k of Object.keys(obj.metadata ?? {})) {
        if (!OBJECT_META_FIELDS.has(k)) add('error', 'unknown-field', `metadata.${k}`, `unknown field "${k}" in metadata; remove it or fix its spelling`);
      }
      const res = crds.check(obj);
      if (res.status === 'unknown-kind') {
        add('warning', 'unknown-crd', '(root)', `no CRD known for ${obj.kind}.${group}: the object was not schema-checked; add its CRD to the registry`);
      } else if (res.status === 'unknown-version') {
        const served = [...res.entry!.versions.entries()].filter(([, v]) => v.served).map(([n]) => n);
        add('error', 'unknown-version', 'apiVersion', `${res.entry!.crdName} does not serve ${obj.apiVersion}; use ${served.map((v) => `${group}/${v}`).join(' or ')}`);
      } else {
        for (const p of schemaProblems(res.errors, obj)) add('error', p.rule, p.path, p.message);
        if (res.deprecated) add('warning', 'deprecated-version', 'apiVersion', `${obj.apiVersion} ${obj.kind} is deprecated; move to a newer served version`);
        if (res.entry!.scope === 'Cluster' && obj.metadata?.namespace) {
          add('warning', 'scope', 'metadata.namespace', `${obj.kind} is cluster-scoped; remove metadata.namespace (${CLUSTER_SCOPE_HINT})`);
        }
      }
    }
    for (const p of objectRules(obj, builtin)) add('error', p.rule, p.path, p.message);
    if (builtin) for (const p of apiRules(obj)) add('error', p.rule, p.path, p.message);

    const key = `${group}/${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      add('error', 'duplicate', 'metadata.name', `duplicate object: object #${first} has the same group, kind, namespace and name; rename one of them`);
    } else {
      seen.set(key, index);
    }
  });
  // cross-object checks of this library's collectors (exporter targets, config/container/Service ports)
  for (const f of collectorChecks(objects)) if (!ignore.has(f.rule)) findings.push(downgrade.has(f.rule) ? { ...f, severity: 'warning' } : f);
  saveCompiledValidators();
  return new ValidationResult(findings, objects.length);
}

/** The objects a construct tree synthesizes, with their construct paths. */
export function collectObjects(root: IConstruct): { objects: any[]; constructPaths: Map<object, string> } {
  const objects: any[] = [];
  const constructPaths = new Map<object, string>();
  const charts: Chart[] = root instanceof App ? root.charts : root instanceof Chart ? [root] : [];
  const apiObjects: ApiObject[] = charts.length
    ? charts.flatMap((c) => c.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject))
    : root.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject);
  for (const o of apiObjects) {
    const json = o.toJson();
    objects.push(json);
    constructPaths.set(json, o.node.path);
  }
  return { objects, constructPaths };
}

/** Validates everything a chart, an app or any construct subtree synthesizes. */
export function validateConstruct(root: IConstruct, options: Omit<ValidateOptions, 'constructPaths'> = {}): ValidationResult {
  const { objects, constructPaths } = collectObjects(root);
  return validateManifests(objects, { ...options, constructPaths });
}

/**
 * Throws an error with the readable report when the objects (or a chart/app) do not validate.
 * Works in any test framework; returns the result (with its warnings) otherwise.
 */
export function expectValidManifests(
  input: IConstruct | readonly any[],
  options: Omit<ValidateOptions, 'constructPaths'> = {},
): ValidationResult {
  const result = Array.isArray(input) ? validateManifests(input, options) : validateConstruct(input as IConstruct, options);
  if (!result.ok) throw new Error(`manifests are not valid:\n${result.toString()}`);
  return result;
}
