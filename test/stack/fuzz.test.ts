import { Deployment } from 'cdk8s-plus-28';
import {
  AttributeAction,
  Backend,
  Processor,
  InjectLanguage,
  OpenTelemetryOperator,
  OperatorManifestSource,
} from '../../lib';
import * as stackRoom from '../../lib/stack';
import { CollectorRuntime } from '../../lib/collector';
import { runConstructValidations } from '../../lib/stack/layered-output';
import { tempDir, testChart } from '../helpers/temp';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';

const { Sampling, StackOperator, TracingStack, synthObjects, synthLayered, pipelineDiagram } = stackRoom;

const operatorManifest = () => OperatorManifestSource.external();

/** A stack built with `props`, synthesized (construct validations included). */
function stack(props: unknown, after?: (s: InstanceType<typeof TracingStack>) => void): unknown {
  const chart = testChart('c');
  const s = new TracingStack(chart, 'tracing', props as never);
  after?.(s);
  runConstructValidations(chart);
  return synthObjects(chart);
}

/** Stands for a value made inside the case (a chart, an operator, a config). */
const BOUND = Object.freeze({});
const OUT = tempDir('fuzz-out-');

const cases: FuzzCase[] = [
  {
    name: 'Sampling.tail',
    args: [{ decisionWaitSec: 10, policies: [stackRoom.Sampling.defaultPolicies()[0]] }],
    call: (o) => Sampling.tail(o as never).policies.map((p) => p.toObject()),
  },
  { name: 'Sampling.head', args: [0.1], call: (r) => Sampling.head(r as never).kind },
  {
    name: 'StackOperator.install',
    args: [{ source: operatorManifest(), namespace: 'ops', goInstrumentation: true }],
    call: (p) => stack({ operator: StackOperator.install(p as never) }),
  },
  {
    name: 'StackOperator.external',
    args: [{ namespace: 'ops', goInstrumentation: true }],
    call: (p) => stack({ operator: StackOperator.external(p as never) }),
  },
  {
    name: 'new TracingStack',
    args: [
      {
        namespace: 'obs',
        operator: StackOperator.external(),
        backend: Backend.tempo(),
        sampling: Sampling.tail({ decisionWaitSec: 5 }),
        runtime: CollectorRuntime.manifests(),
        gatewayReplicas: 3,
        agentProcessors: [Processor.attributes({ actions: [AttributeAction.hash('user.email')] })],
      },
    ],
    call: (p) => stack(p),
  },
  {
    name: 'TracingStack#addBackend',
    args: [Backend.jaeger(), { name: 'second' }],
    mutateArgs: true,
    call: (b, o) =>
      stack({ operator: StackOperator.external() }, (s) => s.addBackend(b as never, o as never)),
  },
  {
    name: 'TracingStack#instrument',
    args: [InjectLanguage.java()],
    call: (l) =>
      stack({ operator: StackOperator.external() }, (s) => {
        const d = new Deployment(s, 'app', { containers: [{ image: 'registry.example/app:1.0' }] });
        s.instrument(d, l as never);
      }),
  },
  {
    name: 'StackOperator.existing',
    args: [BOUND],
    call: (op) => {
      const chart = testChart('c');
      const operator = new OpenTelemetryOperator(chart, 'op', { source: OperatorManifestSource.external() });
      new TracingStack(chart, 'tracing', {
        operator: StackOperator.existing(op === BOUND ? operator : (op as never)),
      });
      runConstructValidations(chart);
      return synthObjects(chart);
    },
  },
  {
    name: 'pipelineDiagram',
    args: [
      {
        tiers: [{ id: 'agent', label: 'agent', config: BOUND }],
        sourceLabel: 'apps',
        backendLabel: 'Tempo',
        signal: 'traces',
      },
    ],
    accepts: { '0.tiers.0.config': ['*'] },
    call: (p) => {
      const s = new TracingStack(testChart('c'), 'tracing', { operator: StackOperator.external() });
      const props = p as { tiers?: unknown };
      const tiers = Array.isArray(props?.tiers)
        ? props.tiers.map((t) =>
            t && typeof t === 'object' && (t as { config?: unknown }).config === BOUND
              ? { ...t, config: s.agent.config }
              : t,
          )
        : props?.tiers;
      return pipelineDiagram(
        props && typeof props === 'object' && !Array.isArray(props)
          ? ({ ...props, tiers } as never)
          : (p as never),
      );
    },
  },
  {
    name: 'pipelineDiagram (tier config)',
    args: [BOUND],
    call: (cfg) => {
      const s = new TracingStack(testChart('c'), 'tracing', { operator: StackOperator.external() });
      return pipelineDiagram({ tiers: [{ id: 'agent', label: 'agent', config: cfg === BOUND ? s.agent.config : (cfg as never) }] });
    },
  },
  {
    name: 'synthObjects',
    args: [BOUND],
    call: (root) => synthObjects(root === BOUND ? testChart('c') : (root as never)),
  },
  {
    name: 'synthLayered',
    args: [
      BOUND,
      {
        outdir: OUT,
        argoCdSyncWaves: true,
        diagram: 'flowchart LR',
        validation: { strict: false },
        onWarning: () => undefined,
      },
    ],
    accepts: { '1.onWarning': ['function'] },
    call: (root, props) => {
      const chart = testChart('c');
      new TracingStack(chart, 'tracing', { operator: StackOperator.external() });
      return synthLayered(root === BOUND ? chart : (root as never), props as never).objectsPerLayer;
    },
  },
];

/** Entry points with no props to get wrong. */
const EXEMPT: Record<string, string> = {
  'Sampling.none': 'takes no arguments',
  'Sampling.defaultPolicies': 'takes no arguments',
  'TracingStack#pipelineDiagram': 'takes no arguments',
};

describe('stack room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(stackRoom, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(stackRoom, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
