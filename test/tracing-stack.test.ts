import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Backend } from '../lib/backends';
import { InjectLanguage } from '../lib/instrumentation';
import { Sampling, TracingStack } from '../lib/stack';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

function chart(): Chart {
  return new Chart(testApp(), 'test', { namespace: 'observability' });
}

describe('TracingStack defaults are the seed', () => {
  const c = chart();
  const stack = new TracingStack(c, 'tracing');
  const objects = Testing.synth(c);

  test('Tempo backend, 3-replica tail-sampling gateway with the seed policies and decision_wait 10s', () => {
    expect(stack.backend.backendKind).toBe('tempo');
    expect(stack.gateway?.replicas).toBe(3);
    const ts = stack.gateway!.config.toObject().processors as any;
    expect(ts.tail_sampling.decision_wait).toBe('10s');
    expect(ts.tail_sampling.policies.map((p: any) => p.type)).toEqual(['status_code', 'latency', 'probabilistic']);
  });

  test('OTLP 4317/4318 on the agent, which the Instrumentation targets', () => {
    expect(stack.agent.config.listeningPorts().map((p) => p.port)).toEqual(expect.arrayContaining([4317, 4318]));
    expect(stack.agent.otlpGrpcUrl).toMatch(/:4317$/);
    expect(stack.agent.otlpHttpUrl).toMatch(/:4318$/);
    const inst = objects.find((o) => o.kind === 'Instrumentation');
    expect(inst.spec.exporter.endpoint).toBe(stack.agent.otlpGrpcUrl);
  });

  test('the Namespace carries labels (an applied object that sets no field is written again on its next apply)', () => {
    const ns = objects.find((o) => o.kind === 'Namespace');
    expect(ns.metadata).toEqual({ name: 'observability', labels: { 'app.kubernetes.io/part-of': 'opentelemetry-tracing', 'app.kubernetes.io/managed-by': 'cdk8s' } });
  });

  test('validates clean', () => {
    expectValid(objects);
  });

  test('the pipeline picture shows agent -> gateway -> Tempo', () => {
    const text = stack.pipelineDiagram();
    expect(text).toContain('agent_e_load_balancing --> gateway_r_otlp');
    expect(text).toContain('backend[("Grafana Tempo")]');
  });
});

describe('TracingStack parts are replaceable', () => {
  test('no Instrumentation, Jaeger backend, no sampling', () => {
    const c = chart();
    const stack = new TracingStack(c, 'tracing', { instrumentation: false, backend: Backend.jaeger(), sampling: Sampling.none() });
    expect(stack.instrumentation).toBeUndefined();
    expect(stack.gateway).toBeUndefined();
    expect(Testing.synth(c).filter((o) => o.kind === 'Instrumentation')).toEqual([]);
    expectValid(c);
  });

  test('instrument() annotates a cdk8s-plus Deployment pod template with the stack Instrumentation', () => {
    const c = chart();
    const stack = new TracingStack(c, 'tracing');
    const app = new Chart(c.node.scope as any, 'shop', { namespace: 'shop' });
    const d = new kplus.Deployment(app, 'checkout', { containers: [{ image: 'example/checkout:1', portNumber: 8080, securityContext: { ensureNonRoot: false } }] });
    stack.instrument(d, InjectLanguage.java());
    const deploy = Testing.synth(app).find((o) => o.kind === 'Deployment');
    expect(deploy.spec.template.metadata.annotations['instrumentation.opentelemetry.io/inject-java']).toBe('observability/tracing');
    expect(deploy.metadata.annotations?.['instrumentation.opentelemetry.io/inject-java']).toBeUndefined();
  });
});

describe('cluster domain', () => {
  test('a custom cluster domain reaches every in-cluster endpoint, and validates', () => {
    const c = chart();
    const stack = new TracingStack(c, 'tracing', { clusterDomain: 'corp.internal' });
    const objects = Testing.synth(c);
    expect(stack.agent.otlpGrpcUrl).toBe('http://otel-agent-collector.observability.svc.corp.internal:4317');
    const agentCr = objects.find((o) => o.kind === 'OpenTelemetryCollector' && o.metadata.name === 'otel-agent');
    expect(agentCr.spec.config.exporters.load_balancing.resolver.dns.hostname).toBe('otel-gateway-collector-headless.observability.svc.corp.internal');
    const gatewayCr = objects.find((o) => o.kind === 'OpenTelemetryCollector' && o.metadata.name === 'otel-gateway');
    expect(gatewayCr.spec.config.exporters['otlp_grpc/tempo'].endpoint).toBe('tempo.observability.svc.corp.internal:4317');
    expect(JSON.stringify(objects)).not.toContain('cluster.local');
    expectValid(objects);
  });

  test('a malformed cluster domain is refused', () => {
    expect(() => new TracingStack(chart(), 't', { clusterDomain: 'Corp_Internal' })).toThrow(/cluster domain "Corp_Internal" is not a valid DNS-1123 subdomain/);
  });
});

describe('TracingStack bad inputs', () => {
  test.each([
    ['gatewayReplicas with singleNode', () => new TracingStack(chart(), 't', { singleNode: true, gatewayReplicas: 2 }), /singleNode runs tail sampling in the agent and has no gateway/],
    ['expectedTraffic with head sampling', () => new TracingStack(chart(), 't', { sampling: Sampling.head(0.1), expectedTraffic: { tracesPerSec: 10, spansPerTrace: 5 } }), /size the tail-sampling gateway, but sampling is "head"/],
    ['head ratio 1.5', () => Sampling.head(1.5), /ratio 1\.5 is out of range; use a value in \(0, 1\]/],
    ['head ratio 0', () => Sampling.head(0), /ratio 0 is out of range/],
    ['empty tail policies', () => Sampling.tail({ policies: [] }), /policies is empty/],
    ['instrument without an Instrumentation', () => {
      const c = chart();
      const s = new TracingStack(c, 't', { instrumentation: false });
      s.instrument(new kplus.Deployment(c, 'd', { containers: [{ image: 'x' }] }), InjectLanguage.java());
    }, /this stack has no Instrumentation/],
  ])('%s', (_n, fn, re) => {
    expect(fn).toThrow(re);
  });
});
