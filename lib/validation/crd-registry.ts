import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { compileCel, CelPredicate } from './cel';

/** One served version of a custom resource. */
interface CrdVersion {
  readonly schema: any;
  readonly served: boolean;
  readonly deprecated: boolean;
  /** Content hash of the schema: the compile cache key. */
  readonly hash: string;
}

/** What the registry knows about one custom resource kind. */
export interface CrdEntry {
  /** CRD name, e.g. `opentelemetrycollectors.opentelemetry.io`. */
  readonly crdName: string;
  /** API group. */
  readonly group: string;
  /** Kind. */
  readonly kind: string;
  /** `Namespaced` or `Cluster`. */
  readonly scope: string;
  /** Where the CRD came from (a file path or `synthesized`). */
  readonly source: string;
  /** Served versions by name. */
  readonly versions: ReadonlyMap<string, CrdVersion>;
}

/** A CEL rule that is outside the evaluator's subset: reported, never silently passed. */
export interface UnsupportedRule {
  readonly crdName: string;
  readonly version: string;
  readonly rule: string;
  readonly reason: string;
}

/**
 * Compiled validators are shared by every registry in the process, keyed by the schema's content
 * hash: a CRD loaded from a file and the same CRD found in a synthesized operator manifest compile once.
 */
const COMPILED = new Map<string, ValidateFunction>();
const UNSUPPORTED = new Map<string, UnsupportedRule[]>();

function hashOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}

const INT32 = { min: -2147483648, max: 2147483647 };

let sharedAjv: Ajv | undefined;
function ajv(): Ajv {
  if (sharedAjv) return sharedAjv;
  // No code optimization pass: it halves compile time (the cold-process cost) and barely changes
  // validation speed.
  const a = new Ajv({ allErrors: true, strict: false, validateFormats: true, unicodeRegExp: false, code: { optimize: false }, validateSchema: false, addUsedSchema: false });
  a.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  a.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  a.addFormat('float', { type: 'number', validate: () => true });
  a.addFormat('double', { type: 'number', validate: () => true });
  a.addFormat('byte', { type: 'string', validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 });
  a.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s),
  });
  a.addFormat('duration', { type: 'string', validate: (s: string) => /^(-?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0)$/.test(s) });
  for (const f of ['uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'password', 'date', 'datetime']) {
    a.addFormat(f, true);
  }
  a.addKeyword({
    keyword: 'x-k8s-list-map-keys',
    type: 'array',
    errors: true,
    validate: function listMapKeys(keys: string[], data: any[]) {
      const seen = new Set<string>();
      for (const item of data) {
        if (!item || typeof item !== 'object') continue;
        const k = JSON.stringify(keys.map((key) => item[key]));
        if (seen.has(k)) {
          (listMapKeys as any).errors = [
            {
              keyword: 'x-k8s-list-map-keys',
              message: `duplicate entry with ${keys.map((key) => `${key}=${JSON.stringify(item[key])}`).join(', ')}; list-map keys must be unique`,
              params: { keys },
            },
          ];
          return false;
        }
        seen.add(k);
      }
      return true;
    },
  });
  a.addKeyword({
    keyword: 'x-k8s-cel',
    errors: true,
    validate: function cel(rules: { predicate: CelPredicate; message: string; rule: string }[], data: unknown) {
      const errs = [];
      for (const r of rules) {
        let ok: boolean;
        try {
          ok = r.predicate(data);
        } catch {
          ok = true;
        }
        if (!ok) errs.push({ keyword: 'x-k8s-cel', message: r.message, params: { rule: r.rule } });
      }
      (cel as any).errors = errs;
      return errs.length === 0;
    },
  });
  a.addKeyword({
    keyword: LAZY,
    errors: true,
    // The subschema is compiled the first time data reaches it: a custom resource only pays for the
    // parts of its CRD it uses (an OpenTelemetryCollector rarely sets affinity, volumes or
    // initContainers, the bulk of the schema). Errors keep their full instancePath: the compiled
    // subschema receives the data context of the place it validates.
    compile(sub: any) {
      let compiled: ValidateFunction | undefined;
      const lazy = function (data: unknown, dataCxt: any): boolean {
        compiled ??= ajv().compile(sub);
        const ok = compiled(data, dataCxt) as boolean;
        (lazy as any).errors = ok ? null : [...(compiled.errors ?? [])];
        return ok;
      };
      return lazy as any;
    },
  });
  sharedAjv = a;
  return a;
}

/** Keyword deferring the compilation of a large subschema to its first use. */
const LAZY = 'x-k8s-lazy';
/** Subschemas with more nodes than this are compiled lazily. */
const LAZY_MIN_NODES = 10;

interface SchemaCtx {
  crdName: string;
  version: string;
  unsupported: UnsupportedRule[];
  /** Count of schema nodes rewritten so far (sizes subtrees for `lazily`). */
  nodes: number;
}

/** Rewrites a subschema, wrapping it in the lazy keyword when it is large. */
function lazily(node: any, ctx: SchemaCtx): any {
  const before = ctx.nodes;
  const out = toAjvSchema(node, ctx);
  return out && typeof out === 'object' && ctx.nodes - before > LAZY_MIN_NODES ? { [LAZY]: out } : out;
}

