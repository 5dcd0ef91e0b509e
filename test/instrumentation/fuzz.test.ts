import { ApiObject } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as instrumentation from '../../lib/instrumentation';
import { OperatorManifestSource, OpenTelemetryOperator } from '../../lib/operator';
import { runConstructValidations, synthObjects } from '../../lib/stack/layered-output';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';
import { testChart } from '../helpers/temp';

const { InjectLanguage, Instrumentation, Propagator, Sampler, inject } = instrumentation;

/** Synthesizes what `build` adds to a fresh chart (construct validations included). */
function synth(build: (chart: ReturnType<typeof testChart>) => unknown): unknown {
  const chart = testChart('c');
  build(chart);
  runConstructValidations(chart);
  return synthObjects(chart);
}

/** A two-container workload (`app`, `sidecar`) in `scope`. */
function workload(scope: Construct): Deployment {
  return new Deployment(scope, 'app', {
    containers: [
      { name: 'app', image: 'registry.example/app:1.0' },
      { name: 'sidecar', image: 'registry.example/sidecar:1.0' },
    ],
  });
}

/** The value `'workload'` stands for a fresh workload: other values of a mutated target pass through. */
const targetIn = (scope: Construct, t: unknown) => (t === 'workload' ? workload(scope) : t);
const scopeIn = (scope: Construct, s: unknown) => (s === 'scope' ? scope : s);

const ENDPOINT = 'http://otel-agent.observability.svc.cluster.local:4318';
const fullProps = {
  endpoint: 'https://otel-agent.observability.svc.cluster.local:4318',
  name: 'tracing',
  namespace: 'apps',
  tls: { secretName: 'otel-tls', configMapName: 'otel-ca', caFile: 'ca.crt', certFile: 'tls.crt', keyFile: 'tls.key' },
  propagators: [Propagator.TRACECONTEXT, Propagator.BAGGAGE],
  sampler: Sampler.parentBasedTraceIdRatio(0.25),
  resourceAttributes: { 'deployment.environment': 'prod' },
  addK8sUidAttributes: true,
  useLabelsForResourceAttributes: true,
  env: [
    { name: 'OTEL_LOG_LEVEL', value: 'info' },
    { name: 'NODE_IP', fieldPath: 'status.hostIP' },
    { name: 'API_TOKEN', secretKeyRef: { name: 'tokens', key: 'api' } },
    { name: 'SETTING', configMapKeyRef: { name: 'settings', key: 'value' } },
  ],
  imagePullPolicy: 'IfNotPresent',
  java: {
    image: 'ghcr.io/open-telemetry/autoinstrumentation-java:2.10.0',
    env: [{ name: 'OTEL_JAVAAGENT_DEBUG', value: 'false' }],
    resources: { cpuRequestMillis: 50, memoryRequestMiB: 64, cpuLimitMillis: 500, memoryLimitMiB: 128 },
    volumeSizeLimitMiB: 200,
    logCorrelation: true,
    extensions: [{ image: 'registry.example/ext:1.0', dir: '/extensions' }],
  },
  nodejs: { image: 'registry.example/node-auto:1.0', logCorrelation: true },
  python: { volumeSizeLimitMiB: 100 },
  dotnet: { resources: { memoryLimitMiB: 256 } },
  go: { image: 'registry.example/go-auto:1.0' },
  apacheHttpd: { version: '2.4', configPath: '/usr/local/apache2/conf', attrs: { ApacheModuleOtelMaxQueueSize: '4096' } },
  nginx: { configFile: '/etc/nginx/nginx.conf', attrs: { NginxModuleOtelMaxQueueSize: '4096' } },
};

