/**
 * The package as a platform repo gets it: `npm pack`, installed into a fresh project outside this
 * repository (no ../shared beside it), used from plain JavaScript. A typo in an OpenTelemetryCollector
 * fails `synthLayered`, the cdk8s plugin named in that project's cdk8s.yaml the way the README says,
 * the Pulumi adapter (under mocks), and the `otel-k8s validate` CLI; the valid app passes all four.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeE2E } from './harness/e2e';
import { runSync } from './harness/procs';

const ROOT = path.resolve(__dirname, '..', '..');

describeE2E('the packed library in a consumer project', () => {
  let project: string;
  let tarball: string;
  const node = (script: string, env: Record<string, string> = {}) =>
    runSync(process.execPath, ['-e', script], { cwd: project, env: { ...env, OTEL_K8S_CRD_PATHS: '', OTEL_K8S_KUBERNETES_VERSION: '' }, timeoutMs: 120_000 });

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-consumer-'));
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-pack-'));
    const pack = runSync('npm', ['pack', '--pack-destination', packDir, '--json'], { cwd: ROOT, timeoutMs: 300_000 });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    tarball = path.join(packDir, JSON.parse(pack.stdout)[0].filename);
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const dev = own.devDependencies;
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'platform-repo',
        private: true,
        dependencies: {
          '@otel-tracing/k8s-constructs': `file:${tarball}`,
          cdk8s: own.dependencies.cdk8s ?? own.peerDependencies?.cdk8s,
          constructs: own.dependencies.constructs ?? own.peerDependencies?.constructs,
          '@pulumi/pulumi': dev['@pulumi/pulumi'],
          '@pulumi/kubernetes': dev['@pulumi/kubernetes'],
        },
      }),
    );
    const install = runSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, timeoutMs: 600_000 });
    if (install.status !== 0) throw new Error(`npm install in the consumer project failed:\n${install.stderr}`);
    fs.writeFileSync(
      path.join(project, 'app.js'),
      `const { App, Chart, ApiObject } = require('cdk8s');
const { TracingStack, synthLayered } = require('@otel-tracing/k8s-constructs');
exports.build = (typo) => {
  const app = new App({ outdir: 'dist' });
  const chart = new Chart(app, 'tracing', { namespace: 'observability' });
  new TracingStack(chart, 'stack');
  if (typo) {
    new ApiObject(chart, 'hand-written', {
      apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'hand' },
      spec: { mode: 'statefullset', replica: 3, config: { receivers: { otlp: { protocols: { grpc: {} } } }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } } } },
    });
  }
  return app;
};
if (require.main === module) exports.build(process.env.TYPO === '1').synth();
`,
    );
  });

  afterAll(() => {
    for (const d of [project, tarball && path.dirname(tarball)]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  test('no reference data is reachable from the project', () => {
    expect(fs.existsSync(path.join(project, '..', 'shared', 'reference'))).toBe(false);
    // the schema data travels in the package
    expect(fs.existsSync(path.join(project, 'node_modules', '@otel-tracing', 'k8s-constructs', 'schemas', 'NOTICE'))).toBe(true);
  });

  test('synthLayered refuses the typo and writes the valid app', () => {
    const bad = node(`const { synthLayered } = require('@otel-tracing/k8s-constructs'); synthLayered(require('./app').build(true), { outdir: 'out-bad' });`);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown field "replica"/);
    expect(bad.stderr).toMatch(/spec\.mode/);
    expect(fs.existsSync(path.join(project, 'out-bad'))).toBe(false);
    const good = node(`const { synthLayered } = require('@otel-tracing/k8s-constructs'); synthLayered(require('./app').build(false), { outdir: 'out-good' });`);
    expect([good.status, good.stderr]).toEqual([0, '']);
    expect(fs.readdirSync(path.join(project, 'out-good'))).toContain('03-custom-resources.k8s.yaml');
  });

  test('the cdk8s plugin, named from node_modules in cdk8s.yaml, fails the synth on the typo', () => {
    fs.writeFileSync(
      path.join(project, 'cdk8s.yaml'),
      [
        'language: javascript',
        'app: node app.js',
        'output: dist',
        'validations:',
        '  - package: ./node_modules/@otel-tracing/k8s-constructs',
        '    class: TracingManifestValidation',
        '    version: 0.1.0',
        '    properties:',
        "      kubernetesVersion: '1.34'",
        '',
      ].join('\n'),
    );
    const cli = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-home-'));
    // cdk8s-cli's own new-version check (offline) is seeded, as in CI
    fs.writeFileSync(path.join(home, '.cdk8s-cli.version'), require(path.join(ROOT, 'node_modules', 'cdk8s-cli', 'package.json')).version);
    try {
      const bad = runSync(process.execPath, [cli, 'synth'], { cwd: project, env: { TYPO: '1', HOME: home }, timeoutMs: 180_000 });
      expect(bad.status).not.toBe(0);
      expect(`${bad.stdout}${bad.stderr}`).toMatch(/unknown-field in OpenTelemetryCollector observability\/hand/);
      const good = runSync(process.execPath, [cli, 'synth'], { cwd: project, env: { TYPO: '0', HOME: home }, timeoutMs: 180_000 });
      expect([good.status, `${good.stdout}${good.stderr}`]).toEqual([0, expect.stringMatching(/Status +│ success[\s\S]*errors +│ 0/)]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('the Pulumi adapter refuses to register the typo (under mocks) and registers the valid app', () => {
    const script = (typo: boolean) => `
      const pulumi = require('@pulumi/pulumi');
      pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + '_id', state: a.inputs }), call: (a) => a.inputs }, 'p', 's', false);
      const { TracingResources } = require('@otel-tracing/k8s-constructs/pulumi');
      const r = new TracingResources('t', { source: require('./app').build(${typo}) });
      console.log('registered', r.registered.length);`;
    const bad = node(script(true));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/refusing to register invalid manifests with Pulumi[\s\S]*unknown field "replica"/);
    const good = node(script(false));
    expect([good.status, good.stdout]).toEqual([0, expect.stringMatching(/^registered \d+/)]);
  });

  test('the otel-k8s CLI reports the typo in the synthesized folder', () => {
    const bin = path.join(project, 'node_modules', '.bin', 'otel-k8s');
    expect(fs.existsSync(bin)).toBe(true);
    node(`require('./app').build(true).synth()`);
    const r = runSync(bin, ['validate', 'dist'], { cwd: project, timeoutMs: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/OpenTelemetryCollector observability\/hand\n {2}at spec\.replica: unknown field "replica"/);
  });
});
