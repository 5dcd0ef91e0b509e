/**
 * Builds the upstream programs of `programs.ts` from their published Go modules and caches the binaries
 * per program, version and input hash (wrapper module files, Go version, platform): a warm run builds
 * nothing. Builds use `CGO_ENABLED=0 go build -trimpath -ldflags="-s -w ..."` with `-mod=readonly`, so
 * the committed go.sum files pin every module.
 *
 * CLI: `node build/test/e2e/harness/build.js [--update] [program ...]` (all programs by default).
 * `--update` re-resolves the wrapper modules (`go mod tidy`) and writes go.mod/go.sum back to the repo.
 */
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { GoProgram, program, PROGRAMS } from './programs';

/** Folder of the wrapper modules. */
export const GO_DIR = [path.resolve(__dirname, '..', 'go'), path.resolve(__dirname, '..', '..', '..', '..', 'test', 'e2e', 'go')].find((d) =>
  fs.existsSync(path.join(d, 'otelcol', 'manifest.yaml')),
)!;

/** Root of the e2e cache (binaries, build logs); `OTEL_K8S_E2E_CACHE` moves it. */
export function cacheRoot(): string {
  if (process.env.OTEL_K8S_E2E_CACHE) return path.resolve(process.env.OTEL_K8S_E2E_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'otel-k8s-e2e');
}

/** A built program: its binaries by name. */
export interface BuiltProgram {
  readonly program: GoProgram;
  readonly dir: string;
  readonly bin: Readonly<Record<string, string>>;
  /** Seconds this call spent building (0 when it came from the cache). */
  readonly builtSec: number;
  readonly cached: boolean;
}

/** Why the e2e tests cannot run here (no Go), or undefined. */
export function missingPrerequisite(): string | undefined {
  const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `the go command is not available (${r.error?.message ?? r.stderr.trim()}); install Go 1.26+`;
  const v = /^go(\d+)\.(\d+)/.exec(r.stdout.trim());
  if (!v || Number(v[1]) < 1 || (Number(v[1]) === 1 && Number(v[2]) < 26)) {
    return `go ${r.stdout.trim()} is too old; the wrapper modules need Go 1.26+`;
  }
  return undefined;
}

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=readonly',
    GOWORK: 'off',
  };
}

let goVersionMemo: string | undefined;
function goVersion(): string {
  if (!goVersionMemo) goVersionMemo = run('go', ['env', 'GOVERSION', 'GOOS', 'GOARCH'], process.cwd()).replace(/\s+/g, ' ').trim();
  return goVersionMemo;
}

/** Runs a command; throws with its output on failure. Returns stdout. */
function run(cmd: string, args: string[], cwd: string, log?: string, env: NodeJS.ProcessEnv = goEnv()): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (log) fs.appendFileSync(log, `$ ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}\n`);
  if (r.error || r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    const hint = /proxy\.golang\.org|dial tcp|no such host|403 Forbidden|404 Not Found/.test(out)
      ? '\n(the Go module proxy did not serve a module: the e2e tests need it, see the README)'
      : '';
    throw new Error(`e2e build: \`${cmd} ${args.join(' ')}\` in ${cwd} failed (${r.error?.message ?? `exit ${r.status}`}):\n${out}${hint}`);
  }
  return r.stdout;
}

function filesOf(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** Cache key of a program: its definition, the Go toolchain and every file of its wrapper module. */
export function cacheKey(p: GoProgram): string {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify({ name: p.name, version: p.version, kind: p.kind, binaries: p.binaries, go: goVersion() }));
  const moduleDir = path.join(GO_DIR, p.module);
  for (const f of filesOf(moduleDir)) {
    h.update(path.relative(moduleDir, f));
    h.update(fs.readFileSync(f));
  }
  if (p.kind === 'ocb') h.update(cacheKey(program('builder')));
  return h.digest('hex').slice(0, 16);
}

function programDir(p: GoProgram): string {
  return path.join(cacheRoot(), 'bin', `${p.name}-${p.version}-${cacheKey(p)}`);
}

/** The cached binaries of a program, or undefined when it is not built. */
export function cached(p: GoProgram): BuiltProgram | undefined {
  const dir = programDir(p);
  const bin = Object.fromEntries(p.binaries.map((b) => [b.name, path.join(dir, b.name)]));
  if (!Object.values(bin).every((f) => fs.existsSync(f))) return undefined;
  return { program: p, dir, bin, builtSec: 0, cached: true };
}

