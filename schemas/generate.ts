/**
 * Generates the schema data the package ships (never edit the JSON by hand; rerun this):
 *
 *   npm run generate:schemas            # writes schemas/*.json and schemas/NOTICE
 *   npm run generate:schemas -- --check # exits 1 when the committed files differ from a fresh run
 *
 * - Kubernetes: the OpenAPI v3 documents published in the `k8s.io/kubernetes` Go module
 *   (`api/openapi-spec/v3/*.json`, what kube-apiserver serves at `/openapi/v3`), for each supported
 *   minor, fetched with `go mod download` (Go and the module proxy needed). Compacted: descriptions,
 *   defaults, patch strategies and other annotations validation does not read are dropped,
 *   `allOf: [{$ref}]` wrappers become `$ref`, IntOrString and Quantity become their structural forms.
 *   Kinds come from `x-kubernetes-group-version-kind`, their scope from the documents' paths. The
 *   documents do not list the values of enumerated fields; those come from the `// +enum` string types
 *   of the Go API types (`k8s.io/api` of the same release), which the API server enforces.
 * - CRDs: the pinned operator v0.158.0 CRDs, cert-manager and prometheus-operator CRDs, from the
 *   reference folder (`../shared/reference` or `OTEL_K8S_REFERENCE_DIR`), descriptions dropped.
 *
 * `--only crds` / `--only kubernetes` limits a run (the unit tests check the CRD part; the e2e tests,
 * which have Go, the Kubernetes part).
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** Supported Kubernetes minors and the patch release whose documents are shipped. */
export const KUBERNETES_RELEASES: Readonly<Record<string, string>> = {
  '1.33': '1.33.12',
  '1.34': '1.34.4',
  '1.35': '1.35.4',
  '1.36': '1.36.3',
};

/** CRD sets shipped: folder under the reference dir, upstream, version, licence. */
export const CRD_SETS = [
  { name: 'opentelemetry-operator', dir: 'opentelemetry-operator/crds', source: 'https://github.com/open-telemetry/opentelemetry-operator', version: 'v0.158.0', files: ['opentelemetry.io_opentelemetrycollectors.yaml', 'opentelemetry.io_instrumentations.yaml', 'opentelemetry.io_targetallocators.yaml', 'opentelemetry.io_opampbridges.yaml'] },
  { name: 'cert-manager', dir: 'cert-manager/crds', source: 'https://github.com/cert-manager/cert-manager', version: 'v1.21.1', files: ['cert-manager.io_certificates.yaml', 'cert-manager.io_issuers.yaml', 'cert-manager.io_clusterissuers.yaml', 'cert-manager.io_certificaterequests.yaml'] },
  { name: 'prometheus-operator', dir: 'prometheus-operator/crds', source: 'https://github.com/prometheus-operator/prometheus-operator', version: 'v0.93.0', files: ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_podmonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml'] },
] as const;

/** Where the generated files go. */
export const SCHEMA_DIR = [path.resolve(__dirname), path.resolve(__dirname, '..', '..', 'schemas')].find((d) => fs.existsSync(path.join(d, 'generate.ts')))!;

/** Annotation keys validation never reads (dropped from every schema node). */
const DROP = new Set([
  'description',
  'default',
  'example',
  'externalDocs',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-unions',
  'x-kubernetes-action',
  'x-kubernetes-map-type',
]);

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const REF_PREFIX = '#/components/schemas/';

/** A compacted schema node: annotations dropped, `$ref` as a bare definition name. */
function compact(node: any, inProperties = false): any {
  if (Array.isArray(node)) return node.map((n) => compact(n));
  if (!node || typeof node !== 'object') return node;
  if (inProperties) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, compact(v)]));
  // allOf with a single $ref (how v3 documents reference a type with its own description/default)
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && typeof node.allOf[0]?.$ref === 'string') {
    const rest = Object.keys(node).filter((k) => k !== 'allOf' && !DROP.has(k));
    if (rest.length === 0) return compact(node.allOf[0]);
  }
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROP.has(k)) continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.startsWith(REF_PREFIX) ? v.slice(REF_PREFIX.length) : v;
    else out[k] = compact(v, k === 'properties' || k === 'patternProperties' || k === 'definitions');
  }
  return out;
}

