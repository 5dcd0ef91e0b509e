import * as fs from 'fs';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parseAllDocuments } from 'yaml';
import { IOtlpDestination } from '../lib/common/otlp-destination';
import { inject, InjectLanguage, PSA_ENFORCE_LABEL } from '../lib/instrumentation/inject';
import { Instrumentation } from '../lib/instrumentation/instrumentation';
import { Sampler } from '../lib/instrumentation/sampler';
import { OperatorManifestSource } from '../lib/operator/operator-manifest-source';
import { OpenTelemetryOperator } from '../lib/operator/opentelemetry-operator';
import { WebhookCertificates } from '../lib/operator/webhook-certificates';
import { describeWithReference, ref } from './helpers/reference';
import { expectValid } from './helpers/validate';
import { testApp, testChart } from './helpers/temp';

const A = 'instrumentation.opentelemetry.io/';
const AGENT: IOtlpDestination = {
  otlpGrpcUrl: 'http://$(OTEL_NODE_IP):4317',
  otlpHttpUrl: 'http://$(OTEL_NODE_IP):4318',
  requiredEnv: [{ name: 'OTEL_NODE_IP', fieldPath: 'status.hostIP' }],
};

function service(chart: Chart, name: string, image: string, containerName = 'app'): kplus.Deployment {
  const d = new kplus.Deployment(chart, name, { metadata: { name } });
  d.addContainer({ name: containerName, image, portNumber: 8080, securityContext: { ensureNonRoot: false } });
  return d;
}

/** The "done when" stack: one namespace, four services (Java, Python, Node.js, Go), instrumented by the helpers. */
function shopStack(source: OperatorManifestSource) {
  const app = testApp();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const operator = new OpenTelemetryOperator(chart, 'operator', {
    source,
    certificates: WebhookCertificates.certManager(),
    goInstrumentation: true,
  });
  new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop', labels: { [PSA_ENFORCE_LABEL]: 'privileged' } } });
  const inst = new Instrumentation(chart, 'inst', {
    name: 'tracing',
    endpoint: AGENT,
    sampler: Sampler.parentBasedTraceIdRatio(0.1),
    java: { logCorrelation: true },
    python: { logCorrelation: true },
    operator,
  });
  const java = service(chart, 'orders', 'example.com/orders:1.0');
  const python = service(chart, 'recommendations', 'example.com/recommendations:1.0');
  const node = service(chart, 'frontend', 'example.com/frontend:1.0');
  const go = service(chart, 'checkout', 'example.com/checkout:1.0');
  inst.inject(java, { languages: [InjectLanguage.java()] });
  inst.inject(python, { languages: [InjectLanguage.python()] });
  inst.inject(node, { languages: [InjectLanguage.nodejs()] });
  inst.inject(go, { languages: [InjectLanguage.go({ targetExe: '/app/checkout', containerNames: ['app'] })] });
  return { app, chart, operator, inst };
}

const byName = (out: any[], kind: string, name: string) => out.find((o) => o.kind === kind && o.metadata.name === name);
const podAnn = (out: any[], name: string) => byName(out, 'Deployment', name).spec.template.metadata.annotations ?? {};

describe('inject: four services in one namespace (operator installed elsewhere)', () => {
  test('annotations land on the pod templates, with the Instrumentation name; output validates', () => {
    const { chart } = shopStack(OperatorManifestSource.external());
    const out = Testing.synth(chart);
    expect(podAnn(out, 'orders')).toEqual({ [`${A}inject-java`]: 'tracing' });
    expect(podAnn(out, 'recommendations')).toEqual({ [`${A}inject-python`]: 'tracing' });
    expect(podAnn(out, 'frontend')).toEqual({ [`${A}inject-nodejs`]: 'tracing' });
    expect(podAnn(out, 'checkout')).toEqual({
      [`${A}inject-go`]: 'tracing',
      [`${A}go-container-names`]: 'app',
      [`${A}otel-go-auto-target-exe`]: '/app/checkout',
    });
    // never on the workload's own metadata
    for (const name of ['orders', 'recommendations', 'frontend', 'checkout']) {
      expect(JSON.stringify(byName(out, 'Deployment', name).metadata)).not.toContain(A);
    }
    expectValid(chart);
    expect(out).toMatchSnapshot();
  });

  test('workloads are ordered after the Instrumentation they use, even when declared first', () => {
    const chart = testChart();
    const d = service(chart, 'early', 'example.com/early:1');
    const inst = new Instrumentation(chart, 'inst', { name: 'late', endpoint: 'http://c:4317' });
    inst.inject(d, { languages: [InjectLanguage.java()] });
    const kinds = Testing.synth(chart).map((o) => o.kind);
    expect(kinds.indexOf('Instrumentation')).toBeLessThan(kinds.indexOf('Deployment'));
  });
});

