/**
 * The lazy loader of kubernetes-models validators (lib/validation/models-loader.ts) must judge
 * every object exactly as kubernetes-models' own model classes do, while loading only the
 * definitions the data reaches, and its V8 code cache must be used by later loads.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { isBuiltinApiVersion, lazyKindValidator, modelClassValidator } from '../lib/validation/builtin-kinds';
import { synthObjects } from '../lib/stack';
import { jaegerHeadSamplingStack, singleNodeDevStack, tempoTailSamplingStack, vendorOtlpStack } from '../stacks';
import { describeWithReference, ref } from './helpers/reference';

type Loader = typeof import('../lib/validation/models-loader');

/** A fresh copy of the loader module (its own module table and counters). */
function freshLoader(): Loader {
  let loader: Loader | undefined;
  jest.isolateModules(() => {
    loader = require('../lib/validation/models-loader');
  });
  return loader!;
}

/** Errors reduced to what both paths must agree on, in a stable order. */
function shape(errors: readonly any[]): string[] {
  return errors.map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();
}

function loadYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o && typeof o === 'object' && o.apiVersion && o.kind);
}

function stackObjects(): any[] {
  return [tempoTailSamplingStack, jaegerHeadSamplingStack, vendorOtlpStack, singleNodeDevStack].flatMap((build) => {
    const app = new App();
    build(app);
    return synthObjects(app);
  });
}

/** JSON pointers of every leaf of an object (scalars and empty containers). */
function leaves(o: any, at: string[] = []): string[][] {
  if (o === null || typeof o !== 'object') return [at];
  const keys = Object.keys(o);
  if (keys.length === 0) return [at];
  return keys.flatMap((k) => leaves(o[k], [...at, k]));
}

function withValue(o: any, at: string[], value: unknown): any {
  const copy = structuredClone(o);
  let cur = copy;
  for (const k of at.slice(0, -1)) cur = cur[k];
  cur[at[at.length - 1]] = value;
  return copy;
}

/**
 * Broken variants of an object: up to 40 leaves, evenly spread, each replaced by a value of the
 * wrong kind (a number where a string is expected and the other way round, an out-of-range
 * integer, an object), so the variants reach deep definitions of the schema with invalid data.
 */
function brokenVariants(o: any): any[] {
  const out: any[] = [];
  const all = leaves(o).filter((at) => at.length > 1 && at[0] !== 'apiVersion' && at[0] !== 'kind');
  const step = Math.max(1, Math.ceil(all.length / 40));
  all
    .filter((_, i) => i % step === 0)
    .forEach((at, i) => {
      const v = at.reduce((c, k) => c?.[k], o);
      const bad = typeof v === 'number' ? (i % 2 ? 2 ** 40 : 'not-a-number') : typeof v === 'string' ? (i % 2 ? 42 : { x: 1 }) : 'not-an-object';
      out.push(withValue(o, at, bad));
    });
  return out;
}

function expectSameVerdicts(objects: readonly any[]): number {
  let compared = 0;
  for (const o of objects) {
    if (!isBuiltinApiVersion(o.apiVersion)) continue;
    const lazy = lazyKindValidator(o.apiVersion, o.kind);
    const model = modelClassValidator(o.apiVersion, o.kind);
    expect({ kind: `${o.apiVersion}/${o.kind}`, served: !!lazy }).toEqual({ kind: `${o.apiVersion}/${o.kind}`, served: !!model });
    if (!lazy || !model) continue;
    for (const data of [o, ...brokenVariants(o)]) {
      expect({ kind: o.kind, errors: shape(lazy(data)) }).toEqual({ kind: o.kind, errors: shape(model(data)) });
      compared++;
    }
  }
  return compared;
}

test("the library's stacks: the lazy validators and kubernetes-models' model classes agree on every object and broken variant", () => {
  const compared = expectSameVerdicts(stackObjects());
  expect(compared).toBeGreaterThan(200);
});

describeWithReference('lazy validators agree with kubernetes-models on upstream manifests', () => {
  test('operator install manifest and Helm renders, with broken variants', () => {
    const files = [ref('opentelemetry-operator', 'opentelemetry-operator.yaml')];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name) && p.includes(`${path.sep}rendered${path.sep}`)) files.push(p);
      }
    };
    walk(ref('helm-rendered'));
    // the renders repeat the same few kinds: the first 4 objects of each kind (in file order) are enough
    const perKind = new Map<string, number>();
    const objects = files.flatMap(loadYaml).filter((o) => {
      const n = perKind.get(o.kind) ?? 0;
      perKind.set(o.kind, n + 1);
      return n < 4;
    });
    const kinds = new Set(objects.filter((o) => isBuiltinApiVersion(o.apiVersion)).map((o) => o.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(10);
    expect(expectSameVerdicts(objects)).toBeGreaterThan(500);
  });
});

