#!/usr/bin/env node
/**
 * The published JavaScript (`npm run build`, after `tsc -p tsconfig.build.json` wrote the
 * declarations to build/dist): esbuild, CommonJS, dependencies and peers left to `require`.
 *
 *   build/dist/bundle.js            the root entry's whole module graph (the cdk8s plugin's is part of
 *                                   it) in one file, scope-hoisted: one top-level function, so V8
 *                                   parses each module's code once and Node resolves/reads one file
 *   build/dist/pulumi/index-part.js the code only /pulumi has (it loads @pulumi/*), and
 *   build/dist/cli/otel-k8s-part.js the CLI's own module: each takes every other library module from
 *                                   bundle.js (`modules`, by name: not an entry point, not API), so
 *                                   every module exists once per process whichever entries are loaded
 *                                   (`instanceof` holds across entry points)
 *   build/dist/<entry>.js           one small file per entry point of package.json (main, exports, bin)
 *
 * Why: a cold process pays Node's module loader per file (resolve, stat, read, compile); the
 * library's ~90 modules cost ~10-20 ms of it before any work is done.
 *
 * The entry files list their export names in the form Node's CommonJS lexer reads
 * (`0 && (module.exports = { ... })`), so `import { TracingStack } from '@otel-tracing/k8s-constructs'`
 * works from ES modules as it did with per-module files.
 *
 *   node scripts/bundle.js                 the package's files (build/dist)
 *   node scripts/bundle.js --bench         also the benchmark's scenario code, importing the package
 *                                          through its root entry (build/bench/scenarios.js)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'dist');

/** Entry point file (relative to build/dist) -> its source module under lib/. */
const ENTRIES = {
  'index.js': 'index.ts',
  'cli/cdk8s-plugin.js': 'cli/cdk8s-plugin.ts',
  'pulumi/index.js': 'pulumi/index.ts',
  'cli/otel-k8s.js': 'cli/otel-k8s.ts',
};

/**
 * Entry points with code of their own outside the root entry's module graph: bundled separately
 * (build/dist/<entry>-part.js), loaded only when their entry is; every other library module they
 * import is taken from the main bundle (so it exists once per process). `own`: their own modules.
 */
const PARTS = {
  'pulumi/index.js': { own: /^pulumi\// },
  'cli/otel-k8s.js': { own: /^cli\/otel-k8s\.ts$/ },
};

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
};

const LIB = path.join(ROOT, 'lib');
const rel = (from, to) => {
  const r = path.relative(path.dirname(from), to).split(path.sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
};

/** Bundles one part; returns the library modules (relative to lib/, no extension) it takes from the main bundle. */
async function bundlePart(out, src, own) {
  const shared = new Set();
  const outfile = path.join(OUT, out.replace(/\.js$/, '-part.js'));
  await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(LIB, src)],
    outfile,
    plugins: [
      {
        name: 'shared-modules-from-the-main-bundle',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (args.namespace === 'main-bundle') return { path: args.path, external: true };
            const target = path.resolve(args.resolveDir, args.path);
            const fromLib = path.relative(LIB, target).split(path.sep).join('/');
            if (fromLib.startsWith('..') || own.test(`${fromLib}.ts`) || own.test(fromLib)) return undefined;
            const key = fromLib.replace(/\.ts$/, '');
            shared.add(key);
            return { path: key, namespace: 'main-bundle' };
          });
          build.onLoad({ filter: /.*/, namespace: 'main-bundle' }, (args) => ({
            contents: `module.exports = require(${JSON.stringify(rel(outfile, path.join(OUT, 'bundle.js')))}).modules[${JSON.stringify(args.path)}];`,
            loader: 'js',
          }));
        },
      },
    ],
  });
  return shared;
}

