/**
 * `npm run bench`: timing figures on compiled JavaScript. Tests never time things; this does.
 *
 * 0. Validation of the operator install + samples (foundation figure; warm target < 300 ms).
 * 1. The reference Tempo + gateway stack, synth + validate + write in the first process on a machine
 *    (the library keeps no cache anywhere, so every process is a first one), with the package as
 *    shipped (build/dist: one bundle), against the same objects emitted as raw cdk8s ApiObjects
 *    (target: process wall time ratio <= 1.3); the per-module tsc output is timed too, for the record.
 * 2. Scale: 10 / 100 / 1000 / 10000 instrumented workloads x 10 / 100 tail-sampling policies, cold
 *    process: wall time, peak RSS, growth time(10000)/time(1000) (targets: 10000 + 100 < 5 s and
 *    < 1 GB; growth <= 11).
 * 3. Synthesis alone vs validation alone (cold and warm), so the cost of checking is visible.
 *
 * Cold figures spawn a fresh `node` per run on `build/test/bench/child.js`; medians of RUNS runs
 * (env BENCH_RUNS, at least 5), with the spread (min-max). The library and raw runs of a figure are
 * interleaved, so a change in the machine's load hits both. Wall time is measured by this process
 * around the child's whole life (spawn, Node's boot, loading, work, exit).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { machine, median, REF, verdict } from './common';
import { benchValidation } from './validation';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
/** Runs of the reference figure: at least 15 (each is ~0.2 s; its ratio is the one with a tight target). */
const REF_RUNS = Math.max(15, RUNS);
const CHILD = path.join(__dirname, 'child.js');

interface ChildRun {
  wallMs: number;
  [figure: string]: number;
}

function child(...args: string[]): ChildRun {
  return childWithEnv({}, ...args);
}

function childWithEnv(env: Record<string, string>, ...args: string[]): ChildRun {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), wallMs };
}

/** Median of each figure over the runs. */
function medians(runs: ChildRun[]): ChildRun {
  const out: ChildRun = { wallMs: 0 };
  for (const k of Object.keys(runs[0])) out[k] = median(runs.map((r) => r[k]));
  return out;
}

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

function spread(runs: ChildRun[], k: string): string {
  const xs = runs.map((r) => r[k]);
  return `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
}

function benchReference(): void {
  // The objects the raw floor emits: the reference stack's own output, written once by this process
  // with the shipped package.
  const { referenceApp } = require('../../bench/scenarios.js') as typeof import('./scenarios');
  const { synthObjects } = require('../../dist/index.js') as typeof import('../../lib/stack');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otel-bench-')), 'reference.json');
  fs.writeFileSync(file, JSON.stringify(synthObjects(referenceApp())));
  // warms the OS file cache only: the library writes no cache of its own
  child('lib', 'reference');
  child('lib-modules', 'reference');
  child('raw', file);
  const lib: ChildRun[] = [];
  const modules: ChildRun[] = [];
  const raw: ChildRun[] = [];
  for (let i = 0; i < REF_RUNS; i++) {
    lib.push(child('lib', 'reference'));
    raw.push(child('raw', file));
    modules.push(child('lib-modules', 'reference'));
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const l = medians(lib);
  const m = medians(modules);
  const r = medians(raw);
  // ratios of each run with the raw run next to it, and their median: the machine's load moves both
  const ratios = lib.map((x, i) => x.wallMs / raw[i].wallMs);
  const ratio = l.wallMs / r.wallMs;
  const inProc = (l.totalMs - l.bootMs) / (r.totalMs - r.bootMs);
  console.log(`\n1. reference Tempo + gateway stack (${l.objects} objects), first process (nothing cached anywhere: the library keeps no cache), median of ${REF_RUNS} (min-max)`);
  console.log('                                    wall ms (min-max)  CPU ms  load ms  build ms  synth(+validate+write) ms  peak RSS MiB');
  const row = (name: string, x: ChildRun, runs: ChildRun[], work: number) =>
    console.log(`   ${name.padEnd(32)} ${pad(x.wallMs.toFixed(0), 7)} (${spread(runs, 'wallMs').padStart(7)})  ${pad(x.cpuMs.toFixed(0), 6)}  ${pad(x.loadMs.toFixed(0), 7)}  ${pad(x.buildMs.toFixed(0), 8)}  ${pad(work.toFixed(0), 25)}  ${pad(x.peakRssMiB.toFixed(0), 12)}`);
  row('library as shipped (bundle)', l, lib, l.synthValidateWriteMs);
  row('library, per-module tsc output', m, modules, m.synthValidateWriteMs);
  row('raw cdk8s ApiObjects', r, raw, r.synthMs);
  console.log(`   ratio (process wall time, medians): ${ratio.toFixed(2)}  (target <= 1.3: ${verdict(ratio <= 1.3)}); per-run ratios ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}, median ${median(ratios).toFixed(2)}`);
  console.log(`   per-module output instead of the bundle: ratio ${(m.wallMs / r.wallMs).toFixed(2)}`);
  console.log(`   CPU time ratio (user + system of the child, less sensitive to a busy machine): ${(l.cpuMs / r.cpuMs).toFixed(2)} (per-module output ${(m.cpuMs / r.cpuMs).toFixed(2)})`);
  console.log(`   ratio without node's own ~${r.bootMs.toFixed(0)} ms boot: ${inProc.toFixed(2)}`);
}

