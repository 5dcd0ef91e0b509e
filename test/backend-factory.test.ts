import { Chart, Testing } from 'cdk8s';
import { Backend, ExternalOtlpBackend, ITraceBackend, Jaeger, Tempo, TempoStorage } from '../lib/backends';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

function chart(namespace?: string): Chart {
  return new Chart(testApp(), 'test', namespace ? { namespace } : {});
}

describe('Backend.tempo / Backend.jaeger', () => {
  test('bind creates the construct in the namespace given by the stack', () => {
    const c = chart();
    const backend = Backend.tempo({ storage: TempoStorage.local({ sizeGiB: 5 }) }).bind(c, 'backend', {
      namespace: 'observability',
    });
    expect(backend).toBeInstanceOf(Tempo);
    expect(backend.otlpGrpcUrl).toBe('http://tempo.observability.svc.cluster.local:4317');
    const objects = Testing.synth(c);
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.every((o) => o.metadata.namespace === 'observability')).toBe(true);
    expect(expectValid(c).errors).toEqual([]);
  });

  test("the backend's own namespace wins over the stack's", () => {
    const backend = Backend.jaeger({ namespace: 'jaeger' }).bind(chart(), 'backend', { namespace: 'observability' });
    expect(backend).toBeInstanceOf(Jaeger);
    expect(backend.service?.namespace).toBe('jaeger');
    expect(backend.otlpHttpUrl).toBe('http://jaeger.jaeger.svc.cluster.local:4318');
  });

  test('without namespaces the chart namespace is used, else default', () => {
    expect(Backend.tempo().bind(chart('apps'), 'b').service?.namespace).toBe('apps');
    expect(Backend.tempo().bind(chart(), 'b').service?.namespace).toBe('default');
  });

  test('kind names the backend', () => {
    expect([Backend.tempo().kind, Backend.jaeger().kind, Backend.otlp('https://x.example.com').kind]).toEqual([
      'tempo',
      'jaeger',
      'otlp',
    ]);
  });

  test('every in-cluster backend URL points at a port of its own Service', () => {
    const c = chart('obs');
    const backends: ITraceBackend[] = [Backend.tempo().bind(c, 't'), Backend.jaeger().bind(c, 'j')];
    for (const b of backends) {
      for (const url of [b.otlpGrpcUrl, b.otlpHttpUrl]) {
        const u = new URL(url);
        expect(u.hostname).toBe(`${b.service!.name}.${b.service!.namespace}.svc.cluster.local`);
        expect(b.service!.ports).toContain(Number(u.port));
      }
    }
  });
});

describe('Backend.otlp (external)', () => {
  test('creates no Kubernetes objects and carries headers from Secrets and TLS', () => {
    const c = chart();
    const backend = Backend.otlp('https://otlp.vendor.example.com:443', {
      headers: [{ name: 'Authorization', valueFrom: { name: 'vendor-token', key: 'header' } }],
      tls: { caFrom: { name: 'vendor-ca', key: 'ca.crt' }, serverName: 'otlp.vendor.example.com' },
    }).bind(c, 'backend');
    expect(Testing.synth(c)).toEqual([]);
    expect(backend).toBeInstanceOf(ExternalOtlpBackend);
    expect(backend.backendKind).toBe('otlp');
    expect(backend.otlpGrpcUrl).toBe('https://otlp.vendor.example.com:443');
    expect(backend.preferredProtocol).toBe('grpc');
    expect(backend.headers).toEqual([{ name: 'authorization', valueFrom: { name: 'vendor-token', key: 'header' } }]);
    expect(backend.tls).toEqual({
      insecure: false,
      caFrom: { name: 'vendor-ca', key: 'ca.crt' },
      serverName: 'otlp.vendor.example.com',
    });
    expect(backend.service).toBeUndefined();
  });

  test('an http:// in-cluster endpoint is plaintext, OTLP/HTTP with a path is allowed', () => {
    const b = Backend.otlp('http://collector.other.svc.cluster.local:4318/', { protocol: 'http' }).bind(chart(), 'b');
    expect(b.tls).toEqual({ insecure: true });
    expect(b.preferredProtocol).toBe('http');
    expect(b.otlpHttpUrl).toBe('http://collector.other.svc.cluster.local:4318');
    const withPath = Backend.otlp('https://vendor.example.com/otlp', { protocol: 'http' }).bind(chart(), 'b');
    expect(withPath.otlpHttpUrl).toBe('https://vendor.example.com/otlp');
  });

  test('the same spec binds to the same backend every time (nothing created per bind)', () => {
    const spec = Backend.otlp('https://x.example.com');
    expect(spec.bind(chart(), 'a')).toBe(spec.bind(chart(), 'b'));
  });
});

describe('tree-wide checks', () => {
  test('two backends claiming the same Service name in one namespace fail validation', () => {
    const c = chart('obs');
    new Tempo(c, 'a');
    new Jaeger(c, 'b', { name: 'tempo' });
    expect(() => Testing.synth(c)).toThrow(
      /jaeger "tempo": Service name "tempo" in namespace "obs" is also used by tempo at test\/a; give one of them another name/,
    );
  });

  test('the same name in different namespaces is fine', () => {
    const c = chart();
    new Tempo(c, 'a', { namespace: 'one' });
    new Tempo(c, 'b', { namespace: 'two' });
    expect(Testing.synth(c).filter((o) => o.kind === 'Service').map((o) => o.metadata.namespace)).toEqual(['one', 'two']);
  });

  test('queryUrl points at the query port of the Service', () => {
    const c = chart('obs');
    const backends: ITraceBackend[] = [Backend.tempo().bind(c, 't'), Backend.jaeger().bind(c, 'j')];
    expect(backends.map((b) => b.queryUrl)).toEqual([
      'http://tempo.obs.svc.cluster.local:3200',
      'http://jaeger.obs.svc.cluster.local:16686',
    ]);
    expect(Backend.otlp('https://x.example.com').bind(c, 'o').queryUrl).toBeUndefined();
  });
});