async function bundleLibrary() {
  const shared = new Set();
  for (const [out, { own }] of Object.entries(PARTS))
    for (const m of await bundlePart(out, ENTRIES[out], own)) shared.add(m);
  // The main bundle: the root entry's module graph (the plugin's is part of it), evaluated when the
  // bundle loads, scope-hoisted in one top-level function (V8 parses each module's code once), and
  // the modules the parts share, by name (`modules`: not an entry point, not part of the API).
  const eager = Object.keys(ENTRIES).filter((out) => !PARTS[out]);
  const modules = [...shared].sort();
  const lines = [
    ...eager.map((out, i) => `import * as entry${i} from ${JSON.stringify(`./${ENTRIES[out]}`)};`),
    ...modules.map((m, i) => `import * as module${i} from ${JSON.stringify(`./${m}`)};`),
    `export const entry = { ${eager.map((out, i) => `${JSON.stringify(out)}: entry${i}`).join(', ')} };`,
    `export const modules = { ${modules.map((m, i) => `${JSON.stringify(m)}: module${i}`).join(', ')} };`,
  ];
  await esbuild.build({
    ...COMMON,
    stdin: { contents: lines.join('\n'), resolveDir: LIB, sourcefile: 'entries.ts', loader: 'ts' },
    outfile: path.join(OUT, 'bundle.js'),
    banner: {
      js: '// @otel-tracing/k8s-constructs: the library bundled (scripts/bundle.js); types are in the .d.ts files.',
    },
  });
  const bundle = require(path.join(OUT, 'bundle.js'));
  for (const [out, src] of Object.entries(ENTRIES)) {
    const file = path.join(OUT, out);
    const from = PARTS[out]
      ? rel(file, file.replace(/\.js$/, '-part.js'))
      : rel(file, path.join(OUT, 'bundle.js'));
    const load = PARTS[out] ? `require('${from}')` : `require('${from}').entry[${JSON.stringify(out)}]`;
    const names = Object.keys(
      PARTS[out] ? require(file.replace(/\.js$/, '-part.js')) : bundle.entry[out],
    ).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    const isBin = src === 'cli/otel-k8s.ts';
    const text = [
      ...(isBin ? ['#!/usr/bin/env node'] : []),
      `// lib/${src} (its code is in ${PARTS[out] ? path.basename(from) : 'the bundle'}; see scripts/bundle.js)`,
      `'use strict';`,
      `module.exports = ${load};`,
      `0 && (module.exports = { ${names.join(', ')} });`,
      ...(isBin ? ['if (require.main === module) module.exports.main();'] : []),
      '',
    ].join('\n');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { mode: isBin ? 0o755 : 0o644 });
  }
}

/**
 * The benchmark's scenario code (test/bench/scenarios.ts and the stacks it uses) bundled on its own,
 * every import of the library's modules replaced by the package's root entry, as a consumer's app
 * imports it. The replacement module declares exactly the root entry's names, so a name the scenario
 * code imports that the root does not export fails this build ("No matching export").
 */
async function bundleBench() {
  const rootNames = Object.keys(require(path.join(OUT, 'index.js'))).filter((n) =>
    /^[A-Za-z_$][\w$]*$/.test(n),
  );
  const libDir = path.join(ROOT, 'lib');
  const ROOT_ENTRY = '../dist/index.js'; // from build/bench/scenarios.js
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test', 'bench', 'scenarios.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: path.join(ROOT, 'build', 'bench', 'scenarios.js'),
    logLevel: 'warning',
    plugins: [
      {
        name: 'library-through-its-root-entry',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, (args) => {
            if (args.path === ROOT_ENTRY && args.namespace === 'library-root')
              return { path: ROOT_ENTRY, external: true };
            const target = path.resolve(args.resolveDir, args.path);
            if (target !== libDir && !target.startsWith(libDir + path.sep)) return undefined;
            return { path: 'root', namespace: 'library-root' };
          });
          build.onLoad({ filter: /.*/, namespace: 'library-root' }, () => ({
            contents: `const root = require(${JSON.stringify(ROOT_ENTRY)});\nexport const { ${rootNames.join(', ')} } = root;\n`,
            loader: 'js',
            resolveDir: path.join(ROOT, 'build', 'bench'),
          }));
        },
      },
    ],
  });
}

async function main() {
  await bundleLibrary();
  if (process.argv.includes('--bench')) await bundleBench();
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exitCode = 1;
});
