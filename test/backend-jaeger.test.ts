import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { IndexRotation, Jaeger, JaegerStorage } from '../lib/backends';
import { expectValid } from './helpers/validate';
import { testApp } from './helpers/temp';

function chart(namespace?: string): Chart {
  return new Chart(testApp(), 'test', namespace ? { namespace } : {});
}

function find(objects: any[], kind: string): any {
  const hit = objects.filter((o) => o.kind === kind);
  expect(hit).toHaveLength(1);
  return hit[0];
}

function renderedConfig(objects: any[]): any {
  return parse(find(objects, 'ConfigMap').data['config.yaml']);
}

function podSpec(objects: any[]): any {
  return find(objects, 'Deployment').spec.template.spec;
}

/** The backend block the query extension reads, looked up by name (not by position). */
function traceStore(cfg: any): any {
  const name = cfg.extensions.jaeger_query.storage.traces;
  expect(cfg.exporters.jaeger_storage_exporter.trace_storage).toBe(name);
  return cfg.extensions.jaeger_storage.backends[name];
}

describe('Jaeger v2 with memory storage (defaults)', () => {
  const c = chart('observability');
  const jaeger = new Jaeger(c, 'jaeger');
  const objects = Testing.synth(c);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('validates', () => {
    expect(expectValid(c).errors).toEqual([]);
  });

  test('emits ConfigMap, ServiceAccount, Service and Deployment only (no PVC for memory)', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service', 'ServiceAccount']);
  });

  test('implements ITraceBackend with in-cluster URLs', () => {
    const svc = find(objects, 'Service');
    expect(jaeger.backendKind).toBe('jaeger');
    expect(jaeger.otlpGrpcUrl).toBe(`http://${svc.metadata.name}.observability.svc.cluster.local:4317`);
    expect(jaeger.otlpHttpUrl).toBe(`http://${svc.metadata.name}.observability.svc.cluster.local:4318`);
    expect(jaeger.preferredProtocol).toBe('grpc');
    expect(jaeger.tls.insecure).toBe(true);
    expect(jaeger.service?.ports).toEqual(svc.spec.ports.map((p: any) => p.port));
  });

  test('Service ports 16686, 16685, 4317, 4318, 13133 target named container ports', () => {
    const svc = find(objects, 'Service');
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([16686, 16685, 4317, 4318, 13133]);
    const ctr = podSpec(objects).containers[0];
    for (const p of svc.spec.ports) {
      const cp = ctr.ports.find((x: any) => x.name === p.targetPort);
      expect(cp.containerPort).toBe(p.port);
    }
  });

  test('image, --config pointing at the mounted ConfigMap, probes /status on 13133', () => {
    const spec = podSpec(objects);
    const ctr = spec.containers[0];
    expect(ctr.image).toBe('jaegertracing/jaeger:2.20.0');
    const arg = ctr.args.find((a: string) => a.startsWith('--config='));
    const file = arg.slice('--config='.length);
    const mount = ctr.volumeMounts.find((m: any) => file.startsWith(m.mountPath + '/'));
    const vol = spec.volumes.find((v: any) => v.name === mount.name);
    const cm = find(objects, 'ConfigMap');
    expect(vol.configMap.name).toBe(cm.metadata.name);
    expect(Object.keys(cm.data)).toEqual([file.slice(mount.mountPath.length + 1)]);
    for (const probe of [ctr.readinessProbe, ctr.livenessProbe]) {
      expect(probe.httpGet.path).toBe('/status');
      expect(ctr.ports.find((p: any) => p.name === probe.httpGet.port).containerPort).toBe(13133);
    }
    expect(spec.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
  });

  test('config: jaeger_storage + jaeger_query + healthcheckv2, every endpoint on 0.0.0.0', () => {
    const cfg = renderedConfig(objects);
    expect(cfg).toEqual(jaeger.config);
    expect(cfg.service.extensions).toEqual(['jaeger_storage', 'jaeger_query', 'healthcheckv2']);
    expect(traceStore(cfg)).toEqual({ memory: { max_traces: 100000 } });
    const endpoints: string[] = [];
    const walk = (v: any) => {
      if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'endpoint') endpoints.push(x as string);
          else walk(x);
        }
      }
    };
    walk(cfg);
    expect(endpoints.sort()).toEqual(
      ['0.0.0.0:13133', '0.0.0.0:16685', '0.0.0.0:16686', '0.0.0.0:4317', '0.0.0.0:4318'].sort(),
    );
    expect(cfg.extensions.healthcheckv2.http.status.path).toBe('/status');
    expect(cfg.service.pipelines.traces.exporters).toEqual(['jaeger_storage_exporter']);
  });

  test('rolling update with memory storage', () => {
    expect(find(objects, 'Deployment').spec.strategy.type).toBe('RollingUpdate');
  });
});

