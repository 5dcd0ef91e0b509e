import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IServicePort, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { toYaml } from '../common/yaml';
import { buildJaegerConfig, JAEGER_PORTS, JaegerLogLevel } from './jaeger-config';
import { JAEGER_BADGER_DIR, JaegerStorage } from './jaeger-storage';
import { secretEnv } from './secret-refs';
import { addServiceMonitor, BackendServiceMonitorOptions } from './service-monitor';
import { BackendServiceRef } from '../common/trace-backend';
import { InClusterBackend } from './in-cluster-backend';
import {
  appLabels,
  checkPositiveInt,
  checksum,
  podSecurityContext,
  selectorLabels,
} from './workload-common';
import { gibibytes } from '../common/quantity';
import { optInstance, optOneOf, optString } from '../common/guards';
import { backendWhere, checkServiceMonitorOptions, optImage, optNumberType, propsObject } from './props-checks';

const JAEGER_PROPS = ['name', 'namespace', 'version', 'image', 'storage', 'replicas', 'logLevel', 'serviceMonitor', 'memoryLimitMiB', 'cpuRequestMillis'];

/**
 * Checks the types of Jaeger's props (for `new Jaeger` and `Backend.jaeger`, before anything is
 * built); range rules follow in the constructor. Returns the props (`{}` for `undefined`).
 * @internal
 */
export function checkJaegerProps(props: unknown): JaegerProps {
  const where = backendWhere('jaeger', props);
  const p = propsObject<Record<string, unknown>>(where, props, JAEGER_PROPS);
  optString(where, 'name', p.name, 'pass a DNS label, e.g. "jaeger"');
  optString(where, 'namespace', p.namespace, 'pass a namespace name');
  optString(where, 'version', p.version, `pass a Jaeger v2 release, e.g. "${JAEGER_DEFAULT_VERSION}"`);
  optImage(where, 'image', p.image);
  optInstance(where, 'storage', p.storage, JaegerStorage, 'JaegerStorage.memory(), .badger(), .elasticsearch(), .opensearch() or .cassandra()');
  optNumberType(where, 'replicas', p.replicas, { integer: true, min: 1 });
  optOneOf(where, 'logLevel', p.logLevel, ['debug', 'info', 'warn', 'error'] as const);
  checkServiceMonitorOptions(where, p.serviceMonitor);
  optNumberType(where, 'memoryLimitMiB', p.memoryLimitMiB, { integer: true, min: 1, example: '1024' });
  optNumberType(where, 'cpuRequestMillis', p.cpuRequestMillis, { integer: true, min: 1, example: '200' });
  return p as JaegerProps;
}

/** Default Jaeger v2 release (the latest v2 tag when this version of the library was released). */
export const JAEGER_DEFAULT_VERSION = '2.20.0';

/** Properties of a Jaeger v2 instance. */
export interface JaegerProps {
  /**
   * Name of the Deployment, Service, ConfigMap and ServiceAccount.
   * @default 'jaeger'
   */
  readonly name?: string;
  /**
   * Namespace of all objects.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Jaeger v2 release (image tag of `jaegertracing/jaeger`).
   * @default '2.20.0'
   */
  readonly version?: string;
  /**
   * Container image override (e.g. a mirror).
   * @default - `jaegertracing/jaeger:<version>`
   */
  readonly image?: string;
  /**
   * Trace storage.
   * @default JaegerStorage.memory()
   */
  readonly storage?: JaegerStorage;
  /**
   * Number of replicas; more than 1 only with Elasticsearch, OpenSearch or Cassandra.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Log level.
   * @default 'info'
   */
  readonly logLevel?: JaegerLogLevel;
  /**
   * Emit a prometheus-operator ServiceMonitor scraping the `metrics` port (8888), which is then
   * added to the Service.
   * @default - no ServiceMonitor
   */
  readonly serviceMonitor?: BackendServiceMonitorOptions;
  /**
   * Memory limit of the Jaeger container in MiB (the request is half of it).
   * @default 1024
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU request in millicores (no CPU limit is set).
   * @default 200
   */
  readonly cpuRequestMillis?: number;
}

