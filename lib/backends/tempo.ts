import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IEnvVar, IVolume, IVolumeMount } from 'kubernetes-models/v1';
import { toYaml } from '../common/yaml';
import { secretEnv } from './secret-refs';
import { addServiceMonitor, BackendServiceMonitorOptions } from './service-monitor';
import {
  buildTempoConfig,
  TEMPO_PORTS,
  TempoIngesterOptions,
  TempoLogLevel,
  TempoMetricsGeneratorOptions,
} from './tempo-config';
import { TEMPO_DATA_DIR, TempoStorage } from './tempo-storage';
import { TempoVersion } from './tempo-version';
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
import { optInstance, optList, optOneOf, optString, optStringMap, reqString } from '../common/guards';
import {
  backendWhere,
  checkServiceMonitorOptions,
  fail,
  optBoolean,
  optImage,
  optNumberType,
  optObject,
  propsObject,
} from './props-checks';

const TEMPO_PROPS = [
  'name',
  'namespace',
  'version',
  'image',
  'storage',
  'replicas',
  'retentionHours',
  'logLevel',
  'metricsGenerator',
  'ingester',
  'serviceMonitor',
  'memoryLimitMiB',
  'cpuRequestMillis',
  'usageReporting',
];

/**
 * Checks the types of Tempo's props (for `new Tempo` and `Backend.tempo`, before anything is built);
 * range rules follow in the constructor. Returns the props (`{}` for `undefined`).
 * @internal
 */
export function checkTempoProps(props: unknown): TempoProps {
  const where = backendWhere('tempo', props);
  if (props !== null && typeof props === 'object' && (props as Record<string, unknown>).liveStore !== undefined) {
    fail(
      where,
      'liveStore',
      (props as Record<string, unknown>).liveStore,
      'is not supported',
      'remove it: live_store.readiness_target_lag / readiness_max_wait measure the Kafka consumer lag of a distributed Tempo 3, ' +
        'and the monolithic Tempo this construct deploys has no Kafka (its distributor feeds the live store in-process), so they would do nothing',
    );
  }
  const p = propsObject<Record<string, unknown>>(where, props, TEMPO_PROPS);
  optString(where, 'name', p.name, 'pass a DNS label, e.g. "tempo"');
  optString(where, 'namespace', p.namespace, 'pass a namespace name');
  optInstance(where, 'version', p.version, TempoVersion, 'TempoVersion.V3, TempoVersion.V2 or TempoVersion.of("3.0.3")');
  optImage(where, 'image', p.image);
  optInstance(where, 'storage', p.storage, TempoStorage, 'TempoStorage.local(), .s3(), .gcs() or .azure()');
  optNumberType(where, 'replicas', p.replicas, { integer: true, min: 1, max: 1 });
  optNumberType(where, 'retentionHours', p.retentionHours, { integer: true, min: 1, example: '336' });
  optOneOf(where, 'logLevel', p.logLevel, ['debug', 'info', 'warn', 'error'] as const);
  const mg = optObject<Record<string, unknown>>(where, 'metricsGenerator', p.metricsGenerator, ['remoteWriteUrl', 'processors', 'sendExemplars', 'externalLabels']);
  if (mg) {
    reqString(where, 'metricsGenerator.remoteWriteUrl', mg.remoteWriteUrl, 'pass an http(s) URL, e.g. "http://prometheus.monitoring:9090/api/v1/write"');
    optList(where, 'metricsGenerator.processors', mg.processors, (v, path) =>
      optOneOf(where, path, v ?? null, ['span-metrics', 'service-graphs', 'local-blocks'] as const),
    'pass a list of processors, e.g. ["span-metrics", "service-graphs"]');
    optBoolean(where, 'metricsGenerator.sendExemplars', mg.sendExemplars);
    optStringMap(where, 'metricsGenerator.externalLabels', mg.externalLabels);
  }
  const ing = optObject<Record<string, unknown>>(where, 'ingester', p.ingester, ['maxBlockDurationMin', 'traceIdlePeriodSec']);
  if (ing) {
    optNumberType(where, 'ingester.maxBlockDurationMin', ing.maxBlockDurationMin, { exclusiveMin: true, min: 0 });
    optNumberType(where, 'ingester.traceIdlePeriodSec', ing.traceIdlePeriodSec, { exclusiveMin: true, min: 0 });
  }
  checkServiceMonitorOptions(where, p.serviceMonitor);
  optNumberType(where, 'memoryLimitMiB', p.memoryLimitMiB, { integer: true, min: 1, example: '2048' });
  optNumberType(where, 'cpuRequestMillis', p.cpuRequestMillis, { integer: true, min: 1, example: '250' });
  optBoolean(where, 'usageReporting', p.usageReporting);
  return p as TempoProps;
}

