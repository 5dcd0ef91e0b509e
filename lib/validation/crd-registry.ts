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
  /** `subresources.scale.specReplicasPath` (e.g. `.spec.replicas`): the API server requires a non-negative int32 there. */
  readonly specReplicasPath?: string;
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

/** A CRD file of a folder, registered but not read yet. */
interface PendingFile {
  readonly file: string;
  /** Registration order: a later definition of the same CRD replaces an earlier one. */
  readonly seq: number;
  /** `group/kind` of every CRD in the file, when known without parsing it (else the file is read on any lookup). */
  readonly kinds?: ReadonlySet<string>;
}

/**
 * Custom resource definitions to validate custom resources against. Loads CRDs from files,
 * folders and CustomResourceDefinition objects (for example those a synthesized operator
 * install manifest contains). Each version's schema is interpreted (`StructuralSchema`): nothing
 * is compiled up front, and a custom resource only costs the parts of the schema its data reaches.
 *
 * Folders are read lazily: a file is parsed the first time a custom resource of a kind it
 * defines is checked (`get`, `check`), or when every entry is asked for (`all`,
 * `unsupportedRules`). Which kinds a file defines is known from a small index in the disk cache,
 * or from a scan of its top-level `spec.group` / `spec.names.kind` lines; a file the scan cannot
 * read is parsed on any lookup. Folders of CRDs for many operators then cost only the CRDs in use.
 */
export class CrdRegistry {
  /** A registry of the CRD files in the given folders (`*.yaml`, `*.yml`, `*.json`), read when needed (see `loadDir`). */
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

  private readonly entries = new Map<string, { readonly entry: CrdEntry; readonly seq: number }>();
  private readonly pending: PendingFile[] = [];
  private nextSeq = 0;
  private parent?: CrdRegistry;

  /**
   * A registry that sees this one's CRDs and adds its own on top (its own definitions win).
   * Nothing is copied: lazily read folders of this registry stay lazy.
   */
  public extend(): CrdRegistry {
    const child = new CrdRegistry();
    child.parent = this;
    return child;
  }

  /** Registers every CustomResourceDefinition in a YAML or JSON file (multi-document YAML allowed), now. */
  public loadFile(file: string): this {
    this.addFile(file, this.nextSeq++);
    return this;
  }

