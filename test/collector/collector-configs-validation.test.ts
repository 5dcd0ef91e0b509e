/**
 * The collector's rules on every collector config in the manifests, whoever wrote them: an
 * OpenTelemetryCollector's spec.config and a config file a collector container reads from a mounted
 * ConfigMap (issue: hand-written CRs passed `ok: true`).
 */
import { validateManifests } from '../../lib/validation';
import '../../lib/collector/collector-rules';

const config = (exporters: string[], extra: any = {}) => ({
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
  exporters: { debug: {} },
  ...extra,
  service: { pipelines: { traces: { receivers: ['otlp'], processors: extra.processors ? Object.keys(extra.processors) : undefined, exporters } } },
});

const cr = (spec: any) => ({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'hand', namespace: 'ns' }, spec });

const mounted = (yaml: string, image = 'otel/opentelemetry-collector-k8s:0.158.0', kind = 'Deployment') => [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data: { 'relay.yaml': yaml } },
  {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'col', namespace: 'ns' },
    spec: {
      selector: { matchLabels: { app: 'col' } },
      template: {
        metadata: { labels: { app: 'col' } },
        spec: {
          containers: [{ name: 'c', image, args: ['--config=/conf/relay.yaml'], volumeMounts: [{ name: 'conf', mountPath: '/conf' }] }],
          volumes: [{ name: 'conf', configMap: { name: 'cfg' } }],
        },
      },
    },
  },
];

describe('collector rules on collector configs this library did not build', () => {
  test('a pipeline naming an undefined exporter is an error at its path', () => {
    const r = validateManifests([cr({ config: config(['debug', 'otlp_grpc/tempo']) })]);
    expect(r.errors.map((e) => [e.rule, e.path])).toEqual([['collector-config', 'spec.config.service.pipelines.traces.exporters[1]']]);
    expect(r.errors[0].message).toMatch(/undefined-component/);
    // the fix reads for a YAML author as well as for the model's user
    expect(r.errors[0].message).toMatch(/exporter "otlp_grpc\/tempo" is not defined; define it under exporters \(addExporter\(\) in the model\) or fix the id/);
  });

  test('a DaemonSet CR with tail_sampling at 500 %: the range is an error, the mode a warning', () => {
    const ts = { tail_sampling: { policies: [{ name: 'p', type: 'probabilistic', probabilistic: { sampling_percentage: 500 } }] } };
    const r = validateManifests([cr({ mode: 'daemonset', config: config(['debug'], { processors: ts }) })]);
    expect(r.errors.map((e) => e.rule)).toEqual(['collector-config']);
    expect(r.errors[0].message).toMatch(/500/);
    const ok = validateManifests([cr({ mode: 'daemonset', config: config(['debug'], { processors: { tail_sampling: { policies: [{ name: 'p', type: 'always_sample' }] } } }) })]);
    expect(ok.errors).toEqual([]);
    expect(ok.warnings.map((w) => w.rule)).toEqual(['tail-sampling-daemonset']);
  });

  test('a config file mounted from a ConfigMap into a collector container is checked at its key', () => {
    const r = validateManifests(mounted('receivers:\n  otlp:\n    protocols: {grpc: {}}\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [nowhere]}\n'));
    expect(r.errors.map((e) => [e.kind, e.rule])).toEqual(
      expect.arrayContaining([['ConfigMap', 'collector-config']]),
    );
    expect(r.errors.every((e) => e.path.startsWith('data.relay.yaml'))).toBe(true);
  });

  test('a component the official image lacks is an error (distribution from the image)', () => {
    const yaml = 'receivers:\n  otlp:\n    protocols: {grpc: {}}\nprocessors:\n  tail_sampling: {policies: [{name: p, type: always_sample}]}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    traces: {receivers: [otlp], processors: [tail_sampling], exporters: [debug]}\n';
    expect(validateManifests(mounted(yaml, 'otel/opentelemetry-collector:0.158.0')).errors.map((e) => e.message).join('\n')).toMatch(/tail_sampling/);
    expect(validateManifests(mounted(yaml, 'otel/opentelemetry-collector-k8s:0.158.0')).errors).toEqual([]);
  });

  test('non-collector containers and unparsable YAML', () => {
    expect(validateManifests(mounted('not: [valid', 'nginx:1.27')).errors).toEqual([]);
    expect(validateManifests(mounted('not: [valid')).errors.map((e) => e.rule)).toEqual(['collector-config']);
  });

  test('a key the model does not type, in a config written elsewhere, is a warning (the real collector decides)', () => {
    const c = config(['debug']);
    c.receivers.otlp.protocols.grpc = { endpoint: '0.0.0.0:4317', read_buffer_size: 524288 } as any;
    const r = validateManifests([cr({ config: c })]);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.rule)).toEqual(['collector-config']);
  });
});
