/**
 * Additions after construction take effect (the cdk8s-plus lifecycle): collector configs, checksums
 * and CR specs are produced at synth. Fan-out to several backends and PII processors, in both
 * collector runtimes, validate clean.
 */
import { parse } from 'yaml';
import { AttributeAction, Backend, Exporter, Policy, Processor, Receiver } from '../../lib';
import { CollectorRuntime } from '../../lib/collector';
import { StackOperator, TracingStack } from '../../lib/stack';
import { validateManifests } from '../../lib/validation';
import { runConstructValidations, synthObjects } from '../../lib/stack/layered-output';
import { testChart } from '../helpers/temp';

type Obj = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: any;
  data?: any;
};

/** The collector configs of the synthesized objects, by collector name (CR spec.config or the mounted ConfigMap). */
function collectorConfigs(objects: Obj[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const o of objects) {
    if (o.kind === 'OpenTelemetryCollector') out[o.metadata.name] = o.spec.config;
    if (o.kind === 'ConfigMap' && o.metadata.name.endsWith('-config') && o.data?.['collector.yaml']) {
      out[o.metadata.name.replace(/-config$/, '')] = parse(o.data['collector.yaml']);
    }
  }
  return out;
}

const RUNTIMES = [
  ['operator', () => CollectorRuntime.operator()],
  ['manifests', () => CollectorRuntime.manifests()],
] as const;

const vendor = () =>
  Backend.otlp('https://otlp.vendor.example.com:4317', {
    headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor-api', key: 'key' } }],
  });

function build(
  runtime: CollectorRuntime,
  after: (s: TracingStack) => void,
  props: Record<string, unknown> = {},
) {
  const chart = testChart('c');
  const stack = new TracingStack(chart, 'tracing', { operator: StackOperator.external(), runtime, ...props });
  after(stack);
  runConstructValidations(chart);
  const objects = synthObjects(chart) as Obj[];
  const validation = validateManifests(objects);
  return { stack, objects, configs: collectorConfigs(objects), validation };
}

