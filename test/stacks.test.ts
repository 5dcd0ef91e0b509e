import { App, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { OperatorManifestSource, WebhookCertificates } from '../lib/operator';
import { StackOperator } from '../lib/stack';
import { jaegerHeadSamplingStack, singleNodeDevStack, tempoTailSamplingStack, vendorOtlpStack } from '../stacks';
import { describeWithReference, ref } from './helpers/reference';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; [k: string]: any };

function find(objects: Obj[], kind: string, name?: string): Obj {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind} ${name ?? ''} in: ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

/** Every namespace an object lives in is created by the stack (a first apply would fail otherwise). */
function expectOwnNamespaces(objects: Obj[]): void {
  const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const used = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
  expect([...used].filter((n) => !created.has(n))).toEqual([]);
  expect(objects.find((o) => o.kind === 'Namespace')?.metadata.namespace).toBeUndefined();
}

/** The collector config of an OpenTelemetryCollector CR or of a plain-manifest ConfigMap. */
function collectorConfig(objects: Obj[], name: string): any {
  const cr = objects.find((o) => o.kind === 'OpenTelemetryCollector' && o.metadata.name === name);
  if (cr) return cr.spec.config;
  return parse(find(objects, 'ConfigMap', `${name}-config`).data['collector.yaml']);
}

