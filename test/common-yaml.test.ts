/**
 * lib/common/yaml.ts: the library serializes and parses through the `yaml` copy cdk8s already
 * loaded (no second copy in a cdk8s app), with the same results as this package's own `yaml`.
 */
import * as path from 'path';
import * as ownYaml from 'yaml';
import { parseYaml, parseYamlDocuments, toYaml, yamlPackage } from '../lib/common/yaml';

test("the yaml module is cdk8s's bundled copy when that copy is yaml 2.x", () => {
  const cdk8sDir = path.dirname(require.resolve('cdk8s/package.json'));
  const bundledMain = require.resolve('yaml', { paths: [cdk8sDir] });
  const bundledVersion: string = require(path.join(bundledMain, '..', '..', 'package.json')).version;
  expect(bundledVersion).toMatch(/^2\./);
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
  expect(toYaml(doc)).toBe(ownYaml.stringify(doc));
  expect(toYaml(doc, { lineWidth: 0 })).toBe(ownYaml.stringify(doc, { lineWidth: 0 }));
  expect(toYaml(doc, { lineWidth: 0 })).not.toBe(toYaml(doc)); // the 149-character line is folded only at the default width
  expect(parseYaml(toYaml(doc))).toEqual(doc);
  const docs = parseYamlDocuments('a: 1\n---\nb: [2, 3]\n').map((d) => d.toJS());
  expect(docs).toEqual([{ a: 1 }, { b: [2, 3] }]);
  expect(parseYamlDocuments('a: [1\n')[0].errors.length).toBeGreaterThan(0);
});