function benchScale(): void {
  console.log(`\n2. scale: instrumented Deployments x tail-sampling policies, cold process, synthLayered with validation, median of ${RUNS}`);
  console.log('   workloads  policies  objects  wall ms  in-process ms  peak RSS MiB (max)');
  const wall = new Map<string, number>();
  const inProc = new Map<string, number>();
  let peak = 0;
  for (const policies of [10, 100]) {
    for (const workloads of [10, 100, 1000, 10000]) {
      const runs: ChildRun[] = [];
      // the 10k figures are seconds long: 3 runs (not fewer) keep the bench within minutes
      const n = workloads >= 10000 ? Math.min(RUNS, 3) : RUNS;
      for (let i = 0; i < n; i++) runs.push(child('lib', `scale:${workloads}:${policies}`));
      const m = medians(runs);
      const maxRss = Math.max(...runs.map((x) => x.peakRssMiB));
      wall.set(`${workloads}:${policies}`, m.wallMs);
      inProc.set(`${workloads}:${policies}`, m.buildMs + m.synthValidateWriteMs);
      if (workloads === 10000 && policies === 100) peak = maxRss;
      console.log(`   ${pad(workloads, 9)}  ${pad(policies, 8)}  ${pad(m.objects, 7)}  ${pad(m.wallMs.toFixed(0), 7)}  ${pad((m.buildMs + m.synthValidateWriteMs).toFixed(0), 13)}  ${pad(m.peakRssMiB.toFixed(0), 8)} (${maxRss.toFixed(0)})`);
    }
  }
  const big = wall.get('10000:100')!;
  console.log(`   10000 workloads + 100 policies: ${big.toFixed(0)} ms (target < 5000 ms: ${verdict(big < 5000)}), peak RSS ${peak.toFixed(0)} MiB (target < 1 GB: ${verdict(peak * 1.048576 < 1000)})`);
  for (const p of [10, 100]) {
    const g = wall.get(`10000:${p}`)! / wall.get(`1000:${p}`)!;
    const gi = inProc.get(`10000:${p}`)! / inProc.get(`1000:${p}`)!;
    console.log(`   growth time(10000)/time(1000), ${p} policies: ${g.toFixed(2)} wall, ${gi.toFixed(2)} in-process (build+synth+validate+write) (target <= 11: ${verdict(g <= 11 && gi <= 11)})`);
  }
}

function benchPhases(): void {
  console.log(`\n3. synthesis alone vs validation alone (one process each, median of ${RUNS} processes; warm = median of 3 repeats in the process; tsc's per-module output, as the phases call internals)`);
  console.log('   scenario                 objects  synth cold  validate cold  synth warm  validate warm   (ms)');
  for (const scenario of ['reference', 'scale:1000:100', 'scale:10000:100']) {
    const runs: ChildRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(child('phases', scenario, '3'));
    const m = medians(runs);
    console.log(`   ${scenario.padEnd(23)}  ${pad(m.objects, 7)}  ${pad(m.synthColdMs.toFixed(0), 10)}  ${pad(m.validateColdMs.toFixed(0), 13)}  ${pad(m.synthWarmMs.toFixed(0), 10)}  ${pad(m.validateWarmMs.toFixed(0), 13)}`);
  }
  console.log('   (synth = construct validations + toJson of every chart; validate cold includes reading the shipped schemas it needs)');
}

/** Sections to run (env BENCH_ONLY, e.g. `reference,scale`): all by default. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'validation,reference,scale,phases').split(',').map((x) => x.trim()));

if (require.main === module) {
  console.log(`machine: ${machine()}`);
  console.log(`runs: ${RUNS} per figure (BENCH_RUNS); schemas: the package's shipped Kubernetes and CRD schemas`);
  console.log('rerun: npm run bench (BENCH_RUNS=11 for tighter medians; BENCH_ONLY=reference,scale for some sections); the machine may be shared: compare the ratios of one run');
  if (ONLY.has('validation')) {
    if (fs.existsSync(path.join(REF, 'opentelemetry-operator'))) benchValidation();
    else console.log(`0. SKIPPED (operator install + samples): no reference data at ${REF} (set OTEL_K8S_REFERENCE_DIR)`);
  }
  if (ONLY.has('reference')) benchReference();
  if (ONLY.has('scale')) benchScale();
  if (ONLY.has('phases')) benchPhases();
}
