/**
 * What the benchmark synthesizes: the reference Tempo + gateway stack and the scale app
 * (N instrumented Deployments, P tail-sampling policies). Imported by the child process only.
 */
import { App, Chart } from 'cdk8s';
import type * as kplusTypes from 'cdk8s-plus-28';
import { Policy } from '../../lib/collector/config';
import { InjectLanguage } from '../../lib/instrumentation';
import { Sampling, TracingStack } from '../../lib/stack';
import { tempoTailSamplingStack } from '../../stacks';

/** The reference Tempo + tail-sampling gateway stack in a new app. */
export function referenceApp(): App {
  const app = new App();
  tempoTailSamplingStack(app);
  return app;
}

const LANGUAGES = [() => InjectLanguage.java(), () => InjectLanguage.nodejs(), () => InjectLanguage.python(), () => InjectLanguage.dotnet()];

/** `count` tail-sampling policies, five kinds cycled (status code, latency, probabilistic, string attribute, rate limiting). */
export function policies(count: number): Policy[] {
  const out: Policy[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 5) {
      case 0:
        out.push(Policy.statusCode('ERROR').withName(`errors-${i}`));
        break;
      case 1:
        out.push(Policy.latency({ name: `latency-${i}`, thresholdMs: 500 + i }));
        break;
      case 2:
        out.push(Policy.probabilistic({ name: `sample-${i}`, samplingPercentage: 1 + (i % 50) }));
        break;
      case 3:
        out.push(Policy.stringAttribute({ name: `tenant-${i}`, key: 'tenant', values: [`t${i}`] }));
        break;
      default:
        out.push(Policy.rateLimiting({ name: `rate-${i}`, spansPerSecond: 100 + i }));
    }
  }
  return out;
}

/**
 * The scale app: the tracing stack with `policyCount` tail-sampling policies, and `workloads`
 * cdk8s-plus Deployments in a `shop` chart, each instrumented (Java, Node.js, Python, .NET cycled).
 */
export function scaleApp(workloads: number, policyCount: number): App {
  // Loaded here, not at the top: the reference scenario uses no cdk8s-plus construct, and its cold
  // figure must not pay for loading the module on the harness's behalf.
  const kplus = require('cdk8s-plus-28') as typeof kplusTypes;
  const app = new App();
  const tracing = new Chart(app, 'tracing', { namespace: 'observability' });
  const stack = new TracingStack(tracing, 'stack', { sampling: Sampling.tail({ policies: policies(policyCount) }) });
  // the Namespace in a chart without a default namespace (cdk8s-plus would give it metadata.namespace)
  const shopNamespace = new Chart(app, 'shop-namespace');
  new kplus.Namespace(shopNamespace, 'ns', { metadata: { name: 'shop' } });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  shop.addDependency(shopNamespace);
  for (let i = 0; i < workloads; i++) {
    const d = new kplus.Deployment(shop, `svc-${i}`, {
      metadata: { name: `svc-${i}` },
      replicas: 2,
      containers: [
        {
          name: 'app',
          image: `registry.example.com/shop/svc-${i}:1.0.${i}`,
          portNumber: 8080,
          securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        },
      ],
    });
    stack.instrument(d, LANGUAGES[i % LANGUAGES.length]());
  }
  shop.addDependency(tracing);
  return app;
}
