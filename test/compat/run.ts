/**
 * `npm run test:compat`: the compatibility matrix the README states, on the packed library.
 *
 * - Node.js 20, 22, 24 (binaries from the npm registry's `node-<platform>-<arch>` packages, the ones
 *   the `node` package installs, cached): a representative subset of the unit suites (default app
 *   synth + validation, the README examples, the cdk8s plugin, the CLI, the stacks, the Pulumi
 *   program under mocks) and, on the packed package, a consumer program and the README's Pulumi
 *   mocks recipe.
 * - TypeScript, lowest and highest supported and the one we build with: the consumer type-checks
 *   (skipLibCheck off) under node10, node16, nodenext and bundler resolution and cdk8s init's tsconfig.
 * - @pulumi/pulumi, lowest and highest of the peer range (with @pulumi/kubernetes): the consumer
 *   type-checks and the mocks recipe registers the stack.
 *
 * Packages are installed with npm into OTEL_K8S_COMPAT_CACHE (default ~/.cache/otel-k8s-compat);
 * a warm run takes a few minutes on 2 cores. Prints one line per check and `compat: N passed, N failed`;
 * exits 1 on a failure. `--only node|typescript|pulumi` runs one axis.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import {
  CONSUMER_LINKS,
  RESOLUTIONS,
  ROOT,
  Resolution,
  installPacked,
  packLibrary,
  writeConsumer,
} from '../helpers/consumer';
import { readmeMocksRecipe } from './readme-recipe';
import {
  BUNDLER_STRICT_FROM,
  NODE_MAJORS,
  PULUMI_KUBERNETES_VERSION,
  PULUMI_VERSIONS,
  TYPESCRIPT_VERSIONS,
} from './versions';

/** The unit suites run under every Node.js version. */
export const NODE_SUITES = [
  'test/examples.test.ts',
  'test/readme.test.ts',
  'test/validation-plugin.test.ts',
  'test/cli-otel-k8s.test.ts',
  'test/stacks.test.ts',
  'test/pulumi-program.test.ts',
  'test/temp-guard.test.ts',
];

const CACHE = process.env.OTEL_K8S_COMPAT_CACHE ?? path.join(os.homedir(), '.cache', 'otel-k8s-compat');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

interface Outcome {
  readonly name: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly detail: string;
}
const outcomes: Outcome[] = [];

