import * as pulumi from '@pulumi/pulumi';
import * as pulumiRoom from '../../lib/pulumi';
import { StackOperator, TracingStack } from '../../lib/stack';
import { CrdRegistry } from '../../lib/validation';
import { FuzzCase, formatProblems, publicEntryPoints, runFuzzCase } from '../helpers/fuzz';
import { testChart } from '../helpers/temp';

pulumi.runtime.setMocks(
  { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
  'fuzz',
  'test',
  false,
);

const { TracingResources } = pulumiRoom;
/** Stands for the stack's chart, made inside the case. */
const BOUND = Object.freeze({});
let n = 0;

const cases: FuzzCase[] = [
  {
    name: 'new TracingResources',
    args: [
      'tracing',
      {
        source: BOUND,
        validate: true,
        crds: CrdRegistry.shipped(),
        validation: { kubernetesVersion: '1.36', strict: false },
        namePrefix: 'obs',
      },
    ],
    accepts: { '1.source': ['*'] },
    call: (name, props) => {
      const chart = testChart('c');
      new TracingStack(chart, 'tracing', { operator: StackOperator.external() });
      const p = props as { source?: unknown } | null;
      const withSource =
        p !== null && typeof p === 'object' && !Array.isArray(p) && p.source === BOUND
          ? { ...p, source: chart }
          : p;
      const r = new TracingResources(
        typeof name === 'string' ? `${name}-${n++}` : (name as never),
        withSource as never,
      );
      return r.registered.length;
    },
  },
  {
    name: 'new TracingResources (source)',
    args: [[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } }]],
    // a null field of a manifest is unset, as the API server decodes it
    accepts: { '0.0.metadata.namespace': ['null'] },
    call: (source) => {
      const r = new TracingResources(`src-${n++}`, { source: source as never });
      if (!r.validation!.ok) throw new Error(r.validation!.toString());
      return r.registered.length;
    },
  },
];

describe('pulumi room: wrong-typed and out-of-range props give only our errors', () => {
  test('the public entry points are TracingResources only, and it has cases', () => {
    expect(publicEntryPoints(pulumiRoom)).toEqual([]); // not a construct: no static factories, no construct methods
    expect(Object.keys(pulumiRoom)).toEqual(['TracingResources']);
    expect(cases.map((c) => c.name.split(' (')[0])).toContain('new TracingResources');
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