describe.each(RUNTIMES)('additions after construction (%s runtime)', (_name, runtime) => {
  test('a processor added to the agent config after construction is rendered, before batch', () => {
    const { configs, validation } = build(runtime(), (s) =>
      s.agent.addProcessor(
        Processor.attributes({ name: 'pii', actions: [AttributeAction.hash('user.email')] }),
      ),
    );
    const procs = configs['otel-agent'].service.pipelines.traces.processors;
    expect(procs.slice(-2)).toEqual(['attributes/pii', 'batch']);
    expect(configs['otel-agent'].processors['attributes/pii']).toEqual({
      actions: [{ key: 'user.email', action: 'hash' }],
    });
    expect(validation.errors).toEqual([]);
  });

  test('direct changes to gateway.config before synth are rendered (addExporter on the config)', () => {
    const { configs, validation } = build(runtime(), (s) => {
      s.gateway!.config.add(Exporter.debug());
      s.gateway!.config.pipeline('traces')!.exporters.push('debug');
    });
    expect(configs['otel-gateway'].service.pipelines.traces.exporters).toContain('debug');
    expect(configs['otel-gateway'].exporters.debug).toBeDefined();
    expect(validation.errors).toEqual([]);
  });

  test('gateway.addPolicy and addProcessor (before and after sampling) after construction', () => {
    const { configs, validation } = build(runtime(), (s) => {
      s.gateway!.addPolicy(Policy.latency({ name: 'very-slow', thresholdMs: 5000 }));
      s.gateway!.addProcessor(
        Processor.attributes({
          name: 'drop-auth',
          actions: [AttributeAction.delete('http.request.header.authorization')],
        }),
        { position: 'before-sampling' },
      );
      s.gateway!.addProcessor(
        Processor.resource({
          name: 'env',
          actions: [AttributeAction.upsert('deployment.environment', 'prod')],
        }),
      );
    });
    const gw = configs['otel-gateway'];
    const names = gw.processors.tail_sampling.policies.map((p: { name: string }) => p.name);
    expect(names).toContain('very-slow');
    const procs: string[] = gw.service.pipelines.traces.processors;
    expect(procs.indexOf('attributes/drop-auth')).toBeLessThan(procs.indexOf('tail_sampling'));
    expect(procs.indexOf('resource/env')).toBeGreaterThan(procs.indexOf('tail_sampling'));
    expect(procs[procs.length - 1]).toBe('batch');
    expect(validation.errors).toEqual([]);
  });

  test('addExporter and addPipeline on the gateway after construction', () => {
    const { configs, validation } = build(runtime(), (s) => {
      s.gateway!.addExporter(Exporter.debug({ name: 'audit' } as never));
    });
    expect(configs['otel-gateway'].service.pipelines.traces.exporters).toContain('debug/audit');
    expect(validation.errors).toEqual([]);
  });

  test('fan-out: stack.addBackend sends sampled traces from the gateway to both backends, the header from its Secret', () => {
    const { configs, objects, validation } = build(runtime(), (s) =>
      s.addBackend(vendor(), { name: 'vendor' }),
    );
    const gw = configs['otel-gateway'];
    const exporters: string[] = gw.service.pipelines.traces.exporters;
    expect(exporters).toEqual(['otlp_grpc/tempo', 'otlp_grpc/vendor']);
    expect(gw.exporters['otlp_grpc/vendor'].endpoint).toBe('otlp.vendor.example.com:4317');
    expect(gw.exporters['otlp_grpc/vendor'].headers['x-api-key']).toMatch(/^\$\{env:[A-Z0-9_]+\}$/);
    // the agent still exports to the gateway only
    expect(configs['otel-agent'].service.pipelines.traces.exporters).toEqual(['load_balancing']);
    // no credential in any manifest: the header value is an env var from the Secret
    expect(JSON.stringify(objects)).toContain('vendor-api');
    expect(validation.errors).toEqual([]);
  });

  test('fan-out without a gateway (head sampling): the agent exports to every backend', () => {
    const { configs, validation } = build(runtime(), () => undefined, {
      sampling: (require('../../lib/stack') as typeof import('../../lib/stack')).Sampling.head(0.2),
      additionalBackends: [vendor()],
    });
    expect(Object.keys(configs)).toEqual(['otel-agent']);
    expect(configs['otel-agent'].service.pipelines.traces.exporters).toEqual([
      'otlp_grpc/tempo',
      'otlp_grpc/otlp-2',
    ]);
    expect(validation.errors).toEqual([]);
  });

  test('PII processors from stack props: agentProcessors run on the agent, gatewayProcessors after sampling', () => {
    const { configs, validation } = build(runtime(), () => undefined, {
      agentProcessors: [
        Processor.attributes({
          name: 'pii',
          actions: [AttributeAction.hash('enduser.id'), AttributeAction.delete('http.request.header.cookie')],
        }),
      ],
      gatewayProcessors: [
        Processor.resource({
          name: 'cluster',
          actions: [AttributeAction.upsert('k8s.cluster.name', 'prod-eu')],
        }),
      ],
    });
    expect(configs['otel-agent'].service.pipelines.traces.processors).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'attributes/pii',
      'batch',
    ]);
    expect(configs['otel-agent'].processors['attributes/pii'].actions).toEqual([
      { key: 'enduser.id', action: 'hash' },
      { key: 'http.request.header.cookie', action: 'delete' },
    ]);
    const gwProcs: string[] = configs['otel-gateway'].service.pipelines.traces.processors;
    expect(gwProcs.indexOf('resource/cluster')).toBeGreaterThan(gwProcs.indexOf('tail_sampling'));
    expect(validation.errors).toEqual([]);
  });

  test('an invalid addition is caught at synth by the construct validation, naming the collector', () => {
    const chart = testChart('c');
    const s = new TracingStack(chart, 'tracing', { operator: StackOperator.external(), runtime: runtime() });
    s.gateway!.config.pipeline('traces')!.exporters.push('otlp_grpc/missing');
    expect(() => runConstructValidations(chart)).toThrow(
      /tail-sampling gateway "gateway": undefined-component at service\.pipelines\.traces\.exporters\[\d\]: exporter "otlp_grpc\/missing" is not defined/,
    );
  });

  test('a receiver added after construction gets its port on the Service', () => {
    const { objects } = build(runtime(), (s) => {
      const r = s.agent.config.add(Receiver.custom('zipkin', { endpoint: '0.0.0.0:9411' }, { ports: [{ name: 'zipkin', port: 9411, protocol: 'TCP' }] }));
      s.agent.config.pipeline('traces')!.receivers.push(r.id);
    });
    const ports = JSON.stringify(
      objects.filter((o) => o.kind === 'Service' || o.kind === 'OpenTelemetryCollector'),
    );
    if (_name === 'manifests') expect(ports).toContain('9411');
    expect(JSON.stringify(objects)).toContain('zipkin');
  });
});

test('manifests runtime: the config checksum on the pod template follows additions after construction', () => {
  const checksum = (after: (s: TracingStack) => void) => {
    const { objects } = build(CollectorRuntime.manifests(), after);
    const ds = objects.find((o) => o.kind === 'DaemonSet')!;
    return ds.spec.template.metadata.annotations['checksum/config'];
  };
  const plain = checksum(() => undefined);
  const added = checksum((s) =>
    s.agent.addProcessor(
      Processor.attributes({ name: 'pii', actions: [AttributeAction.hash('user.email')] }),
    ),
  );
  expect(plain).toMatch(/^[0-9a-f]{16,}$/);
  expect(added).not.toBe(plain);
});
