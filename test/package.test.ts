/**
 * The package as `npm pack` makes it (the `prepack` build included): exactly the files a consumer
 * needs, published types without internals or repository paths that import only what the package
 * declares, and a consumer that type-checks (and runs) under every module resolution.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';
import {
  CONSUMER_LINKS,
  PACKAGE_NAME,
  Packed,
  RESOLUTIONS,
  RUNNABLE,
  ROOT,
  Resolution,
  installPacked,
  packLibrary,
  writeConsumer,
} from './helpers/consumer';
import { tempDir } from './helpers/temp';

jest.setTimeout(300_000);

const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * Published declaration files that import an optional peer, asserted exactly. The Pulumi adapter is
 * a subpath of its own (only its importers need @pulumi/*). No cdk8s-plus major is named by the
 * published types: `inject` takes workloads of every major structurally.
 */
const OPTIONAL_PEER_IMPORTS: Record<string, string[]> = {
  'build/dist/pulumi/cdk8s-resources.d.ts': ['@pulumi/pulumi'],
};

/** The entry files scripts/bundle.js writes beside the bundle (package.json's main, exports and bin). */
const BUNDLE_ENTRIES = ['cli/cdk8s-plugin.js', 'cli/otel-k8s.js', 'index.js', 'pulumi/index.js'];
/** The entries with code outside the root entry's module graph, bundled apart (loaded only by their entry). */
const BUNDLE_PARTS = ['cli/otel-k8s-part.js', 'pulumi/index-part.js'];

let packed: Packed;
let project: string;
let pkgDir: string;

beforeAll(() => {
  packed = packLibrary(tempDir('pack-'));
  project = tempDir('consumer-');
  pkgDir = installPacked(packed.tarball, project);
  writeConsumer(project);
});

/** Every file under `dir` (relative, with `/`). */
function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

describe('npm pack', () => {
  test('the file list is exactly the build of lib/ (declarations per module, one bundle, its entry files), the schema data and the package documents', () => {
    const libSources = walk(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    const expected = [
      ...libSources.map((f) => `build/dist/${f.replace(/\.ts$/, '.d.ts')}`),
      'build/dist/bundle.js',
      ...[...BUNDLE_ENTRIES, ...BUNDLE_PARTS].map((e) => `build/dist/${e}`),
      ...fs
        .readdirSync(path.join(ROOT, 'schemas'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => `schemas/${f}`),
      'schemas/NOTICE',
      'CHANGELOG.md',
      'LICENSE',
      'NOTICE',
      'README.md',
      'package.json',
    ].sort();
    expect(packed.files).toEqual(expected);
    expect(
      packed.files.filter((f) =>
        /^(test|examples|stacks)\/|^build\/(test|examples|stacks|schemas)\/|\.ts$(?<!\.d\.ts)/.test(f),
      ),
    ).toEqual([]);
  });

  test('prepack is the published build (the library only: declarations with stripInternal, then the bundle)', () => {
    expect(own.scripts.prepack).toBe('npm run build');
    expect(own.scripts.build).toMatch(/tsc -p tsconfig\.build\.json && node scripts\/bundle\.js$/);
    const build = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.build.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    )!;
    expect(build.options.stripInternal).toBe(true);
    expect(build.options.emitDeclarationOnly).toBe(true);
    expect(build.options.outDir).toBe(path.join(ROOT, 'build', 'dist'));
    expect(build.fileNames.every((f) => f.startsWith(path.join(ROOT, 'lib') + path.sep))).toBe(true);
  });

  test('every entry point, the bin and the typesVersions targets are in the package', () => {
    const targets: string[] = [own.main, own.types, ...Object.values(own.bin as Record<string, string>)];
    for (const [sub, target] of Object.entries(
      own.exports as Record<string, string | Record<string, string>>,
    )) {
      if (sub === './package.json') continue;
      targets.push(...Object.values(typeof target === 'string' ? { default: target } : target));
    }
    for (const list of Object.values(own.typesVersions['*'] as Record<string, string[]>))
      targets.push(...list);
    const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !packed.files.includes(t));
    expect(missing).toEqual([]);
    expect(Object.keys(own.exports).sort()).toEqual([
      '.',
      './package.json',
      './pulumi',
      './validation/cdk8s-plugin',
    ]);
    // node10 sees subpaths only through typesVersions: one per exported subpath
    expect(Object.keys(own.typesVersions['*']).sort()).toEqual(['pulumi', 'validation/cdk8s-plugin']);
  });
});