/**
 * Rewrites a Kubernetes structural schema into a JSON schema with the API server's semantics:
 * unknown fields are errors (the server would prune them), int-or-string, nullable,
 * embedded resources, list-type set/map and CEL rules.
 */
function toAjvSchema(node: any, ctx: SchemaCtx, root = false): any {
  if (!node || typeof node !== 'object') return node;
  ctx.nodes++;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || k === 'default' || k === 'description' || k === 'example') continue;
    if (k === 'properties') {
      out.properties = {};
      for (const [pk, pv] of Object.entries(v as object)) out.properties[pk] = lazily(pv, ctx);
    } else if (k === 'items') {
      out[k] = lazily(v, ctx);
    } else if (k === 'not') {
      out[k] = toAjvSchema(v, ctx);
    } else if (k === 'additionalProperties') {
      out[k] = typeof v === 'object' ? lazily(v, ctx) : v;
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      // In structural schemas these only add value validations; the fields are declared outside them.
      out[k] = (v as any[]).map((s) => {
        const c = toAjvSchema(s, ctx);
        delete c.additionalProperties;
        return c;
      });
    } else if (k !== 'nullable' && k !== 'type') {
      out[k] = v;
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    out['x-k8s-int-or-string'] = true;
  } else if (node.type) {
    // The API server prunes a null in a non-nullable field before validating, so null passes either way.
    out.type = [node.type, 'null'];
  }
  if (node['x-kubernetes-embedded-resource']) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
  }
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node.type === 'object' && !preserve && out.additionalProperties === undefined) {
    out.additionalProperties = false;
    out.properties ??= {};
  }
  if (root) {
    out.properties = { ...out.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
  }
  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  if (node['x-kubernetes-list-type'] === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])) {
    out['x-k8s-list-map-keys'] = node['x-kubernetes-list-map-keys'];
  }
  const rules = node['x-kubernetes-validations'];
  if (Array.isArray(rules)) {
    const compiled = [];
    for (const r of rules) {
      try {
        compiled.push({ predicate: compileCel(r.rule), message: r.message ?? `failed rule: ${r.rule}`, rule: r.rule });
      } catch (e) {
        ctx.unsupported.push({ crdName: ctx.crdName, version: ctx.version, rule: r.rule, reason: (e as Error).message });
      }
    }
    if (compiled.length) out['x-k8s-cel'] = compiled;
  }
  return out;
}

/** The result of checking one custom resource. */
export interface CrdCheck {
  /** `unknown-kind`: no CRD for the group/kind; `unknown-version`: CRD known, version not served. */
  readonly status: 'ok' | 'invalid' | 'unknown-kind' | 'unknown-version';
  readonly errors: readonly ErrorObject[];
  readonly entry?: CrdEntry;
  /** Set when the version is served but deprecated. */
  readonly deprecated?: boolean;
}

/**
 * Custom resource definitions to validate custom resources against. Loads CRDs from files,
 * folders and CustomResourceDefinition objects (for example those a synthesized operator
 * install manifest contains), and compiles each version's schema once, lazily.
 */
export class CrdRegistry {
  /** A registry preloaded with the CRD files in the given folders (`*.yaml`, `*.yml`, `*.json`). */
  public static fromDirs(...dirs: string[]): CrdRegistry {
    const r = new CrdRegistry();
    for (const d of dirs) r.loadDir(d);
    return r;
  }

  /** How many schemas have been compiled in this process (all registries share the cache). */
  public static compiledSchemaCount(): number {
    return COMPILED.size;
  }

  private readonly entries = new Map<string, CrdEntry>();

  /** Registers every CustomResourceDefinition in a YAML or JSON file (multi-document YAML allowed). */
  public loadFile(file: string): this {
    const text = fs.readFileSync(file, 'utf8');
    const docs = file.endsWith('.json') ? [JSON.parse(text)] : parseYamlCached(text);
    let found = 0;
    for (const doc of docs) {
      if (isCrd(doc)) {
        this.add(doc, file);
        found++;
      }
    }
    if (found === 0) throw new Error(`no CustomResourceDefinition found in ${file}; pass a CRD manifest file`);
    return this;
  }

  /** Registers every CRD file in a folder. Fails if the folder does not exist. */
  public loadDir(dir: string): this {
    if (!fs.existsSync(dir)) throw new Error(`CRD folder ${dir} does not exist; pass an existing folder of CRD YAML files`);
    for (const f of fs.readdirSync(dir).sort()) {
      if (/\.(ya?ml|json)$/.test(f)) this.loadFile(path.join(dir, f));
    }
    return this;
  }