describe('Jaeger v2 with badger', () => {
  const c = chart('obs');
  new Jaeger(c, 'jaeger', { storage: JaegerStorage.badger({ sizeGiB: 20, storageClassName: 'standard', spanTtlHours: 48 }) });
  const objects = Testing.synth(c);

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('validates', () => {
    expect(expectValid(c).errors).toEqual([]);
  });

  test('PVC mounted where badger writes, fsGroup 10001, Recreate strategy, single replica', () => {
    const pvc = find(objects, 'PersistentVolumeClaim');
    expect(pvc.spec).toMatchObject({ storageClassName: 'standard', resources: { requests: { storage: '20Gi' } } });
    const dep = find(objects, 'Deployment');
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(dep.spec.replicas).toBe(1);
    const spec = dep.spec.template.spec;
    expect(spec.securityContext.fsGroup).toBe(10001);
    const vol = spec.volumes.find((v: any) => v.persistentVolumeClaim?.claimName === pvc.metadata.name);
    const mount = spec.containers[0].volumeMounts.find((m: any) => m.name === vol.name);
    const badger = traceStore(renderedConfig(objects)).badger;
    expect(badger.directories.keys.startsWith(mount.mountPath + '/')).toBe(true);
    expect(badger.directories.values.startsWith(mount.mountPath + '/')).toBe(true);
    expect(badger.directories.keys).not.toBe(badger.directories.values);
    expect(badger.ephemeral).toBe(false);
    expect(badger.ttl.spans).toBe('48h');
  });
});