describeWithReference('inject: four services with the operator installed from the release manifest', () => {
  test('validates against the operator CRDs; the Instrumentation comes after the operator', () => {
    const { chart, operator } = shopStack(OperatorManifestSource.fromFile(ref('opentelemetry-operator', 'opentelemetry-operator.yaml')));
    const out = Testing.synth(chart);
    const result = expectValid(chart);
    expect(result.ok).toBe(true);
    const i = (pred: (o: any) => boolean) => out.findIndex(pred);
    const instIdx = i((o) => o.kind === 'Instrumentation');
    expect(instIdx).toBeGreaterThan(i((o) => o.kind === 'Deployment' && o.metadata.name === operator.names.deployment));
    expect(instIdx).toBeGreaterThan(i((o) => o.kind === 'MutatingWebhookConfiguration'));
    expect(i((o) => o.metadata.name === 'instrumentations.opentelemetry.io')).toBeLessThan(instIdx);
    const mgr = byName(out, 'Deployment', operator.names.deployment).spec.template.spec.containers[0];
    expect(mgr.env.find((e: any) => e.name === 'ENABLE_GO_AUTO_INSTRUMENTATION').value).toBe('true');
  });

  test('multi-language pod: per-language container lists match the upstream multi-instrumentation sample', () => {
    const sample = parseAllDocuments(
      fs.readFileSync(ref('opentelemetry-operator', 'samples', 'multi-instr-multicontainer__01-install-app.yaml'), 'utf8'),
    )
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Deployment');
    const expected = sample.spec.template.metadata.annotations;
    // Input: the sample's pod without the annotations this helper writes. Only the sdk-injection and
    // collector-sidecar annotations (out of scope of this helper) are kept.
    const outOfScope = [`${A}inject-sdk`, `${A}sdk-container-names`, 'sidecar.opentelemetry.io/inject'];
    const kept = Object.fromEntries(Object.entries(expected).filter(([k]) => outOfScope.includes(k)));
    expect(Object.keys(kept)).toHaveLength(3);
    const spec = { ...sample.spec, template: { ...sample.spec.template, metadata: { ...sample.spec.template.metadata, annotations: kept } } };
    const chart = testChart();
    const raw = new ApiObject(chart, 'app', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: sample.metadata.name }, spec });
    inject(raw, {
      languages: [
        InjectLanguage.dotnet({ containerNames: ['dotnetapp'] }),
        InjectLanguage.java({ containerNames: ['javaapp'] }),
        InjectLanguage.nodejs({ containerNames: ['nodejsapp'] }),
        InjectLanguage.python({ containerNames: ['pythonapp'] }),
        InjectLanguage.apacheHttpd({ containerNames: ['apache-httpd-app'] }),
      ],
    });
    new Instrumentation(chart, 'multi', { name: 'multi', endpoint: 'http://deployment-collector:4317' });
    const out = Testing.synth(chart);
    const annotations = byName(out, 'Deployment', sample.metadata.name).spec.template.metadata.annotations;
    // upstream pod annotations are "true"; ours resolve to "true" too (one Instrumentation in the namespace)
    expect(annotations).toEqual(expected);
  });
});

