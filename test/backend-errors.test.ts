import { Chart, Testing } from 'cdk8s';
import {
  Backend,
  IndexRotation,
  Jaeger,
  JaegerStorage,
  Tempo,
  TempoStorage,
  TempoVersion,
} from '../lib/backends';
import { validate } from './helpers/validate';
import { testWithReference } from './helpers/reference';
import { testApp } from './helpers/temp';

const chart = () => new Chart(testApp(), 'test');
const ref = { name: 'creds', key: 'value' };
const s3 = { bucket: 'tempo', endpoint: 'minio:9000', credentials: { accessKeyId: ref, secretAccessKey: ref } };

/** Every bad input, the error it must raise (which names the value, the place, and the fix). */
const cases: Array<[string, () => unknown, RegExp]> = [
  [
    'badger with replicas > 1',
    () => new Jaeger(chart(), 'j', { replicas: 2, storage: JaegerStorage.badger() }),
    /jaeger "jaeger": replicas 2 with badger storage is not possible .*use replicas: 1/,
  ],
  [
    'memory with replicas > 1',
    () => new Jaeger(chart(), 'j', { replicas: 3 }),
    /replicas 3 with memory storage would split traces .*use replicas: 1/,
  ],
  [
    'Tempo local storage with replicas > 1',
    () => new Tempo(chart(), 't', { replicas: 2, storage: TempoStorage.local() }),
    /tempo "tempo": replicas 2 with local storage is not possible .*use replicas: 1/,
  ],
  [
    'Tempo object storage with replicas > 1 (monolithic)',
    () => new Tempo(chart(), 't', { replicas: 3, storage: TempoStorage.s3(s3) }),
    /replicas 3 is not supported in monolithic mode/,
  ],
  ['Tempo replicas 0', () => new Tempo(chart(), 't', { replicas: 0 }), /replicas 0 is invalid; use 1/],
  [
    'S3 without bucket',
    () => TempoStorage.s3({ ...s3, bucket: '' }),
    /tempo storage s3: bucket is missing or empty \(""\); set bucket/,
  ],
  [
    'S3 bucket undefined (JavaScript caller)',
    () => TempoStorage.s3({ endpoint: 'minio:9000' } as any),
    /s3: bucket is missing/,
  ],
  [
    'S3 endpoint with a scheme',
    () => TempoStorage.s3({ ...s3, endpoint: 'http://minio:9000' }),
    /endpoint "http:\/\/minio:9000" must be host\[:port\] without a scheme; .*insecure: true/,
  ],
  [
    'S3 with neither endpoint nor region',
    () => TempoStorage.s3({ bucket: 'b', credentials: s3.credentials }),
    /bucket "b" has neither endpoint nor region; set region \(AWS\) or endpoint \(MinIO\)/,
  ],
  [
    'S3 without any credentials',
    () => TempoStorage.s3({ bucket: 'b', endpoint: 'minio:9000' }),
    /s3: no credentials; set credentials \(Secret references\) or serviceAccountAnnotations/,
  ],
  [
    'S3 with both Secret credentials and workload identity',
    () => TempoStorage.s3({ ...s3, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn' } }),
    /both credentials and serviceAccountAnnotations are set; choose/,
  ],
  [
    'S3 access key given as a literal string',
    () => TempoStorage.s3({ ...s3, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' as any, secretAccessKey: ref } }),
    /credentials\.accessKeyId: a literal credential string is not accepted; reference a Secret/,
  ],
  [
    'GCS without bucket',
    () => TempoStorage.gcs({ bucketName: ' ', credentials: ref }),
    /tempo storage gcs: bucketName is missing or empty/,
  ],
  [
    'Azure without container',
    () => TempoStorage.azure({ containerName: '', storageAccountName: 'a', storageAccountKey: ref }),
    /azure: containerName is missing or empty/,
  ],
  [
    'local storage size 0',
    () => TempoStorage.local({ sizeGiB: 0 }),
    /tempo storage local: sizeGiB 0 is invalid; use a positive whole number of GiB/,
  ],
  [
    'invalid storage class name',
    () => TempoStorage.local({ storageClassName: 'Fast_SSD' }),
    /storageClassName "Fast_SSD" is not a valid Kubernetes name/,
  ],
  [
    'Tempo 3 option (liveStore) on Tempo 2',
    () => new Tempo(chart(), 't', { version: TempoVersion.V2, liveStore: { readinessMaxWaitSec: 30 } }),
    /liveStore options apply to Tempo 3\.x only; Tempo 2\.10\.8 has no live store .*TempoVersion\.V3/,
  ],
  [
    'Tempo 2 option (ingester) on Tempo 3',
    () => new Tempo(chart(), 't', { version: TempoVersion.V3, ingester: { maxBlockDurationMin: 5 } }),
    /ingester options apply to Tempo 2\.x only; Tempo 3\.0\.3 has no ingester/,
  ],
  [
    'retention of 0 hours',
    () => new Tempo(chart(), 't', { retentionHours: 0 }),
    /retentionHours 0 is invalid; use a positive whole number of hours/,
  ],
  [
    'metrics generator remote-write URL with credentials',
    () => new Tempo(chart(), 't', { metricsGenerator: { remoteWriteUrl: 'http://user:pw@prom:9090/api/v1/write' } }),
    /metricsGenerator\.remoteWriteUrl .* is not an http\(s\) URL without credentials/,
  ],
  [
    'unknown metrics generator processor',
    () =>
      new Tempo(chart(), 't', {
        metricsGenerator: { remoteWriteUrl: 'http://prom:9090/api/v1/write', processors: ['span_metrics' as any] },
      }),
    /metricsGenerator\.processors \["span_metrics"\] is invalid; use one or more of span-metrics/,
  ],
  [
    'local-blocks processor on Tempo 3 (removed in 3.0)',
    () =>
      new Tempo(chart(), 't', {
        metricsGenerator: { remoteWriteUrl: 'http://prom:9090/api/v1/write', processors: ['span-metrics', 'local-blocks'] },
      }),
    /metricsGenerator\.processors includes "local-blocks", which Tempo 3\.0\.3 no longer has .*TempoVersion\.V2/,
  ],
  ['unsupported Tempo major', () => TempoVersion.of('1.5.0'), /tempo version "1\.5\.0" has major 1, which is not supported/],
  ['Tempo version not semver', () => TempoVersion.of('latest'), /tempo version "latest" is not a semantic version/],
  ['invalid Tempo name', () => new Tempo(chart(), 't', { name: 'Tempo_1' }), /tempo name "Tempo_1" is invalid/],
  [
    'Jaeger v1 version',
    () => new Jaeger(chart(), 'j', { version: '1.65.0' }),
    /version "1\.65\.0" is not a Jaeger v2 release/,
  ],
  [
    'badger span TTL 0',
    () => JaegerStorage.badger({ spanTtlHours: 0 }),
    /jaeger storage badger: spanTtlHours 0 is invalid/,
  ],
  ['memory maxTraces negative', () => JaegerStorage.memory({ maxTraces: -1 }), /maxTraces -1 is invalid/],
  [
    'Elasticsearch without server URLs',
    () => JaegerStorage.elasticsearch({ serverUrls: [] }),
    /jaeger storage elasticsearch: serverUrls is empty; list at least one URL/,
  ],
  [
    'Elasticsearch URL with embedded credentials (and the password is not echoed)',
    () => JaegerStorage.elasticsearch({ serverUrls: ['https://elastic:hunter2@es:9200'] }),
    /^(?!.*hunter2).*embeds credentials; remove them and set username plus password/,
  ],
  [
    'OpenSearch mixing http and https',
    () => JaegerStorage.opensearch({ serverUrls: ['http://a:9200', 'https://b:9200'] }),
    /opensearch: serverUrls mix http:\/\/ and https:\/\//,
  ],
  [
    'Elasticsearch password as a string',
    () => JaegerStorage.elasticsearch({ serverUrls: ['https://es:9200'], username: 'u', password: 'changeme' as any }),
    /elasticsearch: password: a literal credential string is not accepted/,
  ],
  [
    'Elasticsearch password without username',
    () => JaegerStorage.elasticsearch({ serverUrls: ['https://es:9200'], password: ref }),
    /password is set without username; set username too/,
  ],
  [
    'Elasticsearch uppercase index prefix',
    () => JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'], indexPrefix: 'Jaeger' }),
    /indexPrefix "Jaeger" is invalid; use lowercase/,
  ],
  [
    'Elasticsearch TLS options with an http URL',
    () => JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'], tls: { insecureSkipVerify: true } }),
    /tls is set but serverUrls use http:\/\//,
  ],
  ['auto rollover without policy', () => IndexRotation.autoRollover(''), /policy name "" is invalid/],
  [
    // rotation.auto_rollover arrived in Jaeger v2.20.0 (jaeger internal/storage/elasticsearch/config/config_rotation.go,
    // commit dff3fef7e); the built Jaeger 2.13.0 refuses it: "'elasticsearch.indices.spans' has invalid keys: rotation"
    'auto rollover on a Jaeger older than 2.20.0',
    () => new Jaeger(chart(), 'j', { version: '2.13.0', storage: JaegerStorage.opensearch({ serverUrls: ['http://os:9200'], rotation: IndexRotation.autoRollover('ism') }) }),
    /IndexRotation\.autoRollover\(\) .* needs Jaeger 2\.20\.0 or later, but version is "2\.13\.0"/,
  ],
  [
    'Cassandra without servers',
    () => JaegerStorage.cassandra({ servers: [] }),
    /jaeger storage cassandra: servers is empty/,
  ],
  [
    'Cassandra username without password',
    () => JaegerStorage.cassandra({ servers: ['c:9042'], username: 'cassandra' }),
    /username "cassandra" is set without password; add password as a Secret reference/,
  ],
  [
    'Secret reference carrying a value field',
    () => JaegerStorage.cassandra({ servers: ['c:9042'], username: 'u', password: { ...ref, value: 'x' } as any }),
    /unexpected field\(s\) "value" in a Secret reference/,
  ],
  [
    'Secret reference with an invalid name',
    () => Backend.otlp('https://x.example.com', { headers: [{ name: 'x-api-key', valueFrom: { name: 'My Secret', key: 'k' } }] }),
    /Secret name "My Secret" is not a valid Kubernetes name/,
  ],
  ['external OTLP: not a URL', () => Backend.otlp('vendor.example.com:4317'), /otlp backend: url "vendor.example.com:4317" has no http:\/\/ or https:\/\/ scheme; write it as a full URL/],
  [
    'external OTLP: credentials in the URL',
    () => Backend.otlp('https://user:s3cr3t@vendor.example.com'),
    /^(?!.*s3cr3t).*embeds credentials; .*header from a Secret/,
  ],
  [
    'external OTLP: API key in the query string',
    () => Backend.otlp('https://vendor.example.com/v1/traces?api_key=abc', { protocol: 'http' }),
    /^(?!.*abc).*has a query string \(often an API key\)/,
  ],
  [
    'external OTLP: auth header over plaintext',
    () => Backend.otlp('http://vendor.example.com:4317', { headers: [{ name: 'authorization', valueFrom: ref }] }),
    /auth headers would be sent in clear text .*use an https:\/\/ URL/,
  ],
  [
    'external OTLP: header value as a string',
    () => Backend.otlp('https://vendor.example.com', { headers: [{ name: 'x-api-key', valueFrom: 'abc123' as any }] }),
    /header "x-api-key": a literal credential string is not accepted/,
  ],
  [
    'external OTLP: duplicate header',
    () =>
      Backend.otlp('https://vendor.example.com', {
        headers: [
          { name: 'X-Api-Key', valueFrom: ref },
          { name: 'x-api-key', valueFrom: ref },
        ],
      }),
    /header "x-api-key" is given twice/,
  ],
  [
    'external OTLP: gRPC URL with a path',
    () => Backend.otlp('https://vendor.example.com/v1/traces'),
    /gRPC url .* has a path "\/v1\/traces"; .*protocol: 'http'/,
  ],
  [
    'external OTLP: TLS options on http',
    () => Backend.otlp('http://collector:4317', { tls: { insecureSkipVerify: true } }),
    /tls options are set but url "http:\/\/collector:4317" is plaintext/,
  ],
  [
    'ServiceMonitor interval 0',
    () => new Tempo(chart(), 't', { serviceMonitor: { intervalSec: 0 } }),
    /service monitor "tempo": intervalSec 0 is invalid/,
  ],
];

describe('bad inputs throw eagerly with a clear message', () => {
  test('there are at least 10 distinct bad inputs', () => {
    expect(new Set(cases.map((c) => c[0])).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });

  test('error messages are lowercase and start with where the problem is', () => {
    for (const [, fn] of cases) {
      let msg = '';
      try {
        fn();
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toMatch(/^[a-z]/);
      expect(msg).toMatch(/; /); // the fix follows a semicolon
    }
  });
});

describe('the validation helper is live for backend objects', () => {
  testWithReference('a broken ServiceMonitor (as a hand-edited object) is rejected by the CRD schema', () => {
    const c = chart();
    new Tempo(c, 't', { serviceMonitor: {} });
    const objects = Testing.synth(c);
    const sm = objects.find((o) => o.kind === 'ServiceMonitor');
    sm.spec.endpoints = 'http';
    expect(validate(objects).errors.length).toBeGreaterThan(0);
  });
});
