/**
 * Backends behind the collector: the gateway/agent exporter is derived from `ITraceBackend`
 * (`Exporter.fromBackend`, owned by the collector config model), never typed twice. A full gateway
 * construct does not exist yet; this checks the contract end to end at the exporter level.
 */
import { Chart, Testing } from 'cdk8s';
import { Backend, ITraceBackend } from '../lib/backends';
import { Exporter } from '../lib/collector/config';
import { testApp } from './helpers/temp';

const chart = () => new Chart(testApp(), 'test', { namespace: 'observability' });

describe('exporters derived from backends', () => {
  test.each([
    ['tempo', (c: Chart) => Backend.tempo().bind(c, 'b')],
    ['jaeger', (c: Chart) => Backend.jaeger().bind(c, 'b')],
  ] as const)('%s: gRPC exporter to the in-cluster Service, plaintext, no headers', (kind, bind) => {
    const c = chart();
    const backend: ITraceBackend = bind(c);
    const exporter = Exporter.fromBackend(backend);
    const cfg = exporter.toConfig() as any;
    // the seed guide's `otlp/tempo: { endpoint: tempo:4317, tls: { insecure: true } }`, fully qualified
    expect(cfg.endpoint).toBe(`${kind}.observability.svc.cluster.local:4317`);
    expect(cfg.tls).toEqual({ insecure: true });
    expect(cfg.headers).toBeUndefined();
    expect(exporter.secretEnv()).toEqual([]);
    // the exporter's target is a port of a Service that is actually synthesized
    const svc = Testing.synth(c).find((o) => o.kind === 'Service');
    expect(`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local:4317`).toBe(cfg.endpoint);
    expect(svc.spec.ports.map((p: any) => p.port)).toContain(4317);
  });

  test('external OTLP: header values stay in Secrets, TLS from the backend', () => {
    const backend = Backend.otlp('https://otlp.vendor.example.com', {
      protocol: 'http',
      headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor', key: 'api-key' } }],
    }).bind(chart(), 'b');
    const exporter = Exporter.fromBackend(backend);
    const cfg = exporter.toConfig() as any;
    expect(cfg.endpoint).toBe('https://otlp.vendor.example.com');
    expect(cfg.tls?.insecure ?? false).toBe(false);
    const [env] = exporter.secretEnv();
    expect(env.secretKeyRef).toEqual({ name: 'vendor', key: 'api-key' });
    expect(cfg.headers['x-api-key']).toBe(`\${env:${env.name}}`);
  });
});
