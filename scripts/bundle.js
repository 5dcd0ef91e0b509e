#!/usr/bin/env node
/**
 * The published JavaScript (`npm run build`, after `tsc -p tsconfig.build.json` wrote the
 * declarations to build/dist): the whole library in ONE file, build/dist/bundle.js (esbuild, CommonJS,
 * dependencies and peers left to `require`), and a small file per entry point of package.json
 * (root, /pulumi, /validation/cdk8s-plugin, the otel-k8s bin) that takes its part of the bundle.
 *
 * Why: a cold process pays Node's module loader per file (resolve, stat, read, compile); the
 * library's ~90 modules cost ~10-20 ms of it before any work is done. One file has that cost once.
 * Every module still exists once per process whichever entry points are loaded (one copy of each
 * class, so `instanceof` holds across entry points), and an entry point initializes only the modules
 * it imports: the root entry never loads @pulumi/*.
 *
 * The entry files list their export names in the form Node's CommonJS lexer reads
 * (`0 && (module.exports = { ... })`), so `import { TracingStack } from '@otel-tracing/k8s-constructs'`
 * works from ES modules as it did with per-module files.
 *
 *   node scripts/bundle.js                 the package's entry points (build/dist)
 *   node scripts/bundle.js --bench         also the benchmark's scenario code, importing the package
 *                                          through its root entry (build/bench/scenarios.js)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'dist');

/** Entry point file (relative to build/dist) -> [source module under lib/, export names to skip]. */
const ENTRIES = {
  'index.js': 'index.ts',
  'pulumi/index.js': 'pulumi/index.ts',
  'cli/cdk8s-plugin.js': 'cli/cdk8s-plugin.ts',
  'cli/otel-k8s.js': 'cli/otel-k8s.ts',
};

function bundleLibrary() {
  // Each entry is a lazy `require` inside the bundle: esbuild wraps every module in an init function
  // run on first use, so each entry initializes only its own module graph.
  const lines = Object.entries(ENTRIES).map(
    ([out, src]) => `exports[${JSON.stringify(out)}] = () => require(${JSON.stringify(`./${src}`)});`,
  );
  esbuild.buildSync({
    stdin: { contents: lines.join('\n'), resolveDir: path.join(ROOT, 'lib'), sourcefile: 'entries.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: path.join(OUT, 'bundle.js'),
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: '// @otel-tracing/k8s-constructs: the library bundled (scripts/bundle.js); types are in the .d.ts files.' },
  });
  const bundle = require(path.join(OUT, 'bundle.js'));
  for (const [out, src] of Object.entries(ENTRIES)) {
    const file = path.join(OUT, out);
    const rel = path.relative(path.dirname(file), path.join(OUT, 'bundle.js')).split(path.sep).join('/');
    const names = Object.keys(bundle[out]()).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
    const isBin = src === 'cli/otel-k8s.ts';
    const text = [
      ...(isBin ? ['#!/usr/bin/env node'] : []),
      `// lib/${src} (its code is in the bundle; see scripts/bundle.js)`,
      `'use strict';`,
      `module.exports = require('${rel.startsWith('.') ? rel : `./${rel}`}')[${JSON.stringify(out)}]();`,
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
  const rootNames = Object.keys(require(path.join(OUT, 'index.js'))).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
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
            if (args.path === ROOT_ENTRY && args.namespace === 'library-root') return { path: ROOT_ENTRY, external: true };
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
  bundleLibrary();
  if (process.argv.includes('--bench')) await bundleBench();
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exitCode = 1;
});
