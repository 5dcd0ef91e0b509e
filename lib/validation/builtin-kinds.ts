import { splitApiVersion } from './crd-registry';
import { isBuiltinGroup, kubernetesSchemas } from '../common/schema-data';
import { schemaProblems, SchemaProblem } from './schema-errors';
import { StructuralSchema } from './structural-schema';

/**
 * Built-in kinds: validated against the Kubernetes OpenAPI v3 definitions the package ships for the
 * chosen minor (`schema-data.ts`), by the same structural-schema interpreter as custom resources.
 */

/**
 * True when the apiVersion belongs to a group Kubernetes serves itself (in any shipped minor, or
 * served once, like `extensions`): its objects are built-in kinds, checked against the chosen minor.
 */
export function isBuiltinApiVersion(apiVersion: string): boolean {
  return isBuiltinGroup(splitApiVersion(apiVersion)[0]);
}

/** `Namespaced`/`Cluster` for a built-in kind, `undefined` when the minor does not serve it. */
export function builtinScope(apiVersion: string, kind: string, minor: string): 'Namespaced' | 'Cluster' | undefined {
  const entry = kubernetesSchemas(minor).kinds[apiVersion]?.[kind];
  return entry ? (entry[1] === 'c' ? 'Cluster' : 'Namespaced') : undefined;
}

const SCHEMAS = new Map<string, StructuralSchema>();

function schemaOf(minor: string): StructuralSchema {
  let s = SCHEMAS.get(minor);
  if (!s) {
    const k = kubernetesSchemas(minor);
    s = new StructuralSchema({}, { definitions: k.definitions, definition: k.definition });
    SCHEMAS.set(minor, s);
  }
  return s;
}

/** The result of checking one built-in object against the Kubernetes OpenAPI schema. */
export interface BuiltinCheck {
  /** `unknown-kind`: the minor does not serve this apiVersion/kind. */
  readonly status: 'ok' | 'invalid' | 'unknown-kind';
  readonly problems: readonly SchemaProblem[];
}

/** Validates a built-in object against its kind's definition (types, formats, required fields, quantities, unknown fields). */
export function checkBuiltin(obj: any, minor: string): BuiltinCheck {
  const entry = kubernetesSchemas(minor).kinds[obj.apiVersion]?.[obj.kind];
  if (!entry) return { status: 'unknown-kind', problems: [] };
  const problems = schemaProblems(schemaOf(minor).validateDefinition(entry[0], obj), obj);
  return { status: problems.length ? 'invalid' : 'ok', problems };
}

/** The apiVersions that serve a kind in a minor (for "use X instead" messages). */
export function servingApiVersions(kind: string, minor: string): string[] {
  return Object.entries(kubernetesSchemas(minor).kinds)
    .filter(([, kinds]) => kinds[kind] !== undefined)
    .map(([gv]) => gv);
}
