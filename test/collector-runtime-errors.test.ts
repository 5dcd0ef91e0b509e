import { Chart, JsonPatch, Testing } from 'cdk8s';
import { Backend, ITraceBackend } from '../lib/backends';
import { CollectorAgent, CollectorAgentProps, CollectorRuntime, sizeGateway, TailSamplingGateway, TailSamplingGatewayProps } from '../lib/collector';
import { CollectorDistribution, Exporter, Policy, Processor } from '../lib/collector/config';
import { validate } from './helpers/validate';
import { testApp } from './helpers/temp';

const chart = () => new Chart(testApp(), 'test', { namespace: 'observability' });
const POLICIES = [Policy.statusCode('ERROR')];

function agent(props: Partial<CollectorAgentProps>, withBackend = true) {
  const c = chart();
  const backend: ITraceBackend | undefined = withBackend ? Backend.tempo().bind(c, 'tempo') : undefined;
  return () => new CollectorAgent(c, 'agent', { backend, ...props } as CollectorAgentProps);
}

function gateway(props: Partial<TailSamplingGatewayProps>) {
  const c = chart();
  const backend = Backend.tempo().bind(c, 'tempo');
  return () => new TailSamplingGateway(c, 'gw', { backend, policies: POLICIES, ...props } as TailSamplingGatewayProps);
}

