import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CrdRegistry, validateManifests } from '../lib/validation';
import { describeWithReference, ref } from './helpers/reference';
import { referenceCrds } from './helpers/validate';
import { tempDir } from './helpers/temp';

function loadYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o && typeof o === 'object');
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

describeWithReference('upstream manifests validate clean', () => {
  test('the operator v0.158.0 install manifest: 20 objects, no error, CRDs taken from the manifest itself', () => {
    const objects = loadYaml(ref('opentelemetry-operator', 'opentelemetry-operator.yaml'));
    expect(objects).toHaveLength(20);
    // Only cert-manager CRDs preloaded: the operator CRDs must come from the manifest.
    const crds = CrdRegistry.fromDirs(ref('cert-manager', 'crds'));
    const result = validateManifests(objects, { crds });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.objectCount).toBe(20);
  });

  const samples = fs
    .readdirSync(ref('opentelemetry-operator', 'samples'))
    .filter((f) => f.endsWith('.yaml') && !f.includes('assert'));

  test('there are 11 applyable sample files (the 12th is a chainsaw assertion)', () => {
    expect(samples).toHaveLength(11);
  });

  test.each(samples)('operator sample %s validates clean', (file) => {
    const objects = loadYaml(ref('opentelemetry-operator', 'samples', file));
    const result = validateManifests(objects, { crds: referenceCrds() });
    expect(result.toString()).toMatch(/no findings/);
  });

  test('the chainsaw assertion sample is not a manifest set: it fails (partial objects), proving the check bites', () => {
    const objects = loadYaml(ref('opentelemetry-operator', 'samples', 'smoke-deletion__00-assert.yaml'));
    const result = validateManifests(objects, { crds: referenceCrds() });
    expect(result.ok).toBe(false);
  });

  const helmFiles = yamlFilesUnder(ref('helm-rendered')).filter((f) => f.includes(`${path.sep}rendered${path.sep}`));
  test('helm renders are found', () => {
    expect(helmFiles.length).toBeGreaterThan(20);
  });
  test.each(helmFiles.map((f) => path.relative(ref('helm-rendered'), f)))('helm render %s validates clean', (rel) => {
    const objects = loadYaml(ref('helm-rendered', rel));
    const result = validateManifests(objects, { crds: referenceCrds() });
    expect(result.errors).toEqual([]);
    expect(result.warnings.filter((w) => w.rule === 'unknown-crd')).toEqual([]);
  });
});

describe('CRD registry', () => {
  test('a CR whose CRD is unknown is a warning, never silence', () => {
    const result = validateManifests([
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' }, spec: {} },
    ]);
    expect(result.ok).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ rule: 'unknown-crd', kind: 'Widget', name: 'w' });
    expect(result.warnings[0].message).toMatch(/no CRD known for Widget\.example\.com/);
  });

  test('a CRD in the validated set is used for the CRs in the same set', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer', format: 'int32' },
                      port: { 'x-kubernetes-int-or-string': true },
                      tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
                      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const good = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3, port: 'http', tags: ['a'], free: { any: { thing: 1 } } } };
    expect(validateManifests([crd, good]).toString()).toMatch(/no findings/);
    const bad = { ...good, metadata: { name: 'w2' }, spec: { size: 2 ** 31, port: 1.5, tags: ['a', 'a'], extra: true } };
    const result = validateManifests([crd, bad]);
    const messages = result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec\.size: .*not a 32-bit integer/),
        expect.stringMatching(/^spec\.port: 1\.5 must be integer or string/),
        expect.stringMatching(/^spec\.tags: .*duplicate/),
        expect.stringMatching(/^spec\.extra: unknown field "extra"/),
      ]),
    );
  });

  test('compiled validators are shared: loading the same CRDs twice does not recompile', () => {
    const dir = tempDir('crds-');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Gadget', plural: 'gadgets' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } } } }],
      },
    };
    fs.writeFileSync(path.join(dir, 'gadget.json'), JSON.stringify(crd));
    const r1 = CrdRegistry.fromDirs(dir);
    const r2 = CrdRegistry.fromDirs(dir);
    const cr = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { a: 1 } };
    const before = CrdRegistry.compiledSchemaCount();
    const c1 = r1.check(cr);
    const afterFirst = CrdRegistry.compiledSchemaCount();
    const c2 = r2.check(cr);
    expect(afterFirst).toBe(before + 1);
    expect(CrdRegistry.compiledSchemaCount()).toBe(afterFirst);
    expect(c1.status).toBe('invalid');
    expect(c2.status).toBe('invalid');
    expect(r1.get('example.com', 'Gadget')?.source).toContain('gadget.json');
  });

  test('loading a missing folder or a file without CRDs fails with the fix', () => {
    expect(() => CrdRegistry.fromDirs('/nonexistent/crds')).toThrow(/CRD folder \/nonexistent\/crds does not exist; pass an existing folder/);
    const f = path.join(tempDir('nocrd-'), 'x.yaml');
    fs.writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    expect(() => new CrdRegistry().loadFile(f)).toThrow(/no CustomResourceDefinition found in .*x\.yaml/);
  });
});