describe('published JavaScript (one bundle)', () => {
  const read = (f: string) => fs.readFileSync(path.join(pkgDir, f), 'utf8');
  const run = (file: string, code: string) => {
    fs.writeFileSync(path.join(project, file), code);
    const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect([r.status, r.stderr]).toEqual([0, '']);
    return JSON.parse(r.stdout);
  };

  test('the bundle is ASCII (V8 keeps a one-byte string) and copies no module namespace of a built-in (first-process cost)', () => {
    for (const f of ['build/dist/bundle.js', ...BUNDLE_PARTS.map((p) => `build/dist/${p}`)]) {
      const text = read(f);
      const nonAscii = [...text.matchAll(/[\u0080-\uffff]/g)].map((m) => text.slice(Math.max(0, m.index! - 30), m.index! + 10));
      expect([f, nonAscii]).toEqual([f, []]);
      // `import * as fs from 'fs'` becomes __toESM(require("fs")): a getter per export, per module
      expect([f, text.match(/__toESM\(require\("(node:)?(fs|path|os|crypto|child_process)"\)\)/g)]).toEqual([f, null]);
    }
  });

  test('the bundle inlines no package: every require is a Node.js built-in, a dependency or a peer', () => {
    const declared = new Set([
      ...Object.keys(own.dependencies ?? {}),
      ...Object.keys(own.peerDependencies ?? {}),
    ]);
    const text = ['build/dist/bundle.js', ...BUNDLE_PARTS.map((p) => `build/dist/${p}`)].map(read).join('\n');
    expect(text).not.toMatch(/^\/\/ node_modules\//m);
    // the main bundle holds the root's module graph only; the parts take shared modules from it
    expect(read('build/dist/bundle.js')).not.toMatch(/@pulumi|^\/\/ lib\/pulumi\//m);
    for (const p of BUNDLE_PARTS)
      expect([p, read(`build/dist/${p}`)]).toEqual([
        p,
        expect.stringContaining('require("../bundle.js").modules['),
      ]);
    const specs = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    const names = [...new Set(specs.filter((x) => !x.startsWith('.')))].map((x) =>
      x.startsWith('@') ? x.split('/').slice(0, 2).join('/') : x.split('/')[0],
    );
    expect(
      names.filter((n) => !builtinModules.includes(n.replace(/^node:/, '')) && !declared.has(n)),
    ).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['cdk8s', 'yaml', '@pulumi/pulumi']));
    // entry files only take their part of the bundle
    for (const e of BUNDLE_ENTRIES) expect([e, read(`build/dist/${e}`).length < 10_000]).toEqual([e, true]);
  });

  test('one copy of every module across entry points; the root entry loads no @pulumi module', () => {
    const out = run(
      'entries.js',
      `const root = require('${PACKAGE_NAME}');
const pulumiLoaded = Object.keys(require.cache).some((k) => k.includes('@pulumi'));
const plugin = require('${PACKAGE_NAME}/validation/cdk8s-plugin');
const pulumi = require('${PACKAGE_NAME}/pulumi');
console.log(JSON.stringify({ pulumiLoaded, samePlugin: plugin.TracingManifestValidation === root.TracingManifestValidation, resources: typeof pulumi.TracingResources, bundles: Object.keys(require.cache).filter((k) => k.endsWith('k8s-constructs/build/dist/bundle.js')).length }));`,
    );
    expect(out).toEqual({ pulumiLoaded: false, samePlugin: true, resources: 'function', bundles: 1 });
  });

  test('ES modules import the named exports of every entry point (the entry files list them for Node.js)', () => {
    const out = run(
      'esm.mjs',
      `import { TracingStack, validateManifests, synthLayered } from '${PACKAGE_NAME}';
import * as root from '${PACKAGE_NAME}';
import { TracingResources } from '${PACKAGE_NAME}/pulumi';
import { TracingManifestValidation } from '${PACKAGE_NAME}/validation/cdk8s-plugin';
const cjs = (await import('module')).createRequire(import.meta.url)('${PACKAGE_NAME}');
console.log(JSON.stringify({
  types: [typeof TracingStack, typeof validateManifests, typeof synthLayered, typeof TracingResources, typeof TracingManifestValidation],
  missing: Object.keys(cjs).filter((k) => !(k in root)),
  ok: validateManifests([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }]).ok,
}));`,
    );
    expect(out).toEqual({
      types: ['function', 'function', 'function', 'function', 'function'],
      missing: [],
      ok: true,
    });
  });

  test('the otel-k8s bin runs the CLI', () => {
    const manifest = path.join(project, 'ns.yaml');
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n');
    const bin = path.join(pkgDir, own.bin['otel-k8s']);
    const ok = spawnSync(process.execPath, [bin, 'validate', manifest], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect([ok.status, ok.stderr]).toEqual([0, '']);
    fs.writeFileSync(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: A_B\n');
    const bad = spawnSync(process.execPath, [bin, 'validate', manifest], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/A_B/);
  });
});

describe('published types', () => {
  const dts = () => packed.files.filter((f) => f.endsWith('.d.ts'));
  const read = (f: string) => fs.readFileSync(path.join(pkgDir, f), 'utf8');

  test('no @internal member and no repository path in any .d.ts', () => {
    const bad = dts().flatMap((f) =>
      read(f)
        .split('\n')
        .map((line, i) => ({ at: `${f}:${i + 1}`, line }))
        .filter(
          ({ line }) =>
            /@internal|shared\/reference|\/work\/|\.\.\/\.\.\/\.\.\//.test(line) || line.includes(ROOT),
        ),
    );
    expect(bad).toEqual([]);
    expect(dts().length).toBeGreaterThan(50);
  });

  test('they import only Node.js built-ins, dependencies and peers; optional peers only where listed', () => {
    const required = new Set([
      ...Object.keys(own.dependencies ?? {}),
      ...Object.keys(own.peerDependencies ?? {}),
    ]);
    const optional = new Set(
      Object.keys(own.peerDependenciesMeta ?? {}).filter((k) => own.peerDependenciesMeta[k].optional),
    );
    const undeclared: string[] = [];
    const optionalImports: Record<string, string[]> = {};
    for (const f of dts()) {
      const specifiers = [...read(f).matchAll(/(?:from |import\()'([^'.][^']*)'/g)].map((m) => m[1]);
      for (const spec of specifiers) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (builtinModules.includes(name.replace(/^node:/, ''))) continue;
        if (!required.has(name)) undeclared.push(`${f}: ${spec}`);
        else if (optional.has(name)) (optionalImports[f] ??= []).push(name);
      }
    }
    expect(undeclared).toEqual([]);
    expect(optionalImports).toEqual(OPTIONAL_PEER_IMPORTS);
  });
});

/** Type-checks (and for CommonJS output, emits) one consumer tsconfig; formatted diagnostics. */
function compile(tsconfig: string, dir = project): string[] {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d: ts.Diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, tsconfig), {}, host)!;
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length === 0 && !parsed.options.noEmit) diagnostics.push(...program.emit().diagnostics);
  return diagnostics.map((d) => {
    const where = d.file
      ? `${path.relative(dir, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe(`a consumer of ${PACKAGE_NAME} (skipLibCheck off, strict)`, () => {
  test.each(Object.keys(RESOLUTIONS) as Resolution[])(
    'type-checks with moduleResolution %s, and runs when CommonJS',
    (resolution) => {
      expect(compile(`tsconfig.${resolution}.json`)).toEqual([]);
      if (!RUNNABLE.includes(resolution)) return;
      const r = spawnSync(process.execPath, [path.join(project, `out-${resolution}`, 'consumer.js')], {
        cwd: project,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toEqual({
        kinds: expect.arrayContaining(['Instrumentation', 'OpenTelemetryCollector', 'Namespace']),
        errors: 0,
        plugins: 2,
        pulumi: 'function',
      });
    },
  );

  const template = () =>
    JSON.parse(
      fs.readFileSync(
        path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'),
        'utf8',
      ),
    );
  const writeTemplate = (dir: string) => {
    const t = template();
    const tsconfig = {
      ...t,
      include: undefined,
      exclude: undefined,
      files: ['consumer.ts'],
      compilerOptions: { ...t.compilerOptions, noEmit: true },
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.cdk8s-init.json'), JSON.stringify(tsconfig));
  };

  test("type-checks with cdk8s init's TypeScript template tsconfig", () => {
    expect(template().compilerOptions.skipLibCheck).toBeUndefined();
    writeTemplate(project);
    expect(compile('tsconfig.cdk8s-init.json')).toEqual([]);
  });

  test("cdk8s init's dependencies (cdk8s-plus-33, no cdk8s-plus-28) type-check (inject's types name no cdk8s-plus major)", () => {
    const initProject = tempDir('consumer-init-');
    installPacked(
      packed.tarball,
      initProject,
      CONSUMER_LINKS.filter((l) => l !== 'cdk8s-plus-28'),
    );
    writeConsumer(initProject);
    writeTemplate(initProject);
    expect(compile('tsconfig.cdk8s-init.json', initProject)).toEqual([]);
  });

  test('without typesVersions, node10 cannot see the subpaths (TS2307): what typesVersions is for', () => {
    const file = path.join(pkgDir, 'package.json');
    const original = fs.readFileSync(file, 'utf8');
    try {
      const { typesVersions: _dropped, ...rest } = JSON.parse(original);
      fs.writeFileSync(file, JSON.stringify(rest));
      const errors = compile('tsconfig.node10.json').filter((d) => d.includes('TS2307'));
      expect(errors).toEqual([
        expect.stringContaining(`'${PACKAGE_NAME}/pulumi'`),
        expect.stringContaining(`'${PACKAGE_NAME}/pulumi'`),
        expect.stringContaining(`'${PACKAGE_NAME}/validation/cdk8s-plugin'`),
        expect.stringContaining(`'${PACKAGE_NAME}/validation/cdk8s-plugin'`),
      ]);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