describe('Jaeger v2 with Elasticsearch / OpenSearch', () => {
  test('Elasticsearch over https with basic auth from a Secret, a CA from a Secret, and auto rollover', () => {
    const c = chart('obs');
    new Jaeger(c, 'jaeger', {
      replicas: 2,
      storage: JaegerStorage.elasticsearch({
        serverUrls: ['https://es-http.elastic:9200'],
        indexPrefix: 'prod',
        rotation: IndexRotation.autoRollover('jaeger-ilm'),
        username: 'jaeger',
        password: { name: 'es-user', key: 'password' },
        tls: { caFrom: { name: 'es-ca', key: 'ca.crt' } },
      }),
    });
    const objects = Testing.synth(c);
    expect(objects).toMatchSnapshot();
    expect(expectValid(c).errors).toEqual([]);
    const es = traceStore(renderedConfig(objects)).elasticsearch;
    expect(es.server_urls).toEqual(['https://es-http.elastic:9200']);
    expect(es.indices.index_prefix).toBe('prod');
    for (const idx of ['spans', 'services', 'dependencies', 'sampling']) {
      expect(es.indices[idx].rotation).toEqual({ auto_rollover: { policy_name: 'jaeger-ilm' } });
    }
    expect(es.auth).toEqual({ basic: { username: 'jaeger', password: '${env:JAEGER_ES_PASSWORD}' } });
    const spec = podSpec(objects);
    expect(spec.containers[0].env).toEqual([
      { name: 'JAEGER_ES_PASSWORD', valueFrom: { secretKeyRef: { name: 'es-user', key: 'password' } } },
    ]);
    expect(es.tls.insecure).toBe(false);
    const caVol = spec.volumes.find((v: any) => v.secret?.secretName === 'es-ca');
    const caMount = spec.containers[0].volumeMounts.find((m: any) => m.name === caVol.name);
    expect(es.tls.ca_file).toBe(`${caMount.mountPath}/${caVol.secret.items[0].path}`);
    expect(find(objects, 'Deployment').spec.replicas).toBe(2);
  });

  test('OpenSearch uses the opensearch key, daily rotation by default, shards/replicas per index', () => {
    const c = chart();
    new Jaeger(c, 'jaeger', {
      storage: JaegerStorage.opensearch({ serverUrls: ['http://opensearch.search:9200'], shards: 3, replicas: 1 }),
    });
    const objects = Testing.synth(c);
    const store = traceStore(renderedConfig(objects));
    expect(Object.keys(store)).toEqual(['opensearch']);
    expect(store.opensearch.tls).toBeUndefined();
    expect(store.opensearch.auth).toBeUndefined();
    expect(store.opensearch.indices.spans).toEqual({
      date_layout: '2006-01-02',
      rollover_frequency: 'day',
      shards: 3,
      replicas: 1,
    });
    expect(podSpec(objects).containers[0].env).toBeUndefined();
    expect(expectValid(c).errors).toEqual([]);
  });

  test('hourly rotation', () => {
    const j = new Jaeger(chart(), 'jaeger', {
      storage: JaegerStorage.elasticsearch({ serverUrls: ['http://es:9200'], rotation: IndexRotation.hourly() }),
    });
    expect(traceStore(j.config).elasticsearch.indices.spans).toEqual({ date_layout: '2006-01-02-15', rollover_frequency: 'hour' });
  });
});

describe('Jaeger v2 with Cassandra', () => {
  test('servers, keyspace, password from a Secret, plaintext by default', () => {
    const c = chart();
    new Jaeger(c, 'jaeger', {
      storage: JaegerStorage.cassandra({
        servers: ['cassandra.db:9042'],
        keyspace: 'jaeger_prod',
        username: 'jaeger',
        password: { name: 'cassandra', key: 'password' },
      }),
    });
    const objects = Testing.synth(c);
    expect(objects).toMatchSnapshot();
    expect(expectValid(c).errors).toEqual([]);
    const cas = traceStore(renderedConfig(objects)).cassandra;
    expect(cas.schema).toEqual({ keyspace: 'jaeger_prod', create: true });
    expect(cas.connection).toEqual({
      servers: ['cassandra.db:9042'],
      auth: { basic: { username: 'jaeger', password: '${env:JAEGER_CASSANDRA_PASSWORD}' } },
      tls: { insecure: true },
    });
    expect(podSpec(objects).containers[0].env[0]).toEqual({
      name: 'JAEGER_CASSANDRA_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'cassandra', key: 'password' } },
    });
  });

  test('TLS with a CA', () => {
    const j = new Jaeger(chart(), 'jaeger', {
      storage: JaegerStorage.cassandra({ servers: ['c:9042'], tls: { caFrom: { name: 'cas-ca', key: 'ca.pem' } } }),
    });
    expect(traceStore(j.config).cassandra.connection.tls).toEqual({ insecure: false, ca_file: '/etc/jaeger/tls/cassandra/ca.crt' });
  });
});

describe('Jaeger ServiceMonitor', () => {
  test('adds the metrics port to the Service and validates against the prometheus-operator CRD', () => {
    const c = chart('obs');
    const jaeger = new Jaeger(c, 'jaeger', { serviceMonitor: {} });
    const objects = Testing.synth(c);
    const sm = find(objects, 'ServiceMonitor');
    const svc = find(objects, 'Service');
    const port = svc.spec.ports.find((p: any) => p.name === sm.spec.endpoints[0].port);
    const cfg = renderedConfig(objects);
    expect(port.port).toBe(cfg.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port);
    expect(jaeger.service?.ports).toContain(port.port);
    expect(expectValid(c).errors).toEqual([]);
  });
});
