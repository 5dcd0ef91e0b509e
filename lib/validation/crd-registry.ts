import { fail, optInstance, optStringList, reqString } from '../common/guards';
import { createHash } from 'crypto';
import fs = require('fs');
import path = require('path');
import { ShippedCrd, shippedCrdKinds, shippedCrds, shippedCrdSchema } from '../common/schema-data';
import { parseYamlDocuments } from '../common/yaml';
import { SchemaError, StructuralSchema } from './structural-schema';

/** One served version of a custom resource. */
interface CrdVersion {
  /** The openAPIV3Schema (a shipped one is read from its file when first asked for). */
  readonly schema: any;
  readonly served: boolean;
  readonly deprecated: boolean;
  /** Key of its prepared validator: the schema's content hash, or the shipped file's name. */
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
  /** Name of the CRD (`<plural>.<group>`). */
  readonly crdName: string;
  /** The CRD version whose schema holds the rule. */
  readonly version: string;
  /** `x-kubernetes-validations` for a CEL rule, `pattern` for a regular expression. */
  readonly keyword: 'x-kubernetes-validations' | 'pattern';
  /** The CEL rule or the pattern. */
  readonly rule: string;
  /** Why the validator cannot evaluate it. */
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
  /** Schema errors (empty unless `status` is `invalid`). */
  readonly errors: readonly SchemaError[];
  /** The CRD version the object was checked against, when known. */
  readonly entry?: CrdEntry;
  /** Set when the version is served but deprecated. */
  readonly deprecated?: boolean;
}

/** A CRD file of a folder (or a shipped CRD set), registered but not read yet. */
interface PendingFile {
  /** A file path, or `shipped:<set>` for a CRD set the package ships. */
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
 * `unsupportedRules`). Which kinds a file defines is known from a scan of its top-level
 * `spec.group` / `spec.names.kind` lines; a file the scan cannot read is parsed on any lookup.
 * Folders of CRDs for many operators then cost only the CRDs in use.
 *
 * `CrdRegistry.shipped()` holds the CRDs the package ships (the pinned operator v0.158.0,
 * cert-manager, prometheus-operator; see `schemas/NOTICE`), read per set when a kind of it is checked.
 */
export class CrdRegistry {
  private static shippedRegistry?: CrdRegistry;

  /**
   * The CRDs the package ships: the OpenTelemetry Operator v0.158.0 (OpenTelemetryCollector,
   * Instrumentation, TargetAllocator, OpAMPBridge), cert-manager (Certificate, Issuer, ClusterIssuer,
   * CertificateRequest) and prometheus-operator (ServiceMonitor, PodMonitor, PrometheusRule). One
   * registry per process; each set is read when a kind of it is first checked.
   */
  public static shipped(): CrdRegistry {
    if (!CrdRegistry.shippedRegistry) {
      const r = new CrdRegistry();
      const bySet = new Map<string, Set<string>>();
      for (const [kind, set] of shippedCrdKinds()) (bySet.get(set) ?? bySet.set(set, new Set()).get(set)!).add(kind);
      for (const [set, kinds] of bySet) r.pending.push({ file: `shipped:${set}`, seq: r.nextSeq++, kinds });
      CrdRegistry.shippedRegistry = r;
    }
    return CrdRegistry.shippedRegistry;
  }

  /**
   * A registry of CRD files and folders (`*.yaml`, `*.yml`, `*.json`; folders read lazily). Fails
   * naming the path when one does not exist.
   */
  public static fromPaths(paths: readonly string[]): CrdRegistry {
    optStringList('CrdRegistry.fromPaths', 'paths', paths, 'pass a list of CRD files or folders');
    if (paths === undefined) fail('CrdRegistry.fromPaths', 'paths', paths, 'is missing', 'pass a list of CRD files or folders');
    const r = new CrdRegistry();
    for (const p of paths) {
      if (typeof p !== 'string' || p === '') throw new Error(`CRD path ${JSON.stringify(p)} is not a path; pass CRD files or folders`);
      if (!fs.existsSync(p)) throw new Error(`CRD path ${p} does not exist; pass existing CRD files or folders`);
      if (fs.statSync(p).isDirectory()) r.loadDir(p);
      else r.loadFile(p);
    }
    return r;
  }