describe('reference stack: Tempo + tail-sampling gateway', () => {
  const objects: Obj[] = Testing.synth(tempoTailSamplingStack(testApp()));

  test('validates clean (no warnings either), creates its namespace, and matches the snapshot', () => {
    // (without the reference CRDs, custom resources can only get the unknown-crd warning)
    expect(expectValid(objects).warnings.filter((w) => w.rule !== 'unknown-crd')).toEqual([]);
    expectOwnNamespaces(objects);
    expect(objects).toMatchSnapshot();
  });

  test('the gateway runs tail_sampling with the seed policies, 3 replicas, the k8s image', () => {
    const gw = find(objects, 'OpenTelemetryCollector', 'otel-gateway');
    expect(gw.spec.mode).toBe('statefulset');
    expect(gw.spec.replicas).toBe(3);
    expect(gw.spec.image).toMatch(/opentelemetry-collector-k8s:0\.158\.0$/);
    const ts = gw.spec.config.processors.tail_sampling;
    expect(ts.decision_wait).toBe('10s');
    expect(ts.policies.map((p: any) => [p.name, p.type])).toEqual([
      ['errors', 'status_code'],
      ['latency', 'latency'],
      ['default', 'probabilistic'],
    ]);
    expect(ts.policies[1].latency.threshold_ms).toBe(1000);
    expect(ts.policies[2].probabilistic.sampling_percentage).toBe(10);
    expect(gw.spec.config.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8s_attributes', 'tail_sampling', 'batch']);
  });

  test('agents load-balance by trace id to the gateway headless Service and do not sample', () => {
    const agent = collectorConfig(objects, 'otel-agent');
    const lb = agent.exporters.load_balancing;
    expect(lb.routing_key).toBe('traceID');
    expect(lb.resolver.dns.hostname).toBe('otel-gateway-collector-headless.observability.svc.cluster.local');
    expect(agent.processors.tail_sampling).toBeUndefined();
    expect(agent.processors.k8s_attributes.passthrough).toBe(true);
    expect(find(objects, 'OpenTelemetryCollector', 'otel-agent').spec.mode).toBe('daemonset');
  });

  test('the gateway exports to Tempo over OTLP/gRPC with retry and a sending queue', () => {
    const exp = collectorConfig(objects, 'otel-gateway').exporters['otlp_grpc/tempo'];
    expect(exp.endpoint).toBe('tempo.observability.svc.cluster.local:4317');
    expect(exp.retry_on_failure.enabled).toBe(true);
    expect(exp.sending_queue.enabled).toBe(true);
  });

  test('Tempo 3 on S3 reads its credentials from the Secret, never inline', () => {
    const cfg = parse(find(objects, 'ConfigMap', 'tempo-config').data['tempo.yaml']);
    expect(cfg.ingester).toBeUndefined();
    expect(cfg.compactor).toBeUndefined();
    expect(cfg.storage.trace.s3.bucket).toBe('traces');
    expect(cfg.storage.trace.s3.access_key).toMatch(/^\$\{[A-Z0-9_]+\}$/);
    const env = find(objects, 'StatefulSet', 'tempo').spec.template.spec.containers[0].env;
    expect(env.every((e: any) => e.value === undefined || !/secret|key/i.test(e.name))).toBe(true);
    expect(env.filter((e: any) => e.valueFrom?.secretKeyRef?.name === 'tempo-s3')).toHaveLength(2);
  });

  test('the Instrumentation keeps every trace in the SDK and points at the node-local agent', () => {
    const inst = find(objects, 'Instrumentation', 'tracing');
    expect(inst.spec.sampler).toEqual({ type: 'parentbased_always_on' });
    expect(inst.spec.exporter.endpoint).toBe('http://otel-agent-collector.observability.svc.cluster.local:4317');
    expect(inst.spec.python.env).toContainEqual({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-agent-collector.observability.svc.cluster.local:4318' });
  });

  test('plain-manifest runtime: same pipeline, no CR', () => {
    const plain: Obj[] = Testing.synth(tempoTailSamplingStack(testApp(), 'plain', { runtime: 'manifests' }));
    expectValid(plain);
    expect(plain.filter((o) => o.kind === 'OpenTelemetryCollector')).toEqual([]);
    expect(find(plain, 'StatefulSet', 'otel-gateway').spec.replicas).toBe(3);
    expect(find(plain, 'DaemonSet', 'otel-agent')).toBeDefined();
    expect(collectorConfig(plain, 'otel-gateway').processors.tail_sampling.policies).toHaveLength(3);
  });
});

describe('reference stack: Jaeger v2 badger + head sampling', () => {
  const objects: Obj[] = Testing.synth(jaegerHeadSamplingStack(testApp()));

  test('validates clean (no warnings either), creates its namespace, and matches the snapshot', () => {
    // (without the reference CRDs, custom resources can only get the unknown-crd warning)
    expect(expectValid(objects).warnings.filter((w) => w.rule !== 'unknown-crd')).toEqual([]);
    expectOwnNamespaces(objects);
    expect(objects).toMatchSnapshot();
  });

  test('head sampling in the SDKs; no gateway, no tail_sampling anywhere', () => {
    expect(find(objects, 'Instrumentation', 'tracing').spec.sampler).toEqual({ type: 'parentbased_traceidratio', argument: '0.1' });
    expect(objects.filter((o) => o.metadata.name.includes('gateway'))).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('tail_sampling');
  });

  test('agents export straight to Jaeger; badger on a PVC with the Recreate strategy', () => {
    const agent = collectorConfig(objects, 'otel-agent');
    expect(agent.exporters['otlp_grpc/jaeger'].endpoint).toBe('jaeger.observability.svc.cluster.local:4317');
    const jaeger = find(objects, 'Deployment', 'jaeger');
    expect(jaeger.spec.strategy.type).toBe('Recreate');
    expect(jaeger.spec.template.spec.securityContext.fsGroup).toBe(10001);
    expect(find(objects, 'PersistentVolumeClaim').spec.resources.requests.storage).toBe('20Gi');
  });
});

describe('reference stack: external vendor over OTLP', () => {
  const objects: Obj[] = Testing.synth(vendorOtlpStack(testApp()));

  test('validates clean (no warnings either), creates its namespace, and matches the snapshot', () => {
    // (without the reference CRDs, custom resources can only get the unknown-crd warning)
    expect(expectValid(objects).warnings.filter((w) => w.rule !== 'unknown-crd')).toEqual([]);
    expectOwnNamespaces(objects);
    expect(objects).toMatchSnapshot();
  });

  test('no backend workload; the gateway exports over TLS with the API key from a Secret', () => {
    expect(objects.filter((o) => ['StatefulSet', 'Deployment'].includes(o.kind))).toEqual([]);
    const gw = find(objects, 'OpenTelemetryCollector', 'otel-gateway');
    const exp = gw.spec.config.exporters['otlp_grpc/otlp'];
    expect(exp.endpoint).toBe('otlp.vendor.example.com:4317');
    expect(exp.tls.insecure).toBe(false);
    const headerRef = exp.headers['x-api-key'];
    expect(headerRef).toMatch(/^\$\{env:[A-Z_]+\}$/);
    const envName = headerRef.slice(6, -1);
    expect(gw.spec.env).toContainEqual({ name: envName, valueFrom: { secretKeyRef: { name: 'vendor-otlp', key: 'api-key' } } });
  });
});

describe('reference stack: single-node dev', () => {
  const objects: Obj[] = Testing.synth(singleNodeDevStack(testApp()));

  test('validates clean (no warnings either), creates its namespace, and matches the snapshot', () => {
    // (without the reference CRDs, custom resources can only get the unknown-crd warning)
    expect(expectValid(objects).warnings.filter((w) => w.rule !== 'unknown-crd')).toEqual([]);
    expectOwnNamespaces(objects);
    expect(objects).toMatchSnapshot();
  });

  test('the agent tail-samples (single node), as a plain DaemonSet with hostPorts; no gateway', () => {
    const agent = collectorConfig(objects, 'otel-agent');
    expect(agent.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8s_attributes', 'tail_sampling', 'batch']);
    expect(agent.processors.tail_sampling.decision_wait).toBe('5s');
    const ds = find(objects, 'DaemonSet', 'otel-agent');
    const ports = ds.spec.template.spec.containers[0].ports;
    expect(ports.filter((p: any) => p.hostPort).map((p: any) => p.hostPort).sort()).toEqual([4317, 4318]);
    expect(objects.filter((o) => o.metadata.name.includes('gateway'))).toEqual([]);
  });

  test('the Instrumentation reaches the agent through the node IP', () => {
    const inst = find(objects, 'Instrumentation', 'tracing');
    expect(inst.spec.exporter.endpoint).toBe('http://$(OTEL_NODE_IP):4317');
    expect(inst.spec.env).toContainEqual({ name: 'OTEL_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  });
});

describeWithReference('reference stack with the operator installed from its release manifest', () => {
  const operator = StackOperator.install({
    source: OperatorManifestSource.fromFile(ref('opentelemetry-operator', 'opentelemetry-operator.yaml')),
    certificates: WebhookCertificates.certManager(),
  });
  const app = new App();
  const objects: Obj[] = Testing.synth(tempoTailSamplingStack(app, 'installed', { operator }));

  test('validates clean, CRs checked against the CRDs the stack itself installs', () => {
    const result = expectValid(objects);
    expect(result.warnings.filter((w) => w.rule === 'unknown-crd')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(4);
  });

  test('apply order in the output: CRDs, cert-manager objects and the operator come before the CRs', () => {
    const index = (pred: (o: Obj) => boolean) => objects.findIndex(pred);
    const lastCrd = objects.map((o) => o.kind).lastIndexOf('CustomResourceDefinition');
    const operatorDeployment = index((o) => o.kind === 'Deployment' && o.metadata.name.startsWith('opentelemetry-operator'));
    const firstCr = index((o) => o.apiVersion.startsWith('opentelemetry.io/'));
    expect(lastCrd).toBeLessThan(operatorDeployment);
    expect(operatorDeployment).toBeLessThan(firstCr);
  });
});
