/**
 * The default app behind `cdk8s.yaml` (provisional until the TracingStack lands): the operator
 * (external by default; set OTEL_OPERATOR_MANIFEST to a local v0.158.0 release manifest to emit it),
 * a Tempo backend and an Instrumentation, written to dist/ one file per apply layer.
 */
import { App, Chart } from 'cdk8s';
import { Backend } from '../../lib/backends';
import { Instrumentation, Sampler } from '../../lib/instrumentation';
import { OpenTelemetryOperator, OperatorManifestSource, WebhookCertificates } from '../../lib/operator';
import { synthLayered } from '../../lib/stack/layered-output';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'tracing', { namespace: 'observability' });
const operator = new OpenTelemetryOperator(chart, 'operator', {
  source: process.env.OTEL_OPERATOR_MANIFEST ? OperatorManifestSource.fromEnv() : OperatorManifestSource.external(),
  certificates: WebhookCertificates.certManager(),
});
const tempo = Backend.tempo({}).bind(chart, 'tempo', { namespace: 'observability' });
new Instrumentation(chart, 'instrumentation', {
  name: 'tracing',
  namespace: 'observability',
  endpoint: tempo,
  operator,
  sampler: Sampler.parentBasedTraceIdRatio(0.1),
});
const out = synthLayered(app, { outdir: app.outdir });
console.log(`wrote ${out.files.length} files: ${out.files.join(', ')}`);