/** Builds a program unless it is cached; `update` re-resolves its wrapper module first. */
export function ensureProgram(name: string, opts: { update?: boolean; log?: (line: string) => void } = {}): BuiltProgram {
  const p = program(name);
  const say = opts.log ?? ((l: string) => console.log(l));
  if (!opts.update) {
    const hit = cached(p);
    if (hit) return hit;
  }
  const prereq = missingPrerequisite();
  if (prereq) throw new Error(`e2e build: ${prereq}`);
  const builder = p.kind === 'ocb' ? ensureProgram('builder', opts) : undefined;
  if (opts.update && p.kind === 'go') tidy(path.join(GO_DIR, p.module));
  const dir = programDir(p);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const log = path.join(tmp, 'build.log');
  const started = Date.now();
  say(`e2e build: ${p.name} ${p.version}${p.pinned ? ` (library pins ${p.pinned.version}: ${p.pinned.why})` : ''} ...`);
  try {
    const src = p.kind === 'ocb' ? generateCollector(p, builder!.bin.builder, tmp, log, !!opts.update) : path.join(GO_DIR, p.module);
    const moduleDir = (mod: string): string => JSON.parse(run('go', ['mod', 'download', '-json', mod], src, log)).Dir;
    const ldflags = ['-s', '-w', ...(p.ldflags?.({ moduleDir }) ?? [])].join(' ');
    const tags = p.kind === 'ocb' ? ocbBuildTags() : [];
    for (const b of p.binaries) {
      run('go', ['build', '-trimpath', `-ldflags=${ldflags}`, ...tags, '-o', path.join(tmp, b.name), b.pkg], src, log);
    }
  } catch (e) {
    say(`e2e build: ${p.name} failed; log: ${log}`);
    throw e;
  }
  const builtSec = (Date.now() - started) / 1000;
  fs.writeFileSync(path.join(tmp, 'build.json'), JSON.stringify({ program: p.name, version: p.version, builtSec, go: goVersion() }, null, 2));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  if (p.kind === 'ocb') fs.rmSync(path.join(dir, 'src'), { recursive: true, force: true });
  say(`e2e build: ${p.name} ${p.version} built in ${builtSec.toFixed(0)} s`);
  const bin = Object.fromEntries(p.binaries.map((b) => [b.name, path.join(dir, b.name)]));
  return { program: p, dir, bin, builtSec, cached: false };
}

/**
 * Environment of `go mod tidy` (updates only). Builds never consult the checksum database: go.sum is
 * committed and `-mod=readonly` refuses anything missing from it. Resolving anew does, and the one
 * reachable from here answers 404 for several contrib modules, so updates take the hashes of the module
 * proxy (over TLS) and the committed go.sum pins them from then on.
 */
function tidyEnv(): NodeJS.ProcessEnv {
  return { ...goEnv(), GOFLAGS: '-mod=mod', GOSUMDB: 'off' };
}

function tidy(moduleDir: string): void {
  run('go', ['mod', 'tidy'], moduleDir, undefined, tidyEnv());
}

function ocbManifest(): any {
  return parse(fs.readFileSync(path.join(GO_DIR, 'otelcol', 'manifest.yaml'), 'utf8'));
}

function ocbBuildTags(): string[] {
  const tags = ocbManifest().dist?.build_tags;
  return tags ? ['-tags', String(tags)] : [];
}

/** Every `gomod` entry of the builder manifest, as [module, version]. */
export function manifestModules(manifest: any = ocbManifest()): Array<[string, string]> {
  const sections = ['extensions', 'exporters', 'processors', 'receivers', 'connectors', 'providers'];
  return sections.flatMap((s) => (manifest[s] ?? []).map((m: { gomod: string }) => m.gomod.split(/\s+/) as [string, string]));
}

/**
 * Generates the collector's main module with the official builder (ocb) from our manifest, then puts the
 * committed go.mod/go.sum beside it (ocb's own `go mod download` fetches every platform's modules, some of
 * which the proxy does not serve). With `update`, resolves the module and writes go.mod/go.sum back.
 */
function generateCollector(p: GoProgram, builder: string, work: string, log: string, update: boolean): string {
  const src = path.join(work, 'src');
  const manifest = ocbManifest();
  manifest.dist.output_path = src;
  const manifestFile = path.join(work, 'manifest.yaml');
  fs.writeFileSync(manifestFile, stringify(manifest));
  run(builder, ['--config', manifestFile, '--skip-compilation', '--skip-get-modules'], work, log);
  const committed = path.join(GO_DIR, p.module);
  if (update) {
    run('go', ['mod', 'tidy', '-compat=1.25'], src, log, tidyEnv());
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(src, f), path.join(committed, f));
  } else {
    for (const f of ['go.mod', 'go.sum']) fs.copyFileSync(path.join(committed, f), path.join(src, f));
  }
  const goMod = fs.readFileSync(path.join(src, 'go.mod'), 'utf8');
  const missing = manifestModules(manifest).filter(([m, v]) => !new RegExp(`^\\s*${m.replace(/[.]/g, '\\.')} ${v.replace(/[.]/g, '\\.')}\\s*$`, 'm').test(goMod));
  if (missing.length) {
    throw new Error(
      `e2e build: test/e2e/go/otelcol/go.mod does not require ${missing.map((m) => m.join('@')).join(', ')} of manifest.yaml; ` +
        'run `node build/test/e2e/harness/build.js --update otelcol` and commit go.mod/go.sum',
    );
  }
  return src;
}

/** Builds (or finds) every program; prints per-program and total times. */
export function ensureAll(names: readonly string[] = PROGRAMS.map((p) => p.name), opts: { update?: boolean } = {}): BuiltProgram[] {
  const started = Date.now();
  const built = names.map((n) => ensureProgram(n, opts));
  const total = (Date.now() - started) / 1000;
  for (const b of built) {
    console.log(`e2e build: ${b.program.name.padEnd(12)} ${b.program.version.padEnd(8)} ${b.cached ? 'cached' : `built in ${b.builtSec.toFixed(0)} s`}  ${b.dir}`);
  }
  console.log(`e2e build: ${built.filter((b) => !b.cached).length} built, ${built.filter((b) => b.cached).length} cached, ${total.toFixed(0)} s`);
  return built;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const update = args.includes('--update');
  const names = args.filter((a) => !a.startsWith('--'));
  try {
    ensureAll(names.length ? names : undefined, { update });
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
