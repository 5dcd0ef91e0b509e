import { App, Testing } from 'cdk8s';
import { buildDefaultApp } from '../examples/default-app/main';
import { buildShop } from '../examples/platform-repo/main';
import { expectValid } from './helpers/validate';

describe('examples/default-app (the cdk8s.yaml app)', () => {
  test('synthesizes the seed stack offline, valid', () => {
    const app = new App();
    const { stack } = buildDefaultApp(app);
    const objects = app.charts.flatMap((c) => Testing.synth(c));
    expectValid(objects);
    expect(stack.gateway?.replicas).toBe(3);
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['OpenTelemetryCollector', 'Instrumentation', 'StatefulSet']));
    // offline default: the operator is external, nothing of it is emitted
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toEqual([]);
  });
});

describe('examples/platform-repo (the shop)', () => {
  const app = new App();
  const { shop } = buildShop(app);
  const objects = app.charts.flatMap((c) => Testing.synth(c));

  test('all four services are instrumented on their pod templates, each in its language', () => {
    const deployments = Object.fromEntries(Testing.synth(shop).filter((o) => o.kind === 'Deployment').map((d) => [d.metadata.name, d]));
    const ann = (name: string) => deployments[name].spec.template.metadata.annotations;
    expect(ann('frontend')['instrumentation.opentelemetry.io/inject-nodejs']).toBe('observability/tracing');
    expect(ann('checkout')['instrumentation.opentelemetry.io/inject-java']).toBe('observability/tracing');
    expect(ann('payments')['instrumentation.opentelemetry.io/inject-python']).toBe('observability/tracing');
    expect(ann('inventory')['instrumentation.opentelemetry.io/inject-go']).toBe('observability/tracing');
    expect(ann('inventory')['instrumentation.opentelemetry.io/otel-go-auto-target-exe']).toBe('/app/inventory');
  });

  test('the whole platform validates', () => {
    expectValid(objects);
  });

  test('the shop chart depends on the tracing chart (Instrumentation before pods)', () => {
    expect(shop.node.dependencies.map((d) => d.node.id)).toContain('tracing');
  });
});
