import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Backend, Jaeger, JaegerStorage, Tempo, TempoStorage, TempoVersion } from '../lib/backends';
import { testApp } from './helpers/temp';

/**
 * Fake credential values. None of them can be handed to the library (only Secret references are
 * accepted), and none may ever show up in a synthesized object or an error message.
 */
const FAKE = {
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  gcsKey: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}',
  azureKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  esPassword: 'es-Pa55w0rd!',
  cassandraPassword: 'cass-Pa55w0rd!',
  apiKey: 'vendor-api-key-0123456789abcdef',
};
const FAKE_VALUES = Object.values(FAKE);

const ref = (name: string, key: string) => ({ name, key });

/** Every storage option (and the external OTLP backend), configured with Secret references only. */
function everyBackend(): Chart {
  const c = new Chart(testApp(), 'all', { namespace: 'obs' });
  const tempo = (name: string, storage: TempoStorage, version = TempoVersion.V3) =>
    new Tempo(c, name, { name, storage, version, metricsGenerator: { remoteWriteUrl: 'http://prom:9090/api/v1/write' } });
  tempo('t-local', TempoStorage.local());
  tempo(
    't-s3',
    TempoStorage.s3({
      bucket: 'b',
      endpoint: 'minio:9000',
      forcePathStyle: true,
      insecure: true,
      credentials: { accessKeyId: ref('s3', 'id'), secretAccessKey: ref('s3', 'secret') },
    }),
    TempoVersion.V2,
  );
  tempo('t-s3-irsa', TempoStorage.s3({ bucket: 'b', region: 'us-east-1', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/t' } }));
  tempo('t-gcs', TempoStorage.gcs({ bucketName: 'b', credentials: ref('gcs', 'key.json') }));
  tempo('t-gcs-wi', TempoStorage.gcs({ bucketName: 'b', serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 't@p.iam.gserviceaccount.com' } }));
  tempo('t-azure', TempoStorage.azure({ containerName: 'c', storageAccountName: 'a', storageAccountKey: ref('azure', 'key') }));
  tempo('t-azure-wi', TempoStorage.azure({ containerName: 'c', storageAccountName: 'a', serviceAccountAnnotations: { 'azure.workload.identity/client-id': 'id' } }));
  new Jaeger(c, 'j-memory', { name: 'j-memory' });
  new Jaeger(c, 'j-badger', { name: 'j-badger', storage: JaegerStorage.badger() });
  new Jaeger(c, 'j-es', {
    name: 'j-es',
    storage: JaegerStorage.elasticsearch({ serverUrls: ['https://es:9200'], username: 'jaeger', password: ref('es', 'password'), tls: { caFrom: ref('es-ca', 'ca.crt') } }),
  });
  new Jaeger(c, 'j-os', {
    name: 'j-os',
    storage: JaegerStorage.opensearch({ serverUrls: ['https://os:9200'], username: 'jaeger', password: ref('os', 'password') }),
  });
  new Jaeger(c, 'j-cassandra', {
    name: 'j-cassandra',
    storage: JaegerStorage.cassandra({ servers: ['cassandra:9042'], username: 'jaeger', password: ref('cassandra', 'password'), tls: {} }),
  });
  Backend.otlp('https://otlp.vendor.example.com', { headers: [{ name: 'x-api-key', valueFrom: ref('vendor', 'api-key') }] }).bind(c, 'otlp');
  return c;
}

/** Objects plus every config file embedded in a ConfigMap, parsed. */
function documents(objects: any[]): Array<{ where: string; doc: any }> {
  const docs: Array<{ where: string; doc: any }> = [];
  for (const o of objects) {
    docs.push({ where: `${o.kind}/${o.metadata.name}`, doc: o });
    if (o.kind === 'ConfigMap') {
      for (const [k, v] of Object.entries<string>(o.data ?? {})) docs.push({ where: `${o.metadata.name}/${k}`, doc: parse(v) });
    }
  }
  return docs;
}

const CREDENTIAL_KEY = /(password|passwd|secret|token|access_key|secret_key|account_key|api[_-]?key|credential)s?$/i;
const ENV_REF = /^\$\{(env:)?[A-Z_][A-Z0-9_]*\}$/;
const LOOKS_LIKE_CREDENTIAL = [
  /AKIA[0-9A-Z]{16}/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b[A-Za-z0-9+/]{40,}={0,2}/, // long base64 blobs (account keys, secrets)
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // user:password@host in a URL
];

/** Finds credential-looking values: returns a list of findings ("where: path = value"). */
function scan(objects: any[]): string[] {
  const findings: string[] = [];
  const visit = (where: string, path: string, v: any) => {
    if (typeof v === 'string') {
      if (FAKE_VALUES.some((f) => v.includes(f))) findings.push(`${where}: ${path} contains a fake credential`);
      const key = path.split('.').pop() ?? '';
      if (CREDENTIAL_KEY.test(key) && !ENV_REF.test(v)) findings.push(`${where}: ${path} = ${v} is not an env reference`);
      for (const re of LOOKS_LIKE_CREDENTIAL) {
        if (re.test(v) && !path.endsWith('checksum/config')) findings.push(`${where}: ${path} looks like a credential`);
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => visit(where, `${path}[${i}]`, x));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(where, path ? `${path}.${k}` : k, x);
    }
  };
  for (const { where, doc } of documents(objects)) visit(where, '', doc);
  // env vars whose name says "secret" must come from a Secret
  for (const o of objects) {
    for (const ctr of o.spec?.template?.spec?.containers ?? []) {
      for (const e of ctr.env ?? []) {
        if (/(PASSWORD|SECRET|KEY|TOKEN)/.test(e.name) && e.value !== undefined) {
          findings.push(`${o.kind}/${o.metadata.name}: env ${e.name} has a literal value`);
        }
      }
    }
  }
  return findings;
}

describe('no credential value ever reaches a manifest', () => {
  const c = everyBackend();
  const objects = Testing.synth(c);

  test('every storage option is present', () => {
    const tempoConfigs = documents(objects).filter((d) => d.where.endsWith('/tempo.yaml'));
    expect(tempoConfigs.map((d) => d.doc.storage.trace.backend).sort()).toEqual(
      ['azure', 'azure', 'gcs', 'gcs', 'local', 's3', 's3'],
    );
    const jaegerConfigs = documents(objects).filter((d) => d.where.endsWith('/config.yaml'));
    expect(jaegerConfigs.map((d) => Object.keys(d.doc.extensions.jaeger_storage.backends.trace_storage)[0]).sort()).toEqual(
      ['badger', 'cassandra', 'elasticsearch', 'memory', 'opensearch'],
    );
  });

  test('no Secret objects are synthesized (values live in Secrets the user creates)', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the scan finds nothing', () => {
    expect(scan(objects)).toEqual([]);
  });

  test('the scan is able to fail: it catches planted credentials', () => {
    const planted = JSON.parse(JSON.stringify(objects));
    const cm = planted.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 't-s3-config');
    cm.data['tempo.yaml'] = cm.data['tempo.yaml'].replace('${TEMPO_S3_SECRET_ACCESS_KEY}', FAKE.awsSecret);
    const dep = planted.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'j-es');
    dep.spec.template.spec.containers[0].env.push({ name: 'ES_PASSWORD', value: 'x' });
    const svc = planted.find((o: any) => o.kind === 'Service');
    svc.metadata.annotations = { note: `https://elastic:${FAKE.esPassword}@es:9200` };
    const findings = scan(planted);
    expect(findings.some((f) => f.startsWith('t-s3-config/tempo.yaml: storage.trace.s3.secret_key'))).toBe(true);
    expect(findings).toContain('Deployment/j-es: env ES_PASSWORD has a literal value');
    expect(findings.some((f) => f.includes('metadata.annotations.note'))).toBe(true);
  });

  test('every ${VAR} a config uses is set in its container from a Secret key', () => {
    const byConfigMap = new Map<string, string[]>();
    for (const o of objects.filter((x) => x.kind === 'ConfigMap')) {
      const text = Object.values<string>(o.data).join('\n');
      byConfigMap.set(o.metadata.name, [...text.matchAll(/\$\{(?:env:)?([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]));
    }
    let checked = 0;
    for (const w of objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment')) {
      const spec = w.spec.template.spec;
      const cmName = spec.volumes.find((v: any) => v.configMap).configMap.name;
      const env = new Map<string, any>((spec.containers[0].env ?? []).map((e: any) => [e.name, e]));
      for (const name of byConfigMap.get(cmName) ?? []) {
        expect(env.get(name)?.valueFrom?.secretKeyRef).toBeDefined();
        checked++;
      }
      if ((byConfigMap.get(cmName) ?? []).length > 0 && w.kind === 'StatefulSet') {
        expect(spec.containers[0].args).toContain('-config.expand-env=true');
      }
    }
    // s3 (2) + azure (1) + es (1) + opensearch (1) + cassandra (1)
    expect(checked).toBe(6);
  });

  test('every referenced Secret key is one the user gave', () => {
    const given = new Set(['s3/id', 's3/secret', 'gcs/key.json', 'azure/key', 'es/password', 'es-ca/ca.crt', 'os/password', 'cassandra/password']);
    const used = new Set<string>();
    const visit = (v: any) => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') {
        if (v.secretKeyRef) used.add(`${v.secretKeyRef.name}/${v.secretKeyRef.key}`);
        if (v.secret?.secretName) for (const i of v.secret.items) used.add(`${v.secret.secretName}/${i.key}`);
        Object.values(v).forEach(visit);
      }
    };
    visit(objects);
    expect(used).toEqual(given);
  });
});