describe('inject: targets and values', () => {
  test('raw ApiObject without template annotations, CronJob, Pod and Namespace targets', () => {
    const chart = testChart();
    new Instrumentation(chart, 'inst', { name: 'only', endpoint: 'http://c:4317' });
    const dep = new ApiObject(chart, 'd', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', annotations: { keep: 'me' } },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    });
    const cron = new ApiObject(chart, 'cj', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i:1' }] } } } } },
    });
    const ns = new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    inject(dep, { languages: [InjectLanguage.python({ platform: 'musl' })] });
    inject(cron, { languages: [InjectLanguage.java()], containerNames: ['c'] });
    inject(ns, { languages: [InjectLanguage.nodejs()], instrumentation: 'observability/shared' });
    const out = Testing.synth(chart);
    expect(byName(out, 'Deployment', 'd').spec.template.metadata).toEqual({
      labels: { a: 'b' },
      annotations: { [`${A}inject-python`]: 'true', [`${A}otel-python-platform`]: 'musl' },
    });
    expect(byName(out, 'Deployment', 'd').metadata.annotations).toEqual({ keep: 'me' });
    expect(byName(out, 'CronJob', 'cj').spec.jobTemplate.spec.template.metadata.annotations).toEqual({
      [`${A}inject-java`]: 'true',
      [`${A}container-names`]: 'c',
    });
    expect(byName(out, 'Namespace', 'team').metadata.annotations).toEqual({ [`${A}inject-nodejs`]: 'observability/shared' });
    expectValid(chart);
  });

  test('an Instrumentation in another namespace is referenced as "ns/name"', () => {
    const app = testApp();
    const obs = new Chart(app, 'obs', { namespace: 'observability' });
    const apps = new Chart(app, 'apps', { namespace: 'apps' });
    const inst = new Instrumentation(obs, 'inst', { name: 'shared', endpoint: 'http://c:4317' });
    const d = service(apps, 'web', 'example.com/web:1');
    inst.inject(d, { languages: [InjectLanguage.dotnet({ runtime: 'linux-musl-x64' })] });
    expect(podAnn(Testing.synth(apps), 'web')).toEqual({
      [`${A}inject-dotnet`]: 'observability/shared',
      [`${A}otel-dotnet-auto-runtime`]: 'linux-musl-x64',
    });
  });

  test('nginx uses its upstream container-names annotation (inject-nginx-container-names)', () => {
    const chart = testChart();
    const inst = new Instrumentation(chart, 'inst', { name: 'web', endpoint: 'http://c:4317' });
    const d = service(chart, 'proxy', 'nginx:1.27', 'nginx');
    d.addContainer({ name: 'java', image: 'example.com/java:1', securityContext: { ensureNonRoot: false } });
    inst.inject(d, { languages: [InjectLanguage.nginx({ containerNames: ['nginx'] }), InjectLanguage.java({ containerNames: ['java'] })] });
    expect(podAnn(Testing.synth(chart), 'proxy')).toEqual({
      [`${A}inject-nginx`]: 'web',
      [`${A}inject-nginx-container-names`]: 'nginx',
      [`${A}inject-java`]: 'web',
      [`${A}java-container-names`]: 'java',
    });
  });
});

