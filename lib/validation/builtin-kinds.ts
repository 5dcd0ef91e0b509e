import { splitApiVersion } from './crd-registry';
import { pointerToPath } from './findings';
import { isModelName, kindValidator } from './models-loader';
import { withLightModelsRuntime } from './models-runtime';
import { schemaProblems, SchemaProblem } from './schema-errors';
import type { SchemaError } from './structural-schema';

/** API groups served by Kubernetes itself (kubernetes-models 4.5.x, Kubernetes 1.33). */
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** Kinds without a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'RuntimeClass',
  'IngressClass',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);

/** True when the apiVersion belongs to a group Kubernetes serves itself. */
export function isBuiltinApiVersion(apiVersion: string): boolean {
  return BUILTIN_GROUPS.has(splitApiVersion(apiVersion)[0]);
}

/** True when the kind is cluster-scoped (built-in kinds only). */
export function isClusterScopedBuiltin(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** Validates data; returns the ajv-shaped errors (empty when valid). */
type KindValidator = (data: unknown) => SchemaError[];
const MODELS = new Map<string, KindValidator | null>();

function modelValidate(apiVersion: string, kind: string): KindValidator | null {
  const key = `${apiVersion}/${kind}`;
  let fn = MODELS.get(key);
  if (fn === undefined) {
    const lazy = lazyKindValidator(apiVersion, kind);
    // null: no such kind (or not a module name); undefined: the lazy loader cannot serve it
    fn = lazy === undefined ? modelClassValidator(apiVersion, kind) : lazy;
    MODELS.set(key, fn);
  }
  return fn;
}

/**
 * The kind's compiled validator through the lazy loader (see models-loader.ts).
 * @internal exported for the equivalence tests
 */
export function lazyKindValidator(apiVersion: string, kind: string): KindValidator | null | undefined {
  const compiled = kindValidator(apiVersion, kind);
  if (!compiled) return compiled;
  return (data) => (compiled(data) ? [] : ((compiled.errors ?? []) as SchemaError[]));
}

/**
 * The kind's model class `validate()`, loaded through kubernetes-models' own modules.
 * @internal exported for the equivalence tests
 */
export function modelClassValidator(apiVersion: string, kind: string): KindValidator | null {
  if (!isModelName(apiVersion, kind)) return null;
  let method: ((this: unknown) => void) | undefined;
  try {
    // One module per kind: loading a whole group index would cost hundreds of modules. The
    // validators load with a light stand-in of their runtime (see models-runtime.ts).
    const mod = withLightModelsRuntime(() => require(`kubernetes-models/${apiVersion}/${kind}`));
    method = mod[kind]?.prototype?.validate;
  } catch {
    method = undefined;
  }
  if (typeof method !== 'function') return null;
  const validate = method;
  return (data) => {
    try {
      validate.call(data);
      return [];
    } catch (e) {
      const errors = ((e as { errors?: SchemaError[] }).errors ?? []) as SchemaError[];
      if (!errors.length) throw e;
      return errors;
    }
  };
}

/**
 * kubernetes-models strips `description` properties and the `x-kubernetes-*` / `$ref` keys of
 * JSONSchemaProps from its compiled schemas, so its validators never read them: they are not
 * reported as unknown.
 */
const UNCHECKED_KEY = /^(description|x-kubernetes-.*|\$ref|\$schema)$/;

/**
 * Wraps an object so that every property the schema validator reads is recorded. Keys of an
 * object that the validator never read are not in the schema: unknown fields. Objects whose
 * schema has no properties (free-form) are read by iteration or not at all and are skipped.
 */
function recordAccess(root: unknown): { proxy: unknown; unknown: () => string[] } {
  const accessed = new Map<object, { keys: Set<string>; iterated: boolean; pointer: string }>();
  const proxies = new WeakMap<object, unknown>();
  const wrap = (o: unknown, pointer: string): unknown => {
    if (o === null || typeof o !== 'object') return o;
    const cached = proxies.get(o);
    if (cached) return cached;
    const rec = { keys: new Set<string>(), iterated: false, pointer };
    accessed.set(o, rec);
    const p = new Proxy(o, {
      get(t, k) {
        if (typeof k !== 'string') return (t as any)[k];
        rec.keys.add(k);
        return wrap((t as any)[k], `${pointer}/${k}`);
      },
      ownKeys(t) {
        rec.iterated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(o, p);
    return p;
  };
  const proxy = wrap(root, '');
  return {
    proxy,
    unknown: () => {
      const out: string[] = [];
      for (const [o, rec] of accessed) {
        if (Array.isArray(o) || rec.iterated || rec.keys.size === 0) continue;
        for (const k of Object.keys(o)) if (!rec.keys.has(k) && !UNCHECKED_KEY.test(k)) out.push(`${rec.pointer}/${k}`);
      }
      return out;
    },
  };
}

/** The result of checking one built-in object against the Kubernetes OpenAPI schema. */
export interface BuiltinCheck {
  readonly status: 'ok' | 'invalid' | 'unknown-kind';
  readonly problems: readonly SchemaProblem[];
}

/**
 * Validates a built-in object with the kubernetes-models validators (OpenAPI types, formats,
 * required fields, quantities) and adds what they miss: unknown fields.
 */
export function checkBuiltin(obj: any): BuiltinCheck {
  const validate = modelValidate(obj.apiVersion, obj.kind);
  if (!validate) return { status: 'unknown-kind', problems: [] };
  const rec = recordAccess(obj);
  const errors = validate(rec.proxy);
  const problems = schemaProblems(errors, obj);
  for (const pointer of rec.unknown()) {
    const field = pointer.slice(pointer.lastIndexOf('/') + 1);
    problems.push({
      rule: 'unknown-field',
      path: pointerToPath(pointer),
      message: `unknown field "${field}" (the API server would reject or drop it); remove it or fix its spelling`,
    });
  }
  return { status: problems.length ? 'invalid' : 'ok', problems };
}
