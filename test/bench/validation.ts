/**
 * The foundation figure: validation of the operator v0.158.0 install manifest + the operator
 * sample CRs, cold (first call, schemas compiled) and warm (median of N runs; target < 300 ms).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CrdRegistry, validateManifests } from '../../lib/validation';
import { median, ms, REF, verdict } from './common';

function load(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o && typeof o === 'object');
}

export function benchValidation(runs = 7): void {
  if (!fs.existsSync(path.join(REF, 'opentelemetry-operator'))) {
    console.log(`validation bench SKIPPED: no reference data at ${REF} (set OTEL_K8S_REFERENCE_DIR)`);
    return;
  }
  const install = load(path.join(REF, 'opentelemetry-operator', 'opentelemetry-operator.yaml'));
  const sampleDir = path.join(REF, 'opentelemetry-operator', 'samples');
  const sampleSets = fs
    .readdirSync(sampleDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => load(path.join(sampleDir, f)));
  const crds = CrdRegistry.fromDirs(path.join(REF, 'cert-manager', 'crds'));
  const once = () => {
    validateManifests(install, { crds });
    const withOperator = new CrdRegistry();
    for (const o of install) if (o.kind === 'CustomResourceDefinition') withOperator.add(o);
    for (const set of sampleSets) validateManifests(set, { crds: withOperator });
  };
  let t = process.hrtime.bigint();
  once();
  const cold = ms(t);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    t = process.hrtime.bigint();
    once();
    warm.push(ms(t));
  }
  const objects = install.length + sampleSets.reduce((n, s) => n + s.length, 0);
  console.log(`validation: operator install + ${sampleSets.length} sample files (${objects} objects), in this process`);
  console.log(`  first call (schemas compiled): ${cold.toFixed(0)} ms`);
  console.log(`  warm median of ${runs}:          ${median(warm).toFixed(1)} ms  (target < 300 ms: ${verdict(median(warm) < 300)})`);
}
