import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { TracingManifestValidation } from '../lib/validation/cdk8s-plugin';
import { collectorCr } from './helpers/fixtures';
import { describeWithReference, ref } from './helpers/reference';

interface Violation {
  ruleName: string;
  recommendation: string;
  fix: string;
  violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
}

/** The part of cdk8s-cli's ValidationContext the plugin uses, recording what it reports. */
function fakeContext(manifests: string[]) {
  const violations: Violation[] = [];
  const logs: string[] = [];
  let status: string | undefined;
  let metadata: Record<string, string> | undefined;
  return {
    ctx: {
      manifests,
      logger: { log: (m: string) => logs.push(m) },
      report: {
        addViolation: (v: Violation) => violations.push(v),
        submit: (s: 'success' | 'failure', m?: Record<string, string>) => {
          status = s;
          metadata = m;
        },
      },
    },
    violations,
    logs,
    status: () => status,
    metadata: () => metadata,
  };
}

function writeManifest(objects: any[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-')), 'app.k8s.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

const collector = collectorCr;

describeWithReference('cdk8s validation plugin', () => {
  const crdDirs = [ref('opentelemetry-operator', 'crds')];

  test('an OpenTelemetryCollector with an unknown field under spec fails, naming the field', async () => {
    const file = writeManifest([collector({ upgradeStrateg: 'none' })]);
    const f = fakeContext([file]);
    await new TracingManifestValidation({ crdDirs }).validate(f.ctx);
    expect(f.status()).toBe('failure');
    expect(f.violations).toHaveLength(1);
    expect(f.violations[0].ruleName).toBe('error: unknown-field in OpenTelemetryCollector observability/agent');
    expect(f.violations[0].recommendation).toMatch(/unknown field "upgradeStrateg"/);
    expect(f.violations[0].violatingResources[0]).toEqual({ resourceName: 'agent', locations: ['spec.upgradeStrateg'], manifestPath: file });
    expect(f.metadata()).toMatchObject({ objects: '1', errors: '1', warnings: '0' });
  });

  test('a valid manifest passes', async () => {
    const f = fakeContext([writeManifest([collector({})])]);
    await new TracingManifestValidation({ crdDirs }).validate(f.ctx);
    expect(f.status()).toBe('success');
    expect(f.violations).toEqual([]);
  });

  test('an unknown CRD is a warning: success, unless strict', async () => {
    const file = writeManifest([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    const lax = fakeContext([file]);
    await new TracingManifestValidation({ crdDirs: [] }).validate(lax.ctx);
    expect(lax.status()).toBe('success');
    expect(lax.violations[0].ruleName).toBe('warning: unknown-crd in Widget w');
    const strict = fakeContext([file]);
    await new TracingManifestValidation({ crdDirs: [], strict: true }).validate(strict.ctx);
    expect(strict.status()).toBe('failure');
  });

  test('a missing CRD folder is logged, not fatal', async () => {
    const f = fakeContext([writeManifest([collector({})])]);
    await new TracingManifestValidation({ crdDirs: ['/does/not/exist'] }).validate(f.ctx);
    expect(f.logs.join('\n')).toMatch(/CRD folder \/does\/not\/exist not found/);
    expect(f.violations[0].ruleName).toMatch(/warning: unknown-crd/);
  });
});