/** Properties of a Grafana Tempo monolithic (single binary) instance. */
export interface TempoProps {
  /**
   * Name of the StatefulSet, Service, ConfigMap and ServiceAccount.
   * @default 'tempo'
   */
  readonly name?: string;
  /**
   * Namespace of all objects.
   * @default - the chart's namespace, else `default`
   */
  readonly namespace?: string;
  /**
   * Tempo release line; the config object is built for its major version.
   * @default TempoVersion.V3
   */
  readonly version?: TempoVersion;
  /**
   * Container image override (e.g. a mirror).
   * @default - `grafana/tempo:<version tag>`
   */
  readonly image?: string;
  /**
   * Trace block storage.
   * @default TempoStorage.local()
   */
  readonly storage?: TempoStorage;
  /**
   * Number of replicas. Monolithic Tempo keeps recent traces in the pod, so only 1 is supported.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How long blocks are kept, in hours (2.x: compactor; 3.x: backend_scheduler / backend_worker).
   * @default 336 (14 days)
   */
  readonly retentionHours?: number;
  /**
   * Log level.
   * @default 'info'
   */
  readonly logLevel?: TempoLogLevel;
  /**
   * Enable the metrics generator (span metrics, service graphs) with Prometheus remote write.
   * @default - disabled
   */
  readonly metricsGenerator?: TempoMetricsGeneratorOptions;
  /**
   * Ingester tuning; Tempo 2.x only.
   * @default - Tempo's defaults
   */
  readonly ingester?: TempoIngesterOptions;
  /**
   * Emit a prometheus-operator ServiceMonitor scraping `/metrics` on the `http` port.
   * @default - no ServiceMonitor
   */
  readonly serviceMonitor?: BackendServiceMonitorOptions;
  /**
   * Memory limit of the Tempo container in MiB (the request is half of it).
   * @default 2048
   */
  readonly memoryLimitMiB?: number;
  /**
   * CPU request in millicores (no CPU limit is set).
   * @default 250
   */
  readonly cpuRequestMillis?: number;
  /**
   * Send anonymous usage statistics to Grafana Labs.
   * @default false
   */
  readonly usageReporting?: boolean;
}

/**
 * Grafana Tempo in monolithic mode: a single-replica StatefulSet with a data PersistentVolumeClaim
 * (WAL always, blocks with local storage), a ConfigMap rendered for the chosen major version,
 * a Service (3200 http, 9095 grpc, 4317 OTLP/gRPC, 4318 OTLP/HTTP) and a ServiceAccount.
 *
 * @example new Tempo(chart, 'tempo', { storage: TempoStorage.local({ sizeGiB: 20 }), retentionHours: 72 });
 */
export class Tempo extends InClusterBackend {
  public readonly backendKind = 'tempo';
  /** The Service (3200 http, 9095 grpc, 4317, 4318). */
  public readonly service: BackendServiceRef;

  /** The Tempo release line. */
  public readonly version: TempoVersion;
  /** The rendered Tempo configuration object (what `tempo.yaml` contains). */
  public readonly config: Record<string, unknown>;

  /** The StatefulSet: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly statefulSet: ApiObject;
  /** The Service: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly kubeService: ApiObject;
  /** The ConfigMap holding `tempo.yaml`: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly configMap: ApiObject;
  /** The ServiceAccount: a plain `ApiObject` (change it with `addJsonPatch`). */
  public readonly serviceAccount: ApiObject;
  /** The prometheus-operator ServiceMonitor, when `serviceMonitor` is set. */
  public readonly serviceMonitor?: ApiObject;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    props = checkTempoProps(props);
    super(scope, id, 'tempo', props, { otlpGrpc: TEMPO_PORTS.otlpGrpc, otlpHttp: TEMPO_PORTS.otlpHttp, query: TEMPO_PORTS.http });
    const where = this.where;
    this.version = props.version ?? TempoVersion.V3;
    const storage = (props.storage ?? TempoStorage.local())._model;

