import * as validationRoom from '../../lib/validation';
import { StackOperator, TracingStack } from '../../lib/stack';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';
import { tempDir, testChart } from '../helpers/temp';

const { CrdRegistry, expectValidManifests, validateConstruct, validateManifests, registerRuleSet } =
  validationRoom;

/** Stands for a value made inside the case (a chart). */
const BOUND = Object.freeze({});
const EMPTY_DIR = tempDir('fuzz-crds-');
const objects = () => [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' }, data: { k: 'v' } },
];
const options = () => ({
  kubernetesVersion: '1.36',
  crdPaths: [EMPTY_DIR],
  shippedCrds: true,
  strict: false,
  downgrade: ['unknown-crd'],
  ignore: ['x'],
});
/** A broken object must give findings: a result that is not ok is thrown as the library reports it. */
const verdict = (r: { ok: boolean; errors: readonly unknown[]; toString(): string }) => {
  if (!r.ok) throw new Error(r.toString());
  return { ok: r.ok, errors: r.errors.length };
};

const cases: FuzzCase[] = [
  {
    name: 'validateManifests',
    args: [objects(), options()],
    // a null field of a manifest is unset, as the API server decodes it (JSON null = absent)
    accepts: { '0.0.metadata.namespace': ['null'], '0.0.data': ['null'], '0.0.data.k': ['null'] },
    call: (o, p) => verdict(validateManifests(o as never, p as never)),
  },
  {
    name: 'expectValidManifests',
    args: [objects(), options()],
    // a null field of a manifest is unset, as the API server decodes it (JSON null = absent)
    accepts: { '0.0.metadata.namespace': ['null'], '0.0.data': ['null'], '0.0.data.k': ['null'] },
    call: (o, p) => verdict(expectValidManifests(o as never, p as never)),
  },
  {
    name: 'validateConstruct',
    args: [BOUND, options()],
    call: (root, p) => {
      const chart = testChart('c');
      new TracingStack(chart, 'tracing', { operator: StackOperator.external() });
      return verdict(validateConstruct(root === BOUND ? chart : (root as never), p as never));
    },
  },
  {
    name: 'CrdRegistry.fromPaths',
    args: [[EMPTY_DIR]],
    call: (p) => CrdRegistry.fromPaths(p as never) && 'ok',
  },
  { name: 'CrdRegistry.fromDirs', args: [EMPTY_DIR], call: (d) => CrdRegistry.fromDirs(d as never) && 'ok' },
  {
    name: 'CrdRegistry.layered',
    args: [CrdRegistry.shipped()],
    call: (l) => CrdRegistry.layered(l as never) && 'ok',
  },
  {
    name: 'registerRuleSet',
    args: [{ name: 'fuzz-noop', check: () => [] }],
    accepts: { '0.check': ['function'] },
    call: (r) => {
      registerRuleSet(r as never);
      return 'ok';
    },
  },
];

const EXEMPT: Record<string, string> = {
  'CrdRegistry.shipped': 'takes no arguments',
  'CrdRegistry.compiledSchemaCount': 'takes no arguments',
  registeredRuleSets: 'takes no arguments',
};

describe('validation room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(validationRoom, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(validationRoom, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