/**
 * Jaeger v2 (a distribution of the OpenTelemetry Collector): a Deployment started with
 * `--config=/etc/jaeger/config.yaml`, its ConfigMap, a Service (16686 UI/HTTP query, 16685 gRPC query,
 * 4317/4318 OTLP, 13133 health), a ServiceAccount, and a PVC with badger storage.
 *
 * @example new Jaeger(chart, 'jaeger', { storage: JaegerStorage.badger({ sizeGiB: 20, spanTtlHours: 48 }) });
 */
export class Jaeger extends InClusterBackend {
  public readonly backendKind = 'jaeger';
  /** The Service (16686, 16685, 4317, 4318, 13133, and 8888 with a ServiceMonitor). */
  public readonly service: BackendServiceRef;

  /** The rendered Jaeger configuration object (what `config.yaml` contains). */
  public readonly config: Record<string, unknown>;

  /** The Deployment: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly deployment: ApiObject;
  /** The Service: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly kubeService: ApiObject;
  /** The ConfigMap holding `config.yaml`: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly configMap: ApiObject;
  /** The ServiceAccount: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly serviceAccount: ApiObject;
  /** The badger PersistentVolumeClaim (badger storage only): a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly persistentVolumeClaim?: ApiObject;
  /** The prometheus-operator ServiceMonitor, when `serviceMonitor` is set. */
  public readonly serviceMonitor?: ApiObject;