function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Runs one check, records and prints its outcome; a thrown error is a failure with its message. */
function check(name: string, fn: () => string): void {
  const started = Date.now();
  let ok = true;
  let detail: string;
  try {
    detail = fn();
  } catch (e) {
    ok = false;
    detail = (e as Error).message;
  }
  const seconds = (Date.now() - started) / 1000;
  outcomes.push({ name, ok, seconds, detail });
  const first = detail.split('\n')[0];
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(52)} ${seconds.toFixed(1).padStart(6)} s  ${first}`);
  if (!ok)
    console.log(
      detail
        .split('\n')
        .slice(1, 40)
        .map((l) => `       ${l}`)
        .join('\n'),
    );
}

/** `npm install` of exact packages into a cache folder, skipped when they are there. */
function cached(folder: string, packages: Record<string, string>): string {
  const dir = path.join(CACHE, folder);
  const have = (name: string, spec: string) => {
    const file = path.join(dir, 'node_modules', ...name.split('/'), 'package.json');
    if (!fs.existsSync(file)) return false;
    const v: string = JSON.parse(fs.readFileSync(file, 'utf8')).version;
    return /^\d+$/.test(spec) ? v.split('.')[0] === spec : v === spec;
  };
  if (Object.entries(packages).every(([n, s]) => have(n, s))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json')))
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `compat-${folder}`, private: true }),
    );
  const specs = Object.entries(packages).map(([n, s]) => `${n}@${s}`);
  const r = run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', ...specs],
    { cwd: dir, timeoutMs: 600_000 },
  );
  if (r.status !== 0) throw new Error(`npm install ${specs.join(' ')} in ${dir} failed:\n${r.out}`);
  return dir;
}

/** A node binary of the given major (this process's own when it is that major). */
function nodeBinary(major: number): string {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  return path.join(cached(`node-${major}`, { [pkg]: String(major) }), 'node_modules', pkg, 'bin', 'node');
}

function version(nodeBin: string): string {
  return run(nodeBin, ['--version']).out.trim();
}

function relink(project: string, name: string, target: string): void {
  const link = path.join(project, 'node_modules', ...name.split('/'));
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(target, link, 'dir');
}

/** Compiles the consumer with an external tsc; returns its output (empty when clean). */
function tsc(tscJs: string, project: string, tsconfig: string): string {
  const r = run(process.execPath, [tscJs, '-p', tsconfig, '--noEmit', '--pretty', 'false'], { cwd: project });
  if (r.status !== 0) throw new Error(`tsc -p ${tsconfig}:\n${r.out.trim()}`);
  return '';
}

function olderThan(v: string, than: string): boolean {
  const [a, b] = [v, than].map((x) => x.split('.').map(Number));
  return a[0] !== b[0] ? a[0] < b[0] : a[1] < b[1];
}

/**
 * Before TypeScript 5.6, `moduleResolution: bundler` with `skipLibCheck` off fails in the types of
 * @grpc/grpc-js (a dependency of @pulumi/pulumi: TS2709 on its `Long` import), nowhere else: asserted
 * exactly, and the same consumer with `skipLibCheck: true` must be clean.
 */
function bundlerBeforeStrict(tscJs: string, project: string): string {
  const strict = run(
    process.execPath,
    [tscJs, '-p', 'tsconfig.bundler.json', '--noEmit', '--pretty', 'false'],
    { cwd: project },
  );
  const errors = strict.out.split('\n').filter((l) => /error TS\d+/.test(l));
  const elsewhere = errors.filter(
    (l) => !/node_modules\/@grpc\/grpc-js\/.*error TS2709: Cannot use namespace 'Long' as a type\./.test(l),
  );
  if (errors.length === 0)
    throw new Error(
      `clean with skipLibCheck off: lower BUNDLER_STRICT_FROM (${BUNDLER_STRICT_FROM}) and the README`,
    );
  if (elsewhere.length > 0)
    throw new Error(`errors outside @grpc/grpc-js's Long types:\n${elsewhere.join('\n')}`);
  const options = JSON.parse(fs.readFileSync(path.join(project, 'tsconfig.bundler.json'), 'utf8'));
  const skipLib = { ...options, compilerOptions: { ...options.compilerOptions, skipLibCheck: true } };
  fs.writeFileSync(path.join(project, 'tsconfig.bundler-skiplib.json'), JSON.stringify(skipLib));
  tsc(tscJs, project, 'tsconfig.bundler-skiplib.json');
  return `clean with skipLibCheck; without it only the ${errors.length} known errors in @grpc/grpc-js's types (fixed from ${BUNDLER_STRICT_FROM})`;
}

