/**
 * What a cold `cdk8s synth` loads is part of the library's speed (`npm run bench`, ratio to raw
 * ApiObjects). These guards keep the heavy modules out of the import graph of `lib/`:
 * cdk8s-plus-28 (~30 ms) only when a program instruments a cdk8s-plus workload, and a second copy
 * of `yaml` (~10 ms) never (lib/common/yaml.ts uses the one cdk8s bundles).
 */
import * as fs from 'fs';
import * as path from 'path';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const LIB = path.join(__dirname, '..', 'lib');
const files = sources(LIB).map((f) => ({ rel: path.relative(LIB, f), text: fs.readFileSync(f, 'utf8') }));

/** Value imports (`import x from`, `import { x } from`, `export … from`, `require(…)`) of a module; `import type` is erased at compile time. */
function valueImports(text: string, module: string): string[] {
  const q = module.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const quote = "['\\x60]"; // ' or a backtick
  const re = new RegExp(
    '^(?!\\s*import type )(?!\\s*export type ).*(?:' + `from '${q}(?:/[^']*)?'` + '|require\\(' + quote + q + "(?:/[^'\\x60]*)?" + quote + '\\)).*$',
    'gm',
  );
  return [...text.matchAll(re)].map((m) => m[0].trim());
}

test('lib/ scans real files', () => {
  expect(files.length).toBeGreaterThan(50);
  // the scanner sees value imports and ignores type imports
  expect(valueImports("import { k8s } from 'cdk8s-plus-28';\nimport type * as kplus from 'cdk8s-plus-28';", 'cdk8s-plus-28')).toEqual(["import { k8s } from 'cdk8s-plus-28';"]);
  expect(valueImports("  return require('cdk8s-plus-28');", 'cdk8s-plus-28')).toHaveLength(1);
});

test('cdk8s-plus-28 is imported for types only, and loaded at run time in one place (inject, on first use)', () => {
  const found = files.flatMap((f) => valueImports(f.text, 'cdk8s-plus-28').map((line) => `${f.rel}: ${line}`));
  expect(found).toEqual([`${path.join('instrumentation', 'inject.ts')}: return require('cdk8s-plus-28');`]);
});

test("the yaml package is reached only through lib/common/yaml.ts", () => {
  const found = files.flatMap((f) => valueImports(f.text, 'yaml').map((line) => `${f.rel}: ${line}`));
  expect(found).toEqual([
    // only the version of our own copy is read (a JSON file), to compare it with cdk8s's bundled copy
    `${path.join('common', 'yaml.ts')}: const own: string = require('yaml/package.json').version;`,
    `${path.join('common', 'yaml.ts')}: return require('yaml');`,
  ]);
});

test('kubernetes-models is imported for types only: built-in kinds are validated against the shipped schemas', () => {
  const found = files.flatMap((f) => valueImports(f.text, 'kubernetes-models').map((line) => `${f.rel}: ${line}`));
  expect(found).toEqual([]);
});