describe('CollectorAgent bad inputs', () => {
  test('tail_sampling in the DaemonSet is refused: half-traces, names the gateway and singleNode', () => {
    const make = () => agent({ processors: [Processor.tailSampling({ policies: POLICIES })] });
    expect(make()).toThrow(/tail_sampling in a DaemonSet decides on half-traces/);
    expect(make()).toThrow(/TailSamplingGateway/);
    expect(make()).toThrow(/singleNode: true/);
  });

  test('tail_sampling in an agent that already forwards to a gateway is refused', () => {
    const c = chart();
    const gw = new TailSamplingGateway(c, 'gw', { backend: Backend.tempo().bind(c, 'tempo'), policies: POLICIES });
    expect(() => new CollectorAgent(c, 'agent', { gateway: gw, processors: [Processor.tailSampling({ policies: POLICIES })] })).toThrow(
      /tail_sampling in the agent sees only the spans of its node.*pass the policies to the gateway/,
    );
  });

  test.each<[string, Partial<CollectorAgentProps>, boolean, RegExp]>([
    ['no destination', {}, false, /neither gateway nor backend is set; pass gateway/],
    ['invalid name', { name: 'Otel_Agent' }, true, /name "Otel_Agent" is invalid; use 1-44 lowercase/],
    ['name too long for the operator names', { name: 'a'.repeat(45) }, true, /is invalid; use 1-44 lowercase letters.*-collector-headless/],
    ['invalid namespace', { namespace: 'Observability' }, true, /namespace "Observability" is not a valid DNS-1123 label/],
    ['memory limit too small', { resources: { memoryLimitMiB: 64 } }, true, /memoryLimitMiB 64 is too small for a collector; use at least 128/],
    ['request above limit', { resources: { memoryRequestMiB: 1024, memoryLimitMiB: 512 } }, true, /memoryRequestMiB 1024 is above memoryLimitMiB 512/],
    ['cpu request above limit', { resources: { cpuRequestMillis: 800, cpuLimitMillis: 500 } }, true, /cpuRequestMillis 800 is above cpuLimitMillis 500/],
    ['fractional cpu', { resources: { cpuRequestMillis: 0.5 } }, true, /resources.cpuRequestMillis 0.5 is invalid; use a positive whole number/],
    ['unpinned image', { image: 'otel/opentelemetry-collector-k8s' }, true, /image "otel\/opentelemetry-collector-k8s" is not a pinned image reference/],
    ['unknown image without distribution', { image: 'registry.example.com/my-otelcol:1.0' }, true, /is not an official distribution.*prop distribution/],
    ['core image lacks k8s_attributes', { image: CollectorDistribution.CORE.image() }, true, /"k8s_attributes" is not in the core distribution.*opentelemetry-collector-k8s/],
    ['an exporter given as processor', { processors: [Exporter.debug()] }, true, /processors\[0\] "debug" is a exporter, not a processor/],
    ['batch given twice', { processors: [Processor.batch()] }, true, /processors\[0\] "batch" is added by the agent itself/],
    ['metrics port out of range', { metricsPort: 70000 }, true, /metricsPort 70000 is out of range; use a port between 1 and 65535/],
    ['metrics port clashing with OTLP', { metricsPort: 4317 }, true, /port 4317 is also used by/],
    ['bad priority class', { priorityClassName: 'Node_Critical' }, true, /priorityClassName "Node_Critical" is not a valid PriorityClass name/],
  ])('%s', (_name, props, withBackend, message) => {
    expect(agent(props, withBackend)).toThrow(message);
  });

  test('both gateway and backend', () => {
    const c = chart();
    const backend = Backend.tempo().bind(c, 'tempo');
    const gw = new TailSamplingGateway(c, 'gw', { backend, policies: POLICIES });
    expect(() => new CollectorAgent(c, 'agent', { gateway: gw, backend })).toThrow(/both gateway and backend are set; .*pass only gateway/);
  });

  test('agent named like its gateway', () => {
    const c = chart();
    const gw = new TailSamplingGateway(c, 'gw', { backend: Backend.tempo().bind(c, 'tempo'), policies: POLICIES });
    expect(() => new CollectorAgent(c, 'agent', { gateway: gw, name: 'otel-gateway' })).toThrow(/name "otel-gateway" is also the gateway's name/);
  });
});

describe('TailSamplingGateway bad inputs', () => {
  test.each<[string, Partial<TailSamplingGatewayProps>, RegExp]>([
    ['no backend', { backend: undefined }, /backend is missing; pass backend: Backend.tempo\(\)/],
    ['no policies', { policies: [] }, /policies is empty; add at least one, e.g. Policy.statusCode\('ERROR'\)/],
    ['persistent queue on a Deployment', { workload: 'deployment', persistentQueue: {} }, /persistentQueue needs workload 'statefulset'/],
    ['PDB letting every replica go', { replicas: 3, maxUnavailable: 3 }, /maxUnavailable 3 would let all 3 replicas go down/],
    ['PDB blocking drains', { maxUnavailable: 0 }, /maxUnavailable 0 is invalid; use at least 1/],
    ['zero replicas', { replicas: 0 }, /replicas 0 is invalid; use a positive whole number/],
    ['zero decision wait', { decisionWaitSec: 0 }, /decisionWaitSec 0 is invalid; use a value > 0 seconds/],
    ['unknown resolver', { resolver: 'static' as any }, /resolver "static" is invalid; use 'dns'.*or 'k8s'/],
    ['unknown workload', { workload: 'daemonset' as any }, /workload "daemonset" is invalid; use 'statefulset' or 'deployment'/],
    ['PVC of 0 GiB', { persistentQueue: { sizeGiB: 0 } }, /persistentQueue.sizeGiB 0 is invalid/],
    [
      'memory limit below what declared traffic needs',
      // 3 replicas survive one loss: 50 traces/s each x 30 s x 1.5 = 2250 traces x 200 spans x 1 KiB = 440 MiB buffer -> 704 MiB
      { expectedTraffic: { tracesPerSec: 100, spansPerTrace: 200 }, decisionWaitSec: 30, replicas: 3, resources: { memoryLimitMiB: 512 } },
      /memoryLimitMiB 512 is below the 704 MiB the declared traffic needs per replica/,
    ],
    ['otlp_http-only distribution', { image: CollectorDistribution.OTLP.image() }, /is not in the otlp distribution/],
  ])('%s', (_name, props, message) => {
    expect(gateway(props)).toThrow(message);
  });

  test('sizing with impossible or missing traffic', () => {
    expect(() => sizeGateway({ tracesPerSec: 0, spansPerTrace: 10 }, 10)).toThrow(/tracesPerSec 0 must be > 0/);
    expect(() => sizeGateway({ tracesPerSec: 10, spansPerTrace: 0 }, 10)).toThrow(/spansPerTrace 0 must be >= 1/);
    expect(() => sizeGateway({ tracesPerSec: 1e6, spansPerTrace: 100 }, 30, { maxMemoryPerReplicaMiB: 512, maxSpansPerSecPerReplica: 1e12 })).toThrow(
      /does not fit 100 replicas of 512 MiB; lower decisionWaitSec/,
    );
  });
});

describe('cross-object checks (validateManifests)', () => {
  test('an exporter to an in-cluster Service that is not emitted in this app', () => {
    const other = new Chart(testApp(), 'other', { namespace: 'observability' });
    const backend = Backend.tempo().bind(other, 'tempo'); // emitted in ANOTHER app
    const c = chart();
    new CollectorAgent(c, 'agent', { backend });
    const errors = validate(c).errors.filter((f) => f.rule === 'collector-endpoint');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/sends to tempo.observability.svc.cluster.local:4317, but no Service "tempo" in namespace "observability" is emitted/);
  });

  test('the same agent with the backend in its app is clean (the check is not vacuous)', () => {
    const c = chart();
    new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo') });
    expect(validate(c).errors).toEqual([]);
  });

  test('operator runtime: the agent may target the Services the operator will create, but not missing gateways', () => {
    const c = chart();
    const gw = new TailSamplingGateway(c, 'gw', { backend: Backend.tempo().bind(c, 'tempo'), policies: POLICIES, runtime: CollectorRuntime.operator() });
    new CollectorAgent(c, 'agent', { gateway: gw, runtime: CollectorRuntime.operator() });
    expect(validate(c).errors).toEqual([]);
    // drop the gateway CR: the agent's resolver now points nowhere
    const objs = Testing.synth(c).filter((o) => !(o.kind === 'OpenTelemetryCollector' && o.metadata.name === 'otel-gateway'));
    const errors = validate(objs).errors;
    expect(errors.map((e) => e.rule)).toContain('collector-endpoint');
    expect(errors.find((e) => e.rule === 'collector-endpoint')!.path).toBe('spec.config.exporters.load_balancing.resolver.dns.hostname');
  });

  test('k8s_attributes filtering on a node env var the container does not set (both runtimes)', () => {
    // the real collector refuses it: "`node_from_env_var` is configured but envvar ... is not set"
    for (const runtime of [CollectorRuntime.manifests(), CollectorRuntime.operator()]) {
      const c = chart();
      const a = new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo'), runtime });
      expect(validate(c).errors).toEqual([]);
      const env = runtime.kind === 'manifests' ? '/spec/template/spec/containers/0/env' : '/spec/env';
      const target = a.apiObjects.find((o) => o.kind === (runtime.kind === 'manifests' ? 'DaemonSet' : 'OpenTelemetryCollector'))!;
      const list: any[] = runtime.kind === 'manifests' ? target.toJson().spec.template.spec.containers[0].env : target.toJson().spec.env;
      const i = list.findIndex((e) => e.name === 'OTEL_K8S_NODE_NAME');
      expect(i).toBeGreaterThanOrEqual(0);
      target.addJsonPatch(JsonPatch.remove(`${env}/${i}`));
      const errors = validate(c).errors.filter((f) => f.rule === 'collector-env');
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toMatch(/env var "OTEL_K8S_NODE_NAME", but the collector container does not set it/);
    }
  });

  test('a Service port that targets no container port', () => {
    const c = chart();
    const a = new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo') });
    const svc = a.apiObjects.find((o) => o.kind === 'Service')!;
    svc.addJsonPatch(JsonPatch.replace('/spec/ports/0/targetPort', 14317));
    const errors = validate(c).errors.filter((f) => f.rule === 'collector-ports');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/targets 14317, which is not a container port of DaemonSet otel-agent/);
  });

  test('a config port without a container port, and a container port nothing listens on', () => {
    const c = chart();
    const a = new CollectorAgent(c, 'agent', { backend: Backend.tempo().bind(c, 'tempo') });
    const ds = a.apiObjects.find((o) => o.kind === 'DaemonSet')!;
    ds.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/ports/1/containerPort', 4319));
    const messages = validate(c).errors.filter((f) => f.rule === 'collector-ports').map((f) => f.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/listens on 4318, but no container port 4318 is declared/),
        expect.stringMatching(/container port 4319 \(otlp-http\) is not opened by the collector config/),
      ]),
    );
  });

  test('an exporter to a port the Service does not expose', () => {
    const c = chart();
    const backend = Backend.tempo().bind(c, 'tempo');
    const wrong: ITraceBackend = { ...backend, otlpGrpcUrl: 'http://tempo.observability.svc.cluster.local:4999' };
    new CollectorAgent(c, 'agent', { backend: wrong });
    const errors = validate(c).errors.filter((f) => f.rule === 'collector-endpoint');
    expect(errors[0].message).toMatch(/sends to port 4999 of Service "observability\/tempo", which exposes .*4317/);
  });
});