function main(): void {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-compat-'));
  try {
    let project = '';
    check('pack the library and make a consumer project', () => {
      const packed = packLibrary(work);
      project = path.join(work, 'consumer');
      fs.mkdirSync(project);
      installPacked(packed.tarball, project, CONSUMER_LINKS);
      writeConsumer(project);
      const recipe = ts.transpileModule(readmeMocksRecipe(), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      });
      fs.writeFileSync(path.join(project, 'mocks.js'), recipe.outputText);
      const r = run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.node10.json'], {
        cwd: project,
      });
      if (r.status !== 0) throw new Error(r.out);
      return `${packed.files.length} files, consumer compiled (node10, TypeScript ${ts.version})`;
    });
    if (!project) return;

    const consumerRuns = (nodeBin: string): string => {
      const c = run(nodeBin, ['out-node10/consumer.js'], { cwd: project });
      if (c.status !== 0) throw new Error(`consumer.js:\n${c.out}`);
      const parsed = JSON.parse(c.out.trim().split('\n').pop()!);
      if (parsed.errors !== 0 || !parsed.kinds.includes('OpenTelemetryCollector'))
        throw new Error(`consumer.js: ${c.out}`);
      const m = run(nodeBin, ['mocks.js'], { cwd: project });
      const line = /^registered (\d+) objects in (\d+) layers$/m.exec(m.out);
      if (m.status !== 0 || !line || Number(line[1]) < 10) throw new Error(`README mocks recipe:\n${m.out}`);
      return line[0];
    };

    if (!only || only === 'node') {
      for (const major of NODE_MAJORS) {
        let bin = '';
        check(`node ${major}: binary`, () => {
          bin = nodeBinary(major);
          return version(bin);
        });
        if (!bin) continue;
        const v = version(bin);
        check(`node ${major}: unit suites (${NODE_SUITES.length})`, () => {
          const r = run(bin, [require.resolve('jest/bin/jest'), '--ci', '--colors=false', ...NODE_SUITES], {
            timeoutMs: 600_000,
          });
          const summary = /Tests:\s+(.*)/.exec(r.out)?.[1] ?? '';
          if (r.status !== 0)
            throw new Error(`${v}: jest exit ${r.status} (${summary})\n${r.out.slice(-4000)}`);
          return `${v}: ${summary}`;
        });
        check(`node ${major}: packed consumer + README mocks recipe`, () => `${v}: ${consumerRuns(bin)}`);
      }
    }

    if (!only || only === 'typescript') {
      for (const v of TYPESCRIPT_VERSIONS) {
        const major = Number(v.split('.')[0]);
        let tscJs = '';
        check(`typescript ${v}: install`, () => {
          tscJs = path.join(
            cached(`typescript-${v}`, { typescript: v }),
            'node_modules',
            'typescript',
            'bin',
            'tsc',
          );
          return run(process.execPath, [tscJs, '--version']).out.trim();
        });
        if (!tscJs) continue;
        writeConsumer(project, { typescriptMajor: major });
        for (const r of Object.keys(RESOLUTIONS) as Resolution[]) {
          if (r === 'bundler' && olderThan(v, BUNDLER_STRICT_FROM)) {
            check(`typescript ${v}: consumer, moduleResolution ${r}`, () =>
              bundlerBeforeStrict(tscJs, project),
            );
            continue;
          }
          check(
            `typescript ${v}: consumer, moduleResolution ${r}`,
            () => tsc(tscJs, project, `tsconfig.${r}.json`) || 'no errors',
          );
        }
        check(`typescript ${v}: consumer, cdk8s init's tsconfig`, () => {
          const template = JSON.parse(
            fs.readFileSync(
              path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json'),
              'utf8',
            ),
          );
          const options = {
            ...template.compilerOptions,
            noEmit: true,
            ...(major >= 6 ? { ignoreDeprecations: '6.0' } : {}),
          };
          fs.writeFileSync(
            path.join(project, 'tsconfig.cdk8s-init.json'),
            JSON.stringify({ compilerOptions: options, files: ['consumer.ts'] }),
          );
          return tsc(tscJs, project, 'tsconfig.cdk8s-init.json') || 'no errors';
        });
      }
      writeConsumer(project);
    }

    if (!only || only === 'pulumi') {
      for (const v of PULUMI_VERSIONS) {
        let dir = '';
        check(`@pulumi/pulumi ${v}: install (+ @pulumi/kubernetes ${PULUMI_KUBERNETES_VERSION})`, () => {
          dir = cached(`pulumi-${v}`, {
            '@pulumi/pulumi': v,
            '@pulumi/kubernetes': PULUMI_KUBERNETES_VERSION,
          });
          return 'ok';
        });
        if (!dir) continue;
        relink(project, '@pulumi/pulumi', path.join(dir, 'node_modules', '@pulumi', 'pulumi'));
        relink(project, '@pulumi/kubernetes', path.join(dir, 'node_modules', '@pulumi', 'kubernetes'));
        check(
          `@pulumi/pulumi ${v}: consumer type-checks (node16)`,
          () => tsc(require.resolve('typescript/bin/tsc'), project, 'tsconfig.node16.json') || 'no errors',
        );
        check(`@pulumi/pulumi ${v}: README mocks recipe`, () => {
          const m = run(
            process.execPath,
            ['-e', "console.log(require('@pulumi/pulumi/package.json').version)"],
            { cwd: project },
          );
          if (m.out.trim() !== v)
            throw new Error(`the consumer resolves @pulumi/pulumi ${m.out.trim()}, not ${v}`);
          return consumerRuns(process.execPath);
        });
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`compat took ${((Date.now() - started) / 1000).toFixed(0)} s (cache: ${CACHE})`);
  console.log(`compat: ${outcomes.length - failed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
