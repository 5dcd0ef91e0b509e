import { Testing } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { InjectLanguage, Instrumentation } from '../../lib/instrumentation';
import { grpcPortWarnings, GRPC_PORT_FOR_HTTP_SDKS_RULE } from '../../lib/instrumentation/instrumentation-rules';
import { synthLayered } from '../../lib/stack/layered-output';
import { tempDir, testChart } from '../helpers/temp';
import { expectValid } from '../helpers/validate';

const instrumentationObject = (objects: any[]) => objects.find((o) => o.kind === 'Instrumentation');

describe('Instrumentation name: optional, generated when left out', () => {
  test('without name, metadata.name is the generated name and the object validates', () => {
    const chart = testChart('shop', { namespace: 'apps' });
    const i = new Instrumentation(chart, 'tracing', { endpoint: 'http://otel-agent.observability.svc.cluster.local:4318' });
    const obj = instrumentationObject(Testing.synth(chart));
    expect(i.name).toMatch(/^shop-tracing-[0-9a-f]{8}$/);
    expect(obj.metadata).toEqual({ name: i.name, namespace: 'apps' });
    expect(expectValid(chart).errors).toEqual([]);
  });

  test('inject names the generated name, and the given name is used as is', () => {
    const chart = testChart('shop');
    const generated = new Instrumentation(chart, 'a', { endpoint: 'http://agent:4318' });
    const named = new Instrumentation(chart, 'b', { endpoint: 'http://agent:4318', name: 'java-tracing' });
    const d1 = new Deployment(chart, 'd1', { containers: [{ image: 'registry.example/app:1.0' }] });
    const d2 = new Deployment(chart, 'd2', { containers: [{ image: 'registry.example/app:1.0' }] });
    generated.inject(d1, { languages: [InjectLanguage.java()] });
    named.inject(d2, { languages: [InjectLanguage.java()] });
    const objects = Testing.synth(chart);
    const annotation = (name: string) =>
      objects.find((o) => o.kind === 'Deployment' && o.metadata.name.includes(name)).spec.template.metadata.annotations[
        'instrumentation.opentelemetry.io/inject-java'
      ];
    expect(annotation('d1')).toBe(generated.name);
    expect(annotation('d2')).toBe('java-tracing');
    expect(objects.filter((o) => o.kind === 'Instrumentation').map((o) => o.metadata.name)).toEqual([generated.name, 'java-tracing']);
  });
});

describe('warning: an OTLP/gRPC port (4317) for SDKs that speak OTLP/HTTP', () => {
  const warnings = (props: ConstructorParameters<typeof Instrumentation>[2]) => {
    const chart = testChart('c');
    new Instrumentation(chart, 'i', props);
    const result = expectValid(chart);
    return result.warnings.filter((w) => w.rule === GRPC_PORT_FOR_HTTP_SDKS_RULE);
  };

  test('a plain endpoint on 4317 warns at synth validation, naming the languages and the fix', () => {
    const found = warnings({ endpoint: 'http://otel-agent.observability.svc.cluster.local:4317', name: 'tracing' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', kind: 'Instrumentation', name: 'tracing', path: 'spec.exporter.endpoint' });
    expect(found[0].message).toBe(
      'endpoint "http://otel-agent.observability.svc.cluster.local:4317" is the OTLP/gRPC port 4317, but the java, nodejs, python, dotnet, go SDKs ' +
        'injected by the operator default to OTLP/HTTP (4318), so their exports would fail; pass an IOtlpDestination (e.g. the stack\'s agent: ' +
        'each language gets the port its SDK speaks), use port 4318, or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc in env',
    );
  });

  test('synthLayered reports it (stderr by default)', () => {
    const chart = testChart('c');
    new Instrumentation(chart, 'i', { endpoint: 'http://agent:4317', name: 'tracing' });
    const reported: string[] = [];
    synthLayered(chart, { outdir: tempDir('layered-'), onWarning: (m) => reported.push(m) });
    expect(reported.filter((m) => m.includes(GRPC_PORT_FOR_HTTP_SDKS_RULE))).toEqual([
      expect.stringMatching(/^warning: instrumentation-grpc-port in Instrumentation tracing at spec\.exporter\.endpoint: endpoint "http:\/\/agent:4317" is the OTLP\/gRPC port 4317, but the java, nodejs, python, dotnet, go SDKs/),
    ]);
  });

  test('languages with their own endpoint or protocol are left out of the warning', () => {
    const found = warnings({
      endpoint: 'http://agent:4317',
      java: { env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://agent:4318' }] },
      python: { env: [{ name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' }] },
    });
    expect(found.map((w) => w.message.match(/but the (.*) SDKs/)?.[1])).toEqual(['nodejs, dotnet, go']);
  });

  test('no warning for port 4318, for OTEL_EXPORTER_OTLP_PROTOCOL=grpc in the common env, or for a destination', () => {
    expect(warnings({ endpoint: 'http://agent:4318' })).toEqual([]);
    expect(warnings({ endpoint: 'http://agent:4317', env: [{ name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' }] })).toEqual([]);
    expect(
      warnings({ endpoint: { otlpGrpcUrl: 'http://agent:4317', otlpHttpUrl: 'http://agent:4318', requiredEnv: [] } }),
    ).toEqual([]);
  });

  test('the rule looks at every Instrumentation in the manifests, whoever wrote it', () => {
    const cr = (endpoint: unknown) => ({
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'Instrumentation',
      metadata: { name: 'x', namespace: 'apps' },
      spec: { exporter: { endpoint } },
    });
    expect(grpcPortWarnings([cr('https://collector:4317')])).toHaveLength(1);
    expect(grpcPortWarnings([cr('https://collector:4318'), cr(undefined), cr('not a url'), { kind: 'Deployment' }])).toEqual([]);
  });
});

describe('images are pinned: a reference without tag or digest is refused', () => {
  test.each([
    ['java.image', { java: { image: 'ghcr.io/open-telemetry/autoinstrumentation-java' } }, /instrumentation "i": java: image "ghcr\.io\/open-telemetry\/autoinstrumentation-java" is not a pinned image reference; use \[registry\[:port\]\/\]repo:tag or repo@sha256:<digest>/],
    ['nginx.image', { nginx: { image: 'nginx-auto' } }, /instrumentation "i": nginx: image "nginx-auto" is not a pinned image reference/],
    ['java.extensions[0].image', { java: { extensions: [{ image: 'registry.example/ext', dir: '/ext' }] } }, /instrumentation "i": java\.extensions\[0\]: image "registry\.example\/ext" is not a pinned image reference/],
  ])('%s', (_n, props, message) => {
    expect(() => new Instrumentation(testChart('c'), 'i', { endpoint: 'http://agent:4318', ...props })).toThrow(message);
  });

  test('tags, digests and :latest (as for collectors) are accepted', () => {
    const digest = `registry.example/auto@sha256:${'a'.repeat(64)}`;
    const i = new Instrumentation(testChart('c'), 'i', {
      endpoint: 'http://agent:4318',
      java: { image: 'registry.example:5000/auto-java:2.10.0' },
      python: { image: digest },
      nodejs: { image: 'registry.example/auto-node:latest' },
    });
    expect([i.spec.java, i.spec.python, i.spec.nodejs].map((b: any) => b.image)).toEqual([
      'registry.example:5000/auto-java:2.10.0',
      digest,
      'registry.example/auto-node:latest',
    ]);
  });
});