describe('sizing and malformed components', () => {
  test('explicit replicas that cannot carry the declared traffic are refused with the count that fits', () => {
    expect(() => sizeGateway({ tracesPerSec: 10_000, spansPerTrace: 20 }, 10, {}, 2)).toThrow(
      /replicas 2 is too few for 10000 traces\/s x 20 spans \(\d+ MiB and 200000 spans\/s per replica, limits 4096 MiB and 10000 spans\/s\); use replicas: (2[1-9]|[3-9]\d) or omit replicas/,
    );
  });

  test('explicit replicas that fit are kept as given', () => {
    const s = sizeGateway({ tracesPerSec: 100, spansPerTrace: 10 }, 10, {}, 3);
    expect(s.replicas).toBe(3);
    expect(s.memoryLimitMiB).toBeLessThanOrEqual(4096);
  });

  test('an undefined policy or processor is a clear error, not a TypeError', () => {
    expect(gateway({ policies: [undefined as unknown as Policy] })).toThrow(/policies\[0\] is undefined; build each policy with Policy\.\*/);
    expect(() => Policy.and('both', null as unknown as Policy)).toThrow(/policies\[0\] is null; build each policy with Policy\.\*/);
    expect(agent({ processors: [undefined as any], singleNode: true })).toThrow(/processors\[0\] is undefined; build processors with Processor\.\*/);
  });
});

describe('operator-created Services expose what the operator derives', () => {
  function agentTo(url: string) {
    const c = chart();
    const runtime = CollectorRuntime.operator();
    const gw = new TailSamplingGateway(c, 'gw', { backend: Backend.tempo().bind(c, 'tempo'), policies: POLICIES, runtime });
    const target: ITraceBackend = { ...Backend.tempo().bind(c, 'tempo2', { namespace: 'other' }), otlpGrpcUrl: url };
    new CollectorAgent(c, 'agent', { backend: target, runtime });
    return { c, gw };
  }

  test('the self-metrics port is not on <name>-collector: only on <name>-collector-monitoring', () => {
    const bad = agentTo('http://otel-gateway-collector.observability.svc.cluster.local:8888');
    const errors = validate(bad.c).errors.filter((f) => f.rule === 'collector-endpoint');
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/sends to port 8888 of Service "observability\/otel-gateway-collector", which exposes 4317, 4318/);

    const good = agentTo('http://otel-gateway-collector-monitoring.observability.svc.cluster.local:8888');
    expect(validate(good.c).errors.filter((f) => f.rule === 'collector-endpoint')).toEqual([]);
  });
});
