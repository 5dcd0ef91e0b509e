/**
 * Behaviour of the performance fixes in CrdRegistry (no timing here; `npm run bench` times):
 * the on-disk parse cache gives the same CRDs as parsing the YAML, and errors deep inside parts
 * of the schema prepared only when data reaches them keep their full path.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CrdRegistry, validateManifests } from '../../lib/validation';
import { describeWithReference, ref } from '../helpers/reference';

describeWithReference('CrdRegistry performance fixes', () => {
  const crdFile = () => ref('opentelemetry-operator', 'crds', 'opentelemetry.io_opentelemetrycollectors.yaml');
  let cacheDir: string;
  const saved = process.env.OTEL_K8S_CACHE_DIR;

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-cache-test-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OTEL_K8S_CACHE_DIR;
    else process.env.OTEL_K8S_CACHE_DIR = saved;
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('the parse cache is written once and yields the same CRD as parsing the YAML', () => {
    process.env.OTEL_K8S_CACHE_DIR = 'off';
    const parsed = new CrdRegistry().loadFile(crdFile()).get('opentelemetry.io', 'OpenTelemetryCollector')!;
    expect(fs.readdirSync(cacheDir)).toEqual([]);

    process.env.OTEL_K8S_CACHE_DIR = cacheDir;
    new CrdRegistry().loadFile(crdFile());
    const files = fs.readdirSync(cacheDir).sort();
    // the parsed documents, keyed by content, and a reference to them keyed by the file's identity
    expect(files).toHaveLength(2);
    const [json, ref] = files.filter((f) => f.endsWith('.json')).concat(files.filter((f) => f.endsWith('.ref')));
    expect(json).toMatch(/^[0-9a-f]{40}\.json$/);
    expect(ref).toMatch(/^[0-9a-f]{40}\.ref$/);
    expect(fs.readFileSync(path.join(cacheDir, ref), 'utf8')).toBe(json);
    const cached = new CrdRegistry().loadFile(crdFile()).get('opentelemetry.io', 'OpenTelemetryCollector')!;
    expect(fs.readdirSync(cacheDir).sort()).toEqual(files);
    expect([...cached.versions.keys()]).toEqual([...parsed.versions.keys()]);
    expect(cached.versions.get('v1beta1')!.schema).toEqual(parsed.versions.get('v1beta1')!.schema);
  });

  test('editing a cached CRD file is seen: the cache is keyed by the file, not by its path alone', () => {
    process.env.OTEL_K8S_CACHE_DIR = cacheDir;
    const copy = path.join(cacheDir, 'crd-copy', 'collectors.yaml');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(crdFile(), copy);
    const before = new CrdRegistry().loadFile(copy).get('opentelemetry.io', 'OpenTelemetryCollector')!;
    expect(before.versions.has('v1beta1')).toBe(true);
    // the same file, edited in place: the version is renamed
    const text = fs.readFileSync(copy, 'utf8');
    const edited = text.replace(/\n(\s+)name: v1beta1\n/, '\n$1name: v1beta9\n');
    expect(edited).not.toBe(text);
    fs.writeFileSync(copy, edited);
    const after = new CrdRegistry().loadFile(copy).get('opentelemetry.io', 'OpenTelemetryCollector')!;
    expect([...after.versions.keys()]).toEqual([...before.versions.keys()].map((v) => (v === 'v1beta1' ? 'v1beta9' : v)));
  });

  test('a new checkout of the same file (new identity) finds the parsed documents by content', () => {
    process.env.OTEL_K8S_CACHE_DIR = cacheDir;
    new CrdRegistry().loadFile(crdFile());
    const before = fs.readdirSync(cacheDir);
    const copy = path.join(cacheDir, 'checkout', 'collectors.yaml');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(crdFile(), copy);
    // poison the parser: a parse would fail the test, the cached documents must be used
    const yamlDoor = require('../../lib/common/yaml') as typeof import('../../lib/common/yaml');
    const spy = jest.spyOn(yamlDoor.yamlPackage(), 'parseAllDocuments').mockImplementation(() => {
      throw new Error('parsed again');
    });
    try {
      expect(new CrdRegistry().loadFile(copy).get('opentelemetry.io', 'OpenTelemetryCollector')?.versions.has('v1beta1')).toBe(true);
    } finally {
      spy.mockRestore();
    }
    const added = fs.readdirSync(cacheDir).filter((f) => !before.includes(f) && f !== 'checkout');
    expect(added.map((f) => path.extname(f))).toEqual(['.ref']);
  });

  test('a corrupt cache file is ignored: the YAML is parsed instead', () => {
    process.env.OTEL_K8S_CACHE_DIR = cacheDir;
    new CrdRegistry().loadFile(crdFile());
    const [file] = fs.readdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, file), '{ not json');
    const entry = new CrdRegistry().loadFile(crdFile()).get('opentelemetry.io', 'OpenTelemetryCollector');
    expect(entry?.versions.has('v1beta1')).toBe(true);
  });

  test('errors deep in lazily prepared parts of the schema keep their full path', () => {
    const crds = new CrdRegistry().loadFile(crdFile());
    const collector = (spec: any) => ({
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { config: { receivers: {}, exporters: {}, service: { pipelines: {} } }, ...spec },
    });
    const ok = validateManifests([collector({ affinity: { nodeAffinity: {} } })], { crds });
    expect(ok.errors).toEqual([]);
    const bad = validateManifests(
      [
        collector({
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', valuez: ['v'] }] }] } } },
          volumes: [{ name: 'v', emptyDir: { medium: 42 } }],
        }),
      ],
      { crds },
    );
    const paths = bad.errors.map((e) => e.path);
    expect(paths).toContain('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].valuez');
    expect(bad.errors.find((e) => e.path.endsWith('.valuez'))!.rule).toBe('unknown-field');
    expect(paths.some((p) => p.startsWith('spec.volumes[0].emptyDir.medium'))).toBe(true);
  });
});