const cases: FuzzCase[] = [
  { name: 'Propagator.of', args: ['b3multi'], call: (n) => Propagator.of(n as never).name },
  { name: 'Sampler.traceIdRatio', args: [0.5], call: (r) => Sampler.traceIdRatio(r as never).toSpec() },
  { name: 'Sampler.parentBasedTraceIdRatio', args: [0.1], call: (r) => Sampler.parentBasedTraceIdRatio(r as never).toSpec() },
  {
    name: 'Sampler.jaegerRemote',
    args: [{ endpoint: 'http://jaeger.observability.svc.cluster.local:5779', pollingIntervalMs: 30000, initialSamplingRate: 0.01 }],
    call: (o) => Sampler.jaegerRemote(o as never).toSpec(),
  },
  { name: 'InjectLanguage.sdk', args: [{ containerNames: ['app'] }], call: (o) => ({ ...InjectLanguage.sdk(o as never) }) },
  { name: 'InjectLanguage.java', args: [{ containerNames: ['app'] }], call: (o) => ({ ...InjectLanguage.java(o as never) }) },
  { name: 'InjectLanguage.nodejs', args: [{ containerNames: ['app'] }], call: (o) => ({ ...InjectLanguage.nodejs(o as never) }) },
  {
    name: 'InjectLanguage.python',
    args: [{ containerNames: ['app'], platform: 'musl' }],
    call: (o) => ({ ...InjectLanguage.python(o as never) }),
  },
  {
    name: 'InjectLanguage.dotnet',
    args: [{ containerNames: ['app'], runtime: 'linux-musl-x64' }],
    call: (o) => ({ ...InjectLanguage.dotnet(o as never) }),
  },
  {
    name: 'InjectLanguage.go',
    args: [{ containerNames: ['app'], targetExe: '/app/server' }],
    call: (o) => ({ ...InjectLanguage.go(o as never) }),
  },
  { name: 'InjectLanguage.apacheHttpd', args: [{ containerNames: ['app'] }], call: (o) => ({ ...InjectLanguage.apacheHttpd(o as never) }) },
  { name: 'InjectLanguage.nginx', args: [{ containerNames: ['app'] }], call: (o) => ({ ...InjectLanguage.nginx(o as never) }) },
  {
    name: 'new Instrumentation',
    args: [fullProps],
    call: (p) => synth((c) => new Instrumentation(c, 'instrumentation', p as never)),
  },
  {
    name: 'new Instrumentation (destination endpoint, operator)',
    args: [
      {
        endpoint: {
          otlpGrpcUrl: 'http://$(OTEL_NODE_IP):4317',
          otlpHttpUrl: 'http://$(OTEL_NODE_IP):4318',
          requiredEnv: [{ name: 'OTEL_NODE_IP', fieldPath: 'status.hostIP' }],
        },
        operator: 'operator',
      },
    ],
    call: (p) =>
      synth((c) => {
        const op = new OpenTelemetryOperator(c, 'operator', { source: OperatorManifestSource.external() });
        const props = p as Record<string, unknown> | null;
        new Instrumentation(c, 'instrumentation', (props?.operator === 'operator' ? { ...props, operator: op } : props) as never);
      }),
  },
  {
    name: 'Instrumentation.findAll',
    args: ['scope'],
    call: (s) => {
      const chart = testChart('c');
      new Instrumentation(chart, 'i', { endpoint: ENDPOINT });
      return Instrumentation.findAll(scopeIn(chart, s) as never).map((i) => i.name);
    },
  },
  {
    name: 'inject',
    args: [
      'workload',
      {
        languages: [InjectLanguage.java({ containerNames: ['app'] }), InjectLanguage.python({ containerNames: ['sidecar'] })],
        instrumentation: 'apps/tracing',
      },
    ],
    call: (t, o) => synth((c) => inject(targetIn(c, t) as never, o as never)),
  },
  {
    name: 'inject (containerNames, namespacePodSecurity, operator)',
    args: [{ languages: [InjectLanguage.java()], containerNames: ['app'], namespacePodSecurity: 'baseline', operator: 'operator' }],
    call: (o) =>
      synth((c) => {
        const op = new OpenTelemetryOperator(c, 'operator', { source: OperatorManifestSource.external() });
        new Instrumentation(c, 'i', { endpoint: ENDPOINT });
        const opts = o as Record<string, unknown>;
        inject(workload(c), (opts?.operator === 'operator' ? { ...opts, operator: op } : o) as never);
      }),
  },
  {
    name: 'inject (ApiObject target)',
    args: [{ languages: [InjectLanguage.nodejs()], instrumentation: 'tracing' }],
    call: (o) =>
      synth((c) => {
        const d = new ApiObject(c, 'raw', {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'raw' },
          spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'app', image: 'a:1' }] } } },
        });
        inject(d, o as never);
      }),
  },
  {
    name: 'Instrumentation#inject',
    args: ['workload', { languages: [InjectLanguage.java()], containerNames: ['app'] }],
    call: (t, o) =>
      synth((c) => {
        const i = new Instrumentation(c, 'i', { endpoint: ENDPOINT });
        i.inject(targetIn(c, t) as never, o as never);
      }),
  },
];

/** Entry points without a case, each with its reason. */
const EXEMPT: Record<string, string> = {
  'Sampler.alwaysOn': 'takes no arguments',
  'Sampler.alwaysOff': 'takes no arguments',
  'Sampler.parentBasedAlwaysOn': 'takes no arguments',
  'Sampler.parentBasedAlwaysOff': 'takes no arguments',
  'Sampler.xray': 'takes no arguments',
};

describe('instrumentation room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(uncovered(instrumentation, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(instrumentation, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
