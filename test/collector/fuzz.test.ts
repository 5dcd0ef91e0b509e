import { AttributeAction, Backend, Exporter, Pipeline, Policy, Processor } from '../../lib';
import * as collectorRoom from '../../lib/collector';
import { runConstructValidations, synthObjects } from '../../lib/stack/layered-output';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';
import { testChart } from '../helpers/temp';

const { AgentDelivery, CollectorAgent, CollectorRuntime, TailSamplingGateway, sizeGateway } = collectorRoom;

/** Builds in a fresh chart, runs the construct validations and returns the synthesized objects. */
function synth(build: (chart: ReturnType<typeof testChart>) => void): unknown {
  const chart = testChart('c');
  build(chart);
  runConstructValidations(chart);
  return synthObjects(chart);
}

const backend = (chart: ReturnType<typeof testChart>) =>
  Backend.otlp('https://traces.example.com:4317').bind(chart, 'b', { namespace: 'obs' });
const redact = () => Processor.attributes({ actions: [AttributeAction.hash('user.email')] });

/** Stands for a bound backend made inside the case's chart. */
const BOUND = Object.freeze({});

const gatewayProps = (chart: ReturnType<typeof testChart>, extra: Record<string, unknown> = {}) => ({
  backend: backend(chart),
  policies: [Policy.statusCode('ERROR').withName('errors')],
  ...extra,
});

