import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { ApplyLayer, applyLayerOf } from '../lib/common/layers';
import { describeWithReference, ref } from './helpers/reference';

interface MockedResource {
  type: string;
  name: string;
  inputs: any;
}
const created: MockedResource[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      created.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'tracing',
  'test',
  false,
);

// Imported after setMocks so the resources are mocked.
import { pulumiClassFor, TracingResources } from '../lib/pulumi';
import { testChart } from './helpers/temp';

function outputValue<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}

async function settle(): Promise<void> {
  // Let the mock monitor process every registration.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function shopChart(): Chart {
  const chart = testChart();
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  new ApiObject(chart, 'inst', {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    metadata: { name: 'default', namespace: 'shop' },
    spec: { exporter: { endpoint: 'http://agent.observability.svc.cluster.local:4318' } },
  });
  new ApiObject(chart, 'deploy', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      template: {
        metadata: { labels: { app: 'checkout' }, annotations: { 'instrumentation.opentelemetry.io/inject-java': 'true' } },
        spec: { containers: [{ name: 'app', image: 'example/checkout:1' }] },
      },
    },
  });
  return chart;
}

describe('TracingResources (Pulumi, under mocks)', () => {
  beforeEach(() => {
    created.length = 0;
  });

  test('registers one typed resource per synthesized object, equal to the cdk8s output', async () => {
    const chart = shopChart();
    const synthesized = Testing.synth(chart);
    const component = new TracingResources('shop', { source: chart });
    await settle();
    const registeredKinds = created.filter((c) => c.type !== 'otel-tracing:k8s:TracingResources');
    expect(registeredKinds.map((c) => c.type).sort()).toEqual(
      ['kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Namespace', 'kubernetes:opentelemetry.io/v1alpha1:Instrumentation'].sort(),
    );
    for (const obj of synthesized) {
      const r = registeredKinds.find((c) => c.inputs.kind === obj.kind && c.inputs.metadata?.name === obj.metadata.name);
      expect(r).toBeDefined();
      expect(r!.inputs).toEqual(obj);
    }
    expect(component.registered).toHaveLength(synthesized.length);
    expect(await outputValue(component.urn)).toMatch(/otel-tracing:k8s:TracingResources::shop$/);
  });

  test('layers with dependsOn: namespace/CRDs, then custom resources, then workloads', () => {
    const component = new TracingResources('layers', { source: shopChart() });
    const byKind = Object.fromEntries(component.registered.map((r) => [r.object.kind, r]));
    expect(byKind.Namespace.layer).toBe(ApplyLayer.CRDS);
    expect(byKind.Namespace.dependsOn).toEqual([]);
    expect(byKind.Instrumentation.layer).toBe(ApplyLayer.CUSTOM_RESOURCES);
    expect(byKind.Instrumentation.dependsOn).toEqual([byKind.Namespace.resource]);
    expect(byKind.Deployment.layer).toBe(ApplyLayer.WORKLOADS);
    expect(byKind.Deployment.dependsOn).toEqual([byKind.Instrumentation.resource]);
    expect(component.registered.map((r) => r.name)).toEqual([
      'layers-namespace-shop',
      'layers-instrumentation-shop-default',
      'layers-deployment-shop-checkout',
    ]);
  });

  test('invalid manifests are refused before anything is registered', () => {
    const chart = testChart();
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Bad_Name' }, spec: { ports: [{ port: 0 }] } });
    expect(() => new TracingResources('bad', { source: chart })).toThrow(/refusing to register invalid manifests with Pulumi:[\s\S]*port 0 is out of range/);
  });

  test('kinds without a typed class fall back to CustomResource', () => {
    expect(pulumiClassFor({ apiVersion: 'apps/v1', kind: 'Deployment' }).typed).toBe(true);
    expect(pulumiClassFor({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector' }).typed).toBe(false);
  });
});

describeWithReference('apply layers of the operator install manifest', () => {
  test('CRDs and namespace first, then cert-manager, then the operator', () => {
    const objects = parseAllDocuments(fs.readFileSync(ref('opentelemetry-operator', 'opentelemetry-operator.yaml'), 'utf8')).map((d) => d.toJS());
    const layers = objects.map((o) => [o.kind, applyLayerOf(o)]);
    const layerOf = (kind: string) => layers.filter(([k]) => k === kind).map(([, l]) => l);
    expect(new Set(layerOf('CustomResourceDefinition'))).toEqual(new Set([ApplyLayer.CRDS]));
    expect(layerOf('Namespace')).toEqual([ApplyLayer.CRDS]);
    expect(layerOf('Issuer')).toEqual([ApplyLayer.CERT_MANAGER]);
    expect(layerOf('Certificate')).toEqual([ApplyLayer.CERT_MANAGER]);
    expect(layerOf('Deployment')).toEqual([ApplyLayer.OPERATOR]);
    expect(layerOf('MutatingWebhookConfiguration')).toEqual([ApplyLayer.OPERATOR]);
    expect(new Set(layerOf('ClusterRole'))).toEqual(new Set([ApplyLayer.OPERATOR]));
  });

  test('every ServiceAccount and RBAC object comes before the custom resources whose pods use it', () => {
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']) {
      const apiVersion = kind === 'ServiceAccount' ? 'v1' : 'rbac.authorization.k8s.io/v1';
      expect(applyLayerOf({ apiVersion, kind, metadata: { labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' } } })).toBe(ApplyLayer.OPERATOR);
    }
    expect(applyLayerOf({ apiVersion: 'v1', kind: 'Service' })).toBe(ApplyLayer.WORKLOADS);
  });
});