describe('inject: bad inputs', () => {
  function setup(opts: { go?: boolean; psa?: string; instrumentations?: string[]; operator?: boolean } = {}) {
    const chart = new Chart(testApp(), 'c', { namespace: 'shop' });
    const operator =
      opts.operator === false
        ? undefined
        : new OpenTelemetryOperator(chart, 'op', { source: OperatorManifestSource.external(), goInstrumentation: opts.go ?? true });
    if (opts.psa !== undefined) {
      new kplus.Namespace(chart, 'ns', { metadata: { name: 'shop', labels: { [PSA_ENFORCE_LABEL]: opts.psa } } });
    }
    const insts = (opts.instrumentations ?? ['tracing']).map((n) => new Instrumentation(chart, n, { name: n, endpoint: 'http://c:4317', operator }));
    const d = service(chart, 'svc', 'example.com/svc:1');
    return { chart, d, inst: insts[0], operator };
  }

  test.each([
    ['Go without target executable', () => InjectLanguage.go({ targetExe: '' }), /inject go: targetExe "" is missing or not an absolute path/],
    ['Go with a relative target executable', () => InjectLanguage.go({ targetExe: 'app' }), /targetExe "app" is missing or not an absolute path/],
    [
      'container-names conflict (common and per-language)',
      () => {
        const { d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.java({ containerNames: ['app'] })], containerNames: ['app'] });
      },
      /containerNames and per-language containerNames \(java\) are both set/,
    ],
    [
      'several languages without a list each',
      () => {
        const { d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.java({ containerNames: ['app'] }), InjectLanguage.python()] });
      },
      /several languages \(java, python\) need a containerNames list each; missing for python/,
    ],
    [
      'same container for two languages',
      () => {
        const { d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.java({ containerNames: ['app'] }), InjectLanguage.python({ containerNames: ['app'] })] });
      },
      /container "app" is listed for both/,
    ],
    [
      'language listed twice',
      () => {
        const { d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.java(), InjectLanguage.java()] });
      },
      /language java is listed twice/,
    ],
    [
      'no languages',
      () => {
        const { d, inst } = setup();
        inst.inject(d, { languages: [] });
      },
      /no languages given/,
    ],
    [
      'container names on a Namespace',
      () => {
        const { chart } = setup();
        inject(new kplus.Namespace(chart, 'team', { metadata: { name: 'team' } }), { languages: [InjectLanguage.java()], containerNames: ['app'] });
      },
      /container names only work on a pod template/,
    ],
    [
      'Go on a Namespace',
      () => {
        const { chart } = setup();
        inject(new kplus.Namespace(chart, 'team', { metadata: { name: 'team' } }), { languages: [InjectLanguage.go({ targetExe: '/app' })] });
      },
      /go needs a per-workload target executable/,
    ],
    [
      'a kind without pod template',
      () => {
        const { chart } = setup();
        inject(new ApiObject(chart, 's', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }), { languages: [InjectLanguage.java()] });
      },
      /Service s has no pod template/,
    ],
    [
      'instrumentation reference that is not a name',
      () => {
        const { d } = setup();
        inject(d, { languages: [InjectLanguage.java()], instrumentation: 'a/b/c' });
      },
      /instrumentation "a\/b\/c" is not "name" or "namespace\/name"/,
    ],
    ['bad python platform', () => InjectLanguage.python({ platform: 'alpine' as any }), /platform "alpine" is not supported/],
  ])('%s', (_label, fn, message) => {
    expect(fn).toThrow(message);
  });

  test.each([
    [
      'Go with the operator switch off',
      () => {
        const { chart, d, inst } = setup({ go: false, psa: 'privileged' });
        inst.inject(d, { languages: [InjectLanguage.go({ targetExe: '/app' })] });
        return chart;
      },
      /Go auto-instrumentation is off; set goInstrumentation: true/,
    ],
    [
      'Go without any operator in the app',
      () => {
        const { chart, d, inst } = setup({ operator: false, psa: 'privileged' });
        inst.inject(d, { languages: [InjectLanguage.go({ targetExe: '/app' })] });
        return chart;
      },
      /no OpenTelemetryOperator in the app/,
    ],
    [
      'Go in a restricted namespace',
      () => {
        const { chart, d, inst } = setup({ psa: 'restricted' });
        inst.inject(d, { languages: [InjectLanguage.go({ targetExe: '/app' })] });
        return chart;
      },
      /Pod Security level of namespace shop is restricted.*label the namespace pod-security.kubernetes.io\/enforce=privileged/,
    ],
    [
      'Go in a namespace of unknown Pod Security level',
      () => {
        const { chart, d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.go({ targetExe: '/app' })] });
        return chart;
      },
      /is unknown \(no Namespace in the app and no namespacePodSecurity\)/,
    ],
    [
      'ambiguous "true": two Instrumentations in the namespace',
      () => {
        const { chart, d } = setup({ instrumentations: ['tracing', 'tracing-debug'] });
        inject(d, { languages: [InjectLanguage.java()] });
        return chart;
      },
      /"true" needs exactly one Instrumentation in namespace shop, found 2 \(tracing, tracing-debug\); pass instrumentation/,
    ],
    [
      '"true" with no Instrumentation in the namespace',
      () => {
        const { chart, d } = setup({ instrumentations: [] });
        inject(d, { languages: [InjectLanguage.java()] });
        return chart;
      },
      /found 0; pass instrumentation/,
    ],
    [
      'container that does not exist',
      () => {
        const { chart, d, inst } = setup();
        inst.inject(d, { languages: [InjectLanguage.java()], containerNames: ['sidecar'] });
        return chart;
      },
      /container "sidecar" does not exist \(containers: app\)/,
    ],
  ])('%s (checked at synth)', (_label, build, message) => {
    const chart = build();
    expect(() => Testing.synth(chart)).toThrow(message);
  });

  test('Go is accepted when the namespace level is asserted explicitly', () => {
    const { chart, d, inst } = setup();
    inst.inject(d, { languages: [InjectLanguage.go({ targetExe: '/app' })], namespacePodSecurity: 'privileged' });
    expect(podAnn(Testing.synth(chart), 'svc')[`${A}otel-go-auto-target-exe`]).toBe('/app');
  });
});
