import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { IOtlpDestination } from '../lib/common/otlp-destination';
import { Instrumentation, InstrumentationProps } from '../lib/instrumentation/instrumentation';
import { Propagator } from '../lib/instrumentation/propagator';
import { Sampler } from '../lib/instrumentation/sampler';
import { OperatorManifestSource } from '../lib/operator/operator-manifest-source';
import { ARGOCD_SYNC_WAVE_ANNOTATION, OpenTelemetryOperator } from '../lib/operator/opentelemetry-operator';
import { describeWithReference, ref, testWithReference } from './helpers/reference';
import { expectValid, validate } from './helpers/validate';
import { testApp, testChart } from './helpers/temp';

const SAMPLES = ref('opentelemetry-operator', 'samples');

/**
 * Each upstream Instrumentation sample, written with the typed API. The mapping is by reading the
 * sample: literal env entries become `{ name, value }`, propagator names become `Propagator.*`,
 * `sampler {type, argument}` becomes the matching `Sampler.*` factory, attrs lists become maps.
 */
const TYPED_SAMPLES: Record<string, (scope: Construct) => Instrumentation> = {
  'instr-java__00-install-instrumentation.yaml#java': (scope) =>
    new Instrumentation(scope, 'java', {
      name: 'java',
      endpoint: 'http://deployment-collector:4318',
      env: [
        { name: 'OTEL_TRACES_SAMPLER', value: 'always_on' },
        { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
        { name: 'OTEL_LOGS_EXPORTER', value: 'none' },
      ],
      propagators: [Propagator.JAEGER, Propagator.B3],
      java: {
        env: [
          { name: 'OTEL_JAVAAGENT_DEBUG', value: 'true' },
          { name: 'OTEL_INSTRUMENTATION_JDBC_ENABLED', value: 'false' },
        ],
      },
    }),
  'multi-instr-multicontainer__00-install-instrumentation.yaml#multi': (scope) =>
    new Instrumentation(scope, 'multi', {
      name: 'multi',
      endpoint: 'http://deployment-collector:4317',
      env: [
        { name: 'OTEL_TRACES_SAMPLER', value: 'parentbased_traceidratio' },
        { name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.85' },
      ],
      propagators: [Propagator.JAEGER, Propagator.B3],
      sampler: Sampler.parentBasedTraceIdRatio(0.25),
      java: { env: [{ name: 'OTEL_SERVICE_NAME', value: 'javaapp' }] },
      python: {
        env: [
          { name: 'OTEL_SERVICE_NAME', value: 'pythonapp' },
          { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://deployment-collector:4318' },
        ],
      },
      nodejs: { env: [{ name: 'OTEL_SERVICE_NAME', value: 'nodejsapp' }] },
      dotnet: { env: [{ name: 'OTEL_SERVICE_NAME', value: 'dotnetapp' }] },
      go: { env: [{ name: 'OTEL_SERVICE_NAME', value: 'goapp' }] },
      nginx: {
        configFile: '/etc/nginx/conf.d/default.conf',
        env: [{ name: 'OTEL_SERVICE_NAME', value: 'nginxapp' }],
        attrs: { NginxModuleOtelMaxQueueSize: '4096' },
      },
      apacheHttpd: {
        env: [{ name: 'OTEL_SERVICE_NAME', value: 'apache-httpd-app' }],
        attrs: { ApacheModuleOtelMaxQueueSize: '4096' },
      },
    }),
};

/** A node-local agent: URLs use the node IP from the downward API. */
const AGENT: IOtlpDestination = {
  otlpGrpcUrl: 'http://$(OTEL_NODE_IP):4317',
  otlpHttpUrl: 'http://$(OTEL_NODE_IP):4318',
  requiredEnv: [{ name: 'OTEL_NODE_IP', fieldPath: 'status.hostIP' }],
};

/** An agent reached through a Service DNS name: nothing to resolve. */
const SERVICE_AGENT: IOtlpDestination = {
  otlpGrpcUrl: 'http://otel-agent.observability.svc.cluster.local:4317',
  otlpHttpUrl: 'http://otel-agent.observability.svc.cluster.local:4318',
  requiredEnv: [],
};

function make(props: Partial<InstrumentationProps> = {}, chartNs = 'apps') {
  const chart = new Chart(testApp(), 'test', { namespace: chartNs });
  const inst = new Instrumentation(chart, 'inst', { name: 'inst', endpoint: SERVICE_AGENT, ...props });
  return { chart, inst, out: Testing.synth(chart) };
}

const envOf = (block: any) => Object.fromEntries((block?.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describeWithReference('Instrumentation: upstream samples', () => {
  const sampleDocs = fs
    .readdirSync(SAMPLES)
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(`${SAMPLES}/${file}`, 'utf8'))
        .map((d) => d.toJS())
        .filter((o) => o?.kind === 'Instrumentation')
        .map((o) => ({ key: `${file}#${o.metadata.name}`, obj: o })),
    );

  test('every Instrumentation sample has a typed equivalent (and no typed one is stale)', () => {
    expect(sampleDocs.length).toBeGreaterThan(0);
    expect(sampleDocs.map((s) => s.key).sort()).toEqual(Object.keys(TYPED_SAMPLES).sort());
  });

  test.each(Object.keys(TYPED_SAMPLES))('%s: typed API yields an equal spec, valid against the CRD', (key) => {
    const sample = sampleDocs.find((s) => s.key === key)!.obj;
    const chart = testChart();
    TYPED_SAMPLES[key](chart);
    const out = Testing.synth(chart);
    expect(out).toHaveLength(1);
    expect(out[0].apiVersion).toBe(sample.apiVersion);
    expect(out[0].kind).toBe('Instrumentation');
    expect(out[0].metadata.name).toBe(sample.metadata.name);
    expect(out[0].spec).toEqual(sample.spec);
    expectValid(chart);
  });
});

describe('Instrumentation: endpoint per language', () => {
  test('an IOtlpDestination: gRPC as the common endpoint, OTLP/HTTP for Java, Node.js, Python, .NET and Go', () => {
    const { out } = make();
    const spec = out[0].spec;
    expect(spec.exporter.endpoint).toBe(SERVICE_AGENT.otlpGrpcUrl);
    for (const lang of ['java', 'nodejs', 'python', 'dotnet', 'go']) {
      expect([lang, envOf(spec[lang]).OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([lang, SERVICE_AGENT.otlpHttpUrl]);
    }
    // The Apache/nginx modules export OTLP/gRPC: they use the common endpoint.
    for (const lang of ['apacheHttpd', 'nginx']) expect(spec[lang]).toBeUndefined();
    expect(spec.env).toBeUndefined();
  });

  test('requiredEnv (downward API) is defined before use, in the common env and each override', () => {
    const { out, chart } = make({ endpoint: AGENT, python: { env: [{ name: 'OTEL_SERVICE_NAME', value: 'py' }] } });
    const spec = out[0].spec;
    const nodeIp = { name: 'OTEL_NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } };
    expect(spec.env).toEqual([nodeIp]);
    expect(spec.exporter.endpoint).toBe('http://$(OTEL_NODE_IP):4317');
    expect(spec.python.env).toEqual([
      nodeIp,
      { name: 'OTEL_SERVICE_NAME', value: 'py' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://$(OTEL_NODE_IP):4318' },
    ]);
    for (const lang of ['java', 'dotnet', 'go']) {
      const names = spec[lang].env.map((e: any) => e.name);
      expect(names.indexOf('OTEL_NODE_IP')).toBeLessThan(names.indexOf('OTEL_EXPORTER_OTLP_ENDPOINT'));
    }
    expectValid(chart);
  });

  test('a language env that sets the endpoint itself wins over the derived one', () => {
    const { out } = make({ go: { env: [{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://go-gw:4318' }] } });
    expect(out[0].spec.go.env).toEqual([{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://go-gw:4318' }]);
  });

  test('a plain string endpoint is used as is for every language', () => {
    const { out } = make({ endpoint: 'http://collector:4317' });
    expect(out[0].spec).toEqual({ exporter: { endpoint: 'http://collector:4317' } });
  });
});

describe('Instrumentation: typed blocks', () => {
  test('full spec: TLS, propagators, sampler, resource, defaults, per-language quirks; valid against the CRD', () => {
    const { out, chart } = make({
      endpoint: 'https://gateway.observability.svc:4317',
      tls: { secretName: 'otel-client-tls', caFile: 'ca.crt', certFile: 'tls.crt', keyFile: 'tls.key' },
      propagators: [Propagator.TRACECONTEXT, Propagator.BAGGAGE, Propagator.of('b3multi')],
      sampler: Sampler.parentBasedTraceIdRatio(0.1),
      resourceAttributes: { 'deployment.environment': 'prod' },
      addK8sUidAttributes: true,
      useLabelsForResourceAttributes: true,
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: 'OTEL_EXPORTER_OTLP_HEADERS', secretKeyRef: { name: 'otlp-auth', key: 'headers' } }],
      java: { resources: { cpuLimitMillis: 500, memoryLimitMiB: 128 }, extensions: [{ image: 'ext:1', dir: '/ext' }], volumeSizeLimitMiB: 300 },
      nodejs: { resources: { memoryRequestMiB: 64, memoryLimitMiB: 256 } },
      apacheHttpd: { version: '2.2', configPath: '/opt/apache/conf' },
    });
    const spec = out[0].spec;
    expect(spec.exporter.tls).toEqual({ secretName: 'otel-client-tls', ca_file: 'ca.crt', cert_file: 'tls.crt', key_file: 'tls.key' });
    expect(spec.propagators).toEqual(['tracecontext', 'baggage', 'b3multi']);
    expect(spec.sampler).toEqual({ type: 'parentbased_traceidratio', argument: '0.1' });
    expect(spec.resource).toEqual({ resourceAttributes: { 'deployment.environment': 'prod' }, addK8sUIDAttributes: true });
    expect(spec.defaults).toEqual({ useLabelsForResourceAttributes: true });
    expect(spec.env).toEqual([{ name: 'OTEL_EXPORTER_OTLP_HEADERS', valueFrom: { secretKeyRef: { name: 'otlp-auth', key: 'headers' } } }]);
    // upstream quirk hidden: Java "resources", Node.js "resourceRequirements"
    expect(spec.java.resources).toEqual({ limits: { cpu: '500m', memory: '128Mi' } });
    expect(spec.java.resourceRequirements).toBeUndefined();
    expect(spec.nodejs.resourceRequirements).toEqual({ limits: { memory: '256Mi' }, requests: { memory: '64Mi' } });
    expect(spec.java.volumeLimitSize).toBe('300Mi');
    expect(spec.apacheHttpd).toEqual({ version: '2.2', configPath: '/opt/apache/conf' });
    expectValid(chart);
  });

  test('samplers follow the webhook rules', () => {
    expect(Sampler.traceIdRatio(0).toSpec()).toEqual({ type: 'traceidratio', argument: '0' });
    expect(Sampler.parentBasedTraceIdRatio(1).toSpec()).toEqual({ type: 'parentbased_traceidratio', argument: '1' });
    expect(Sampler.alwaysOff().toSpec()).toEqual({ type: 'always_off' });
    expect(Sampler.jaegerRemote({ endpoint: 'http://jaeger:14250', pollingIntervalMs: 5000, initialSamplingRate: 0.25 }).toSpec()).toEqual({
      type: 'jaeger_remote',
      argument: 'endpoint=http://jaeger:14250,pollingIntervalMs=5000,initialSamplingRate=0.25',
    });
  });

  test('log correlation per language', () => {
    const { out, chart } = make({ java: { logCorrelation: true }, python: { logCorrelation: true }, nodejs: { logCorrelation: true } });
    const spec = out[0].spec;
    expect(envOf(spec.java)).toMatchObject({
      OTEL_INSTRUMENTATION_LOGBACK_MDC_ENABLED: 'true',
      OTEL_INSTRUMENTATION_LOG4J_CONTEXT_DATA_ENABLED: 'true',
    });
    expect(envOf(spec.python).OTEL_PYTHON_LOG_CORRELATION).toBe('true');
    // Node.js agent injects trace ids into winston/pino/bunyan by default: nothing to add (the block
    // only carries the OTLP/HTTP endpoint of its SDK).
    expect(spec.nodejs.env).toEqual([{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: SERVICE_AGENT.otlpHttpUrl }]);
    expectValid(chart);
  });

  test('ordering and sync wave after the operator', () => {
    const chart = testChart();
    const operator = new OpenTelemetryOperator(chart, 'op', { source: OperatorManifestSource.external(), argoCdSyncWaves: true });
    const inst = new Instrumentation(chart, 'inst', { endpoint: SERVICE_AGENT, operator });
    const out = Testing.synth(chart);
    expect(out[0].metadata.annotations[ARGOCD_SYNC_WAVE_ANNOTATION]).toBe('0');
    expect(inst.node.dependencies).toContain(operator.operatorLayer);
  });

  test('snapshot of a stack Instrumentation', () => {
    const { out } = make({ endpoint: AGENT, sampler: Sampler.parentBasedTraceIdRatio(0.1), java: { logCorrelation: true } });
    expect(out[0].spec.sampler.argument).toBe('0.1');
    expect(out[0].metadata).toEqual({ name: 'inst', namespace: 'apps' });
    expect(out).toMatchSnapshot();
  });
});

describe('Instrumentation: bad inputs', () => {
  test.each([
    ['sampler ratio 1.5', () => Sampler.parentBasedTraceIdRatio(1.5), /ratio 1\.5 is out of range; use a ratio between 0 and 1/],
    ['negative ratio', () => Sampler.traceIdRatio(-0.1), /traceidratio ratio -0\.1 is out of range/],
    ['NaN ratio', () => Sampler.traceIdRatio(NaN), /NaN is out of range/],
    ['jaeger_remote endpoint with a comma', () => Sampler.jaegerRemote({ endpoint: 'http://a,b' }), /jaeger_remote endpoint "http:\/\/a,b" is invalid/],
    ['jaeger_remote polling interval', () => Sampler.jaegerRemote({ endpoint: 'http://j:14250', pollingIntervalMs: 1.5 }), /pollingIntervalMs 1\.5 is invalid/],
    ['jaeger_remote initial rate', () => Sampler.jaegerRemote({ endpoint: 'http://j:14250', initialSamplingRate: 2 }), /initialSamplingRate 2 is out of range/],
    ['unknown propagator', () => Propagator.of('w3c'), /unknown propagator "w3c"; use one of tracecontext/],
    ['none with others', () => make({ propagators: [Propagator.NONE, Propagator.B3] }), /"none" cannot be combined with b3/],
    ['duplicate propagator', () => make({ propagators: [Propagator.B3, Propagator.B3] }), /"b3" is listed twice/],
    ['endpoint not a URL', () => make({ endpoint: 'collector:4317' }), /endpoint "collector:4317" is not an http\(s\) URL/],
    ['credential as literal env', () => make({ env: [{ name: 'OTEL_EXPORTER_OTLP_HEADERS', value: 'authorization=Bearer x' }] }), /looks like a credential.*use secretKeyRef/],
    ['env with two sources', () => make({ env: [{ name: 'A', value: '1', fieldPath: 'status.hostIP' }] }), /A has 2 value sources/],
    ['duplicate env', () => make({ java: { env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] } }), /java\.env: A is set twice/],
    ['env contradicting requiredEnv', () => make({ endpoint: AGENT, env: [{ name: 'OTEL_NODE_IP', value: '10.0.0.1' }] }), /OTEL_NODE_IP conflicts with the variable the endpoint requires/],
    ['tls without https', () => make({ endpoint: 'http://gw:4317', tls: { secretName: 's', caFile: 'ca.crt' } }), /tls is set but endpoint "http:\/\/gw:4317" is not https/],
    ['tls cert without key', () => make({ endpoint: 'https://gw:4317', tls: { secretName: 's', certFile: 'tls.crt' } }), /certFile and keyFile go together/],
    ['tls key from a ConfigMap', () => make({ endpoint: 'https://gw:4317', tls: { configMapName: 'c', caFile: 'ca', certFile: 'a', keyFile: 'b' } }), /keyFile "b" needs secretName/],
    ['tls without a source', () => make({ endpoint: 'https://gw:4317', tls: { caFile: 'ca.crt' } }), /tls needs secretName or configMapName/],
    ['log correlation for go', () => make({ go: { logCorrelation: true } }), /go\.logCorrelation is not supported by the go agent/],
    ['log correlation contradicted by env', () => make({ python: { logCorrelation: true, env: [{ name: 'OTEL_PYTHON_LOG_CORRELATION', value: 'false' }] } }), /contradicts logCorrelation/],
    ['resources limit below request', () => make({ python: { resources: { memoryRequestMiB: 256, memoryLimitMiB: 128 } } }), /memoryLimitMiB 128 is below memoryRequestMiB 256/],
    ['zero volume size', () => make({ dotnet: { volumeSizeLimitMiB: 0 } }), /dotnet\.volumeSizeLimitMiB 0 is invalid/],
    ['nginx config path', () => make({ nginx: { configFile: 'etc/nginx.conf' } }), /nginx\.configFile "etc\/nginx\.conf" is invalid/],
    ['apache version', () => make({ apacheHttpd: { version: '2.6' as any } }), /apacheHttpd\.version "2\.6" is not supported/],
    ['bad name', () => make({ name: 'My_Inst' }), /name "My_Inst" is not a valid object name/],
  ])('%s', (_label, fn, message) => {
    expect(fn).toThrow(message);
  });

  testWithReference('the validator would also reject a hand-written bad sampler type (CRD enum)', () => {
    const { out } = make();
    const bad = { ...out[0], spec: { ...out[0].spec, sampler: { type: 'ratio' } } };
    expect(validate([bad]).ok).toBe(false);
  });
});
