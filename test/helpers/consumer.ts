import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The packed library as a consumer sees it, without a registry: `npm pack` (which runs `prepack`,
 * i.e. the published build), the tarball extracted into `<project>/node_modules/@otel-tracing/k8s-constructs`,
 * and this repository's installed copies of the peers linked beside it. Used by test/package.test.ts
 * (file list, published types, one consumer compile per module resolution) and by the compatibility
 * matrix (test/compat/run.ts: other Node.js and TypeScript versions on the same consumer).
 */
export const ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = '@otel-tracing/k8s-constructs';

/** Packages a consumer has installed beside the library: its peers, the types of Node.js, yaml for the library itself. */
export const CONSUMER_LINKS = [
  'cdk8s',
  'constructs',
  'cdk8s-plus-28',
  'cdk8s-plus-33',
  '@pulumi/pulumi',
  '@pulumi/kubernetes',
  '@types/node',
  'yaml',
] as const;

/** What `npm pack` made. */
export interface Packed {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** Paths inside the package, sorted (as `npm pack --json` lists them). */
  readonly files: readonly string[];
}

/** `npm pack` into `dest` (runs the `prepack` build); throws with npm's output on failure. */
export function packLibrary(dest: string): Packed {
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', dest], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dest, info.filename), files: info.files.map((f) => f.path).sort() };
}

/**
 * Extracts the tarball into `<project>/node_modules/@otel-tracing/k8s-constructs` and links the
 * given packages from this repository's node_modules; returns the package folder.
 */
export function installPacked(
  tarball: string,
  project: string,
  links: readonly string[] = CONSUMER_LINKS,
): string {
  const modules = path.join(project, 'node_modules');
  const unpack = path.join(project, '.unpack');
  fs.mkdirSync(unpack, { recursive: true });
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', unpack], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${tar.stderr}`);
  const pkg = path.join(modules, ...PACKAGE_NAME.split('/'));
  fs.mkdirSync(path.dirname(pkg), { recursive: true });
  fs.renameSync(path.join(unpack, 'package'), pkg);
  fs.rmSync(unpack, { recursive: true, force: true });
  for (const name of links) {
    const target = path.join(ROOT, 'node_modules', ...name.split('/'));
    if (!fs.existsSync(target))
      throw new Error(`${name} is not installed in ${ROOT}/node_modules; run npm ci`);
    const link = path.join(modules, ...name.split('/'));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(target, link, 'dir');
  }
  return pkg;
}

/** The module resolutions a consumer may compile with, as tsconfig `compilerOptions`. */
export const RESOLUTIONS = {
  /** `moduleResolution: node10`: what `module: commonjs` implies before TypeScript 6 (cdk8s init's template). */
  node10: { module: 'commonjs', moduleResolution: 'node10' },
  node16: { module: 'node16', moduleResolution: 'node16' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
} as const;

/** A module resolution name. */
export type Resolution = keyof typeof RESOLUTIONS;

/** Resolutions whose output is CommonJS that `node` runs as it is (the consumer package has no `"type"`). */
export const RUNNABLE: readonly Resolution[] = ['node10', 'node16', 'nodenext'];

/**
 * The consumer's code: every entry point imported by name, types used in positions that need
 * them resolved (`@ts-expect-error` lines fail the compile as "unused" when an import is `any`),
 * and, when run, a line of JSON saying what it synthesized and validated.
 */
export const CONSUMER_SOURCE = `import { App, Chart } from 'cdk8s';
import { Backend, Sampling, TracingStack, TracingManifestValidation, validateManifests } from '${PACKAGE_NAME}';
import type { ValidationResult } from '${PACKAGE_NAME}';
import { TracingResources } from '${PACKAGE_NAME}/pulumi';
import type { TracingResourcesProps } from '${PACKAGE_NAME}/pulumi';
import { TracingManifestValidation as Plugin } from '${PACKAGE_NAME}/validation/cdk8s-plugin';
import type { TracingValidationProps } from '${PACKAGE_NAME}/validation/cdk8s-plugin';

const app = new App();
const chart = new Chart(app, 'tracing', { namespace: 'observability' });
new TracingStack(chart, 'stack', { backend: Backend.tempo(), sampling: Sampling.tail() });
const props: TracingValidationProps = { kubernetesVersion: '1.34' };
const plugins: Plugin[] = [new TracingManifestValidation(props), new Plugin()];
const result: ValidationResult = validateManifests(chart.toJson(), props);

/** Never called: compile-time checks only. */
export function typeChecks(): void {
  // @ts-expect-error the source must be a construct or a list of manifests
  const wrong: TracingResourcesProps = { source: 42 };
  // @ts-expect-error kubernetesVersion is a string
  const wrongProps: TracingValidationProps = { kubernetesVersion: 1.34 };
  new TracingResources('t', { source: app });
  void [wrong, wrongProps];
}

console.log(
  JSON.stringify({
    kinds: [...new Set(chart.toJson().map((o: { kind: string }) => o.kind))].sort(),
    errors: result.errors.length,
    plugins: plugins.length,
    pulumi: typeof TracingResources,
  }),
);
`;

/** tsconfig of one resolution; TypeScript 6 needs `ignoreDeprecations` for node10. */
export function consumerTsconfig(
  resolution: Resolution,
  opts: { typescriptMajor?: number; emit?: boolean } = {},
): object {
  const compilerOptions: Record<string, unknown> = {
    ...RESOLUTIONS[resolution],
    target: 'es2022',
    lib: ['es2022'],
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    rootDir: '.',
    outDir: `out-${resolution}`,
    noEmit: !opts.emit,
  };
  if (resolution === 'node10' && (opts.typescriptMajor ?? 5) >= 6) compilerOptions.ignoreDeprecations = '6.0';
  return { compilerOptions, files: ['consumer.ts'] };
}

/** Writes the consumer project files (package.json, consumer.ts, one tsconfig.<resolution>.json each). */
export function writeConsumer(project: string, opts: { typescriptMajor?: number } = {}): void {
  fs.writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'platform-repo', private: true }, null, 2),
  );
  fs.writeFileSync(path.join(project, 'consumer.ts'), CONSUMER_SOURCE);
  for (const r of Object.keys(RESOLUTIONS) as Resolution[]) {
    const tsconfig = consumerTsconfig(r, { ...opts, emit: RUNNABLE.includes(r) });
    fs.writeFileSync(path.join(project, `tsconfig.${r}.json`), JSON.stringify(tsconfig, null, 2));
  }
}
