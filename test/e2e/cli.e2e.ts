/**
 * `npm run e2e -- validate <dir>` as a user runs it: over a folder with a good manifest (a stack this
 * library synthesized, written as YAML like any tool's output) it passes with exit code 0; over a folder
 * with a bad manifest (hand-written objects: a CR whose exporter has an unknown key, a ConfigMap mounted
 * by a collector Deployment whose config uses a deprecated type name) it reports each config and exits 1
 * (the deprecation fails only with --strict); usage errors exit 2.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { vendorOtlpStack } from '../../stacks';
import { describeE2E } from './harness/e2e';
import { cleanupTempDirs, tempDir } from './harness/procs';

const ROOT = path.resolve(__dirname, '..', '..');

/** `npm run --silent e2e -- <args>` typed in `cwd` (`--prefix` names the package when `cwd` is elsewhere). */
function cli(args: string[], cwd = ROOT): { status: number | null; out: string } {
  const r = spawnSync('npm', ['--prefix', ROOT, 'run', '--silent', 'e2e', '--', ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function writeManifests(dir: string, file: string, objects: readonly unknown[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), objects.map((o) => stringify(o)).join('---\n'));
}

/** Another tool's output: a collector CR with a typo, and a ConfigMap + Deployment with a deprecated type. */
function badObjects(): any[] {
  const pipeline = { receivers: ['otlp'], exporters: ['otlp_grpc'] };
  return [
    {
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'typo', namespace: 'tools' },
      spec: {
        mode: 'deployment',
        config: {
          receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
          exporters: {
            otlp_grpc: {
              endpoint: 'tempo.tools:4317',
              tls: { insecure: true },
              retry_on_falure: { enabled: true },
            },
          },
          service: { pipelines: { traces: pipeline } },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'legacy-config', namespace: 'tools' },
      data: {
        'config.yaml': stringify({
          receivers: { otlp: { protocols: { http: { endpoint: '0.0.0.0:4318' } } } },
          exporters: { otlphttp: { endpoint: 'http://tempo.tools:4318' } },
          service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['otlphttp'] } } },
        }),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'legacy', namespace: 'tools' },
      spec: {
        selector: { matchLabels: { app: 'legacy' } },
        template: {
          metadata: { labels: { app: 'legacy' } },
          spec: {
            containers: [
              {
                name: 'otelcol',
                image: 'otel/opentelemetry-collector-contrib:0.158.0',
                args: ['--config', '/etc/otelcol/config.yaml'],
                volumeMounts: [{ name: 'cfg', mountPath: '/etc/otelcol' }],
              },
            ],
            volumes: [{ name: 'cfg', configMap: { name: 'legacy-config' } }],
          },
        },
      },
    },
  ];
}

describeE2E('npm run e2e -- validate <dir>', () => {
  const work = tempDir('cli');
  const good = path.join(work, 'good');
  const bad = path.join(work, 'bad');
  const mixed = path.join(work, 'mixed');
  const empty = path.join(work, 'empty');
  beforeAll(() => {
    const objects = Testing.synth(vendorOtlpStack(Testing.app()));
    writeManifests(good, 'vendor-otlp.yaml', objects);
    writeManifests(bad, 'tool-output.yaml', badObjects());
    writeManifests(path.join(mixed, 'ok'), 'vendor-otlp.yaml', objects);
    writeManifests(path.join(mixed, 'broken'), 'tool-output.yaml', badObjects());
    fs.writeFileSync(path.join(mixed, 'broken', 'not-yaml.yaml'), 'kind: [unclosed\n');
    writeManifests(empty, 'namespace.yaml', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
    ]);
  });
  afterAll(() => cleanupTempDirs());

  test('a good manifest: every collector config passes, exit 0', () => {
    const r = cli(['validate', good]);
    expect(r.out).toMatch(/2 collector configs/);
    expect(r.out).toMatch(
      /PASS OpenTelemetryCollector observability\/otel-gateway \(vendor-otlp\.yaml\): OK \(validate and start\)/,
    );
    expect(r.out).toMatch(
      /PASS OpenTelemetryCollector observability\/otel-agent \(vendor-otlp\.yaml\): OK \(validate and start\)/,
    );
    expect(r.out).toMatch(/2 collector configs: 2 passed, 0 failed/);
    expect(r.status).toBe(0);
  });

  test("a bad manifest: the typo fails with the collector's error, the deprecated name is reported, exit 1", () => {
    const r = cli(['validate', bad]);
    expect(r.out).toMatch(
      /FAIL OpenTelemetryCollector tools\/typo \(tool-output\.yaml\): REJECTED by otelcol validate/,
    );
    expect(r.out).toMatch(/error: .*has invalid keys: retry_on_falure/);
    expect(r.out).toMatch(
      /PASS Deployment tools\/legacy \/etc\/otelcol\/config\.yaml \(tool-output\.yaml\): OK, with deprecation warnings/,
    );
    expect(r.out).toMatch(/deprecated: .*"otlphttp" alias is deprecated; use "otlp_http" instead/);
    expect(r.out).toMatch(
      /2 collector configs: 1 passed, 1 failed, 1 with deprecation warnings \(use --strict to fail on them\)/,
    );
    expect(r.status).toBe(1);
  });

  test('--strict fails on deprecation warnings too; a relative folder is resolved from where npm was run', () => {
    const r = cli(['validate', 'bad', '--strict'], work);
    expect(r.out).toMatch(/^bad: 3 objects in 1 files, 2 collector configs/m);
    expect(r.out).toMatch(/FAIL Deployment tools\/legacy \/etc\/otelcol\/config\.yaml/);
    expect(r.out).toMatch(/2 collector configs: 0 passed, 2 failed/);
    expect(r.status).toBe(1);
  });

  test('a folder tree with good and bad files and one that is not YAML: all reported, exit 1', () => {
    const r = cli(['validate', mixed]);
    expect(r.out).toMatch(/ERROR broken\/not-yaml\.yaml: not valid YAML/);
    expect(r.out).toMatch(/PASS OpenTelemetryCollector observability\/otel-agent \(ok\/vendor-otlp\.yaml\)/);
    expect(r.out).toMatch(/FAIL OpenTelemetryCollector tools\/typo \(broken\/tool-output\.yaml\)/);
    expect(r.out).toMatch(
      /4 collector configs: 3 passed, 1 failed, 1 with deprecation warnings.*; 1 files not parsed/,
    );
    expect(r.status).toBe(1);
  });

  test('no collector config, a missing folder, no arguments, an unknown command', () => {
    const none = cli(['validate', empty]);
    expect(none.out).toMatch(/no collector config found/);
    expect(none.status).toBe(1);
    const missing = cli(['validate', path.join(work, 'nope')]);
    expect(missing.out).toMatch(/is not a folder/);
    expect(missing.status).toBe(2);
    const noArgs = cli([]);
    expect(noArgs.out).toMatch(/usage: npm run e2e -- <command>[\s\S]*validate <dir> \[--strict\]/);
    expect(noArgs.status).toBe(2);
    const unknown = cli(['frobnicate']);
    expect(unknown.out).toMatch(/unknown command "frobnicate"/);
    expect(unknown.status).toBe(2);
  });
});