    const replicas = props.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`${where}: replicas ${replicas} is invalid; use 1`);
    }
    if (replicas > 1) {
      throw new Error(
        storage.shared
          ? `${where}: replicas ${replicas} is not supported in monolithic mode (recent traces live in each pod, queries would miss them); use replicas: 1, or the distributed Tempo deployment`
          : `${where}: replicas ${replicas} with local storage is not possible (blocks live on one pod's volume); use replicas: 1, or TempoStorage.s3/gcs/azure with the distributed Tempo deployment`,
      );
    }
    checkPositiveInt(where, 'memoryLimitMiB', props.memoryLimitMiB, '2048');
    checkPositiveInt(where, 'cpuRequestMillis', props.cpuRequestMillis, '250');
    const memoryLimitMiB = props.memoryLimitMiB ?? 2048;
    const cpuRequestMillis = props.cpuRequestMillis ?? 250;

    this.config = buildTempoConfig({
      name: this.name,
      version: this.version,
      storage,
      retentionHours: props.retentionHours ?? 336,
      logLevel: props.logLevel ?? 'info',
      metricsGenerator: props.metricsGenerator,
      ingester: props.ingester,
      usageReporting: props.usageReporting ?? false,
    });
    const configYaml = toYaml(this.config, { lineWidth: 0 });

    this.service = {
      name: this.name,
      namespace: this.namespace,
      ports: [TEMPO_PORTS.http, TEMPO_PORTS.grpc, TEMPO_PORTS.otlpGrpc, TEMPO_PORTS.otlpHttp],
    };

    const labels = appLabels('tempo', this.name, this.version.tag);
    const selector = selectorLabels('tempo', this.name);
    const metadata = { name: this.name, namespace: this.namespace, labels };
    const configName = `${this.name}-config`;

    this.configMap = new ApiObject(this, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...metadata, name: configName },
      data: { 'tempo.yaml': configYaml },
    });

    const identity = Object.keys(storage.serviceAccountAnnotations).length > 0;
    this.serviceAccount = new ApiObject(this, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: identity ? { ...metadata, annotations: { ...storage.serviceAccountAnnotations } } : metadata,
      automountServiceAccountToken: identity,
    });

    this.kubeService = new ApiObject(this, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'http', port: TEMPO_PORTS.http, targetPort: 'http' },
          { name: 'grpc', port: TEMPO_PORTS.grpc, targetPort: 'grpc' },
          {
            name: 'otlp-grpc',
            port: TEMPO_PORTS.otlpGrpc,
            targetPort: 'otlp-grpc',
            appProtocol: 'grpc',
          },
          { name: 'otlp-http', port: TEMPO_PORTS.otlpHttp, targetPort: 'otlp-http' },
        ],
      },
    });

    const args = ['-config.file=/conf/tempo.yaml'];
    if (storage.expandEnv) args.push('-config.expand-env=true');

    const volumeMounts: IVolumeMount[] = [
      { name: 'config', mountPath: '/conf', readOnly: true },
      { name: 'data', mountPath: TEMPO_DATA_DIR },
      { name: 'tmp', mountPath: '/tmp' },
    ];
    const volumes: IVolume[] = [
      { name: 'config', configMap: { name: configName } },
      { name: 'tmp', emptyDir: {} },
    ];
    const env: IEnvVar[] = secretEnv(storage.env);
    this.mountSecretFiles(storage.secretFiles, volumes, volumeMounts);
    for (const f of storage.secretFiles) {
      env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${f.mountPath}/${f.fileName}` });
    }

    this.statefulSet = new ApiObject(this, 'statefulset', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        replicas: 1,
        serviceName: this.name,
        podManagementPolicy: 'OrderedReady',
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...labels, ...storage.podLabels },
            annotations: { 'checksum/config': checksum(configYaml) },
          },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: identity,
            securityContext: podSecurityContext(),
            terminationGracePeriodSeconds: 300,
            containers: [
              this.container({
                name: 'tempo',
                image: props.image ?? this.version.image,
                args,
                env,
                ports: { http: TEMPO_PORTS.http, grpc: TEMPO_PORTS.grpc, 'otlp-grpc': TEMPO_PORTS.otlpGrpc, 'otlp-http': TEMPO_PORTS.otlpHttp },
                probe: { path: '/ready', port: 'http', readinessDelaySec: 15, livenessDelaySec: 60 },
                cpuRequestMillis,
                memoryLimitMiB,
                volumeMounts,
              }),
            ],
            volumes,
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: storage.storageClassName,
              resources: { requests: { storage: gibibytes(storage.sizeGiB) } },
            },
          },
        ],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      },
    });

    if (props.serviceMonitor) {
      this.serviceMonitor = addServiceMonitor(
        this,
        'service-monitor',
        { name: this.name, namespace: this.namespace, selector, portName: 'http', labels },
        props.serviceMonitor,
      );
    }
  }
}
