/**
 * `otel-k8s validate`: any manifests (ours, or another chart's `helm template` output), readable or
 * JSON output, --kubernetes-version, --crds, --strict, exit codes.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { runCli } from '../lib/cli/otel-k8s';
import { describeWithReference, ref } from './helpers/reference';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, ...docs: any[]) => {
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, docs.map((d) => stringify(d)).join('---\n'));
  return f;
};

const collector = (spec: any) => ({
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
  metadata: { name: 'c', namespace: 'ns' },
  spec: { config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } }, ...spec },
});
const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } };

describe('otel-k8s validate', () => {
  test('valid manifests: exit 0 and a summary', () => {
    const r = runCli(['validate', write('ok.yaml', svc, collector({}))]);
    expect(r).toEqual({ code: 0, stdout: '2 object(s) validated: 0 error(s), 0 warning(s) - ok\n', stderr: '' });
  });

  test('a CR typo: exit 1, the file, the object, the path and the fix', () => {
    const file = write('sub/bad.yaml', svc, collector({ replica: 3 }));
    const r = runCli(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ERROR ${file} (document 2): OpenTelemetryCollector ns/c\n  at spec.replica: unknown field "replica"`);
    expect(r.stdout).toMatch(/1 error\(s\)/);
  });

  test('--json lists the findings with their files', () => {
    const file = write('bad.yaml', collector({ mode: 'statefullset' }));
    const r = runCli(['validate', '--json', file]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, objects: 1, errors: 1, warnings: 0 });
    expect(out.findings[0]).toMatchObject({ rule: 'schema', path: 'spec.mode', file });
  });

  test('--kubernetes-version picks the schema (a field newer than 1.33)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { hostnameOverride: 'h', containers: [{ name: 'c', image: 'x:1' }] } };
    const file = write('pod.json', pod);
    fs.writeFileSync(file, JSON.stringify(pod));
    expect(runCli(['validate', file]).code).toBe(0);
    expect(runCli(['validate', '--kubernetes-version', '1.33', file]).code).toBe(1);
    expect(runCli(['validate', '--kubernetes-version=1.20', file])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not supported; use one of 1.33/) });
  });

  test('--crds for other operators, --strict for unknown CRDs, - for stdin, List objects', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'ns' }, spec: { size: 'big' } };
    const file = write('w.yaml', widget);
    expect(runCli(['validate', file])).toMatchObject({ code: 0, stdout: expect.stringMatching(/WARNING .*Widget ns\/w\n {2}at \(root\): no CRD known/) });
    expect(runCli(['validate', '--strict', file]).code).toBe(1);
    const crd = write('crds/widget.yaml', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] },
    });
    expect(runCli(['validate', '--crds', path.dirname(crd), file]).stdout).toMatch(/at spec.size/);
    const list = stringify({ apiVersion: 'v1', kind: 'List', items: [svc, { ...svc, metadata: { name: 's', namespace: 'ns' } }] });
    expect(runCli(['validate', '-'], () => list).stdout).toMatch(/duplicate object/);
  });

  test('usage errors exit 2', () => {
    expect(runCli([]).code).toBe(2);
    expect(runCli(['lint', 'x']).code).toBe(2);
    expect(runCli(['validate']).code).toBe(2);
    expect(runCli(['validate', '--frobnicate', 'x']).stderr).toMatch(/unknown option --frobnicate/);
    expect(runCli(['validate', path.join(dir, 'missing.yaml')]).stderr).toMatch(/does not exist/);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [b');
    expect(runCli(['validate', path.join(dir, 'broken.yaml')]).stderr).toMatch(/is not valid YAML/);
    expect(runCli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/usage: otel-k8s validate/) });
  });
});

describeWithReference('otel-k8s validate on other charts', () => {
  test('the Helm renders of the upstream charts validate, each rendered folder as a whole', () => {
    const folders = fs.readdirSync(ref('helm-rendered')).flatMap((chart) =>
      fs.readdirSync(ref('helm-rendered', chart)).map((scenario) => ref('helm-rendered', chart, scenario, 'rendered')),
    );
    expect(folders.length).toBeGreaterThan(3);
    for (const f of folders) {
      const r = runCli(['validate', f]);
      expect([f, r.code, r.stdout.split('\n').filter((l) => l.startsWith('ERROR'))]).toEqual([f, 0, []]);
    }
  });
});
