import { Chart, Testing } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { Tempo, TempoStorage, TempoVersion } from '../lib/backends';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

const S3_CREDS = {
  accessKeyId: { name: 'minio-creds', key: 'access-key-id' },
  secretAccessKey: { name: 'minio-creds', key: 'secret-access-key' },
};

function chart(namespace?: string): Chart {
  return new Chart(testApp(), 'test', namespace ? { namespace } : {});
}

function find(objects: any[], kind: string, name?: string): any {
  const hit = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(hit).toHaveLength(1);
  return hit[0];
}

function renderedConfig(objects: any[]): any {
  return parse(find(objects, 'ConfigMap').data['tempo.yaml']);
}

function container(objects: any[]): any {
  return find(objects, 'StatefulSet').spec.template.spec.containers[0];
}

describe('Tempo 3.x monolithic with local storage (defaults)', () => {
  const c = chart('observability');
  const tempo = new Tempo(c, 'tempo');
  const objects = Testing.synth(c);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('validates against the Kubernetes schema', () => {
    expect(expectValid(c).errors).toEqual([]);
  });

  test('emits exactly a ConfigMap, ServiceAccount, Service and StatefulSet in the chart namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Service', 'ServiceAccount', 'StatefulSet']);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['observability']));
  });

  test('implements ITraceBackend with in-cluster DNS URLs derived from the Service', () => {
    const svc = find(objects, 'Service');
    expect(tempo.backendKind).toBe('tempo');
    expect(tempo.otlpGrpcUrl).toBe(`http://${svc.metadata.name}.observability.svc.cluster.local:4317`);
    expect(tempo.otlpHttpUrl).toBe(`http://${svc.metadata.name}.observability.svc.cluster.local:4318`);
    expect(tempo.preferredProtocol).toBe('grpc');
    expect(tempo.tls).toEqual({ insecure: true });
    expect(tempo.headers).toEqual([]);
    expect(tempo.requiredEnv).toEqual([]);
    expect(tempo.service).toEqual({
      name: svc.metadata.name,
      namespace: 'observability',
      ports: svc.spec.ports.map((p: any) => p.port),
    });
  });

  test('Service exposes 3200, 9095, 4317, 4318 and selects the pods', () => {
    const svc = find(objects, 'Service');
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([3200, 9095, 4317, 4318]);
    const podLabels = find(objects, 'StatefulSet').spec.template.metadata.labels;
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
    // every Service targetPort names a container port
    const names = container(objects).ports.map((p: any) => p.name);
    for (const p of svc.spec.ports) expect(names).toContain(p.targetPort);
  });

  test('single-replica StatefulSet with a data PVC holding WAL and blocks', () => {
    const sts = find(objects, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe(find(objects, 'Service').metadata.name);
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    const pvc = sts.spec.volumeClaimTemplates[0];
    expect(pvc.spec.resources.requests.storage).toBe('10Gi');
    expect(pvc.spec.storageClassName).toBeUndefined();
    const mount = container(objects).volumeMounts.find((m: any) => m.name === pvc.metadata.name);
    const cfg = renderedConfig(objects);
    expect(cfg.storage.trace.wal.path.startsWith(mount.mountPath + '/')).toBe(true);
    expect(cfg.storage.trace.local.path.startsWith(mount.mountPath + '/')).toBe(true);
  });

  test('pod runs as uid/fsGroup 10001, probes /ready, reads the mounted config', () => {
    const spec = find(objects, 'StatefulSet').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001, runAsNonRoot: true });
    const ctr = spec.containers[0];
    expect(ctr.image).toBe('grafana/tempo:3.0.3');
    expect(ctr.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(ctr.livenessProbe.httpGet.path).toBe('/ready');
    expect(ctr.args).toEqual(['-config.file=/conf/tempo.yaml']);
    const confMount = ctr.volumeMounts.find((m: any) => m.mountPath === '/conf');
    const confVolume = spec.volumes.find((v: any) => v.name === confMount.name);
    expect(confVolume.configMap.name).toBe(find(objects, 'ConfigMap').metadata.name);
  });

  test('3.x config: no ingester/compactor, retention under backend_scheduler and backend_worker, OTLP on 0.0.0.0', () => {
    const cfg = renderedConfig(objects);
    expect(cfg).toEqual(tempo.config);
    expect(cfg.ingester).toBeUndefined();
    expect(cfg.compactor).toBeUndefined();
    expect(cfg.backend_scheduler.provider.compaction.compaction.block_retention).toBe('336h');
    expect(cfg.backend_worker.compaction.block_retention).toBe('336h');
    expect(cfg.distributor.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(cfg.distributor.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(cfg.server).toMatchObject({ http_listen_port: 3200, grpc_listen_port: 9095 });
    expect(cfg.storage.trace.backend).toBe('local');
    expect(cfg.usage_report.reporting_enabled).toBe(false);
  });
});

