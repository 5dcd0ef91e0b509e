/**
 * The e2e harness's transcription of the operator v0.158.0 webhook env (test/e2e/harness/operator-inject.ts)
 * against the operator's own unit tests at that tag (internal/instrumentation/sdk_test.go): same inputs,
 * the operator's expected env.
 */
import { injectCommonSDKConfig, operatorInjectedEnv } from './e2e/harness/operator-inject';

const field = (fieldPath: string) => ({ fieldRef: { fieldPath } });
const inst = (spec: any) => ({
  apiVersion: 'opentelemetry.io/v1alpha1',
  kind: 'Instrumentation',
  metadata: { name: 'i', namespace: 'ns' },
  spec,
});

describe('operator v0.158.0 injection env, as in its sdk_test.go', () => {
  test('TestInjectNodeJS', () => {
    const env = operatorInjectedEnv(
      inst({ nodejs: { image: 'img:1' }, exporter: { endpoint: 'https://collector:4318' } }),
      { namespace: 'ns', owners: [] },
      { name: 'app', image: 'app:latest' },
      'nodejs',
    );
    expect(env).toEqual([
      { name: 'OTEL_NODE_IP', valueFrom: field('status.hostIP') },
      { name: 'OTEL_POD_IP', valueFrom: field('status.podIP') },
      { name: 'NODE_OPTIONS', value: ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js' },
      { name: 'OTEL_METRICS_EXPORTER', value: 'otlp' },
      { name: 'OTEL_SERVICE_NAME', value: 'app' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'https://collector:4318' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', valueFrom: field('metadata.name') },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', valueFrom: field('spec.nodeName') },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'k8s.container.name=app,k8s.namespace.name=ns,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),service.instance.id=ns.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,service.namespace=ns,service.version=latest',
      },
    ]);
  });

  test('TestInjectSdkOnly', () => {
    const env = operatorInjectedEnv(
      inst({ exporter: { endpoint: 'https://collector:4318' } }),
      { namespace: 'ns', owners: [] },
      { name: 'app', image: 'app:latest' },
      'sdk',
    );
    expect(env).toEqual([
      { name: 'OTEL_NODE_IP', valueFrom: field('status.hostIP') },
      { name: 'OTEL_POD_IP', valueFrom: field('status.podIP') },
      { name: 'OTEL_SERVICE_NAME', value: 'app' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'https://collector:4318' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', valueFrom: field('metadata.name') },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', valueFrom: field('spec.nodeName') },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'k8s.container.name=app,k8s.namespace.name=ns,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),service.instance.id=ns.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,service.namespace=ns,service.version=latest',
      },
    ]);
  });

  test('TestSDKInjection "SDK env vars not defined" (injectCommonSDKConfig)', () => {
    const env = injectCommonSDKConfig(
      {
        exporter: { endpoint: 'https://collector:4317' },
        resource: { addK8sUIDAttributes: true, attributes: { foo: 'hidden' } },
        propagators: ['b3', 'jaeger'],
        sampler: { type: 'parentbased_traceidratio', argument: '0.25' },
      },
      {
        namespace: 'project1',
        name: 'app',
        uid: 'pod-uid',
        owners: [
          { kind: 'ReplicaSet', name: 'my-replicaset', uid: 'rsuid' },
          { kind: 'Deployment', name: 'my-deployment', uid: 'depuid' },
        ],
        labels: { 'app.kubernetes.io/name': 'app-name', 'app.kubernetes.io/version': 'v1' },
        annotations: { 'resource.opentelemetry.io/foo': 'bar' },
      },
      {
        name: 'application-name',
        image: 'app:v1@sha256:232a180dbcbcfa7250917507f3827d88a9ae89bb1cdd8fe3ac4db7b764ebb25a',
      },
    );
    expect(env).toEqual([
      { name: 'OTEL_SERVICE_NAME', value: 'my-deployment' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'https://collector:4317' },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME', valueFrom: field('metadata.name') },
      { name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', valueFrom: field('spec.nodeName') },
      { name: 'OTEL_PROPAGATORS', value: 'b3,jaeger' },
      { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
      { name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.25' },
      {
        name: 'OTEL_RESOURCE_ATTRIBUTES',
        value:
          'foo=bar,k8s.container.name=application-name,k8s.deployment.name=my-deployment,k8s.deployment.uid=depuid,k8s.namespace.name=project1,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.pod.uid=pod-uid,k8s.replicaset.name=my-replicaset,k8s.replicaset.uid=rsuid,service.instance.id=project1.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).application-name,service.namespace=project1,service.version=v1@sha256:232a180dbcbcfa7250917507f3827d88a9ae89bb1cdd8fe3ac4db7b764ebb25a',
      },
    ]);
  });

  test('a NODE_OPTIONS from valueFrom stops the Node.js injection, as the operator skips it', () => {
    expect(() =>
      operatorInjectedEnv(
        inst({}),
        { namespace: 'ns', owners: [] },
        { name: 'app', env: [{ name: 'NODE_OPTIONS', valueFrom: field('metadata.name') }] },
        'nodejs',
      ),
    ).toThrow(/NODE_OPTIONS uses valueFrom/);
  });
});
