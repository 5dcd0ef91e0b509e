/**
 * What the trace-flow e2e tests deploy, as the library emits it: the reference tail-sampling stack
 * (`tempoTailSamplingStack`'s shape: `Sampling.tail()` — errors, latency > 1000 ms, 10 % of the rest,
 * decision wait 10 s — and a 3-replica gateway fed by node-local agents that load-balance by trace id)
 * with the Jaeger v2 in-memory backend instead of Tempo (Tempo 3 cannot be built here: the module proxy
 * does not serve github.com/grafana/tempo v3 and the environment marks it not-to-use, AGPL), collectors
 * as plain manifests (the pods are exactly the emitted DaemonSet/StatefulSet/Deployment; with the
 * operator runtime the collector configs are the same, see the test), and two instrumented apps in
 * namespace `shop`:
 *
 * - `frontend` (Node.js, `stack.instrument(..., InjectLanguage.nodejs())`: the operator's Node.js
 *   auto-instrumentation, OTLP/HTTP to the agent),
 * - `checkout` (Go with the OpenTelemetry SDK compiled in, annotated `inject-sdk` so the operator gives it
 *   the common SDK env: OTLP/gRPC to the agent's 4317). The library has no `InjectLanguage` for the
 *   operator's `inject-sdk`, so the annotation is set here by hand.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { Backend, JaegerStorage } from '../../../lib/backends';
import { CollectorRuntime, TailSamplingGateway } from '../../../lib/collector';
import { InjectLanguage } from '../../../lib/instrumentation';
import { Sampling, TracingStack, TracingStackProps } from '../../../lib/stack';

/** Namespace of the stack. */
export const STACK_NS = 'observability';
/** Namespace of the apps. */
export const APP_NS = 'shop';
/** Port both apps listen on. */
export const APP_PORT = 8080;

/** The props of the stack (the reference tail-sampling stack with Jaeger memory). */
export function flowStackProps(): TracingStackProps {
  return {
    runtime: CollectorRuntime.manifests(),
    sampling: Sampling.tail(),
    gatewayReplicas: 3,
    backend: Backend.jaeger({ storage: JaegerStorage.memory() }),
  };
}

function appDeployment(
  chart: Chart,
  name: string,
  image: string,
  env: Array<{ name: string; value: string }>,
  annotations?: Record<string, string>,
): ApiObject {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop' };
  const deployment = new ApiObject(chart, `${name}-deployment`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: APP_NS, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, ...(annotations ? { annotations } : {}) },
        spec: {
          containers: [
            {
              name,
              image,
              env,
              ports: [{ name: 'http', containerPort: APP_PORT }],
              readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
            },
          ],
        },
      },
    },
  });
  new ApiObject(chart, `${name}-service`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: APP_NS, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: APP_PORT, targetPort: 'http' }] },
  });
  return deployment;
}

/** Everything the trace-flow tests deploy, synthesized. `slowMs` is how long the Go service's slow request takes. */
export function flowObjects(slowMs: number): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'flow', { namespace: STACK_NS });
  const stack = new TracingStack(chart, 'tracing', flowStackProps());
  new ApiObject(chart, 'shop-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP_NS } });
  const frontend = appDeployment(chart, 'frontend', 'registry.example.com/shop/frontend:1.4.0', [
    { name: 'PORT', value: String(APP_PORT) },
    { name: 'CHECKOUT_URL', value: `http://checkout.${APP_NS}.svc.cluster.local:${APP_PORT}` },
  ]);
  stack.instrument(frontend, InjectLanguage.nodejs());
  const inst = stack.instrumentation!;
  // what an InjectLanguage for the operator's `inject-sdk` would emit (the library has none)
  appDeployment(
    chart,
    'checkout',
    'registry.example.com/shop/checkout:2.1.0',
    [
      { name: 'PORT', value: String(APP_PORT) },
      { name: 'SLOW_MS', value: String(slowMs) },
    ],
    { 'instrumentation.opentelemetry.io/inject-sdk': `${inst.namespace ?? STACK_NS}/${inst.name}` },
  );
  return Testing.synth(chart);
}

/**
 * The gateway of the same stack with the library's persistent sending queue (`persistentQueue`:
 * `file_storage` on a PVC per replica). `TracingStack` has no prop for it, so the backend and the gateway
 * are built the way TracingStack builds them, plus `persistentQueue: {}`.
 */
export function persistentQueueGatewayObjects(): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'flow-pq', { namespace: STACK_NS });
  const props = flowStackProps();
  const sampling = props.sampling!;
  const backend = props.backend!.bind(chart, 'backend', { namespace: STACK_NS });
  new TailSamplingGateway(chart, 'gateway', {
    namespace: STACK_NS,
    backend,
    runtime: CollectorRuntime.manifests(),
    policies: sampling.policies,
    decisionWaitSec: sampling.decisionWaitSec,
    replicas: props.gatewayReplicas,
    persistentQueue: {},
  });
  return Testing.synth(chart);
}
