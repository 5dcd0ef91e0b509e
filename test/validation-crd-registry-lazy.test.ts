/**
 * CrdRegistry folders are read lazily: only the files defining the kinds that are checked are
 * parsed, the registration order still decides which definition of a CRD wins, and files whose
 * layout the quick scan cannot read are parsed on any lookup.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { CrdRegistry, validateManifests } from '../lib/validation';
import { scanCrdKinds } from '../lib/validation/crd-registry';
import { describeWithReference, ref } from './helpers/reference';

/** A minimal CRD whose one version requires `spec.size` (an integer); `extra` adds a property. */
function crd(group: string, kind: string, version = 'v1', extra?: string): any {
  const plural = `${kind.toLowerCase()}s`;
  const specProps: Record<string, unknown> = { size: { type: 'integer' } };
  if (extra) specProps[extra] = { type: 'string' };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: specProps } } } },
        },
      ],
    },
  };
}

function cr(group: string, kind: string, spec: Record<string, unknown>, version = 'v1'): any {
  return { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x', namespace: 'ns' }, spec };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-lazy-test-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeYaml(rel: string, ...docs: any[]): string {
  const file = path.join(dir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

test('only the files defining the checked kinds are read', () => {
  writeYaml('a/widgets.yaml', crd('a.example.com', 'Widget'));
  writeYaml('a/gadgets.yaml', crd('a.example.com', 'Gadget'));
  writeYaml('b/things.yaml', crd('b.example.com', 'Thing'), crd('b.example.com', 'OtherThing'));
  const r = CrdRegistry.fromDirs(path.join(dir, 'a'), path.join(dir, 'b'));
  expect(r.pendingFileCount()).toBe(3);

  expect(r.check(cr('a.example.com', 'Widget', { size: 3 })).status).toBe('ok');
  expect(r.check(cr('a.example.com', 'Widget', { size: 'big' })).status).toBe('invalid');
  expect(r.pendingFileCount()).toBe(2);
  // a kind no file defines reads nothing more (every file's kinds are known)
  expect(r.check(cr('c.example.com', 'Nothing', {})).status).toBe('unknown-kind');
  expect(r.pendingFileCount()).toBe(2);
  expect(r.get('b.example.com', 'OtherThing')?.crdName).toBe('otherthings.b.example.com');
  expect(r.pendingFileCount()).toBe(1);
  // all() reads the rest
  expect(r.all().map((e) => e.kind).sort()).toEqual(['Gadget', 'OtherThing', 'Thing', 'Widget']);
  expect(r.pendingFileCount()).toBe(0);
});

test('the later definition of a CRD wins, whatever order the files are read in', () => {
  // dir a (registered first) defines Widget v1; dir b (registered later) defines Widget v2 next to Thing
  writeYaml('a/widgets.yaml', crd('a.example.com', 'Widget', 'v1'));
  writeYaml('b/both.yaml', crd('b.example.com', 'Thing'), crd('a.example.com', 'Widget', 'v2'));
  const later = () => CrdRegistry.fromDirs(path.join(dir, 'a'), path.join(dir, 'b'));

  // b is read first (for Thing), then a (for Widget): b's Widget stays
  const r1 = later();
  r1.get('b.example.com', 'Thing');
  expect([...r1.get('a.example.com', 'Widget')!.versions.keys()]).toEqual(['v2']);
  // straight lookup: both files are read in registration order
  expect([...later().get('a.example.com', 'Widget')!.versions.keys()]).toEqual(['v2']);
  // the other registration order
  expect([...CrdRegistry.fromDirs(path.join(dir, 'b'), path.join(dir, 'a')).get('a.example.com', 'Widget')!.versions.keys()]).toEqual(['v1']);
  // add() after the folders wins over them
  const r2 = later().add(crd('a.example.com', 'Widget', 'v3'));
  expect([...r2.get('a.example.com', 'Widget')!.versions.keys()]).toEqual(['v3']);
});

test('a file the scan cannot read (JSON, other indentation) is read on any lookup', () => {
  fs.writeFileSync(path.join(dir, 'json-widget.json'), JSON.stringify(crd('a.example.com', 'Widget')));
  const four = stringify(crd('a.example.com', 'Gadget'), { indent: 4 });
  expect(scanCrdKinds(four)).toBeUndefined();
  fs.writeFileSync(path.join(dir, 'four-spaces.yaml'), four);
  writeYaml('things.yaml', crd('b.example.com', 'Thing'));
  const r = CrdRegistry.fromDirs(dir);
  expect(r.pendingFileCount()).toBe(3);
  expect(r.get('b.example.com', 'Thing')).toBeDefined();
  expect(r.pendingFileCount()).toBe(0);
  expect(r.get('a.example.com', 'Gadget')?.crdName).toBe('gadgets.a.example.com');
  expect(r.get('a.example.com', 'Widget')?.crdName).toBe('widgets.a.example.com');
});

test('a folder file without any CRD fails every lookup that reads it, and loses no other file', () => {
  writeYaml('a-not-a-crd.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { just: 'data' });
  writeYaml('b-widgets.yaml', crd('a.example.com', 'Widget'));
  const r = CrdRegistry.fromDirs(dir);
  const bad = /no CustomResourceDefinition found in .*a-not-a-crd\.yaml; pass a CRD manifest file/;
  expect(() => r.get('a.example.com', 'Widget')).toThrow(bad);
  expect(() => r.check(cr('a.example.com', 'Widget', { size: 'big' }))).toThrow(bad);
  expect(() => r.all()).toThrow(bad);
  expect(r.pendingFileCount()).toBe(2); // both still pending: nothing dropped after a failure
});

test('a CRD document whose top-level kind line is unusual makes the scan give up, so the file is read', () => {
  const usual = stringify(crd('a.example.com', 'Widget'));
  const unusual = stringify(crd('a.example.com', 'Gadget')).replace('kind: CustomResourceDefinition', 'kind: CustomResourceDefinition # a comment');
  expect(scanCrdKinds(`${usual}---\n${unusual}`)).toBeUndefined();
  expect(scanCrdKinds(`${usual}---\n${unusual.replace('kind: CustomResourceDefinition # a comment', 'kind: !!str CustomResourceDefinition')}`)).toBeUndefined();
  expect(scanCrdKinds(`${usual}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n`)).toEqual(new Set(['a.example.com/Widget']));
  fs.writeFileSync(path.join(dir, 'both.yaml'), `${usual}---\n${unusual}`);
  const r = CrdRegistry.fromDirs(dir);
  expect(r.check(cr('a.example.com', 'Gadget', { size: 'big' })).status).toBe('invalid');
});

test('an edited file is seen by a new registry (nothing is cached across registries)', () => {
  const file = writeYaml('widgets.yaml', crd('a.example.com', 'Widget'), crd('a.example.com', 'Gadget'));
  expect(CrdRegistry.fromDirs(dir).all().map((e) => e.kind)).toEqual(['Widget', 'Gadget']);
  fs.writeFileSync(file, stringify(crd('a.example.com', 'Sprocket')));
  const r = CrdRegistry.fromDirs(dir);
  expect(r.get('a.example.com', 'Widget')).toBeUndefined();
  expect(r.get('a.example.com', 'Sprocket')).toBeDefined();
});

test('validateManifests layers the CRDs of the synthesized set over the registry, which stays lazy', () => {
  writeYaml('widgets.yaml', crd('a.example.com', 'Widget'));
  writeYaml('gadgets.yaml', crd('a.example.com', 'Gadget'));
  const crds = CrdRegistry.fromDirs(dir);
  // the registry's Widget has no `color`; the synthesized CRD adds it
  const widget = cr('a.example.com', 'Widget', { size: 1, color: 'red' });
  expect(validateManifests([widget], { crds }).errors.map((e) => e.rule)).toEqual(['unknown-field']);
  expect(crds.pendingFileCount()).toBe(1); // gadgets.yaml never read
  const withCrd = validateManifests([crd('a.example.com', 'Widget', 'v1', 'color'), widget], { crds });
  expect(withCrd.errors).toEqual([]);
  // the given registry is not changed by the synthesized CRD
  expect(validateManifests([widget], { crds }).errors.map((e) => e.rule)).toEqual(['unknown-field']);
});

describeWithReference('scanCrdKinds on upstream files', () => {
  test('agrees with parsing on every YAML file of the reference folder', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(ref());
    let withCrds = 0;
    const gaveUp: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      let docs: any[];
      try {
        docs = parseAllDocuments(text).map((d) => d.toJS());
      } catch {
        continue; // not YAML we can read (templates): nothing to compare
      }
      const expected = new Set(docs.filter((o) => o?.kind === 'CustomResourceDefinition').map((o) => `${o.spec.group}/${o.spec.names.kind}`));
      const scanned = scanCrdKinds(text);
      if (expected.size) withCrds++;
      // the scan may give up (undefined), but never gives a wrong answer
      if (scanned !== undefined) expect({ f, kinds: [...scanned].sort() }).toEqual({ f, kinds: [...expected].sort() });
      else if (expected.size) gaveUp.push(f);
    }
    expect(withCrds).toBeGreaterThan(10);
    // upstream CRD files all have the usual layout
    expect(gaveUp).toEqual([]);
    // and it reads the operator's own CRD files
    for (const f of fs.readdirSync(ref('opentelemetry-operator', 'crds'))) {
      expect(scanCrdKinds(fs.readFileSync(ref('opentelemetry-operator', 'crds', f), 'utf8'))?.size).toBe(1);
    }
  });
});