describe('credential strings are refused everywhere, without echoing them', () => {
  const attempts: Array<[string, (v: any) => unknown]> = [
    ['s3 accessKeyId', (v) => TempoStorage.s3({ bucket: 'b', endpoint: 'm:9000', credentials: { accessKeyId: v, secretAccessKey: ref('s', 'k') } })],
    ['s3 secretAccessKey', (v) => TempoStorage.s3({ bucket: 'b', endpoint: 'm:9000', credentials: { accessKeyId: ref('s', 'k'), secretAccessKey: v } })],
    ['gcs credentials', (v) => TempoStorage.gcs({ bucketName: 'b', credentials: v })],
    ['azure storageAccountKey', (v) => TempoStorage.azure({ containerName: 'c', storageAccountName: 'a', storageAccountKey: v })],
    ['elasticsearch password', (v) => JaegerStorage.elasticsearch({ serverUrls: ['https://es:9200'], username: 'u', password: v })],
    ['opensearch password', (v) => JaegerStorage.opensearch({ serverUrls: ['https://os:9200'], username: 'u', password: v })],
    ['cassandra password', (v) => JaegerStorage.cassandra({ servers: ['c:9042'], username: 'u', password: v })],
    ['elasticsearch CA', (v) => JaegerStorage.elasticsearch({ serverUrls: ['https://es:9200'], tls: { caFrom: v } })],
    ['otlp header', (v) => Backend.otlp('https://x.example.com', { headers: [{ name: 'authorization', valueFrom: v }] })],
    ['otlp CA', (v) => Backend.otlp('https://x.example.com', { tls: { caFrom: v } })],
  ];

  test.each(attempts)('%s: a string or a {value} object is refused', (_name, attempt) => {
    for (const value of FAKE_VALUES) {
      for (const bad of [value, { name: 's', key: 'k', value }, { value }]) {
        let message = '';
        try {
          attempt(bad);
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).not.toBe('');
        expect(message).not.toContain(value);
      }
    }
  });
});
