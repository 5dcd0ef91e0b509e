import * as backends from '../../lib/backends';
import { runConstructValidations, synthObjects } from '../../lib/stack/layered-output';
import { FuzzCase, formatProblems, runFuzzCase, staleExemptions, uncovered } from '../helpers/fuzz';
import { testChart } from '../helpers/temp';

const { Backend, IndexRotation, InClusterBackend, Jaeger, JaegerStorage, Tempo, TempoStorage, TempoVersion } = backends;

/** Synthesizes what `build` adds to a fresh chart (construct validations included). */
function synth(build: (chart: ReturnType<typeof testChart>) => unknown): unknown {
  const chart = testChart('c');
  build(chart);
  runConstructValidations(chart);
  return synthObjects(chart);
}

const secret = (name: string, key: string) => ({ name, key });

/** What a storage contributes (its model), to inspect a factory's output. */
// the storage model without its version hook (a function: rendered per version by the Jaeger construct)
const model = (s: { _model: unknown }) => {
  const { backendConfigFor: _f, ...rest } = s._model as Record<string, unknown>;
  return rest;
};

const cases: FuzzCase[] = [
  // ---- Backend factories: bound to a chart and synthesized
  {
    name: 'Backend.tempo',
    args: [{ name: 'traces', namespace: 'obs', retentionHours: 48, storage: TempoStorage.local({ sizeGiB: 5 }) }],
    call: (p) => synth((c) => Backend.tempo(p as never).bind(c, 'backend', { namespace: 'fallback' })),
  },
  {
    name: 'Backend.jaeger',
    args: [{ name: 'jaeger', namespace: 'obs', storage: JaegerStorage.memory({ maxTraces: 1000 }), logLevel: 'warn' }],
    call: (p) => synth((c) => Backend.jaeger(p as never).bind(c, 'backend', { namespace: 'fallback' })),
  },
  {
    name: 'Backend.otlp',
    args: [
      'https://otlp.vendor.example:4317',
      {
        protocol: 'grpc',
        headers: [{ name: 'authorization', valueFrom: secret('vendor', 'auth-header') }],
        tls: { caFrom: secret('vendor-ca', 'ca.crt'), insecureSkipVerify: false, serverName: 'otlp.vendor.example' },
      },
    ],
    call: (u, o) => {
      const b = Backend.otlp(u as never, o as never).bind(testChart('c'), 'otlp');
      return { grpc: b.otlpGrpcUrl, http: b.otlpHttpUrl, tls: b.tls, headers: b.headers, protocol: b.preferredProtocol };
    },
  },
  // ---- Tempo
  {
    name: 'TempoVersion.of',
    args: ['3.0.1'],
    call: (v) => TempoVersion.of(v as never).image,
  },
  { name: 'TempoStorage.local', args: [{ sizeGiB: 20, storageClassName: 'fast-ssd' }], call: (p) => model(TempoStorage.local(p as never)) },
  {
    name: 'TempoStorage.s3 (static credentials)',
    args: [
      {
        bucket: 'traces',
        endpoint: 'minio.storage:9000',
        region: 'us-east-1',
        forcePathStyle: true,
        insecure: true,
        credentials: { accessKeyId: secret('minio', 'user'), secretAccessKey: secret('minio', 'password') },
        sizeGiB: 10,
        storageClassName: 'standard',
      },
    ],
    call: (p) => model(TempoStorage.s3(p as never)),
  },
  {
    name: 'TempoStorage.s3 (workload identity)',
    args: [{ bucket: 'traces', region: 'eu-west-1', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' } }],
    call: (p) => model(TempoStorage.s3(p as never)),
  },
  {
    name: 'TempoStorage.gcs',
    args: [{ bucketName: 'traces', credentials: secret('gcs', 'key.json'), sizeGiB: 10, storageClassName: 'standard' }],
    call: (p) => model(TempoStorage.gcs(p as never)),
  },
  {
    name: 'TempoStorage.gcs (workload identity)',
    args: [{ bucketName: 'traces', serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'tempo@p.iam.gserviceaccount.com' } }],
    call: (p) => model(TempoStorage.gcs(p as never)),
  },
  {
    name: 'TempoStorage.azure',
    args: [
      {
        containerName: 'traces',
        storageAccountName: 'acct',
        storageAccountKey: secret('azure', 'key'),
        endpointSuffix: 'blob.core.usgovcloudapi.net',
        sizeGiB: 10,
        storageClassName: 'managed-csi',
      },
    ],
    call: (p) => model(TempoStorage.azure(p as never)),
  },
  {
    name: 'TempoStorage.azure (workload identity)',
    args: [{ containerName: 'traces', storageAccountName: 'acct', serviceAccountAnnotations: { 'azure.workload.identity/client-id': 'abc' } }],
    call: (p) => model(TempoStorage.azure(p as never)),
  },
  {
    name: 'new Tempo (Tempo 3)',
    args: [
      {
        name: 'tempo',
        namespace: 'obs',
        version: TempoVersion.V3,
        image: 'mirror.example/grafana/tempo:3.0.3',
        storage: TempoStorage.s3({ bucket: 'traces', region: 'us-east-1', credentials: { accessKeyId: secret('s3', 'id'), secretAccessKey: secret('s3', 'key') } }),
        replicas: 1,
        retentionHours: 72,
        logLevel: 'debug',
        metricsGenerator: {
          remoteWriteUrl: 'http://prometheus.monitoring:9090/api/v1/write',
          processors: ['span-metrics', 'service-graphs'],
          sendExemplars: true,
          externalLabels: { cluster: 'prod' },
        },
        serviceMonitor: { intervalSec: 15, labels: { release: 'prom' } },
        memoryLimitMiB: 1024,
        cpuRequestMillis: 100,
        usageReporting: false,
      },
    ],
    call: (p) => synth((c) => new Tempo(c, 'tempo', p as never)),
  },
  {
    name: 'new Tempo (Tempo 2)',
    args: [
      {
        version: TempoVersion.V2,
        ingester: { maxBlockDurationMin: 30, traceIdlePeriodSec: 5 },
        metricsGenerator: { remoteWriteUrl: 'http://prometheus.monitoring:9090/api/v1/write', processors: ['local-blocks'] },
      },
    ],
    call: (p) => synth((c) => new Tempo(c, 'tempo', p as never)),
  },
  // ---- Jaeger
  { name: 'JaegerStorage.memory', args: [{ maxTraces: 5000 }], call: (p) => model(JaegerStorage.memory(p as never)) },
  {
    name: 'JaegerStorage.badger',
    args: [{ sizeGiB: 20, storageClassName: 'fast', spanTtlHours: 48 }],
    call: (p) => model(JaegerStorage.badger(p as never)),
  },
  {
    name: 'JaegerStorage.elasticsearch',
    args: [
      {
        serverUrls: ['https://es-http.elastic:9200'],
        indexPrefix: 'prod',
        rotation: IndexRotation.hourly(),
        shards: 3,
        replicas: 1,
        username: 'jaeger',
        password: secret('es', 'password'),
        tls: { caFrom: secret('es-ca', 'ca.crt'), insecureSkipVerify: false },
      },
    ],
    call: (p) => model(JaegerStorage.elasticsearch(p as never)),
  },
  {
    name: 'JaegerStorage.opensearch',
    args: [{ serverUrls: ['http://opensearch.db:9200'], rotation: IndexRotation.daily(), shards: 1, replicas: 0 }],
    call: (p) => model(JaegerStorage.opensearch(p as never)),
  },
  {
    name: 'JaegerStorage.cassandra',
    args: [
      {
        servers: ['cassandra.db:9042'],
        keyspace: 'jaeger_v1_dc1',
        createSchema: true,
        username: 'jaeger',
        password: secret('cassandra', 'password'),
        tls: { caFrom: secret('cassandra-ca', 'ca.crt'), insecureSkipVerify: false },
      },
    ],
    call: (p) => model(JaegerStorage.cassandra(p as never)),
  },
  { name: 'IndexRotation.autoRollover', args: ['jaeger-ilm-policy'], call: (n) => IndexRotation.autoRollover(n as never)._indexConfig },
  {
    name: 'new Jaeger',
    args: [
      {
        name: 'jaeger',
        namespace: 'obs',
        version: '2.13.0',
        image: 'mirror.example/jaegertracing/jaeger:2.13.0',
        storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es.db:9200'] }),
        replicas: 2,
        logLevel: 'info',
        serviceMonitor: { intervalSec: 30, labels: { release: 'prom' } },
        memoryLimitMiB: 512,
        cpuRequestMillis: 100,
      },
    ],
    call: (p) => synth((c) => new Jaeger(c, 'jaeger', p as never)),
  },
  {
    name: 'new Jaeger (badger)',
    args: [{ storage: JaegerStorage.badger({ sizeGiB: 5 }) }],
    call: (p) => synth((c) => new Jaeger(c, 'jaeger', p as never)),
  },
];

/** Entry points without a case, each with its reason. */
const EXEMPT: Record<string, string> = {
  'IndexRotation.daily': 'takes no arguments',
  'IndexRotation.hourly': 'takes no arguments',
  'JaegerStorage.search': 'private (TypeScript): the shared body of JaegerStorage.elasticsearch/opensearch, fuzzed through them',
  'new InClusterBackend': 'abstract base class with a protected constructor: fuzzed through new Tempo and new Jaeger',
  'InClusterBackend#container': 'protected builder for subclasses (@internal), called with values the subclass has checked',
  'InClusterBackend#httpProbe': 'protected builder for subclasses (@internal), called with values the subclass has checked',
  'InClusterBackend#mountSecretFiles': 'protected builder for subclasses (@internal), called with values the subclass has checked',
  'InClusterBackend#resources': 'protected builder for subclasses (@internal), called with values the subclass has checked',
};

describe('backends room: wrong-typed and out-of-range props give only our errors', () => {
  test('every public entry point has a case or a stated reason', () => {
    expect(InClusterBackend).toBeDefined();
    expect(uncovered(backends, cases, EXEMPT)).toEqual([]);
    expect(staleExemptions(backends, EXEMPT)).toEqual([]);
  });
  test.each(cases.map((c) => [c.name, c]))('%s', (_n, c) => {
    const run = runFuzzCase(c as FuzzCase);
    expect(run.calls).toBeGreaterThan(1);
    expect(formatProblems(run.problems)).toEqual([]);
  });
});