describe('models loader', () => {
  test('loads only the definitions the data reaches', () => {
    const loader = freshLoader();
    const validate = loader.kindValidator('apps/v1', 'StatefulSet')!;
    expect(typeof validate).toBe('function');
    const minimal = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: { selector: { matchLabels: { a: 'b' } }, serviceName: 's', template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    expect(validate(minimal)).toBe(true);
    const afterMinimal = loader.modelsLoaderStats().modules;
    // kubernetes-models' StatefulSet module requires 127 modules when loaded the usual way
    expect(afterMinimal).toBeLessThan(20);
    const withProbe = structuredClone(minimal);
    (withProbe.spec.template.spec.containers[0] as any).readinessProbe = { httpGet: { path: '/', port: 'http' } };
    expect(validate(withProbe)).toBe(true);
    expect(loader.modelsLoaderStats().modules).toBeGreaterThan(afterMinimal);
  });

  test('invalid data deep in a lazily loaded definition is reported with its path', () => {
    const validate = freshLoader().kindValidator('v1', 'Pod')!;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { memory: 'lots' } } }] } };
    expect(validate(pod)).toBe(false);
    expect(shape(validate.errors ?? [])).toContain('/spec/containers/0/resources/limits/memory format {"format":"quantity"}');
    expect((validate.errors ?? []).every((e: any) => e.instancePath === '/spec/containers/0/resources/limits/memory')).toBe(true);
  });

  test('a kind kubernetes-models does not have, or a name that is not an apiVersion/kind, is null', () => {
    const loader = freshLoader();
    expect(loader.kindValidator('v1', 'NoSuchKind')).toBeNull();
    expect(loader.kindValidator('apps/v1', 'Deploymentz')).toBeNull();
    // names that are not a Kubernetes apiVersion/kind never reach the file system
    expect(loader.kindValidator('../../etc', 'passwd')).toBeNull();
    expect(loader.kindValidator('../v1', 'Pod')).toBeNull();
    expect(loader.kindValidator('v1', 'Pod/../../x')).toBeNull();
    expect(loader.isModelName('rbac.authorization.k8s.io/v1beta1', 'ClusterRole')).toBe(true);
    expect(loader.isModelName('v1', 'Pod')).toBe(true);
    expect(modelClassValidator('v1', '../../../x')).toBeNull();
  });

  /**
   * V8 also keeps compiled scripts in memory for the life of a process (a second compile of the
   * same source never looks at the code cache), so these tests load the validators in child
   * processes (test/helpers/models-cache-child.ts).
   */
  describe('V8 code cache (child processes)', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'models-cache-test-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function child(cacheDir: string, nodeFlags: string[] = []): { valid: boolean; invalid: boolean; modules: number; fromCodeCache: number } {
      const r = spawnSync(process.execPath, [...nodeFlags, '-r', 'ts-node/register/transpile-only', path.join(__dirname, 'helpers', 'models-cache-child.ts')], {
        encoding: 'utf8',
        env: { ...process.env, OTEL_K8S_CACHE_DIR: cacheDir, TS_NODE_SWC: 'true' },
      });
      if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!);
    }

    test('is written after validation and used by the next process', () => {
      const first = child(dir);
      expect(first).toEqual({ valid: true, invalid: true, modules: expect.any(Number), fromCodeCache: 0 });
      expect(first.modules).toBeGreaterThan(1);
      const written = fs.readdirSync(dir).sort();
      expect(written).toHaveLength(first.modules);
      expect(written.every((f) => /^[0-9a-f]{40}\.v8$/.test(f))).toBe(true);

      const second = child(dir);
      expect(second).toEqual({ ...first, fromCodeCache: first.modules });
      expect(fs.readdirSync(dir).sort()).toEqual(written);
    });

    test('a corrupt cache file is rejected by V8 and rewritten; validation is unaffected', () => {
      const first = child(dir);
      for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'garbage');
      expect(child(dir)).toEqual({ ...first, fromCodeCache: 0 });
      expect(fs.readdirSync(dir).every((f) => fs.readFileSync(path.join(dir, f), 'utf8') !== 'garbage')).toBe(true);
      expect(child(dir)).toEqual({ ...first, fromCodeCache: first.modules });
    });

    test('processes with other V8 flags keep their own caches instead of overwriting each other', () => {
      const plain = child(dir);
      const flagged = child(dir, ['--max-semi-space-size=32']);
      expect(flagged).toEqual({ ...plain, fromCodeCache: 0 });
      expect(child(dir)).toEqual({ ...plain, fromCodeCache: plain.modules });
      expect(child(dir, ['--max-semi-space-size=32'])).toEqual({ ...plain, fromCodeCache: plain.modules });
    });

    test('OTEL_K8S_CACHE_DIR=off writes nothing', () => {
      expect(child('off')).toMatchObject({ valid: true, invalid: true, fromCodeCache: 0 });
      expect(child('off').fromCodeCache).toBe(0);
    });
  });
});
