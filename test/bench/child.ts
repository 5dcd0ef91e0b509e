/**
 * One cold measurement, run by `run.ts` in a fresh `node` process:
 *
 *   node build/test/bench/child.js lib <scenario>      synth + validate + write with the library (synthLayered)
 *   node build/test/bench/child.js raw <objects.json>  the same objects as plain cdk8s ApiObjects, app.synth()
 *   node build/test/bench/child.js phases <scenario>   synthesis and validation timed separately, cold then warm
 *
 * `<scenario>` is `reference` (the reference Tempo + gateway stack) or `scale:<workloads>:<policies>`.
 * Prints one JSON line: milliseconds since the process started (`performance.now()`), per phase, and
 * the peak resident set size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median, ms } from './common';

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'otel-bench-'));
}


function build(scenario: string, s: typeof import('./scenarios')): import('cdk8s').App {
  if (scenario === 'reference') return s.referenceApp();
  const m = /^scale:(\d+):(\d+)$/.exec(scenario);
  if (!m) throw new Error(`unknown scenario "${scenario}"; use reference or scale:<workloads>:<policies>`);
  return s.scaleApp(Number(m[1]), Number(m[2]));
}

function lib(scenario: string): Record<string, number> {
  const start = performance.now();
  const s = require('./scenarios') as typeof import('./scenarios');
  const { synthLayered } = require('../../lib/stack') as typeof import('../../lib/stack');
  const loaded = performance.now();
  const app = build(scenario, s);
  const built = performance.now();
  const dir = outdir();
  // the shipped schemas (Kubernetes + the pinned CRDs): what a platform repo gets
  const out = synthLayered(app, { outdir: dir });
  const done = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  if (!out.validation?.ok) throw new Error(`validation failed:\n${out.validation?.toString()}`);
  return {
    bootMs: start,
    loadMs: loaded - start,
    buildMs: built - loaded,
    synthValidateWriteMs: done - built,
    totalMs: done,
    objects: out.validation.objectCount,
    peakRssMiB: peakRssMiB(),
  };
}

function raw(objectsFile: string): Record<string, number> {
  const start = performance.now();
  const objects = JSON.parse(fs.readFileSync(objectsFile, 'utf8'));
  const { rawApp } = require('./raw') as typeof import('./raw');
  const loaded = performance.now();
  const dir = outdir();
  const app = rawApp(objects, dir);
  const built = performance.now();
  app.synth();
  const done = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  return { bootMs: start, loadMs: loaded - start, buildMs: built - loaded, synthMs: done - built, totalMs: done, objects: objects.length, peakRssMiB: peakRssMiB() };
}

function phases(scenario: string, warmRuns: number): Record<string, number> {
  const s = require('./scenarios') as typeof import('./scenarios');
  const { runConstructValidations, synthObjects } = require('../../lib/stack') as typeof import('../../lib/stack');
  const { validateManifests } = require('../../lib/validation') as typeof import('../../lib/validation');
  const synth = () => {
    const app = build(scenario, s);
    runConstructValidations(app);
    return synthObjects(app);
  };
  let t = process.hrtime.bigint();
  const objects = synth();
  const synthCold = ms(t);
  t = process.hrtime.bigint();
  const result = validateManifests(objects);
  const validateCold = ms(t);
  if (!result.ok) throw new Error(`validation failed:\n${result.toString()}`);
  const synthWarm: number[] = [];
  const validateWarm: number[] = [];
  for (let i = 0; i < warmRuns; i++) {
    t = process.hrtime.bigint();
    const again = synth();
    synthWarm.push(ms(t));
    t = process.hrtime.bigint();
    validateManifests(again);
    validateWarm.push(ms(t));
  }
  return {
    objects: objects.length,
    synthColdMs: synthCold,
    validateColdMs: validateCold,
    synthWarmMs: median(synthWarm),
    validateWarmMs: median(validateWarm),
    peakRssMiB: peakRssMiB(),
  };
}

if (require.main === module) {
  const [mode, arg, warm] = process.argv.slice(2);
  const result = mode === 'lib' ? lib(arg) : mode === 'raw' ? raw(arg) : mode === 'phases' ? phases(arg, Number(warm ?? 3)) : undefined;
  if (!result) throw new Error(`unknown mode "${mode}"; use lib, raw or phases`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
