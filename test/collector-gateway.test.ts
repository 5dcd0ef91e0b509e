import { ApiObject, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Backend } from '../lib/backends';
import { CollectorAgent, CollectorRuntime, sizeGateway, TailSamplingGateway } from '../lib/collector';
import { Policy, sizeTailSampling } from '../lib/collector/config';
import { OpenTelemetryOperator, OperatorManifestSource, WebhookCertificates } from '../lib/operator';
import { describeWithReference, ref } from './helpers/reference';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

const POLICIES = [Policy.statusCode('ERROR'), Policy.latency({ thresholdMs: 1000 }), Policy.probabilistic(10)];
const find = (objs: any[], kind: string, name?: string) => objs.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

/** The seed guide's stack: agents on every node -> 3 gateway replicas tail-sampling -> Tempo. */
function stack(runtime: CollectorRuntime, opts: { resolver?: 'dns' | 'k8s'; persistent?: boolean } = {}) {
  const chart = new Chart(testApp(), 'stack', { namespace: 'observability' });
  const backend = Backend.tempo().bind(chart, 'tempo');
  const gateway = new TailSamplingGateway(chart, 'gateway', {
    backend,
    policies: POLICIES,
    replicas: 3,
    runtime,
    resolver: opts.resolver,
    persistentQueue: opts.persistent ? { sizeGiB: 2 } : undefined,
  });
  const agent = new CollectorAgent(chart, 'agent', { gateway, runtime });
  return { chart, gateway, agent, objs: Testing.synth(chart) };
}

