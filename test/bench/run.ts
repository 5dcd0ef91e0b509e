/**
 * `npm run bench`: timing figures on compiled JavaScript. Tests never time things; this does.
 *
 * 0. Validation of the operator install + samples (foundation figure; warm target < 300 ms).
 * 1. The reference Tempo + gateway stack, synth + validate in a cold process, against the same
 *    objects emitted as raw cdk8s ApiObjects in a cold process (ratio target <= 1.5); and the
 *    same with an empty disk cache (the first process on a fresh machine), for the record.
 * 2. Scale: 10 / 100 / 1000 instrumented workloads x 10 / 100 tail-sampling policies, cold process:
 *    wall time, peak RSS, growth time(1000)/time(100) (targets: 1000 + 100 < 3 s and < 400 MB; <= 12).
 * 3. Synthesis alone vs validation alone (cold and warm), so the cost of checking is visible.
 *
 * Cold figures spawn a fresh `node` per run on `build/test/bench/child.js`; medians of RUNS runs
 * (env BENCH_RUNS, at least 5). Wall time is measured by this process around the child's whole life.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { machine, median, REF, verdict } from './common';
import { benchValidation } from './validation';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
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

function benchReference(): void {
  // The objects the raw floor emits: the reference stack's own output, written once by this process.
  const { referenceApp } = require('./scenarios') as typeof import('./scenarios');
  const { synthObjects } = require('../../lib/stack') as typeof import('../../lib/stack');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otel-bench-')), 'reference.json');
  fs.writeFileSync(file, JSON.stringify(synthObjects(referenceApp())));
  child('lib', 'reference'); // warms the OS file cache only: the library writes no cache of its own
  const lib: ChildRun[] = [];
  const raw: ChildRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    lib.push(child('lib', 'reference'));
    raw.push(child('raw', file));
  }
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const l = medians(lib);
  const r = medians(raw);
  const ratio = l.wallMs / r.wallMs;
  const inProc = (l.totalMs - l.bootMs) / (r.totalMs - r.bootMs);
  console.log(`\n1. reference Tempo + gateway stack (${l.objects} objects), first process (nothing cached anywhere: the library keeps no cache), median of ${RUNS}`);
  console.log('                               wall ms  load ms  build ms  synth(+validate+write) ms  peak RSS MiB');
  console.log(`   library (synthLayered)     ${pad(l.wallMs.toFixed(0), 7)}  ${pad(l.loadMs.toFixed(0), 7)}  ${pad(l.buildMs.toFixed(0), 8)}  ${pad(l.synthValidateWriteMs.toFixed(0), 25)}  ${pad(l.peakRssMiB.toFixed(0), 12)}`);
  console.log(`   raw cdk8s ApiObjects       ${pad(r.wallMs.toFixed(0), 7)}  ${pad(r.loadMs.toFixed(0), 7)}  ${pad(r.buildMs.toFixed(0), 8)}  ${pad(r.synthMs.toFixed(0), 25)}  ${pad(r.peakRssMiB.toFixed(0), 12)}`);
  console.log(`   ratio (process wall time): ${ratio.toFixed(2)}  (target <= 1.3: ${verdict(ratio <= 1.3)})`);
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
  console.log(`\n3. synthesis alone vs validation alone (one process each, median of ${RUNS} processes; warm = median of 3 repeats in the process)`);
  console.log('   scenario                 objects  synth cold  validate cold  synth warm  validate warm   (ms)');
  for (const scenario of ['reference', 'scale:1000:100', 'scale:10000:100']) {
    const runs: ChildRun[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(child('phases', scenario, '3'));
    const m = medians(runs);
    console.log(`   ${scenario.padEnd(23)}  ${pad(m.objects, 7)}  ${pad(m.synthColdMs.toFixed(0), 10)}  ${pad(m.validateColdMs.toFixed(0), 13)}  ${pad(m.synthWarmMs.toFixed(0), 10)}  ${pad(m.validateWarmMs.toFixed(0), 13)}`);
  }
  console.log('   (synth = construct validations + toJson of every chart; validate cold includes reading the shipped schemas it needs)');
}

if (require.main === module) {
  console.log(`machine: ${machine()}`);
  console.log(`runs: ${RUNS} per figure (BENCH_RUNS); schemas: the package's shipped Kubernetes and CRD schemas`);
  if (fs.existsSync(path.join(REF, 'opentelemetry-operator'))) benchValidation();
  else console.log(`0. SKIPPED (operator install + samples): no reference data at ${REF} (set OTEL_K8S_REFERENCE_DIR)`);
  benchReference();
  benchScale();
  benchPhases();
}
