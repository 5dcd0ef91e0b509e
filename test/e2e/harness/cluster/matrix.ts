/**
 * The injection matrix: the default stack (operator external, Go on) plus workloads instrumented with the
 * library's helpers for what the stacks and examples do not cover: .NET (a StatefulSet), nginx (a
 * DaemonSet, the gRPC-speaking module), two languages in one pod picked by container names (and a third
 * container left alone), and a namespace-level annotation (a Deployment with no annotation of its own).
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { InjectLanguage } from '../../../../lib/instrumentation';
import { StackOperator, TracingStack } from '../../../../lib/stack';
import { EmittedSource } from '../emitted';

function container(name: string, image: string, port: number): kplus.ContainerProps {
  return {
    name,
    image,
    portNumber: port,
    securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
  };
}

/** Builds the matrix into `app`. */
export function buildMatrix(app: App): { stack: TracingStack } {
  const tracing = new Chart(app, 'tracing', { namespace: 'observability' });
  const stack = new TracingStack(tracing, 'stack', {
    operator: StackOperator.external({ goInstrumentation: true }),
  });

  const apps = new Chart(app, 'apps', { namespace: 'apps' });
  new kplus.Namespace(apps, 'ns', { metadata: { name: 'apps' } });
  const polyglot = new kplus.Deployment(apps, 'polyglot', {
    metadata: { name: 'polyglot' },
    replicas: 1,
    containers: [
      container('web', 'registry.example.com/web:1.0.0', 8080),
      container('worker', 'registry.example.com/worker:1.0.0', 3000),
      container('envoy', 'envoyproxy/envoy:v1.31.0', 9901),
    ],
  });
  stack.instrument(
    polyglot,
    InjectLanguage.java({ containerNames: ['web'] }),
    InjectLanguage.nodejs({ containerNames: ['worker'] }),
  );
  const ledger = new kplus.StatefulSet(apps, 'ledger', {
    metadata: { name: 'ledger' },
    replicas: 2,
    podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
    containers: [container('ledger', 'registry.example.com/ledger:4.2.0', 5000)],
  });
  stack.instrument(ledger, InjectLanguage.dotnet());
  const edge = new kplus.DaemonSet(apps, 'edge', {
    metadata: { name: 'edge' },
    containers: [container('nginx', 'nginx:1.27.2', 80)],
  });
  stack.instrument(edge, InjectLanguage.nginx());
  apps.addDependency(tracing);

  const nsLevel = new Chart(app, 'apps-ns', { namespace: 'apps-ns' });
  const ns = new kplus.Namespace(nsLevel, 'ns', { metadata: { name: 'apps-ns' } });
  stack.instrument(ns, InjectLanguage.python());
  new kplus.Deployment(nsLevel, 'reports', {
    metadata: { name: 'reports' },
    replicas: 1,
    containers: [container('reports', 'registry.example.com/reports:0.3.0', 8000)],
  });
  nsLevel.addDependency(tracing);
  return { stack };
}

/** The matrix as a source of objects. */
export const MATRIX_SOURCE: EmittedSource = {
  name: 'injection matrix (default stack + .NET StatefulSet, nginx DaemonSet, polyglot pod, namespace-level Python)',
  objects: () => {
    const app = Testing.app();
    buildMatrix(app);
    return app.charts.flatMap((c) => Testing.synth(c));
  },
};