describe('agent + 3-replica gateway, plain manifests', () => {
  const { chart, gateway, agent, objs } = stack(CollectorRuntime.manifests());
  const gwCfg = parse(find(objs, 'ConfigMap', 'otel-gateway-config').data['collector.yaml']);
  const agentCfg = parse(find(objs, 'ConfigMap', 'otel-agent-config').data['collector.yaml']);

  test('validates clean and matches the snapshot', () => {
    expectValid(chart);
    expect(objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'opentelemetry-collector')).toMatchSnapshot();
  });

  test('gateway: StatefulSet of 3 behind a headless Service, PDB allowing one disruption', () => {
    const sts = find(objs, 'StatefulSet', 'otel-gateway');
    expect(sts.spec.replicas).toBe(3);
    const headless = find(objs, 'Service', 'otel-gateway-headless');
    expect(headless.spec.clusterIP).toBe('None');
    // false is the default and the API server drops it: writing it would show as drift
    expect(headless.spec).not.toHaveProperty('publishNotReadyAddresses');
    expect(sts.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    const pdb = find(objs, 'PodDisruptionBudget', 'otel-gateway');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(sts.spec.selector.matchLabels);
  });

  test('agents route by trace id to the headless Service with the dns resolver', () => {
    const lb = agentCfg.exporters.load_balancing;
    expect(lb.routing_key).toBe('traceID');
    expect(lb.resolver.dns).toEqual({ hostname: 'otel-gateway-headless.observability.svc.cluster.local', port: '4317' });
    expect(lb.protocol.otlp.tls).toEqual({ insecure: true });
    expect(gateway.headlessHost).toBe(lb.resolver.dns.hostname);
    expect(agentCfg.service.pipelines.traces.exporters).toEqual(['load_balancing']);
  });

  test('agent k8s_attributes is passthrough and needs no API access; the gateway extracts by k8s.pod.ip', () => {
    expect(agentCfg.processors.k8s_attributes).toEqual({ passthrough: true });
    expect(objs.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name)).toEqual(['observability-otel-gateway']);
    expect(find(objs, 'DaemonSet', 'otel-agent').spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(gwCfg.processors.k8s_attributes.pod_association).toEqual([{ sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] }]);
    expect(find(objs, 'StatefulSet', 'otel-gateway').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('gateway pipeline: memory_limiter -> k8s_attributes -> tail_sampling -> batch -> backend with retry + queue', () => {
    expect(gwCfg.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8s_attributes', 'tail_sampling', 'batch']);
    expect(gwCfg.processors.tail_sampling.policies.map((p: any) => p.type)).toEqual(['status_code', 'latency', 'probabilistic']);
    expect(gwCfg.processors.tail_sampling.decision_wait).toBe('10s');
    const exp = gwCfg.exporters['otlp_grpc/tempo'];
    expect(exp.endpoint).toBe('tempo.observability.svc.cluster.local:4317');
    expect(exp.retry_on_failure).toEqual({ enabled: true });
    expect(exp.sending_queue).toEqual({ enabled: true });
  });

  test('agent and gateway expose OTLP destinations', () => {
    expect(gateway.otlpGrpcUrl).toBe('http://otel-gateway.observability.svc.cluster.local:4317');
    expect(agent.otlpGrpcUrl).toBe('http://otel-agent.observability.svc.cluster.local:4317');
  });
});

describe('agent + 3-replica gateway, operator runtime', () => {
  const { chart, agent, objs } = stack(CollectorRuntime.operator());
  const crs = objs.filter((o) => o.kind === 'OpenTelemetryCollector');
  const gw = crs.find((o) => o.metadata.name === 'otel-gateway');
  const ag = crs.find((o) => o.metadata.name === 'otel-agent');

  test('validates against the operator CRD (v1beta1) and matches the snapshot', () => {
    expectValid(chart);
    expect(objs.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'opentelemetry-collector')).toMatchSnapshot();
  });

  test('two v1beta1 CRs with the right modes, replicas, k8s distribution image and PDB', () => {
    expect(crs.map((o) => o.apiVersion)).toEqual(['opentelemetry.io/v1beta1', 'opentelemetry.io/v1beta1']);
    expect(gw.spec.mode).toBe('statefulset');
    expect(gw.spec.replicas).toBe(3);
    expect(gw.spec.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(ag.spec.mode).toBe('daemonset');
    expect(ag.spec.replicas).toBeUndefined();
    // not the operator default (core), which lacks tail_sampling, load_balancing and k8s_attributes
    for (const cr of crs) expect(cr.spec.image).toMatch(/^ghcr\.io\/open-telemetry\/opentelemetry-collector-releases\/opentelemetry-collector-k8s:/);
  });

  test('the values the webhook / CRD default are written out (the stored CR equals ours), memory in canonical form', () => {
    for (const cr of crs) {
      expect(cr.spec.managementState).toBe('managed');
      expect(cr.spec.upgradeStrategy).toBe('automatic');
      expect(cr.spec.config.extensions.health_check).toEqual({ endpoint: '0.0.0.0:13133', path: '/' });
      for (const q of Object.values(cr.spec.resources).flatMap((r: any) => Object.values(r)) as string[]) {
        const mi = /^(\d+)Mi$/.exec(q);
        if (mi) expect(Number(mi[1]) % 1024).not.toBe(0); // whole GiB are written as Gi
      }
    }
    expect(gw.spec.resources.limits.memory).toBe('2Gi');
  });

  test('agents target the Service names the operator derives (<name>-collector-headless)', () => {
    expect(ag.spec.config.exporters.load_balancing.resolver.dns.hostname).toBe('otel-gateway-collector-headless.observability.svc.cluster.local');
    expect(agent.otlpGrpcUrl).toBe('http://otel-agent-collector.observability.svc.cluster.local:4317');
    // RBAC is bound to the ServiceAccount the operator creates
    const binding = find(objs, 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-gateway-collector', namespace: 'observability' }]);
  });

  test('same pods as plain manifests: env, resources, security context', () => {
    const plain = stack(CollectorRuntime.manifests()).objs;
    const sts = find(plain, 'StatefulSet', 'otel-gateway').spec.template.spec;
    expect(gw.spec.env).toEqual(sts.containers[0].env);
    expect(gw.spec.resources).toEqual(sts.containers[0].resources);
    expect(gw.spec.securityContext).toEqual(sts.containers[0].securityContext);
    expect(gw.spec.podSecurityContext).toEqual(sts.securityContext);
    expect(ag.spec.tolerations).toEqual(find(plain, 'DaemonSet').spec.template.spec.tolerations);
  });
});

describe('gateway options', () => {
  test('k8s resolver: agents get a Role on endpoints + endpointslices in the gateway namespace', () => {
    const { chart, objs } = stack(CollectorRuntime.manifests(), { resolver: 'k8s' });
    const agentCfg = parse(find(objs, 'ConfigMap', 'otel-agent-config').data['collector.yaml']);
    expect(agentCfg.exporters.load_balancing.resolver.k8s).toEqual({ service: 'otel-gateway.observability', ports: [4317] });
    const role = find(objs, 'Role');
    expect(role.metadata.namespace).toBe('observability');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = find(objs, 'RoleBinding');
    expect(binding.subjects[0].name).toBe('otel-agent');
    // the resolver talks to the API server
    expect(find(objs, 'DaemonSet').spec.template.spec.automountServiceAccountToken).toBe(true);
    expectValid(chart);
  });

  test('persistent queue: file_storage on a PVC per replica, writable by the non-root user', () => {
    for (const runtime of [CollectorRuntime.manifests(), CollectorRuntime.operator()]) {
      const { chart, objs } = stack(runtime, { persistent: true });
      expectValid(chart);
      const cfgObj = runtime.kind === 'manifests'
        ? parse(find(objs, 'ConfigMap', 'otel-gateway-config').data['collector.yaml'])
        : find(objs, 'OpenTelemetryCollector', 'otel-gateway').spec.config;
      expect(cfgObj.extensions['file_storage/queue'].directory).toBe('/var/lib/otelcol/queue');
      expect(cfgObj.exporters['otlp_grpc/tempo'].sending_queue.storage).toBe('file_storage/queue');
      expect(cfgObj.service.extensions).toContain('file_storage/queue');
      const holder = runtime.kind === 'manifests' ? find(objs, 'StatefulSet', 'otel-gateway').spec : find(objs, 'OpenTelemetryCollector', 'otel-gateway').spec;
      expect(holder.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
      const mounts = runtime.kind === 'manifests' ? holder.template.spec.containers[0].volumeMounts : holder.volumeMounts;
      expect(mounts).toContainEqual({ name: 'queue', mountPath: '/var/lib/otelcol/queue' });
      const podSc = runtime.kind === 'manifests' ? holder.template.spec.securityContext : holder.podSecurityContext;
      expect(podSc.fsGroup).toBe(10001);
    }
  });

  test('sizing from declared traffic: replicas, memory and num_traces follow the documented formulas', () => {
    // 1000 traces/s x 20 spans = 20000 spans/s -> 2 replicas of CPU, +1 to survive one down -> 3
    const s = sizeGateway({ tracesPerSec: 1000, spansPerTrace: 20 }, 10);
    expect(s.replicas).toBe(3);
    expect(s.tracesPerSecPerReplica).toBe(500);
    // each survivor holds 500 traces/s x 10 s x 1.5
    expect(s.numTraces).toBe(sizeTailSampling({ tracesPerSec: 500, spansPerTrace: 20, decisionWaitSec: 10 }).numTraces);
    expect(s.numTraces).toBe(7500);
    // 7500 x 20 x 1 KiB = 146.5 MiB buffer -> /0.8 + 128 = 312 -> floor of 512
    expect(s.memoryLimitMiB).toBe(512);
    expect(s.cpuRequestMillis).toBe(1000);

    // heavy traffic: memory, not CPU, drives the replica count
    const big = sizeGateway({ tracesPerSec: 2000, spansPerTrace: 50 }, 30, { maxSpansPerSecPerReplica: 1e9 });
    expect(big.memoryLimitMiB).toBeLessThanOrEqual(4096);
    // one replica fewer would need more than 4096 MiB each: refused, naming the count that fits
    expect(() => sizeGateway({ tracesPerSec: 2000, spansPerTrace: 50 }, 30, { maxSpansPerSecPerReplica: 1e9 }, big.replicas - 1)).toThrow(
      new RegExp(`replicas ${big.replicas - 1} is too few .*\\((\\d{4,}) MiB.*use replicas: ${big.replicas} `),
    );
  });

  test('sizing reaches the workload and the tail_sampling config', () => {
    const chart = new Chart(testApp(), 'c', { namespace: 'observability' });
    const gateway = new TailSamplingGateway(chart, 'gw', {
      backend: Backend.tempo().bind(chart, 'tempo'),
      policies: POLICIES,
      expectedTraffic: { tracesPerSec: 1000, spansPerTrace: 20 },
    });
    const objs = Testing.synth(chart);
    const sts = find(objs, 'StatefulSet', 'otel-gateway');
    expect(sts.spec.replicas).toBe(gateway.sizing!.replicas);
    const c = sts.spec.template.spec.containers[0];
    expect(c.resources.limits.memory).toBe(`${gateway.sizing!.memoryLimitMiB}Mi`);
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: `${Math.floor(gateway.sizing!.memoryLimitMiB * 0.8)}MiB` });
    const ts = parse(find(objs, 'ConfigMap', 'otel-gateway-config').data['collector.yaml']).processors.tail_sampling;
    expect(ts.num_traces).toBe(gateway.sizing!.numTraces);
    expect(ts.expected_new_traces_per_sec).toBe(gateway.sizing!.tracesPerSecPerReplica);
    expectValid(chart);
  });

  test('deployment workload: no StatefulSet, still a headless Service and a PDB', () => {
    const chart = new Chart(testApp(), 'c', { namespace: 'observability' });
    new TailSamplingGateway(chart, 'gw', { backend: Backend.tempo().bind(chart, 'tempo'), policies: POLICIES, workload: 'deployment' });
    const objs = Testing.synth(chart);
    expect(find(objs, 'Deployment', 'otel-gateway').spec.replicas).toBe(2);
    expect(find(objs, 'StatefulSet', 'otel-gateway')).toBeUndefined();
    expect(find(objs, 'Service', 'otel-gateway-headless')).toBeDefined();
    expect(find(objs, 'PodDisruptionBudget')).toBeDefined();
    expectValid(chart);
  });
});

describeWithReference('operator ordering', () => {
  test('collector CRs are applied after the operator installed in the same app', () => {
    const chart = new Chart(testApp(), 'c', { namespace: 'observability' });
    const operator = new OpenTelemetryOperator(chart, 'operator', {
      source: OperatorManifestSource.fromFile(ref('opentelemetry-operator', 'opentelemetry-operator.yaml')),
      certificates: WebhookCertificates.certManager(),
    });
    const runtime = CollectorRuntime.operator({ operator });
    const gateway = new TailSamplingGateway(chart, 'gw', { backend: Backend.tempo().bind(chart, 'tempo'), policies: POLICIES, runtime, replicas: 3 });
    new CollectorAgent(chart, 'agent', { gateway, runtime });
    const objs = Testing.synth(chart);
    const idx = (pred: (o: any) => boolean) => objs.findIndex(pred);
    const lastOperatorObject = Math.max(...operator.apiObjects.map((a: ApiObject) => idx((o) => o.kind === a.kind && o.metadata.name === a.name)));
    expect(idx((o) => o.kind === 'OpenTelemetryCollector' && o.metadata.name === 'otel-gateway')).toBeGreaterThan(lastOperatorObject);
    expect(idx((o) => o.kind === 'OpenTelemetryCollector' && o.metadata.name === 'otel-agent')).toBeGreaterThan(lastOperatorObject);
    expectValid(chart);
  });
});