/** Kubernetes structural forms of the two special types. */
function special(name: string): any | undefined {
  if (name === INT_OR_STRING) return { 'x-kubernetes-int-or-string': true };
  if (name === QUANTITY) return { oneOf: [{ type: 'string', format: 'quantity' }, { type: 'number' }] };
  return undefined;
}

/**
 * Enumerated string types of the Go API types (`// +enum` in k8s.io/api): the API server refuses
 * other values (`Unsupported value`), but the OpenAPI documents do not list them. Returns
 * definition name -> JSON field -> allowed values (for a list field, the allowed item values).
 */
export function goEnums(apiModuleDir: string): Map<string, Map<string, { values: string[]; list: boolean }>> {
  const out = new Map<string, Map<string, { values: string[]; list: boolean }>>();
  const packages: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === 'types.go') packages.push(dir);
    }
  };
  walk(apiModuleDir);
  // pass 1: enum types and their constant values, per package path
  const enums = new Map<string, Map<string, string[]>>();
  const sources = new Map<string, string[]>();
  for (const dir of packages) {
    const rel = path.relative(apiModuleDir, dir).split(path.sep).join('/');
    const texts = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.startsWith('zz_generated') && !f.includes('generated'))
      .sort()
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    sources.set(rel, texts);
    const types = new Map<string, string[]>();
    for (const t of texts) {
      for (const m of t.matchAll(/((?:^\/\/.*\n)+)type (\w+) string\s*$/gm)) if (/^\/\/ \+enum\s*$/m.test(m[1])) types.set(m[2], []);
    }
    for (const t of texts) {
      for (const m of t.matchAll(/^\s+(\w+)\s+(\w+)\s*=\s*"([^"]*)"/gm)) types.get(m[2])?.push(m[3]);
    }
    enums.set(rel, types);
  }
  // pass 2: struct fields of an enum type (same package, or another package through its import alias)
  for (const [rel, texts] of sources) {
    const defPrefix = `io.k8s.api.${rel.split('/').join('.')}.`;
    for (const t of texts) {
      const imports = new Map<string, string>();
      for (const m of t.matchAll(/^\s*(\w+)?\s*"k8s\.io\/api\/([\w/]+)"\s*$/gm)) imports.set(m[1] ?? m[2].split('/').pop()!, m[2]);
      for (const m of t.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
        for (const f of m[2].matchAll(/^\t(\w+)\s+(\[\])?\*?(?:(\w+)\.)?(\w+)\s+`json:"(\w+)/gm)) {
          const pkg = f[3] ? imports.get(f[3]) : rel;
          const values = pkg ? enums.get(pkg)?.get(f[4]) : undefined;
          if (!values || values.length === 0) continue;
          const def = `${defPrefix}${m[1]}`;
          (out.get(def) ?? out.set(def, new Map()).get(def)!).set(f[5], { values: [...new Set(values)], list: f[2] === '[]' });
        }
      }
    }
  }
  return out;
}

/** Adds the Go enums to the compacted definitions. */
function applyEnums(defs: Record<string, any>, enums: ReturnType<typeof goEnums>): void {
  for (const [def, fields] of enums) {
    const props = defs[def]?.properties;
    if (!props) continue;
    for (const [field, { values, list }] of fields) {
      const prop = props[field];
      if (!prop) continue;
      const target = list ? prop.items : prop;
      if (target && target.type === 'string' && !target.enum) target.enum = values;
    }
  }
}

/** The shipped form of one Kubernetes release's OpenAPI v3 documents. */
export function kubernetesSchemas(specDir: string, release: string, enums?: ReturnType<typeof goEnums>): any {
  const defs: Record<string, any> = {};
  const kinds: Record<string, Record<string, [string, 'n' | 'c']>> = {};
  const namespacedPlurals = new Set<string>();
  const clusterTypes = new Set<string>();
  const files = fs.readdirSync(specDir).filter((f) => f.endsWith('_openapi.json')).sort();
  const gvkOf = new Map<string, Array<{ group: string; version: string; kind: string }>>();
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(specDir, f), 'utf8'));
    // namespaced kinds are created under /namespaces/{namespace}/<plural> (the POST body names the type)
    for (const [p, item] of Object.entries<any>(doc.paths ?? {})) {
      const content = item?.post?.requestBody?.content ?? {};
      const ref = (Object.values<any>(content)[0] as any)?.schema?.$ref;
      const ns = /^\/(?:api|apis\/([^/]+))\/([^/]+)\/namespaces\/\{namespace\}\/([^/{]+)$/.exec(p);
      const cluster = /^\/(?:api|apis\/([^/]+))\/([^/]+)\/([^/{]+)$/.exec(p);
      if (ref && ns) namespacedPlurals.add(`ref:${ref.slice(REF_PREFIX.length)}:${ns[1] ?? ''}/${ns[2]}`);
      else if (ref && cluster) clusterTypes.add(`ref:${ref.slice(REF_PREFIX.length)}:${cluster[1] ?? ''}/${cluster[2]}`);
    }
    for (const [name, schema] of Object.entries<any>(doc.components?.schemas ?? {})) {
      if (!defs[name]) defs[name] = special(name) ?? compact(schema);
      const gvks = schema['x-kubernetes-group-version-kind'];
      if (Array.isArray(gvks) && !gvkOf.has(name)) gvkOf.set(name, gvks);
    }
  }
  for (const [name, gvks] of [...gvkOf.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const { group, version, kind } of gvks) {
      const props = defs[name]?.properties ?? {};
      // objects have metadata; List, Status, WatchEvent, DeleteOptions... do not or are not served kinds
      if (!props.metadata || kind.endsWith('List') || name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) continue;
      const gv = group ? `${group}/${version}` : version;
      const key = `ref:${name}:${group}/${version}`;
      // kinds without a collection to create them in (Scale, Eviction, TokenRequest: subresource bodies) are not objects to apply
      if (!namespacedPlurals.has(key) && !clusterTypes.has(key)) continue;
      const scope = namespacedPlurals.has(key) ? 'n' : 'c';
      (kinds[gv] ??= {})[kind] = [name, scope];
    }
  }
  if (enums) applyEnums(defs, enums);
  const sortedKinds = Object.fromEntries(Object.keys(kinds).sort().map((gv) => [gv, Object.fromEntries(Object.entries(kinds[gv]).sort())]));
  const sortedDefs = Object.fromEntries(Object.keys(defs).sort().map((k) => [k, defs[k]]));
  return { kubernetesVersion: release, source: `k8s.io/kubernetes@v${release} api/openapi-spec/v3`, kinds: sortedKinds, defs: sortedDefs };
}

/** The shipped form of a set of CRD files. */
export function crdSchemas(files: readonly string[]): any[] {
  const out: any[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      out.push({
        name: crd.metadata.name,
        group: crd.spec.group,
        kind: crd.spec.names.kind,
        plural: crd.spec.names.plural,
        scope: crd.spec.scope,
        versions: crd.spec.versions.map((v: any) => ({
          name: v.name,
          served: v.served,
          storage: v.storage,
          ...(v.deprecated ? { deprecated: true } : {}),
          ...(v.subresources?.scale?.specReplicasPath ? { specReplicasPath: v.subresources.scale.specReplicasPath } : {}),
          schema: compact(v.schema?.openAPIV3Schema ?? {}),
        })),
      });
    }
  }
  return out;
}

function referenceDir(): string {
  return path.resolve(process.env.OTEL_K8S_REFERENCE_DIR ?? path.join(SCHEMA_DIR, '..', '..', 'shared', 'reference'));
}

/** Folder of a Go module in the module cache (downloaded if needed). */
function goModuleDir(moduleAtVersion: string): string {
  const r = spawnSync('go', ['mod', 'download', '-json', moduleAtVersion], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    cwd: path.join(SCHEMA_DIR, '..'),
  });
  if (r.status !== 0) throw new Error(`generate: go mod download ${moduleAtVersion} failed (Go and the module proxy are needed): ${r.stderr || r.error}`);
  return JSON.parse(r.stdout).Dir;
}

function kubernetesSpecDir(release: string): string {
  return path.join(goModuleDir(`k8s.io/kubernetes@v${release}`), 'api', 'openapi-spec', 'v3');
}

/** k8s.io/api of a release (v0.<minor>.<patch>): the Go types with their `+enum` markers. */
function kubernetesApiDir(release: string): string {
  return goModuleDir(`k8s.io/api@v0.${release.split('.').slice(1).join('.')}`);
}

/** Every generated file: relative path -> content. */
export function generate(only?: 'crds' | 'kubernetes'): Record<string, string> {
  const files: Record<string, string> = {};
  const index: any = { kubernetes: {}, crds: [] };
  if (only !== 'crds') {
    for (const [minor, release] of Object.entries(KUBERNETES_RELEASES)) {
      const file = `kubernetes-${minor}.json`;
      const data = kubernetesSchemas(kubernetesSpecDir(release), release, goEnums(kubernetesApiDir(release)));
      files[file] = kubernetesJson(data);
      const groups = [...new Set(Object.keys(data.kinds).map((gv) => (gv.includes('/') ? gv.slice(0, gv.lastIndexOf('/')) : '')))].sort();
      index.kubernetes[minor] = { release, file, groups, sha256: sha(files[file]) };
    }
  }
  if (only !== 'kubernetes') {
    const ref = referenceDir();
    for (const set of CRD_SETS) {
      const crds = crdSchemas(set.files.map((f) => path.join(ref, set.dir, f)));
      // one file per CRD version: a process reads only the versions it checks
      const entries = crds.map((c) => ({
        ...c,
        versions: c.versions.map((v: any) => {
          const { schema, ...meta } = v;
          const file = `crd-${c.name}-${v.name}.json`;
          files[file] = crdJson(schema);
          return { ...meta, file, sha256: sha(files[file]) };
        }),
      }));
      index.crds.push({ name: set.name, version: set.version, source: set.source, crds: entries });
    }
  }
  files['NOTICE'] = notice();
  if (!only) files['index.json'] = `${JSON.stringify(index)}\n`;
  return files;
}

/** Subtrees at least this long (JSON characters) that occur more than once in a CRD schema are written once. */
const CRD_SHARED_MIN_CHARS = 200;

/**
 * A `crd-<name>-<version>.json` file: `{"shared":[<entry>,...],"schema":<entry>}`, where an entry is
 * `{"refs":[[<path>,<n>],...],"value":...}`. A subtree of at least CRD_SHARED_MIN_CHARS characters
 * that occurs more than once (a CRD repeats the same field types: the container fields of
 * `initContainers` and `additionalContainers`, one `env`/`resources` block per language of an
 * Instrumentation, ...) is written once, as a `shared` entry, and each occurrence is a placeholder
 * whose path `refs` lists. An entry refers only to earlier ones. The loader (`parseCrdFile` in
 * lib/common/schema-data.ts) puts the shared objects in place: the schema is the same JSON, read from
 * a third to a half of the text, and a subtree that occurs three times is prepared for validation once.
 */
export function crdJson(schema: unknown): string {
  const counts = new Map<string, number>();
  const count = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    for (const v of Object.values(node)) count(v);
    const text = JSON.stringify(node);
    if (text.length >= CRD_SHARED_MIN_CHARS) counts.set(text, (counts.get(text) ?? 0) + 1);
  };
  count(schema);
  type Entry = { refs: [(string | number)[], number][]; value: unknown };
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const split = (node: unknown): Entry => {
    if (node === null || typeof node !== 'object') return { refs: [], value: node };
    const isArray = Array.isArray(node);
    const out: any = isArray ? [] : {};
    const refs: Entry['refs'] = [];
    for (const [k, v] of Object.entries(node)) {
      const key = isArray ? Number(k) : k;
      const text = v !== null && typeof v === 'object' ? JSON.stringify(v) : undefined;
      if (text !== undefined && (counts.get(text) ?? 0) > 1) {
        let n = sharedIndex.get(text);
        if (n === undefined) {
          shared.push(JSON.stringify(split(v))); // its own shared subtrees are pushed first
          n = shared.length - 1;
          sharedIndex.set(text, n);
        }
        out[key] = null; // the loader puts shared entry n here
        refs.push([[key], n]);
      } else {
        const child = split(v);
        out[key] = child.value;
        for (const [p, n] of child.refs) refs.push([[key, ...p], n]);
      }
    }
    return { refs, value: out };
  };
  const root = split(schema);
  return `{"shared":[${shared.join(',')}],"schema":${JSON.stringify(root)}}\n`;
}

/**
 * A `kubernetes-<minor>.json` file: plain JSON, with `defs` last and one definition per line, so
 * the loader (`lib/common/schema-data.ts`) parses a definition only when a check reaches it
 * (a process validating a few kinds parses a fifth of the file). `JSON.stringify` never writes a
 * raw newline inside a value, so every line after the `"defs":{` line is one `"name":{...}` entry.
 */
export function kubernetesJson(data: { kubernetesVersion: string; source: string; kinds: unknown; defs: Record<string, unknown> }): string {
  const { defs, ...head } = data;
  const entries = Object.entries(defs).map(([name, def]) => `${JSON.stringify(name)}:${JSON.stringify(def)}`);
  return `${JSON.stringify(head).slice(0, -1)},"defs":{\n${entries.join(',\n')}\n}}\n`;
}

function sha(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

function notice(): string {
  const lines = [
    'Schema data in this folder is generated by schemas/generate.ts from upstream files; it is not hand-edited.',
    'All sources are licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0).',
    '',
    'Kubernetes OpenAPI v3 documents (kubernetes-<minor>.json)',
    '  Source: https://github.com/kubernetes/kubernetes, api/openapi-spec/v3, via the Go module k8s.io/kubernetes',
    ...Object.entries(KUBERNETES_RELEASES).map(([m, r]) => `  ${m}: v${r}`),
    '  Copyright The Kubernetes Authors. Apache-2.0.',
    '',
  ];
  for (const set of CRD_SETS) {
    lines.push(`${set.name} CustomResourceDefinitions (crd-<name>-<version>.json)`, `  Source: ${set.source}, release ${set.version}`);
    lines.push(`  Files: ${set.files.join(', ')}`, `  Copyright the ${set.name} authors. Apache-2.0.`, '');
  }
  return `${lines.join('\n')}`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const onlyArg = args[args.indexOf('--only') + 1];
  const only = args.includes('--only') ? (onlyArg as 'crds' | 'kubernetes') : undefined;
  const files = generate(only);
  let differ = 0;
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(SCHEMA_DIR, name);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (current === content) continue;
    differ++;
    if (check) console.error(`generate --check: ${name} differs from a fresh generation`);
    else fs.writeFileSync(target, content);
  }
  console.log(`${check ? 'checked' : 'wrote'} ${Object.keys(files).length} files (${differ} ${check ? 'differ' : 'changed'})`);
  if (check && differ) process.exit(1);
}
