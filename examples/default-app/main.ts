/**
 * The default app behind `cdk8s.yaml`: the seed's tracing system with every default — Tempo,
 * a 3-replica tail-sampling gateway (errors, latency > 1000 ms, 10 %), node-local agents, an
 * Instrumentation — written to dist/ one file per apply layer, with the pipeline picture.
 *
 * Offline by default: the operator is taken as already installed (`StackOperator.external()`).
 * Set OTEL_OPERATOR_MANIFEST to a local copy of the v0.158.0 release manifest to emit the operator
 * too (it needs cert-manager in the cluster).
 */
import { App, Chart } from 'cdk8s';
import { OperatorManifestSource, WebhookCertificates } from '../../lib/operator';
import { StackOperator, synthLayered, TracingStack } from '../../lib/stack';

export function buildDefaultApp(app: App): { chart: Chart; stack: TracingStack } {
  const chart = new Chart(app, 'tracing', { namespace: 'observability' });
  const operator = process.env.OTEL_OPERATOR_MANIFEST
    ? StackOperator.install({ source: OperatorManifestSource.fromEnv(), certificates: WebhookCertificates.certManager() })
    : StackOperator.external();
  const stack = new TracingStack(chart, 'stack', { operator });
  return { chart, stack };
}

if (require.main === module) {
  const app = new App({ outdir: 'dist' });
  const { stack } = buildDefaultApp(app);
  const out = synthLayered(app, { outdir: app.outdir, diagram: stack.pipelineDiagram() });
  console.log(`wrote ${out.files.map((f) => f.replace(/^.*\//, '')).join(', ')}`);
}
