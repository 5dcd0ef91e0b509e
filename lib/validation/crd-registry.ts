import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments } from '../common/yaml';
import { cacheDir, cacheKey, readCache, writeCache } from './disk-cache';
import { SchemaError, StructuralSchema } from './structural-schema';

/** One served version of a custom resource. */
interface CrdVersion {
  readonly schema: any;
  readonly served: boolean;
  readonly deprecated: boolean;
  /** Content hash of the schema: the key of its prepared validator. */
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

/**
 * A CEL rule outside the evaluator's subset, or a pattern JavaScript cannot compile (RE2 syntax):
 * skipped by the validator, so reported here, never silently passed.
 */
export interface UnsupportedRule {
  readonly crdName: string;
  readonly version: string;
  /** `x-kubernetes-validations` for a CEL rule, `pattern` for a regular expression. */
  readonly keyword: 'x-kubernetes-validations' | 'pattern';
  /** The CEL rule or the pattern. */
  readonly rule: string;
  readonly reason: string;
}

/**
 * Prepared schemas (structural-schema interpreters) are shared by every registry in the process,
 * keyed by the schema's content hash: a CRD loaded from a file and the same CRD found in a
 * synthesized operator manifest are prepared once, and share what their validation caches
 * (compiled patterns and CEL rules of the schema nodes data reached).
 */
const PREPARED = new Map<string, StructuralSchema>();

function hashOf(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex');
}

/** The result of checking one custom resource. */
export interface CrdCheck {
  /** `unknown-kind`: no CRD for the group/kind; `unknown-version`: CRD known, version not served. */
  readonly status: 'ok' | 'invalid' | 'unknown-kind' | 'unknown-version';
  readonly errors: readonly SchemaError[];
  readonly entry?: CrdEntry;
  /** Set when the version is served but deprecated. */
  readonly deprecated?: boolean;
}

/**
 * Custom resource definitions to validate custom resources against. Loads CRDs from files,
 * folders and CustomResourceDefinition objects (for example those a synthesized operator
 * install manifest contains). Each version's schema is interpreted (`StructuralSchema`): nothing
 * is compiled up front, and a custom resource only costs the parts of the schema its data reaches.
 */
export class CrdRegistry {
  /** A registry preloaded with the CRD files in the given folders (`*.yaml`, `*.yml`, `*.json`). */
  public static fromDirs(...dirs: string[]): CrdRegistry {
    const r = new CrdRegistry();
    for (const d of dirs) r.loadDir(d);
    return r;
  }

  /**
   * How many CRD version schemas have been prepared for validation in this process (all registries
   * share them: the same schema content is prepared once).
   */
  public static compiledSchemaCount(): number {
    return PREPARED.size;
  }

  private readonly entries = new Map<string, CrdEntry>();

  /** Registers every CustomResourceDefinition in a YAML or JSON file (multi-document YAML allowed). */
  public loadFile(file: string): this {
    const docs = file.endsWith('.json') ? [JSON.parse(fs.readFileSync(file, 'utf8'))] : parseYamlCached(file);
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

  /** Registers an entry of another registry (shares its prepared validators). */
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

  /**
   * CEL rules found in registered CRDs that the evaluator cannot run, and patterns JavaScript cannot
   * compile (walks every schema completely).
   */
  public unsupportedRules(): UnsupportedRule[] {
    const out: UnsupportedRule[] = [];
    for (const e of this.entries.values()) {
      for (const [name, v] of e.versions) {
        for (const issue of this.prepared(v).unsupported()) out.push({ crdName: e.crdName, version: name, ...issue });
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
    const errors = this.prepared(v).validate(obj);
    return { status: errors.length ? 'invalid' : 'ok', errors, entry, deprecated: v.deprecated };
  }

  private prepared(v: CrdVersion): StructuralSchema {
    let key = v.hash;
    if (!key) {
      key = hashOf(v.schema);
      (v as { hash: string }).hash = key;
    }
    let schema = PREPARED.get(key);
    if (!schema) {
      schema = new StructuralSchema(v.schema);
      PREPARED.set(key, schema);
    }
    return schema;
  }
}

/** Bump when the cached form changes. */
const PARSE_CACHE_FORMAT = 'crd-docs-v2';

/**
 * The documents of a multi-document YAML file. CRD files are large (the OpenTelemetryCollector
 * CRD is 420 kB of YAML, ~300 ms to parse, ~1 ms as JSON): the parsed documents are cached on
 * disk as JSON (see `disk-cache.ts`), keyed by the file's identity (real path, device, inode,
 * size, modification time), so later processes neither parse nor even read the YAML. Editing or
 * replacing the file changes its key. Content that JSON cannot represent exactly (non-finite
 * numbers) is not cached; cache errors are ignored (the file is parsed as usual).
 */
function parseYamlCached(file: string): any[] {
  let key: string | undefined;
  if (cacheDir()) {
    try {
      const st = fs.statSync(file);
      key = cacheKey([PARSE_CACHE_FORMAT, fs.realpathSync(file), String(st.dev), String(st.ino), String(st.size), String(st.mtimeMs)], '.json');
      const cached = readCache(key);
      if (cached) return JSON.parse(cached.toString('utf8'));
    } catch {
      // not cached yet (or unreadable): parse below
    }
  }
  const docs = parseYamlDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
  if (key) {
    let exact = true;
    const json = JSON.stringify(docs, function (this: any, k: string, v: unknown) {
      const raw = this[k];
      if ((typeof raw === 'number' && !Number.isFinite(raw)) || typeof raw === 'bigint' || raw instanceof Date) exact = false;
      return typeof raw === 'bigint' ? null : v;
    });
    if (exact) writeCache(key, json);
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