  constructor(scope: Construct, id: string, props: JaegerProps = {}) {
    props = checkJaegerProps(props);
    super(scope, id, 'jaeger', props, { otlpGrpc: JAEGER_PORTS.otlpGrpc, otlpHttp: JAEGER_PORTS.otlpHttp, query: JAEGER_PORTS.queryHttp });
    const where = this.where;
    const version = props.version ?? JAEGER_DEFAULT_VERSION;
    if (!/^2\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$/.test(version)) {
      throw new Error(`${where}: version "${version}" is not a Jaeger v2 release; use e.g. "${JAEGER_DEFAULT_VERSION}"`);
    }
    const storage = (props.storage ?? JaegerStorage.memory())._model;
    if (storage.sinceVersion && compareVersions(version, storage.sinceVersion.version) < 0) {
      throw new Error(
        `${where}: ${storage.sinceVersion.what} needs Jaeger ${storage.sinceVersion.version} or later, but version is "${version}" (older releases refuse the key); use version "${storage.sinceVersion.version}" or newer, or IndexRotation.daily()/hourly()`,
      );
    }
    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`${where}: replicas ${replicas} is invalid; use a positive whole number`);
    }
    if (replicas > 1 && !storage.shared) {
      throw new Error(
        storage.kind === 'badger'
          ? `${where}: replicas ${replicas} with badger storage is not possible (badger is an embedded store on one ReadWriteOnce volume); use replicas: 1, or JaegerStorage.elasticsearch/opensearch/cassandra`
          : `${where}: replicas ${replicas} with memory storage would split traces across pods; use replicas: 1, or JaegerStorage.elasticsearch/opensearch/cassandra`,
      );
    }
    checkPositiveInt(where, 'memoryLimitMiB', props.memoryLimitMiB, '1024');
    checkPositiveInt(where, 'cpuRequestMillis', props.cpuRequestMillis, '200');
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    const cpuRequestMillis = props.cpuRequestMillis ?? 200;

    const versioned = storage.backendConfigFor
      ? { ...storage, backendConfig: storage.backendConfigFor((v) => compareVersions(version, v) >= 0) }
      : storage;
    this.config = buildJaegerConfig({ storage: versioned, logLevel: props.logLevel ?? 'info' });
    const configYaml = toYaml(this.config, { lineWidth: 0 });


    const labels = appLabels('jaeger', this.name, version);
    const selector = selectorLabels('jaeger', this.name);
    const metadata = { name: this.name, namespace: this.namespace, labels };
    const configName = `${this.name}-config`;

    this.configMap = new ApiObject(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...metadata, name: configName },
      data: { 'config.yaml': configYaml },
    });
    this.serviceAccount = new ApiObject(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata,
      automountServiceAccountToken: false,
    });

    const servicePorts: IServicePort[] = [
      { name: 'query-http', port: JAEGER_PORTS.queryHttp, targetPort: 'query-http' },
      {
        name: 'query-grpc',
        port: JAEGER_PORTS.queryGrpc,
        targetPort: 'query-grpc',
        appProtocol: 'grpc',
      },
      {
        name: 'otlp-grpc',
        port: JAEGER_PORTS.otlpGrpc,
        targetPort: 'otlp-grpc',
        appProtocol: 'grpc',
      },
      { name: 'otlp-http', port: JAEGER_PORTS.otlpHttp, targetPort: 'otlp-http' },
      { name: 'health', port: JAEGER_PORTS.health, targetPort: 'health' },
    ];
    if (props.serviceMonitor) {
      servicePorts.push({ name: 'metrics', port: JAEGER_PORTS.metrics, targetPort: 'metrics' });
    }
    this.service = { name: this.name, namespace: this.namespace, ports: servicePorts.map((p) => p.port) };
    this.kubeService = new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { type: 'ClusterIP', selector, ports: servicePorts },
    });

    const volumes: IVolume[] = [{ name: 'config', configMap: { name: configName } }];
    const volumeMounts: IVolumeMount[] = [{ name: 'config', mountPath: '/etc/jaeger', readOnly: true }];
    if (storage.volume) {
      const claimName = `${this.name}-badger`;
      this.persistentVolumeClaim = new ApiObject(this, 'badger-pvc', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { ...metadata, name: claimName },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: storage.volume.storageClassName,
          resources: { requests: { storage: gibibytes(storage.volume.sizeGiB) } },
        },
      });
      volumes.push({ name: 'badger', persistentVolumeClaim: { claimName } });
      volumeMounts.push({ name: 'badger', mountPath: JAEGER_BADGER_DIR });
    }
    this.mountSecretFiles(storage.secretFiles, volumes, volumeMounts);
    volumes.push({ name: 'tmp', emptyDir: {} });
    volumeMounts.push({ name: 'tmp', mountPath: '/tmp' });
    const env = secretEnv(storage.env);

    this.deployment = new ApiObject(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas,
        // A ReadWriteOnce badger volume cannot be attached to the old and the new pod at once.
        strategy: storage.volume ? { type: 'Recreate' } : { type: 'RollingUpdate' },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: { 'checksum/config': checksum(configYaml) } },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(),
            containers: [
              this.container({
                name: 'jaeger',
                image: props.image ?? `jaegertracing/jaeger:${version}`,
                args: ['--config=/etc/jaeger/config.yaml'],
                env,
                ports: {
                  'query-http': JAEGER_PORTS.queryHttp,
                  'query-grpc': JAEGER_PORTS.queryGrpc,
                  'otlp-grpc': JAEGER_PORTS.otlpGrpc,
                  'otlp-http': JAEGER_PORTS.otlpHttp,
                  health: JAEGER_PORTS.health,
                  metrics: JAEGER_PORTS.metrics,
                },
                probe: { path: '/status', port: 'health', readinessDelaySec: 5, livenessDelaySec: 15 },
                cpuRequestMillis,
                memoryLimitMiB,
                volumeMounts,
              }),
            ],
            volumes,
          },
        },
      },
    });

    if (props.serviceMonitor) {
      this.serviceMonitor = addServiceMonitor(
        this,
        'service-monitor',
        { name: this.name, namespace: this.namespace, selector, portName: 'metrics', labels },
        props.serviceMonitor,
      );
    }
  }
}

/** Compares dotted release numbers (`2.13.0` < `2.20.0`); pre-release suffixes are ignored. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[-+]/)[0].split('.').map(Number);
  const pb = b.split(/[-+]/)[0].split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
