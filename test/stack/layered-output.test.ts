import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { CollectorConfig, Exporter, Extension, LoadBalancingResolver, Policy, Processor, Receiver } from '../../lib/collector/config';
import { pipelineDiagram } from '../../lib/stack/pipeline-diagram';
import { ARGOCD_SYNC_WAVE, synthLayered, synthObjects } from '../../lib/stack/layered-output';
import { tempDir } from '../helpers/temp';

function agentConfig(): CollectorConfig {
  const c = new CollectorConfig();
  c.addExtension(Extension.healthCheck());
  c.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [Processor.memoryLimiter(), Processor.batch()],
    exporters: [Exporter.loadBalancing({ resolver: LoadBalancingResolver.dns({ hostname: 'gateway-headless.observability.svc.cluster.local' }) })],
  });
  return c;
}

function gatewayConfig(): CollectorConfig {
  const c = new CollectorConfig();
  c.addPipeline('traces', {
    receivers: [Receiver.otlp()],
    processors: [Processor.memoryLimiter(), Processor.tailSampling({ policies: [Policy.statusCode('ERROR').withName('errors')] }), Processor.batch()],
    exporters: [Exporter.otlpGrpc({ name: 'tempo', endpoint: 'tempo.observability.svc.cluster.local:4317', tls: { insecure: true } })],
  });
  return c;
}

describe('pipelineDiagram', () => {
  const text = pipelineDiagram({
    tiers: [
      { id: 'agent', label: 'agent (DaemonSet)', config: agentConfig() },
      { id: 'gateway', label: 'gateway (StatefulSet)', config: gatewayConfig() },
    ],
    backendLabel: 'Tempo',
  });

  test('is a Mermaid flowchart with one subgraph per tier and the backend', () => {
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toMatch(/subgraph agent\["agent \(DaemonSet\)"\]/);
    expect(text).toMatch(/subgraph gateway\["gateway \(StatefulSet\)"\]/);
    expect(text).toMatch(/backend\[\("Tempo"\)\]/);
  });

  test('draws receivers -> processors in order -> exporters, and the hops between tiers', () => {
    expect(text).toContain('apps -- OTLP --> agent_r_otlp');
    expect(text).toContain('agent_r_otlp --> agent_p_traces_memory_limiter');
    expect(text).toContain('agent_p_traces_memory_limiter --> agent_p_traces_batch');
    expect(text).toContain('agent_p_traces_batch --> agent_e_load_balancing');
    expect(text).toContain('agent_e_load_balancing --> gateway_r_otlp');
    expect(text).toContain('gateway_p_traces_tail_sampling --> gateway_p_traces_batch');
    expect(text).toContain('gateway_e_otlp_grpc_tempo --> backend');
    // no shortcut from the agent straight to the backend
    expect(text).not.toContain('agent_e_load_balancing --> backend');
  });

  test('is deterministic', () => {
    const again = pipelineDiagram({
      tiers: [
        { id: 'agent', label: 'agent (DaemonSet)', config: agentConfig() },
        { id: 'gateway', label: 'gateway (StatefulSet)', config: gatewayConfig() },
      ],
      backendLabel: 'Tempo',
    });
    expect(again).toBe(text);
  });

  test('bad inputs', () => {
    expect(() => pipelineDiagram({ tiers: [] })).toThrow(/needs at least one collector tier/);
    expect(() => pipelineDiagram({ tiers: [{ id: 'a', label: 'a', config: agentConfig() }], signal: 'logs' })).toThrow(/tier "a" has no logs pipeline/);
  });
});

