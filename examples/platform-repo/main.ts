/**
 * A platform repo: a small shop of existing cdk8s-plus Deployments — frontend (Node.js), checkout
 * (Java), payments (Python), inventory (Go) — instrumented by the library's helpers and sending
 * traces to the tracing stack. Run: `npx tsc && node build/examples/platform-repo/main.js`.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { InjectLanguage } from '../../lib/instrumentation';
import { StackOperator, synthLayered, TracingStack } from '../../lib/stack';

/** The shop's services, as the platform team already had them. */
function shopServices(chart: Chart): Record<'frontend' | 'checkout' | 'payments' | 'inventory', kplus.Deployment> {
  const svc = (name: string, image: string, port: number) =>
    new kplus.Deployment(chart, name, {
      metadata: { name },
      replicas: 2,
      containers: [{ name: 'app', image, portNumber: port, securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false } }],
    });
  return {
    frontend: svc('frontend', 'registry.example.com/shop/frontend:1.4.2', 3000),
    checkout: svc('checkout', 'registry.example.com/shop/checkout:2.1.0', 8080),
    payments: svc('payments', 'registry.example.com/shop/payments:0.9.3', 8000),
    inventory: svc('inventory', 'registry.example.com/shop/inventory:3.0.1', 8081),
  };
}

export function buildShop(app: App): { tracing: Chart; shop: Chart; stack: TracingStack } {
  const tracing = new Chart(app, 'tracing', { namespace: 'observability' });
  // The operator is installed cluster-wide by another team, with Go auto-instrumentation enabled.
  const stack = new TracingStack(tracing, 'stack', { operator: StackOperator.external({ goInstrumentation: true }) });

  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  // Go auto-instrumentation runs an eBPF sidecar: the namespace must allow privileged pods.
  new kplus.Namespace(shop, 'ns', { metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
  const s = shopServices(shop);
  stack.instrument(s.frontend, InjectLanguage.nodejs());
  stack.instrument(s.checkout, InjectLanguage.java());
  stack.instrument(s.payments, InjectLanguage.python());
  stack.instrument(s.inventory, InjectLanguage.go({ targetExe: '/app/inventory' }));
  // Injection happens at pod creation: apply the Instrumentation before the workloads.
  shop.addDependency(tracing);
  return { tracing, shop, stack };
}

if (require.main === module) {
  const app = new App({ outdir: 'dist/platform-repo' });
  const { stack } = buildShop(app);
  const out = synthLayered(app, { outdir: app.outdir, diagram: stack.pipelineDiagram() });
  console.log(`wrote ${out.files.length} files to ${app.outdir}`);
}
