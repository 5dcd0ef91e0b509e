import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import fs = require('fs');
import path = require('path');
import { fail, optBoolean, optInstance, optList, optString, optStringList, propsObject } from '../common/guards';
import { resolveKubernetesVersion } from '../common/schema-data';
import { builtinScope, checkBuiltin, isBuiltinApiVersion, servingApiVersions } from './builtin-kinds';
import { CrdRegistry, isCrd, splitApiVersion } from './crd-registry';
import { Finding, Severity, ValidationResult } from './findings';
import { objectRules } from './object-rules';
import { checkRuleSet, ManifestRuleSet, registeredRuleSets } from './rule-sets';
import { schemaProblems } from './schema-errors';
import { apiRules } from './api-rules';

/** Env var: extra CRD files or folders (separated by the platform's path delimiter, `:` on Linux). */
export const CRD_PATHS_ENV = 'OTEL_K8S_CRD_PATHS';
/** Env var: the Kubernetes minor to validate built-in kinds for (e.g. `1.34`). */
export const KUBERNETES_VERSION_ENV = 'OTEL_K8S_KUBERNETES_VERSION';

/** Options of `validateManifests` (every entry point takes these: plugin, `synthLayered`, Pulumi, CLI). */
export interface ValidateOptions {
  /**
   * The Kubernetes minor of the target cluster: built-in kinds are checked against its OpenAPI
   * schema (the package ships 1.33 to 1.36). The env var `OTEL_K8S_KUBERNETES_VERSION` sets it too.
   * @default - the env var, else the newest shipped minor (1.36)
   */
  readonly kubernetesVersion?: string;
  /**
   * Extra CRD files or folders (YAML or JSON), for custom resources of other operators. The env var
   * `OTEL_K8S_CRD_PATHS` (path-delimited) adds more. They win over the shipped CRDs.
   * @default - none
   */
  readonly crdPaths?: readonly string[];
  /**
   * Extra CRDs as a registry (programmatic form of `crdPaths`). CustomResourceDefinition objects
   * found in the validated set are layered on top of everything, so a stack that installs the
   * operator has its CRs checked against exactly that operator version.
   * @default - none
   */
  readonly crds?: CrdRegistry;
  /**
   * Check custom resources against the CRDs the package ships (the pinned operator v0.158.0,
   * cert-manager, prometheus-operator).
   * @default true
   */
  readonly shippedCrds?: boolean;
  /**
   * Strict mode: a custom resource whose CRD is unknown is an error instead of a warning.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Manifest-level rule sets to run (`[]` for schema and object rules only).
   * @default - every registered set (the collector's rules once the collector room is loaded, as the package root does)
   */
  readonly ruleSets?: readonly ManifestRuleSet[];
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

const VALIDATE_OPTIONS = ['kubernetesVersion', 'crdPaths', 'crds', 'shippedCrds', 'strict', 'ruleSets', 'constructPaths', 'downgrade', 'ignore'];

/** Checks validation options as every entry point takes them (plugin, synthLayered, Pulumi, CLI). */
export function checkValidateOptions(where: string, options: unknown): ValidateOptions {
  const o = propsObject<ValidateOptions>(where, options, VALIDATE_OPTIONS);
  optString(where, 'kubernetesVersion', o.kubernetesVersion, 'pass a minor such as "1.36"');
  optStringList(where, 'crdPaths', o.crdPaths, 'pass a list of CRD files or folders');
  optInstance(where, 'crds', o.crds, CrdRegistry, 'CrdRegistry.shipped() or CrdRegistry.fromPaths([...])');
  optBoolean(where, 'shippedCrds', o.shippedCrds);
  optBoolean(where, 'strict', o.strict);
  optList(where, 'ruleSets', o.ruleSets, (r, p) => checkRuleSet(where, p, r));
  if (o.constructPaths !== undefined && !(o.constructPaths instanceof Map)) {
    fail(where, 'constructPaths', o.constructPaths, 'is not a Map', 'pass a Map from object to construct path, or omit it');
  }
  optStringList(where, 'downgrade', o.downgrade, 'pass a list of rule names');
  optStringList(where, 'ignore', o.ignore, 'pass a list of rule names');
  return o;
}

/**
 * Validates synthesized Kubernetes objects the way a cluster with the OpenTelemetry Operator
 * would: built-in kinds against the Kubernetes OpenAPI schema (plus unknown fields, names,
 * labels, ports and selectors), custom resources against their CRD's openAPIV3Schema
 * (including unknown fields, int-or-string, int32/int64, list types and CEL rules), and the set
 * as a whole for duplicates.
 */
export function validateManifests(objects: readonly any[], options: ValidateOptions = {}): ValidationResult {
  if (!Array.isArray(objects)) throw new Error(`validateManifests: expected a list of manifest objects, got ${objects === null ? 'null' : typeof objects}`);
  options = checkValidateOptions('validateManifests', options);
  const minor = resolveKubernetesVersion(options.kubernetesVersion ?? process.env[KUBERNETES_VERSION_ENV]);
  const crds = crdRegistryFor(options);
  // CRDs in the synthesized set are added on top (the lazily read layers stay lazy)
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
      index,
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
      const res = checkBuiltin(obj, minor);
      if (res.status === 'unknown-kind') {
        const serving = servingApiVersions(obj.kind, minor);
        add(
          'error',
          'unknown-kind',
          'kind',
          serving.length
            ? `${obj.apiVersion} does not serve kind "${obj.kind}" in Kubernetes ${minor}; use apiVersion ${serving.join(' or ')}`
            : `kind "${obj.kind}" is not served by ${obj.apiVersion} in Kubernetes ${minor}; check the apiVersion and kind (or kubernetesVersion)`,
        );
      }
      for (const p of res.problems) add('error', p.rule, p.path, p.message);
      if (builtinScope(obj.apiVersion, obj.kind, minor) === 'Cluster' && obj.metadata?.namespace) {
        add('warning', 'scope', 'metadata.namespace', `${obj.kind} is cluster-scoped; remove metadata.namespace (${CLUSTER_SCOPE_HINT})`);
      }
    } else {
      for (const k of Object.keys(obj.metadata ?? {})) {
        if (!OBJECT_META_FIELDS.has(k)) add('error', 'unknown-field', `metadata.${k}`, `unknown field "${k}" in metadata; remove it or fix its spelling`);
      }
      const res = crds.check(obj);
      if (res.status === 'unknown-kind') {
        add(
          options.strict ? 'error' : 'warning',
          'unknown-crd',
          '(root)',
          `no CRD known for ${obj.kind}.${group}: the object was not schema-checked; pass its CRD with crdPaths (or ${CRD_PATHS_ENV}), or include the CRD in the output`,
        );
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
  // manifest-level rule sets (the collector room registers its rules on collector configs)
  const indexOf = new Map<object, number>();
  objects.forEach((o, i) => {
    if (o && typeof o === 'object') indexOf.set(o, i);
  });
  for (const f of (options.ruleSets ?? registeredRuleSets()).flatMap((rs) => rs.check(objects))) {
    if (ignore.has(f.rule)) continue;
    const { object, ...rest } = f;
    const clean: Finding = { ...rest, index: object ? indexOf.get(object) : undefined };
    findings.push(downgrade.has(f.rule) && f.severity === 'error' ? { ...clean, severity: 'warning' } : clean);
  }
  return new ValidationResult(findings, objects.length);
}

const PATH_REGISTRIES = new Map<string, CrdRegistry>();

/** Size and mtime of a file, or of every file of a folder (missing paths fail later, with a message). */
function statKey(p: string): unknown {
  try {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return [st.size, st.mtimeMs];
    return fs.readdirSync(p).sort().map((f) => [f, statKey(path.join(p, f))]);
  } catch {
    return null;
  }
}

/**
 * The CRDs an options object stands for: the shipped ones, then `crdPaths` and the env var, then
 * `crds` (later layers win), in a new registry that the validated set's own CRDs can be added to.
 */
export function crdRegistryFor(options: Pick<ValidateOptions, 'crdPaths' | 'crds' | 'shippedCrds'> = {}): CrdRegistry {
  const fromEnv = (process.env[CRD_PATHS_ENV] ?? '').split(path.delimiter).filter((p) => p !== '');
  if (options.crdPaths !== undefined && !Array.isArray(options.crdPaths)) {
    throw new Error(`crdPaths must be a list of CRD files or folders, got ${JSON.stringify(options.crdPaths)}`);
  }
  const paths = [...(options.crdPaths ?? []), ...fromEnv];
  let fromPaths: CrdRegistry | undefined;
  if (paths.length) {
    // reused while no file changes (a later call in the same process reads nothing twice)
    const key = JSON.stringify(paths.map((p) => [p, statKey(p)]));
    fromPaths = PATH_REGISTRIES.get(key);
    if (!fromPaths) {
      fromPaths = CrdRegistry.fromPaths(paths);
      PATH_REGISTRIES.set(key, fromPaths);
    }
  }
  if (options.crds !== undefined && !(options.crds instanceof CrdRegistry)) {
    throw new Error('crds must be a CrdRegistry (e.g. CrdRegistry.fromPaths([...])); for paths use crdPaths');
  }
  return CrdRegistry.layered(options.shippedCrds === false ? undefined : CrdRegistry.shipped(), fromPaths, options.crds);
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
  if (!Construct.isConstruct(root)) fail('validateConstruct', 'root', root, 'is not a construct', 'pass the app, a chart or any construct');
  checkValidateOptions('validateConstruct', options);
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
  if (!Array.isArray(input) && !Construct.isConstruct(input)) {
    fail('expectValidManifests', 'input', input, 'is neither a construct nor a list of objects', 'pass the app, a chart, or synthesized objects');
  }
  const result = Array.isArray(input) ? validateManifests(input, options) : validateConstruct(input as IConstruct, options);
  if (!result.ok) throw new Error(`manifests are not valid:\n${result.toString()}`);
  return result;
}