  /**
   * A registry that looks CRDs up in each of `layers`, the last first (later layers win), plus its own
   * additions on top. Nothing is copied: lazily read folders stay lazy.
   */
  public static layered(...layers: ReadonlyArray<CrdRegistry | undefined>): CrdRegistry {
    layers.forEach((l, i) => optInstance('CrdRegistry.layered', `layers[${i}]`, l, CrdRegistry, 'CrdRegistry.shipped(), .fromPaths([...]) or undefined'));
    const r = new CrdRegistry();
    r.layers = layers.filter((l): l is CrdRegistry => l !== undefined);
    return r;
  }
  /** A registry of the CRD files in the given folders (`*.yaml`, `*.yml`, `*.json`), read when needed (see `loadDir`). */
  public static fromDirs(...dirs: string[]): CrdRegistry {
    dirs.forEach((d, i) => reqString('CrdRegistry.fromDirs', `dirs[${i}]`, d, 'pass CRD folder paths'));
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
  /** Registries looked up after this one's own entries, the last first. */
  private layers: CrdRegistry[] = [];

  /**
   * A registry that sees this one's CRDs and adds its own on top (its own definitions win).
   * Nothing is copied: lazily read folders of this registry stay lazy.
   */
  public extend(): CrdRegistry {
    return CrdRegistry.layered(this);
  }

  private parentGet(group: string, kind: string): CrdEntry | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const e = this.layers[i].get(group, kind);
      if (e) return e;
    }
    return undefined;
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
    return this.entries.get(key)?.entry ?? this.parentGet(group, kind);
  }

  /** Every registered CRD (reads every pending file). */
  public all(): CrdEntry[] {
    this.readPending(() => true);
    const byKey = new Map<string, CrdEntry>();
    for (const l of this.layers) for (const e of l.all()) byKey.set(`${e.group}/${e.kind}`, e);
    for (const { entry } of this.entries.values()) byKey.set(`${entry.group}/${entry.kind}`, entry);
    return [...byKey.values()];
  }

  /** How many registered CRD files have not been read yet (for tests and benchmarks). */
  public pendingFileCount(): number {
    return this.pending.length + this.layers.reduce((n, l) => n + l.pendingFileCount(), 0);
  }

  /**
   * Parses the pending files that `which` selects, in registration order. A file leaves the
   * pending list only once it has been read: one that fails (no CRD in it, bad YAML) fails every
   * lookup that needs it, not only the first.
   */
  private readPending(which: (p: PendingFile) => boolean): void {
    for (const p of this.pending.filter(which)) {
      this.addFile(p.file, p.seq);
      this.pending.splice(this.pending.indexOf(p), 1);
    }
  }

  /** Registers the CRDs of a file (or a shipped set); returns their `group/kind`. */
  private addFile(file: string, seq: number): Set<string> {
    if (file.startsWith('shipped:')) {
      const kinds = new Set<string>();
      for (const c of shippedCrds(file.slice('shipped:'.length))) {
        this.addShipped(c, seq);
        kinds.add(`${c.group}/${c.kind}`);
      }
      return kinds;
    }
    const docs = file.endsWith('.json')
        ? [JSON.parse(fs.readFileSync(file, 'utf8'))]
        : parseYamlDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
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

  /** Registers a shipped CRD; each version's schema is read when a resource of it is first checked. */
  private addShipped(c: ShippedCrd, seq: number): void {
    const versions = new Map<string, CrdVersion>();
    for (const v of c.versions) {
      const version = {
        served: v.served !== false,
        deprecated: v.deprecated === true,
        hash: `shipped:${v.file}`,
        ...(v.specReplicasPath ? { specReplicasPath: v.specReplicasPath } : {}),
      } as CrdVersion;
      Object.defineProperty(version, 'schema', { enumerable: true, get: () => shippedCrdSchema(v) });
      versions.set(v.name, version);
    }
    const entry: CrdEntry = { crdName: c.name, group: c.group, kind: c.kind, scope: c.scope, source: 'shipped', versions };
    const key = `${c.group}/${c.kind}`;
    const existing = this.entries.get(key);
    if (!existing || existing.seq <= seq) this.entries.set(key, { entry, seq });
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

/** `group/kind` of every CRD in a YAML file from a scan of its lines (`undefined` when unknown). */
function crdKindsOf(file: string): ReadonlySet<string> | undefined {
  try {
    return scanCrdKinds(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
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
  if (typeof apiVersion !== 'string') return ['', ''];
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}