describe('synthLayered', () => {
  function app(): App {
    const a = new App({ outdir: tempDir('unused-') });
    const chart = new Chart(a, 'tracing');
    new ApiObject(chart, 'deploy', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    new ApiObject(chart, 'inst', { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'default', namespace: 'shop' }, spec: {} });
    return a;
  }

  test('writes one file per layer in apply order, with sync waves and the picture', () => {
    const outdir = tempDir('layered-');
    fs.writeFileSync(path.join(outdir, 'stale.k8s.yaml'), 'kind: Stale\n');
    const out = synthLayered(app(), { outdir, argoCdSyncWaves: true, diagram: 'flowchart LR\n' });
    expect(out.files.map((f) => path.basename(f))).toEqual(['00-crds.k8s.yaml', '03-custom-resources.k8s.yaml', '04-workloads.k8s.yaml', 'pipeline.mmd']);
    expect(fs.existsSync(path.join(outdir, 'stale.k8s.yaml'))).toBe(false);
    expect(out.objectsPerLayer).toEqual({ crds: 1, 'custom-resources': 1, workloads: 1 });
    const workloads = parseAllDocuments(fs.readFileSync(path.join(outdir, '04-workloads.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(workloads[0].kind).toBe('Deployment');
    expect(workloads[0].metadata.annotations[ARGOCD_SYNC_WAVE]).toBe('4');
    const crds = parseAllDocuments(fs.readFileSync(path.join(outdir, '00-crds.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(crds[0].metadata.annotations[ARGOCD_SYNC_WAVE]).toBe('0');
    // the Instrumentation is checked against the shipped CRD: no warning
    expect(out.validation?.warnings.map((w) => w.rule)).toEqual([]);
  });

  test('writes nothing when a manifest is invalid or a construct validation fails', () => {
    const outdir = tempDir('layered-bad-');
    const a = app();
    new ApiObject(a.charts[0], 'bad', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 0 }] } });
    expect(() => synthLayered(a, { outdir })).toThrow(/synthesized manifests are not valid:[\s\S]*port 0 is out of range/);
    expect(fs.readdirSync(outdir)).toEqual([]);

    const b = app();
    b.charts[0].node.addValidation({ validate: () => ['gateway missing'] });
    expect(() => synthLayered(b, { outdir })).toThrow(/\[tracing\] gateway missing/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

describe('synthObjects', () => {
  /**
   * Three charts (one nested in another), a construct-level dependency across charts and one inside a
   * chart that cdk8s turns into object order, and an object the chart's own validation checks.
   */
  function app(): { a: App; checked: string[] } {
    const a = new App({ outdir: tempDir('unused-') });
    const checked: string[] = [];
    const obj = (scope: Construct, id: string, kind: string, name: string) =>
      new ApiObject(scope, id, { apiVersion: 'v1', kind, metadata: { name, namespace: 'shop' } });
    const base = new Chart(a, 'base');
    const cm = obj(base, 'cm', 'ConfigMap', 'settings');
    const shop = new Chart(a, 'shop');
    // a construct (not an object) that depends on another: cdk8s resolves it into an object
    // dependency (the Service after the ServiceAccount, though it was added first)
    const group = new Construct(shop, 'group');
    obj(group, 'svc', 'Service', 'web');
    const accounts = new Construct(shop, 'accounts');
    const sa = obj(accounts, 'sa', 'ServiceAccount', 'web');
    group.node.addDependency(accounts);
    sa.node.addDependency(cm); // across charts: shop after base
    const nested = new Chart(shop, 'nested');
    obj(nested, 'secret', 'Secret', 'token');
    for (const c of [base, shop, nested])
      c.node.addValidation({ validate: () => (checked.push(c.node.id), []) });
    return { a, checked };
  }

  test("gives each chart's objects as cdk8s's own Chart.toJson() does, in the same order", () => {
    const { a: mine } = app();
    const { a: theirs } = app();
    const expected = theirs.charts.flatMap((c) => c.toJson());
    expect(synthObjects(mine)).toEqual(expected);
    expect(expected.map((o) => o.kind)).toEqual(['ConfigMap', 'ServiceAccount', 'Service', 'Secret']);
  });

  test('resolves and validates the app once, not once per chart', () => {
    const { a, checked } = app();
    const toJson = jest.spyOn(Chart.prototype, 'toJson');
    try {
      expect(synthObjects(a)).toHaveLength(4);
      expect(toJson).toHaveBeenCalledTimes(1);
    } finally {
      toJson.mockRestore();
    }
    expect([...checked].sort()).toEqual(['base', 'nested', 'shop']);
    // cdk8s's way runs every validation for every chart
    const other = app();
    other.a.charts.flatMap((c) => c.toJson());
    expect(other.checked).toHaveLength(9);
  });

  test('asks a chart class with its own toJson for its objects, first or not', () => {
    class Stamped extends Chart {
      public toJson(): any[] {
        return this.apiObjects.map((o) => ({ ...o.toJson(), metadata: { ...o.toJson().metadata, labels: { stamped: 'yes' } } }));
      }
    }
    const { a } = app();
    const stamped = new Stamped(a, 'stamped');
    // first in chart order, and resolving nothing: the next chart still has its dependencies resolved
    a.charts[0].node.addDependency(stamped);
    new ApiObject(stamped, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra' } });
    const out = synthObjects(a);
    expect(out.find((o) => o.metadata.name === 'extra')?.metadata.labels).toEqual({ stamped: 'yes' });
    expect(out.filter((o) => o.metadata.labels)).toHaveLength(1);
    expect(out.map((o) => o.kind)).toEqual(['ConfigMap', 'ConfigMap', 'ServiceAccount', 'Service', 'Secret']);
  });

  test('a construct validation failure throws before any object is given', () => {
    const { a } = app();
    a.charts[1].node.addValidation({ validate: () => ['broken on purpose'] });
    expect(() => synthObjects(a)).toThrow(/broken on purpose/);
  });
});