  /** Registers one CustomResourceDefinition object. A later definition of the same CRD replaces the earlier one. */
  public add(crd: any, source = 'synthesized'): this {
    if (!isCrd(crd)) throw new Error(`object ${crd?.kind}/${crd?.metadata?.name} is not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
    const spec = crd.spec ?? {};
    const versions = new Map<string, CrdVersion>();
    for (const v of spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) continue;
      versions.set(v.name, { schema, served: v.served !== false, deprecated: v.deprecated === true, hash: '' });
    }
    const entry: CrdEntry = {
      crdName: crd.metadata?.name ?? `${spec.names?.plural}.${spec.group}`,
      group: spec.group,
      kind: spec.names?.kind,
      scope: spec.scope ?? 'Namespaced',
      source,
      versions,
    };
    this.entries.set(`${entry.group}/${entry.kind}`, entry);
    return this;
  }

  /** Registers an entry of another registry (shares its compiled validators). */
  public copyFrom(entry: CrdEntry): this {
    this.entries.set(`${entry.group}/${entry.kind}`, entry);
    return this;
  }

  /** The entry for a group and kind. */
  public get(group: string, kind: string): CrdEntry | undefined {
    return this.entries.get(`${group}/${kind}`);
  }

  /** Every registered CRD. */
  public all(): CrdEntry[] {
    return [...this.entries.values()];
  }

  /** CEL rules found in registered CRDs that the evaluator cannot run (compiles the schemas). */
  public unsupportedRules(): UnsupportedRule[] {
    const out: UnsupportedRule[] = [];
    for (const e of this.entries.values()) {
      for (const [name, v] of e.versions) {
        const key = this.compile(e, name, v);
        out.push(...(UNSUPPORTED.get(key) ?? []));
      }
    }
    return out;
  }

  /** Validates one custom resource against its CRD version's schema. */
  public check(obj: any): CrdCheck {
    const [group, version] = splitApiVersion(obj.apiVersion);
    const entry = this.get(group, obj.kind);
    if (!entry) return { status: 'unknown-kind', errors: [] };
    const v = entry.versions.get(version);
    if (!v || !v.served) return { status: 'unknown-version', errors: [], entry };
    const key = this.compile(entry, version, v);
    const validate = COMPILED.get(key)!;
    const ok = validate(obj);
    return {
      status: ok ? 'ok' : 'invalid',
      errors: ok ? [] : [...(validate.errors ?? [])],
      entry,
      deprecated: v.deprecated,
    };
  }

  private compile(entry: CrdEntry, version: string, v: CrdVersion): string {
    let key = v.hash;
    if (!key) {
      key = hashOf(v.schema);
      (v as { hash: string }).hash = key;
    }
    if (!COMPILED.has(key)) {
      const unsupported: UnsupportedRule[] = [];
      const schema = toAjvSchema(v.schema, { crdName: entry.crdName, version, unsupported, nodes: 0 }, true);
      COMPILED.set(key, ajv().compile(schema));
      UNSUPPORTED.set(key, unsupported);
    }
    return key;
  }
}

/** Bump when the cached form changes. */
const PARSE_CACHE_FORMAT = 'crd-docs-v1';

/**
 * Where parsed CRD files are cached: `OTEL_K8S_CACHE_DIR`, `off` to disable, else a per-user
 * folder under the OS temp dir.
 */
function parseCacheDir(): string | undefined {
  const env = process.env.OTEL_K8S_CACHE_DIR;
  if (env === 'off' || env === '0' || env === 'false') return undefined;
  if (env) return env;
  return path.join(os.tmpdir(), `otel-k8s-constructs-${process.getuid?.() ?? 'user'}`);
}

/**
 * The documents of a multi-document YAML file. CRD files are large (the OpenTelemetryCollector
 * CRD is 420 kB of YAML, ~300 ms to parse, ~1 ms as JSON): the parsed documents are cached on
 * disk as JSON, keyed by a hash of the file's content, so later processes skip the YAML parser.
 * Content that JSON cannot represent exactly (non-finite numbers) is not cached; cache errors are
 * ignored (the file is parsed as usual).
 */
function parseYamlCached(text: string): any[] {
  const dir = parseCacheDir();
  const file = dir && path.join(dir, `${createHash('sha1').update(PARSE_CACHE_FORMAT).update(text).digest('hex')}.json`);
  if (file) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // not cached yet (or unreadable): parse below
    }
  }
  const docs = parseAllDocuments(text).map((d) => d.toJS());
  if (file) {
    try {
      let exact = true;
      const json = JSON.stringify(docs, function (this: any, k: string, v: unknown) {
        const raw = this[k];
        if ((typeof raw === 'number' && !Number.isFinite(raw)) || typeof raw === 'bigint' || raw instanceof Date) exact = false;
        return typeof raw === 'bigint' ? null : v;
      });
      if (exact) {
        fs.mkdirSync(dir!, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, json);
        fs.renameSync(tmp, file);
      }
    } catch {
      // read-only or full disk: no cache
    }
  }
  return docs;
}

/** True for an apiextensions.k8s.io/v1 CustomResourceDefinition object. */
export function isCrd(obj: any): boolean {
  return obj?.kind === 'CustomResourceDefinition' && typeof obj?.apiVersion === 'string' && obj.apiVersion.startsWith('apiextensions.k8s.io/');
}

/** `apps/v1` -> [`apps`, `v1`]; `v1` -> [``, `v1`]. */
export function splitApiVersion(apiVersion: string): [string, string] {
  const i = (apiVersion ?? '').lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}