describe('Tempo 2.x with S3 (MinIO)', () => {
  const c = chart();
  new Tempo(c, 'tempo', {
    name: 'traces',
    namespace: 'tracing',
    version: TempoVersion.V2,
    retentionHours: 72,
    ingester: { maxBlockDurationMin: 5, traceIdlePeriodSec: 10 },
    storage: TempoStorage.s3({
      bucket: 'tempo',
      endpoint: 'minio.storage:9000',
      forcePathStyle: true,
      insecure: true,
      credentials: S3_CREDS,
      sizeGiB: 5,
      storageClassName: 'fast-ssd',
    }),
  });
  const objects = Testing.synth(c);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('validates', () => {
    expect(expectValid(c).errors).toEqual([]);
  });

  test('2.x config: compactor retention, ingester tuning, no 3.x blocks', () => {
    const cfg = renderedConfig(objects);
    expect(cfg.compactor.compaction.block_retention).toBe('72h');
    expect(cfg.ingester).toEqual({ max_block_duration: '5m', trace_idle_period: '10s' });
    expect(cfg.backend_scheduler).toBeUndefined();
    expect(cfg.backend_worker).toBeUndefined();
    expect(cfg.live_store).toBeUndefined();
    expect(container(objects).image).toBe('grafana/tempo:2.10.8');
  });

  test('S3 block uses MinIO settings and env-expanded credentials from the Secret', () => {
    const cfg = renderedConfig(objects);
    expect(cfg.storage.trace.backend).toBe('s3');
    expect(cfg.storage.trace.s3).toEqual({
      bucket: 'tempo',
      endpoint: 'minio.storage:9000',
      forcepathstyle: true,
      insecure: true,
      access_key: '${TEMPO_S3_ACCESS_KEY_ID}',
      secret_key: '${TEMPO_S3_SECRET_ACCESS_KEY}',
    });
    const ctr = container(objects);
    expect(ctr.args).toContain('-config.expand-env=true');
    expect(ctr.env).toEqual([
      { name: 'TEMPO_S3_ACCESS_KEY_ID', valueFrom: { secretKeyRef: S3_CREDS.accessKeyId } },
      { name: 'TEMPO_S3_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: S3_CREDS.secretAccessKey } },
    ]);
  });

  test('keeps a WAL volume with object storage', () => {
    const sts = find(objects, 'StatefulSet');
    const pvc = sts.spec.volumeClaimTemplates[0];
    expect(pvc.spec).toMatchObject({ storageClassName: 'fast-ssd', resources: { requests: { storage: '5Gi' } } });
    const mount = container(objects).volumeMounts.find((m: any) => m.name === pvc.metadata.name);
    expect(renderedConfig(objects).storage.trace.wal.path.startsWith(mount.mountPath)).toBe(true);
  });

  test('names and namespace come from props', () => {
    expect(objects.every((o) => o.metadata.namespace === 'tracing')).toBe(true);
    expect(find(objects, 'Service').metadata.name).toBe('traces');
  });
});

describe('Tempo storage variants', () => {
  function synth(storage: TempoStorage, extra: object = {}): any[] {
    const c = chart('obs');
    new Tempo(c, 'tempo', { storage, ...extra });
    expect(expectValid(c).errors).toEqual([]);
    return Testing.synth(c);
  }

  test('S3 with workload identity: ServiceAccount annotation, token mounted, no keys in config, AWS endpoint from region', () => {
    const objects = synth(
      TempoStorage.s3({
        bucket: 'traces',
        region: 'eu-west-1',
        serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' },
      }),
    );
    const sa = find(objects, 'ServiceAccount');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' });
    expect(sa.automountServiceAccountToken).toBe(true);
    const cfg = renderedConfig(objects);
    expect(cfg.storage.trace.s3).toEqual({ bucket: 'traces', endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' });
    expect(container(objects).env).toBeUndefined();
    expect(container(objects).args).not.toContain('-config.expand-env=true');
  });

  test('GCS with a key file: Secret mounted as a file named by GOOGLE_APPLICATION_CREDENTIALS', () => {
    const objects = synth(TempoStorage.gcs({ bucketName: 'traces', credentials: { name: 'gcs-key', key: 'key.json' } }));
    expect(renderedConfig(objects).storage.trace).toMatchObject({ backend: 'gcs', gcs: { bucket_name: 'traces' } });
    const spec = find(objects, 'StatefulSet').spec.template.spec;
    const vol = spec.volumes.find((v: any) => v.secret);
    expect(vol.secret).toEqual({ secretName: 'gcs-key', items: [{ key: 'key.json', path: 'key.json' }] });
    const mount = spec.containers[0].volumeMounts.find((m: any) => m.name === vol.name);
    expect(mount.readOnly).toBe(true);
    const env = spec.containers[0].env.find((e: any) => e.name === 'GOOGLE_APPLICATION_CREDENTIALS');
    expect(env.value).toBe(`${mount.mountPath}/key.json`);
  });

  test('GCS with workload identity annotates the ServiceAccount', () => {
    const objects = synth(
      TempoStorage.gcs({
        bucketName: 'traces',
        serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'tempo@p.iam.gserviceaccount.com' },
      }),
    );
    expect(find(objects, 'ServiceAccount').metadata.annotations['iam.gke.io/gcp-service-account']).toBe(
      'tempo@p.iam.gserviceaccount.com',
    );
    expect(find(objects, 'StatefulSet').spec.template.spec.volumes.some((v: any) => v.secret)).toBe(false);
  });

  test('Azure with an account key expands it from the Secret', () => {
    const objects = synth(
      TempoStorage.azure({
        containerName: 'traces',
        storageAccountName: 'acct',
        storageAccountKey: { name: 'azure', key: 'account-key' },
      }),
    );
    expect(renderedConfig(objects).storage.trace.azure).toEqual({
      container_name: 'traces',
      storage_account_name: 'acct',
      storage_account_key: '${TEMPO_AZURE_STORAGE_ACCOUNT_KEY}',
    });
    expect(container(objects).env).toEqual([
      { name: 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY', valueFrom: { secretKeyRef: { name: 'azure', key: 'account-key' } } },
    ]);
    expect(container(objects).args).toContain('-config.expand-env=true');
  });

  test('Azure workload identity: federated token, pod label, ServiceAccount annotation', () => {
    const objects = synth(
      TempoStorage.azure({
        containerName: 'traces',
        storageAccountName: 'acct',
        serviceAccountAnnotations: { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' },
      }),
    );
    expect(renderedConfig(objects).storage.trace.azure.use_federated_token).toBe(true);
    expect(renderedConfig(objects).storage.trace.azure.storage_account_key).toBeUndefined();
    expect(find(objects, 'StatefulSet').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    // the selector must not depend on the storage label (it would break upgrades)
    expect(find(objects, 'StatefulSet').spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
  });
});

describe('Tempo options', () => {
  test('metrics generator: remote write and scoped overrides for the processors', () => {
    const c = chart();
    const tempo = new Tempo(c, 'tempo', {
      metricsGenerator: { remoteWriteUrl: 'http://prometheus.monitoring:9090/api/v1/write', processors: ['span-metrics'] },
    });
    const cfg = tempo.config as any;
    expect(cfg.metrics_generator.storage.remote_write).toEqual([
      { url: 'http://prometheus.monitoring:9090/api/v1/write', send_exemplars: true },
    ]);
    expect(cfg.metrics_generator.storage.path).toBe('/var/tempo/generator/wal');
    expect(cfg.overrides.defaults.metrics_generator.processors).toEqual(['span-metrics']);
  });

  test('2.x local-blocks processor gets the traces WAL it needs; other processors do not', () => {
    const remoteWriteUrl = 'http://prometheus.monitoring:9090/api/v1/write';
    const withLocal = new Tempo(chart(), 'tempo', {
      version: TempoVersion.V2,
      metricsGenerator: { remoteWriteUrl, processors: ['span-metrics', 'local-blocks'] },
    });
    expect((withLocal.config as any).metrics_generator.traces_storage).toEqual({ path: '/var/tempo/generator/traces' });
    const without = new Tempo(chart(), 'tempo', { version: TempoVersion.V2, metricsGenerator: { remoteWriteUrl } });
    expect((without.config as any).metrics_generator.traces_storage).toBeUndefined();
  });

  test('without the metrics generator there is no overrides or metrics_generator block', () => {
    const tempo = new Tempo(chart(), 'tempo');
    expect((tempo.config as any).metrics_generator).toBeUndefined();
    expect((tempo.config as any).overrides).toBeUndefined();
  });

  test('3.x live store tuning', () => {
    const tempo = new Tempo(chart(), 'tempo', { liveStore: { readinessTargetLagSec: 5, readinessMaxWaitSec: 30 } });
    expect((tempo.config as any).live_store).toEqual({ readiness_target_lag: '5s', readiness_max_wait: '30s' });
  });

  test('a config change changes the pod template checksum (rolls the pod)', () => {
    const sum = (retentionHours: number) => {
      const c = chart();
      new Tempo(c, 'tempo', { retentionHours });
      return find(Testing.synth(c), 'StatefulSet').spec.template.metadata.annotations['checksum/config'];
    };
    expect(sum(24)).toMatch(/^[0-9a-f]{64}$/);
    expect(sum(24)).toBe(sum(24));
    expect(sum(24)).not.toBe(sum(48));
  });

  test('ConfigMap holds exactly the serialized config object', () => {
    const c = chart();
    const tempo = new Tempo(c, 'tempo', { version: TempoVersion.V2 });
    expect(find(Testing.synth(c), 'ConfigMap').data['tempo.yaml']).toBe(stringify(tempo.config));
  });

  test('TempoVersion.of parses a release and picks the image', () => {
    const v = TempoVersion.of('v2.9.1');
    expect(v.major).toBe(2);
    expect(v.image).toBe('grafana/tempo:2.9.1');
    expect(TempoVersion.V3.major).toBe(3);
    const tempo = new Tempo(chart(), 'tempo', { version: v });
    expect((tempo.config as any).compactor).toBeDefined();
  });

  test('ServiceMonitor scrapes the http port of the Service and validates against the prometheus-operator CRD', () => {
    const c = chart('obs');
    new Tempo(c, 'tempo', { serviceMonitor: { intervalSec: 15, labels: { release: 'kube-prometheus' } } });
    const objects = Testing.synth(c);
    const sm = find(objects, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.labels.release).toBe('kube-prometheus');
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
    const svc = find(objects, 'Service');
    expect(svc.spec.ports.map((p: any) => p.name)).toContain(sm.spec.endpoints[0].port);
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    expect(sm.spec.namespaceSelector.matchNames).toEqual([svc.metadata.namespace]);
    expect(expectValid(c).errors).toEqual([]);
  });
});
