import { Deployment } from 'cdk8s-plus-28';
import { AttributeAction, Backend, Processor, InjectLanguage, OperatorManifestSource } from '../../lib';
import * as stackRoom from '../../lib/stack';
import { CollectorRuntime } from '../../lib/collector';
import { runConstructValidations } from '../../lib/stack/layered-output';
import { testChart } from '../helpers/temp';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';

const { Sampling, StackOperator, TracingStack, synthObjects } = stackRoom;

const operatorManifest = () => OperatorManifestSource.external();

/** A stack built with `props`, synthesized (construct validations included). */
function stack(props: unknown, after?: (s: InstanceType<typeof TracingStack>) => void): unknown {
  const chart = testChart('c');
  const s = new TracingStack(chart, 'tracing', props as never);
  after?.(s);
  runConstructValidations(chart);
  return synthObjects(chart);
}

const cases: FuzzCase[] = [
  {
    name: 'Sampling.tail',
    args: [{ decisionWaitSec: 10, policies: [stackRoom.Sampling.defaultPolicies()[0]] }],
    call: (o) => Sampling.tail(o as never).policies.map((p) => p.toObject()),
  },
  { name: 'Sampling.head', args: [0.1], call: (r) => Sampling.head(r as never).kind },
  {
    name: 'StackOperator.install',
    args: [{ source: operatorManifest() }],
    call: (p) => StackOperator.install(p as never) && 'ok',
  },
  {
    name: 'StackOperator.external',
    args: [{ namespace: 'ops' }],
    call: (p) => StackOperator.external(p as never) && 'ok',
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
