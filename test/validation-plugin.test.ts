import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { TracingManifestValidation } from '../lib/validation/cdk8s-plugin';
import { collectorCr } from './helpers/fixtures';
import { tempDir } from './helpers/temp';

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
  const file = path.join(tempDir('plugin-'), 'app.k8s.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

const collector = collectorCr;

describe('cdk8s validation plugin', () => {
  test('an OpenTelemetryCollector with an unknown field under spec fails, naming the field (shipped CRDs)', async () => {
    const file = writeManifest([collector({ upgradeStrateg: 'none' })]);
    const f = fakeContext([file]);
    await new TracingManifestValidation({}).validate(f.ctx);
    expect(f.status()).toBe('failure');
    expect(f.violations).toHaveLength(1);
    expect(f.violations[0].ruleName).toBe('error: unknown-field in OpenTelemetryCollector observability/agent');
    expect(f.violations[0].recommendation).toMatch(/unknown field "upgradeStrateg"/);
    expect(f.violations[0].violatingResources[0]).toEqual({ resourceName: 'agent', locations: ['spec.upgradeStrateg'], manifestPath: file });
    expect(f.metadata()).toMatchObject({ objects: '1', errors: '1', warnings: '0' });
  });

  test('a valid manifest passes', async () => {
    const f = fakeContext([writeManifest([collector({})])]);
    await new TracingManifestValidation({ kubernetesVersion: '1.33' }).validate(f.ctx);
    expect(f.status()).toBe('success');
    expect(f.violations).toEqual([]);
  });

  test('an unknown CRD is a warning that is logged: success, unless strict', async () => {
    const file = writeManifest([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }]);
    const lax = fakeContext([file]);
    await new TracingManifestValidation({}).validate(lax.ctx);
    expect(lax.status()).toBe('success');
    expect(lax.violations[0].ruleName).toBe('warning: unknown-crd in Widget w');
    expect(lax.logs.join('\n')).toMatch(/warning: unknown-crd in Widget w/);
    const strict = fakeContext([file]);
    await new TracingManifestValidation({ strict: true }).validate(strict.ctx);
    expect(strict.status()).toBe('failure');
    expect(strict.violations[0].ruleName).toBe('error: unknown-crd in Widget w');
  });

  test('crdPaths adds CRD files for other operators', async () => {
    const dir = tempDir('plugin-crd-');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    };
    fs.writeFileSync(path.join(dir, 'widget.yaml'), stringify(crd));
    const f = fakeContext([writeManifest([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 'big' } }])]);
    await new TracingManifestValidation({ crdPaths: [dir] }).validate(f.ctx);
    expect(f.status()).toBe('failure');
    expect(f.violations[0].violatingResources[0].locations).toEqual(['spec.size']);
  });

  test('a missing CRD path or an unknown property is a configuration error naming it', async () => {
    const f = fakeContext([writeManifest([collector({})])]);
    await expect(new TracingManifestValidation({ crdPaths: ['/does/not/exist'] }).validate(f.ctx)).rejects.toThrow(/CRD path \/does\/not\/exist does not exist/);
    await expect(new TracingManifestValidation({ crdDirs: ['x'] } as any).validate(f.ctx)).rejects.toThrow(/unknown property "crdDirs"/);
    await expect(new TracingManifestValidation({ kubernetesVersion: '1.20' }).validate(f.ctx)).rejects.toThrow(/kubernetesVersion "1.20" is not supported; use one of 1.33, 1.34, 1.35, 1.36/);
  });
});