const cases: FuzzCase[] = [
  {
    name: 'new CollectorAgent',
    args: [
      {
        name: 'agent',
        namespace: 'obs',
        runtime: CollectorRuntime.manifests(),
        delivery: AgentDelivery.hostPort(),
        processors: [redact()],
        resources: { cpuRequestMillis: 100, memoryRequestMiB: 256, memoryLimitMiB: 512 },
        tolerateAllTaints: true,
        priorityClassName: 'system-node-critical',
        image: 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.158.0',
        metricsPort: 8888,
      },
    ],
    mutateArgs: false,
    call: (p) => synth((c) => new CollectorAgent(c, 'agent', { backend: backend(c), ...(p as object) })),
  },
  {
    name: 'new CollectorAgent (operator runtime, single node)',
    args: [
      {
        singleNode: true,
        processors: [Processor.tailSampling({ policies: [Policy.statusCode('ERROR').withName('e')] })],
      },
    ],
    mutateArgs: false,
    call: (p) => synth((c) => new CollectorAgent(c, 'agent', { backend: backend(c), ...(p as object) })),
  },
  {
    name: 'new TailSamplingGateway',
    args: [
      {
        name: 'gw',
        namespace: 'obs',
        runtime: CollectorRuntime.manifests(),
        decisionWaitSec: 10,
        replicas: 3,
        processors: [redact()],
        workload: 'statefulset',
        resolver: 'k8s',
        persistentQueue: { sizeGiB: 2, storageClassName: 'standard' },
        maxUnavailable: 1,
        resources: { cpuRequestMillis: 500, memoryRequestMiB: 2048, memoryLimitMiB: 2048 },
        metricsPort: 8888,
        priorityClassName: 'high',
      },
    ],
    mutateArgs: false,
    call: (p) =>
      synth((c) => new TailSamplingGateway(c, 'gw', gatewayProps(c, p as Record<string, unknown>) as never)),
  },
  {
    name: 'new TailSamplingGateway (sized from traffic)',
    args: [
      {
        expectedTraffic: { tracesPerSec: 200, spansPerTrace: 20, avgSpanSizeBytes: 1500 },
        sizingLimits: { maxMemoryPerReplicaMiB: 4096, maxSpansPerSecPerReplica: 10000, minReplicas: 2 },
      },
    ],
    mutateArgs: false,
    call: (p) =>
      synth((c) => new TailSamplingGateway(c, 'gw', gatewayProps(c, p as Record<string, unknown>) as never)),
  },
  {
    name: 'TailSamplingGateway#addPolicy',
    args: [Policy.latency({ name: 'slow', thresholdMs: 500 })],
    call: (pol) =>
      synth((c) => new TailSamplingGateway(c, 'gw', gatewayProps(c) as never).addPolicy(pol as never)),
  },
  {
    name: 'TailSamplingGateway#addProcessor',
    args: [redact(), { position: 'before-sampling' }],
    call: (p, o) =>
      synth((c) =>
        new TailSamplingGateway(c, 'gw', gatewayProps(c) as never).addProcessor(p as never, o as never),
      ),
  },
  {
    name: 'CollectorAgent#addProcessor',
    args: [redact()],
    call: (p) =>
      synth((c) => new CollectorAgent(c, 'agent', { backend: backend(c) }).addProcessor(p as never)),
  },
  {
    name: 'CollectorAgent#addBackend',
    args: [{ __backend: true }, { name: 'vendor' }],
    // the first argument is replaced by a bound backend: only the options are fuzzed
    accepts: { '0': ['*'], '0.__backend': ['*'] },
    call: (_b, o) =>
      synth((c) =>
        new CollectorAgent(c, 'agent', { backend: backend(c) }).addBackend(
          Backend.otlp('https://v.example.com:4317').bind(c, 'v', { namespace: 'obs' }),
          o as never,
        ),
      ),
  },
  {
    name: 'CollectorAgent#addBackend (backend)',
    args: [BOUND],
    call: (b) =>
      synth((c) =>
        new CollectorAgent(c, 'agent', { backend: backend(c) }).addBackend(
          b === BOUND
            ? Backend.otlp('https://v.example.com:4317').bind(c, 'v', { namespace: 'obs' })
            : (b as never),
          { name: 'v' },
        ),
      ),
  },
  {
    name: 'CollectorConstruct#addExporter',
    args: [Exporter.debug()],
    call: (e) =>
      synth((c) => new CollectorAgent(c, 'agent', { backend: backend(c) }).addExporter(e as never)),
  },
  {
    name: 'CollectorConstruct#addBackend',
    args: [{ name: 'vendor' }],
    call: (o) =>
      synth((c) =>
        new TailSamplingGateway(c, 'gw', gatewayProps(c) as never).addBackend(
          Backend.otlp('https://v.example.com:4317').bind(c, 'v', { namespace: 'obs' }),
          o as never,
        ),
      ),
  },
  {
    name: 'CollectorConstruct#addPipeline',
    args: ['traces/debug', { receivers: ['otlp'], processors: [], exporters: ['debug'] }],
    call: (id, p) =>
      synth((c) => {
        const a = new CollectorAgent(c, 'agent', { backend: backend(c) });
        a.config.add(Exporter.debug());
        a.addPipeline(id as never, p as never);
      }),
  },
  {
    name: 'CollectorRuntime.operator',
    args: [{}],
    call: (o) => CollectorRuntime.operator(o as never) && 'ok',
  },
  {
    name: 'sizeGateway',
    args: [
      { tracesPerSec: 100, spansPerTrace: 10, avgSpanSizeBytes: 1000 },
      10,
      { maxMemoryPerReplicaMiB: 4096, minReplicas: 2 },
      3,
    ],
    call: (t, w, l, r) => sizeGateway(t as never, w as never, l as never, r as never),
  },
];

/** Entry points with nothing to get wrong, or not callable by users. */
const EXEMPT: Record<string, string> = {
  'AgentDelivery.hostPort': 'takes no arguments',
  'AgentDelivery.nodeLocalService': 'takes no arguments',
  'CollectorRuntime.manifests': 'takes no arguments',
  'new CollectorConstruct': 'abstract base class',
  'CollectorAgent#checkProcessor': 'private',
  'TailSamplingGateway#checkProcessor': 'private',
  'TailSamplingGateway#exportTo': 'protected',
  'CollectorConstruct#exportTo': 'protected',
  'CollectorConstruct#backendSecretFiles': 'protected',
  'CollectorConstruct#renderWith': 'protected',
  'CollectorConstruct#insertBefore': 'protected',
};

void Pipeline;

describe('collector room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(collectorRoom, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(collectorRoom, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