  /**
   * Registers every CRD file in a folder, read when needed (see the class doc). Fails if the
   * folder does not exist; a file in it without any CRD fails the lookups that read it.
   */
  public loadDir(dir: string): this {
    if (!fs.existsSync(dir)) throw new Error(`CRD folder ${dir} does not exist; pass an existing folder of CRD YAML files`);
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.(ya?ml|json)$/.test(f)) continue;
      const file = path.join(dir, f);
      this.pending.push({ file, seq: this.nextSeq++, kinds: f.endsWith('.json') ? undefined : crdKindsOf(file) });
    }
    return this;
  }

  /** Registers one CustomResourceDefinition object. A later definition of the same CRD replaces the earlier one. */
  public add(crd: any, source = 'synthesized'): this {
    return this.addAt(crd, source, this.nextSeq++);
  }

  /** The entry for a group and kind. */
  public get(group: string, kind: string): CrdEntry | undefined {
    const key = `${group}/${kind}`;
    if (this.pending.length) this.readPending((p) => !p.kinds || p.kinds.has(key));
    return this.entries.get(key)?.entry ?? this.parent?.get(group, kind);
  }

  /** Every registered CRD (reads every pending file). */
  public all(): CrdEntry[] {
    this.readPending(() => true);
    const own = [...this.entries.values()].map((e) => e.entry);
    const ownKeys = new Set(own.map((e) => `${e.group}/${e.kind}`));
    return [...(this.parent?.all().filter((e) => !ownKeys.has(`${e.group}/${e.kind}`)) ?? []), ...own];
  }

  /** How many registered CRD files have not been read yet (for tests and benchmarks). */
  public pendingFileCount(): number {
    return this.pending.length + (this.parent?.pendingFileCount() ?? 0);
  }

  /**
   * Parses the pending files that `which` selects, in registration order. A file leaves the
   * pending list only once it has been read: one that fails (no CRD in it, bad YAML) fails every
   * lookup that needs it, not only the first.
   */
  private readPending(which: (p: PendingFile) => boolean): void {
    for (const p of this.pending.filter(which)) {
      const kinds = this.addFile(p.file, p.seq);
      this.pending.splice(this.pending.indexOf(p), 1);
      if (!p.file.endsWith('.json') && (!p.kinds || p.kinds.size !== kinds.size || [...kinds].some((k) => !p.kinds!.has(k)))) {
        recordCrdKinds(p.file, kinds);
      }
    }
  }

  /** Registers the CRDs of a file; returns their `group/kind`. */
  private addFile(file: string, seq: number): Set<string> {
    const docs = file.endsWith('.json') ? [JSON.parse(fs.readFileSync(file, 'utf8'))] : parseYamlCached(file);
    const kinds = new Set<string>();
    for (const doc of docs) {
      if (isCrd(doc)) {
        this.addAt(doc, file, seq);
        kinds.add(`${doc.spec?.group}/${doc.spec?.names?.kind}`);
      }
    }
    if (kinds.size === 0) throw new Error(`no CustomResourceDefinition found in ${file}; pass a CRD manifest file`);
    return kinds;
  }

  private addAt(crd: any, source: string, seq: number): this {
    if (!isCrd(crd)) throw new Error(`object ${crd?.kind}/${crd?.metadata?.name} is not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
    const spec = crd.spec ?? {};
    const versions = new Map<string, CrdVersion>();
    for (const v of spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) continue;
      const replicas = v.subresources?.scale?.specReplicasPath;
      versions.set(v.name, {
        schema,
        served: v.served !== false,
        deprecated: v.deprecated === true,
        hash: '',
        ...(typeof replicas === 'string' ? { specReplicasPath: replicas } : {}),
      });
    }
    const entry: CrdEntry = {
      crdName: crd.metadata?.name ?? `${spec.names?.plural}.${spec.group}`,
      group: spec.group,
      kind: spec.names?.kind,
      scope: spec.scope ?? 'Namespaced',
      source,
      versions,
    };
    const key = `${entry.group}/${entry.kind}`;
    const existing = this.entries.get(key);
    if (!existing || existing.seq <= seq) this.entries.set(key, { entry, seq });
    return this;
  }

  /**
   * CEL rules found in registered CRDs that the evaluator cannot run, and patterns JavaScript cannot
   * compile (walks every schema completely).
   */
  public unsupportedRules(): UnsupportedRule[] {
    const out: UnsupportedRule[] = [];
    for (const e of this.all()) {
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
    const errors = [...this.prepared(v).validate(obj), ...scaleErrors(obj, v.specReplicasPath)];
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

/**
 * The scale subresource's rule: the value at `specReplicasPath` (when set) is a non-negative integer
 * that fits in int32 (apiextensions-apiserver validates it for every CR with a scale subresource).
 */
function scaleErrors(obj: any, specReplicasPath: string | undefined): SchemaError[] {
  if (!specReplicasPath || !/^(\.[A-Za-z0-9_]+)+$/.test(specReplicasPath)) return [];
  const keys = specReplicasPath.slice(1).split('.');
  let v: any = obj;
  for (const k of keys) v = v?.[k];
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number') return []; // the schema reports the type
  if (Number.isInteger(v) && v >= 0) return []; // above int32: the schema's format reports it
  return [{ instancePath: `/${keys.join('/')}`, keyword: 'scale', params: { specReplicasPath }, message: 'must be a non-negative integer (the scale subresource reads it as the replica count)' }];
}

/** Bump when the cached forms change. */
const PARSE_CACHE_FORMAT = 'crd-docs-v2';
const INDEX_CACHE_FORMAT = 'crd-index-v1';

/**
 * A file's identity for the disk cache: real path, device, inode, size and modification time.
 * Editing or replacing the file changes it. `undefined` when the file cannot be stat'ed.
 */
function fileIdentity(file: string): string[] | undefined {
  try {
    const st = fs.statSync(file);
    // ctime too: tools that restore an old mtime after an edit (cp -p, tar, rsync -t) cannot set it
    return [fs.realpathSync(file), String(st.dev), String(st.ino), String(st.size), String(st.mtimeMs), String(st.ctimeMs)];
  } catch {
    return undefined;
  }
}

/**
 * The documents of a multi-document YAML file. CRD files are large (the OpenTelemetryCollector
 * CRD is 420 kB of YAML, ~300 ms to parse, ~1 ms as JSON): the parsed documents are cached on
 * disk as JSON (see `disk-cache.ts`), keyed by a hash of the file's content. A second, small
 * entry keyed by the file's identity names that content entry, so a later process with the same
 * file does not even read the YAML; a new checkout of the same file (new identity) reads and
 * hashes it, and still skips the parser. Content that JSON cannot represent exactly (non-finite
 * numbers) is not cached; cache errors are ignored (the file is parsed as usual).
 */
function parseYamlCached(file: string): any[] {
  if (!cacheDir()) return parseYamlDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
  const id = fileIdentity(file);
  const idKey = id && cacheKey([PARSE_CACHE_FORMAT, ...id], '.ref');
  const fromRef = idKey && readCache(idKey)?.toString('utf8');
  if (fromRef && /^[0-9a-f]{40}\.json$/.test(fromRef)) {
    const docs = readJsonCache(fromRef);
    if (docs) return docs;
  }
  const text = fs.readFileSync(file, 'utf8');
  const key = cacheKey([PARSE_CACHE_FORMAT, text], '.json');
  const cached = readJsonCache(key);
  if (cached) {
    if (idKey) writeCache(idKey, key);
    return cached;
  }
  const docs = parseYamlDocuments(text).map((d) => d.toJS());
  let exact = true;
  const json = JSON.stringify(docs, function (this: any, k: string, v: unknown) {
    const raw = this[k];
    if ((typeof raw === 'number' && !Number.isFinite(raw)) || typeof raw === 'bigint' || raw instanceof Date) exact = false;
    return typeof raw === 'bigint' ? null : v;
  });
  if (exact) {
    writeCache(key, json);
    if (idKey) writeCache(idKey, key);
  }
  return docs;
}

/** A cached JSON array, or `undefined` (not cached, unreadable, corrupt). */
function readJsonCache(name: string): any[] | undefined {
  try {
    const buf = readCache(name);
    const docs = buf && JSON.parse(buf.toString('utf8'));
    return Array.isArray(docs) ? docs : undefined;
  } catch {
    return undefined;
  }
}

/** Where the index of a file (the `group/kind` of its CRDs) is cached, or `undefined`. */
function indexCacheName(file: string): string | undefined {
  const id = cacheDir() ? fileIdentity(file) : undefined;
  return id && cacheKey([INDEX_CACHE_FORMAT, ...id], '.json');
}

/**
 * `group/kind` of every CRD in a YAML file without parsing it: from the disk cache's index, else
 * from `scanCrdKinds` (whose result is then cached). `undefined` when unknown.
 */
function crdKindsOf(file: string): ReadonlySet<string> | undefined {
  const name = indexCacheName(file);
  if (name) {
    try {
      const cached = readCache(name);
      const list = cached && JSON.parse(cached.toString('utf8'));
      if (Array.isArray(list) && list.length && list.every((k) => typeof k === 'string')) return new Set(list);
    } catch {
      // corrupt: scan below
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const kinds = scanCrdKinds(text);
  if (kinds && name) writeCache(name, JSON.stringify([...kinds]));
  return kinds;
}

/** Records the `group/kind` list of a parsed CRD file in the index cache. */
function recordCrdKinds(file: string, kinds: ReadonlySet<string>): void {
  const name = indexCacheName(file);
  if (name && kinds.size) writeCache(name, JSON.stringify([...kinds]));
}

const TOP_LEVEL_KIND_LINE = /^kind:.*$/gm;
const PLAIN_KIND = /^kind:[ \t]*(['"]?)([A-Za-z0-9]+)\1[ \t]*$/;
const SPEC_GROUP = /^ {2}group:[ \t]*(['"]?)([a-z0-9.-]+)\1[ \t]*$/gm;
const SPEC_NAMES = /^ {2}names:[ \t]*$/gm;
const NAMES_KIND = /^ {2}names:[ \t]*\n(?:(?: {4,}.*)?\n)*? {4}kind:[ \t]*(['"]?)([A-Za-z0-9]+)\1[ \t]*$/m;

/**
 * `group/kind` of every CRD in a multi-document YAML text, read from the top-level lines of the
 * usual layout (`kind: CustomResourceDefinition`, `spec:` / `  group:` / `  names:` /
 * `    kind:`) without parsing; `undefined` when a CustomResourceDefinition document does not have
 * that layout (or the text has none): the caller then parses the file.
 */
export function scanCrdKinds(text: string): Set<string> | undefined {
  const out = new Set<string>();
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const kindLines = doc.match(TOP_LEVEL_KIND_LINE) ?? [];
    if (kindLines.length === 0) {
      if (/^[ \t]*[^\s#]/m.test(doc)) return undefined; // content without a top-level kind: not the usual layout
      continue; // empty or comments only
    }
    // one top-level `kind:` with a plain value, or the document is not in the usual layout
    const kindOf = kindLines.length === 1 ? PLAIN_KIND.exec(kindLines[0])?.[2] : undefined;
    if (!kindOf) return undefined;
    if (kindOf !== 'CustomResourceDefinition') continue; // another kind of object
    const groups = [...doc.matchAll(SPEC_GROUP)];
    const names = doc.match(SPEC_NAMES) ?? [];
    const kind = NAMES_KIND.exec(doc)?.[2];
    if (groups.length !== 1 || names.length !== 1 || !kind) return undefined;
    out.add(`${groups[0][2]}/${kind}`);
  }
  return out.size ? out : undefined;
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
