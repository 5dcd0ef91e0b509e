/**
 * lib/common/yaml.ts: the library serializes and parses through the `yaml` copy cdk8s already
 * loaded (no second copy in a cdk8s app), with the same results as this package's own `yaml`.
 */
import * as path from 'path';
import * as ownYaml from 'yaml';
import { parseYaml, parseYamlDocuments, sameMajorAndNotOlder, toYaml, toYamlDocuments, yamlPackage } from '../../lib/common/yaml';

test('a bundled copy is used only with the same major version and not older than our own', () => {
  expect(sameMajorAndNotOlder('2.9.1', '2.9.1')).toBe(true);
  expect(sameMajorAndNotOlder('2.10.0', '2.9.1')).toBe(true);
  expect(sameMajorAndNotOlder('2.9.2', '2.9.1')).toBe(true);
  expect(sameMajorAndNotOlder('2.9.0', '2.9.1')).toBe(false);
  expect(sameMajorAndNotOlder('2.8.9', '2.9.1')).toBe(false);
  expect(sameMajorAndNotOlder('3.0.0', '2.9.1')).toBe(false);
  expect(sameMajorAndNotOlder('1.10.2', '2.9.1')).toBe(false);
  expect(sameMajorAndNotOlder('2.10.0-rc.1', '2.9.1')).toBe(false);
});

test("the yaml module is cdk8s's bundled copy when that copy is as recent as ours", () => {
  const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
  const bundledMain = require.resolve('yaml', { paths: [cdk8sDir] });
  const bundledVersion: string = require(path.join(bundledMain, '..', '..', 'package.json')).version;
  expect(sameMajorAndNotOlder(bundledVersion, require('yaml/package.json').version)).toBe(true);
  expect(yamlPackage()).toBe(require(bundledMain));
  expect(yamlPackage()).toBe(yamlPackage());
});

test('serializes and parses like the yaml package itself', () => {
  const doc = {
    receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
    quoted: ['on', 'yes', '0777', '1e3', 'null', ''],
    long: 'word '.repeat(30).trim(),
    multi: 'line one\nline two\n',
  };
  expect(toYaml(doc)).toBe(ownYaml.stringify(doc, { version: '1.1' }));
  expect(toYaml(doc, { lineWidth: 0 })).toBe(ownYaml.stringify(doc, { version: '1.1', lineWidth: 0 }));
  expect(toYaml(doc, { lineWidth: 0 })).not.toBe(toYaml(doc)); // the 149-character line is folded only at the default width
  expect(parseYaml(toYaml(doc))).toEqual(doc);
  const docs = parseYamlDocuments('a: 1\n---\nb: [2, 3]\n').map((d) => d.toJS());
  expect(docs).toEqual([{ a: 1 }, { b: [2, 3] }]);
  expect(parseYamlDocuments('a: [1\n')[0].errors.length).toBeGreaterThan(0);
});

test('strings a YAML 1.1 reader (go-yaml, kubectl) would take for a time, a boolean or a number are quoted', () => {
  // Jaeger 2.13 refused an unquoted `date_layout: 2006-01-02` ("expected type 'string', got unconvertible type 'time.Time'")
  const doc = { date_layout: '2006-01-02', hourly: '2006-01-02-15', flags: ['on', 'yes', 'No', 'y'], clock: '12:30:45', n: 8, b: true };
  const text = toYaml(doc);
  expect(text).toContain('date_layout: "2006-01-02"\n');
  expect(text).toContain('hourly: 2006-01-02-15\n');
  for (const s of ['"on"', '"yes"', '"No"', '"y"', '"12:30:45"']) expect(text).toContain(s);
  expect(text).toContain('"n": 8\n');
  expect(text).toContain('b: true\n');
  expect(parseYaml(text)).toEqual(doc);
  expect(ownYaml.parse(text, { version: '1.1' })).toEqual(doc);
});

test('toYaml and toYamlDocuments write exactly what a fresh yaml stringify of each document writes', () => {
  const fresh = (v: unknown, lineWidth?: number) =>
    ownYaml.stringify(v, { version: '1.1', aliasDuplicateObjects: false, ...(lineWidth === undefined ? {} : { lineWidth }) });
  // values that exercise quoting (YAML 1.1 look-alikes), block strings, shared objects, empty collections
  const shared = { a: 1 };
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', data: { 'x.yaml': 'a: 1\nb:\n  - on\n', date: '2006-01-02', yes: 'yes', t: '12:30', n: '0o12' } },
    { list: [shared, shared, [], {}], nested: { deep: { deeper: [1, 2.5, true, null, 'null', '~'] } } },
    { long: 'x'.repeat(200), spaces: ' leading', colon: 'a: b', hash: 'a #b' },
  ];
  for (const lineWidth of [undefined, 0, 40]) {
    const options = lineWidth === undefined ? {} : { lineWidth };
    expect(toYamlDocuments(docs, options)).toBe(docs.map((d) => fresh(d, lineWidth)).join('---\n'));
    for (const d of docs) expect(toYaml(d, options)).toBe(fresh(d, lineWidth));
  }
  expect(toYamlDocuments([])).toBe('');
  // the manifests of a whole stack
  const { App } = require('cdk8s') as typeof import('cdk8s');
  const { tempoTailSamplingStack } = require('../../stacks') as typeof import('../../stacks');
  const { synthObjects } = require('../../lib/stack') as typeof import('../../lib/stack');
  const app = new App();
  tempoTailSamplingStack(app);
  const objects = synthObjects(app);
  expect(objects.length).toBeGreaterThan(5);
  expect(toYamlDocuments(objects, { lineWidth: 0 })).toBe(objects.map((d) => fresh(d, 0)).join('---\n'));
});
