import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { optInstance, optList, optNumber, optOneOf, optString, propsObject, reqNumber } from '../common/guards';
import { serviceHost } from '../common/k8s-names';
import { EndpointEnvVar, IOtlpDestination } from '../common/otlp-destination';
import { ITraceBackend } from '../common/trace-backend';
import { CollectorConstruct, checkTraceBackend } from './collector-base';
import { checkCollectorName, checkPort, checkPositive, checkPriorityClass, collectorImage, collectorNamespace } from './collector-common';
import { K8S_ATTRIBUTES_RULES } from './collector-rbac';
import { CollectorResources, resolveResources } from './collector-resources';
import { CollectorRuntime } from './collector-runtime';
import { collectorEnv, CollectorWorkloadSpec } from './collector-workload-spec';
import {
  CollectorComponent,
  CollectorConfig,
  CollectorDistribution,
  Extension,
  Policy,
  Processor,
  Receiver,
  sizeTailSampling,
  TailSamplingProcessor,
} from './config';
import { TRACING_DEFAULTS } from './config/defaults';

/** How agents find the gateway replicas for trace-id routing (load_balancing resolver). */
export type GatewayResolver = 'dns' | 'k8s';

/** Declared traffic of the whole cluster reaching the gateway. */
export interface GatewayTraffic {
  /** New traces per second (all services together). */
  readonly tracesPerSec: number;
  /** Average spans per trace. */
  readonly spansPerTrace: number;
  /** Average in-memory size of a span in the collector, in bytes. @default TRACING_DEFAULTS.avgSpanSizeBytes (3072) */
  readonly avgSpanSizeBytes?: number;
}

/** Limits used by `sizeGateway()` to pick a replica count. */
export interface GatewaySizingLimits {
  /** Largest memory limit one replica may get, MiB. @default 4096 */
  readonly maxMemoryPerReplicaMiB?: number;
  /** Spans per second one replica (about one core) handles. @default 10000 */
  readonly maxSpansPerSecPerReplica?: number;
  /** Fewest replicas (2: one may be disrupted while the other keeps sampling). @default 2 */
  readonly minReplicas?: number;
}

/** Result of `sizeGateway()`. */
export interface GatewaySizing {
  /** Replicas. */
  readonly replicas: number;
  /** Traces/s one replica must hold when one replica is down: tracesPerSec / max(1, replicas - 1). */
  readonly tracesPerSecPerReplica: number;
  /** `num_traces` per replica: ceil(tracesPerSecPerReplica x decisionWaitSec x 1.5). */
  readonly numTraces: number;
  /** Memory limit per replica, MiB (tail-sampling buffer / 0.8 + 128 MiB baseline, min 512, rounded up to 64). */
  readonly memoryLimitMiB: number;
  /** CPU request per replica, millicores (1000m per 10000 spans/s, min 200m). */
  readonly cpuRequestMillis: number;
}

/**
 * Sizes the tail-sampling tier from declared traffic. The figures, per replica:
 * - a replica must survive one peer being down (the PDB allows one), so it is sized for
 *   `tracesPerSec / (replicas - 1)` (all of it with one replica);
 * - `num_traces = ceil(rate x decision_wait x 1.5)`: every trace stays in memory for the decision
 *   wait, the 1.5 covers bursts and the uneven split of consistent hashing;
 * - memory: `num_traces x spansPerTrace x avgSpanSizeBytes` is the buffer; memory_limiter refuses data
 *   at 80 % of the limit and the collector itself needs ~128 MiB, so
 *   `limit = buffer / 0.8 + 128 MiB` (at least 512 MiB, rounded up to 64 MiB);
 * - replicas: the smallest count >= `minReplicas` whose memory limit fits `maxMemoryPerReplicaMiB`
 *   and whose span rate stays under `maxSpansPerSecPerReplica` (~ one core per 10k spans/s).
 * @example sizeGateway({ tracesPerSec: 1000, spansPerTrace: 20 }, 10) // 3 replicas, num_traces 7500, ...
 */
export function sizeGateway(
  traffic: GatewayTraffic,
  decisionWaitSec: number,
  limits: GatewaySizingLimits = {},
  replicas?: number,
): GatewaySizing {
  const where = 'tail-sampling gateway sizing';
  propsObject(`${where}: traffic (expectedTraffic)`, traffic, ['tracesPerSec', 'spansPerTrace', 'avgSpanSizeBytes'], false);
  reqNumber(where, 'expectedTraffic.tracesPerSec', traffic.tracesPerSec, { min: 0, exclusiveMin: true, example: '200, the expected new traces per second' });
  reqNumber(where, 'expectedTraffic.spansPerTrace', traffic.spansPerTrace, { min: 1, example: '20, the average spans per trace' });
  optNumber(where, 'expectedTraffic.avgSpanSizeBytes', traffic.avgSpanSizeBytes, { min: 1, example: '1500' });
  reqNumber(where, 'decisionWaitSec', decisionWaitSec, { min: 0, exclusiveMin: true, example: '10' });
  limits = propsObject<GatewaySizingLimits>(`${where}: sizingLimits`, limits, ['maxMemoryPerReplicaMiB', 'maxSpansPerSecPerReplica', 'minReplicas']);
  checkPositive(where, 'replicas', replicas, '3');
  checkPositive(where, 'maxMemoryPerReplicaMiB', limits.maxMemoryPerReplicaMiB, '4096');
  checkPositive(where, 'maxSpansPerSecPerReplica', limits.maxSpansPerSecPerReplica, '10000');
  checkPositive(where, 'minReplicas', limits.minReplicas, '2');
  const maxMem = limits.maxMemoryPerReplicaMiB ?? 4096;
  const maxSpans = limits.maxSpansPerSecPerReplica ?? 10000;
  const spansPerSec = traffic.tracesPerSec * traffic.spansPerTrace;
  const forReplicas = (n: number): GatewaySizing => {
    const survivors = Math.max(1, n - 1);
    const perTps = traffic.tracesPerSec / survivors;
    const s = sizeTailSampling({
      tracesPerSec: perTps,
      spansPerTrace: traffic.spansPerTrace,
      decisionWaitSec,
      avgSpanSizeBytes: traffic.avgSpanSizeBytes,
    });
    const memoryLimitMiB = Math.ceil(Math.max(512, s.suggestedMemoryLimitMiB) / 64) * 64;
    const cpuRequestMillis = Math.max(200, Math.ceil((spansPerSec / survivors) / 10));
    return { replicas: n, tracesPerSecPerReplica: Math.ceil(perTps), numTraces: s.numTraces, memoryLimitMiB, cpuRequestMillis };
  };
  const fits = (z: GatewaySizing) => z.memoryLimitMiB <= maxMem && spansPerSec / Math.max(1, z.replicas - 1) <= maxSpans;
  const smallestFit = (): GatewaySizing => {
    for (let n = Math.max(limits.minReplicas ?? 2, Math.ceil(spansPerSec / maxSpans) + 1); n <= 100; n++) {
      const z = forReplicas(n);
      if (fits(z)) return z;
    }
    throw new Error(
      `${where}: ${traffic.tracesPerSec} traces/s x ${traffic.spansPerTrace} spans does not fit 100 replicas of ${maxMem} MiB; lower decisionWaitSec, raise maxMemoryPerReplicaMiB or sample in the SDK first`,
    );
  };
  if (replicas === undefined) return smallestFit();
  const sized = forReplicas(replicas);
  if (!fits(sized)) {
    const need = smallestFit();
    throw new Error(
      `${where}: replicas ${replicas} is too few for ${traffic.tracesPerSec} traces/s x ${traffic.spansPerTrace} spans (${sized.memoryLimitMiB} MiB and ${Math.ceil(spansPerSec / Math.max(1, replicas - 1))} spans/s per replica, limits ${maxMem} MiB and ${maxSpans} spans/s); use replicas: ${need.replicas} or omit replicas to size automatically`,
    );
  }
  return sized;
}

/** A PVC-backed exporter queue (`file_storage`), so a gateway restart loses no queued data. */
export interface PersistentQueueProps {
  /** PVC size per replica, GiB. @default 1 */
  readonly sizeGiB?: number;
  /** StorageClass. @default - the cluster default */
  readonly storageClassName?: string;
}

/** Props of `TailSamplingGateway`. */
export interface TailSamplingGatewayProps {
  /** Where sampled traces go; the exporter is derived with `Exporter.fromBackend`. More with `addBackend` (fan-out). */
  readonly backend: ITraceBackend;
  /** Tail-sampling policies (a trace is kept when any policy samples it); more with `addPolicy`. */
  readonly policies: readonly Policy[];
  /** Name of the collector. @default TRACING_DEFAULTS.gatewayName ('otel-gateway') */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** Operator CR or plain manifests. @default CollectorRuntime.operator() (the operator is expected in the cluster) */
  readonly runtime?: CollectorRuntime;
  /** Decision wait. @default TRACING_DEFAULTS.decisionWaitSec (10) */
  readonly decisionWaitSec?: number;
  /** Declared traffic: sizes replicas, memory and num_traces (see `sizeGateway`). @default - TRACING_DEFAULTS.gatewayReplicas replicas and gatewayResources, collector default num_traces */
  readonly expectedTraffic?: GatewayTraffic;
  /** Limits of the automatic sizing. @default - see GatewaySizingLimits */
  readonly sizingLimits?: GatewaySizingLimits;
  /** Replicas (overrides the sizing's count; memory and num_traces are still sized for it). @default - from sizing, else TRACING_DEFAULTS.gatewayReplicas (3) */
  readonly replicas?: number;
  /**
   * Processors after tail_sampling and before batch (they see sampled traces only: e.g. PII hashing
   * or redaction before the backend); more with `addProcessor`.
   * @default - none
   */
  readonly processors?: readonly CollectorComponent[];
  /** StatefulSet (stable identities, PVC queue) or Deployment. @default 'statefulset' */
  readonly workload?: 'statefulset' | 'deployment';
  /** How agents find the replicas: headless Service DNS, or the Kubernetes API (needs a Role). @default 'dns' */
  readonly resolver?: GatewayResolver;
  /** Persistent sending queue on a PVC (StatefulSet only). @default - in-memory queue */
  readonly persistentQueue?: PersistentQueueProps;
  /** PodDisruptionBudget maxUnavailable. @default TRACING_DEFAULTS.gatewayMaxUnavailable (1) */
  readonly maxUnavailable?: number;
  /** Resources. @default - from sizing (memory), else TRACING_DEFAULTS.gatewayResources */
  readonly resources?: CollectorResources;
  /** Image. @default CollectorDistribution.K8S.image() */
  readonly image?: string;
  /** Distribution of a custom image. @default - derived from the image */
  readonly distribution?: CollectorDistribution;
  /** Self-metrics port. @default TRACING_DEFAULTS.metricsPort (8888) */
  readonly metricsPort?: number;
  /** PriorityClass of the pods. @default - none */
  readonly priorityClassName?: string;
}

const GATEWAY_PROPS = [
  'backend', 'policies', 'name', 'namespace', 'runtime', 'decisionWaitSec', 'expectedTraffic', 'sizingLimits', 'replicas',
  'processors', 'workload', 'resolver', 'persistentQueue', 'maxUnavailable', 'resources', 'image', 'distribution',
  'metricsPort', 'priorityClassName',
];

/** Options of `TailSamplingGateway.addProcessor`. */
export interface GatewayProcessorOptions {
  /**
   * Where the processor runs: `after-sampling` sees the sampled traces only (cheaper; PII hashing
   * before the backend), `before-sampling` sees every span (enrichment the policies read).
   * @default 'after-sampling'
   */
  readonly position?: 'after-sampling' | 'before-sampling';
}

/** Where the gateway's persistent queue lives in the container. */
export const QUEUE_DIR = '/var/lib/otelcol/queue';

/**
 * The tier that can tail-sample correctly: every span of a trace reaches the same replica because the
 * agents' load_balancing exporter routes by trace id. Runs `memory_limiter -> k8s_attributes
 * (pod_association from k8s.pod.ip, set by the agents' passthrough) -> tail_sampling -> batch` and
 * exports to the backend with retry and a sending queue (optionally persistent on a PVC).
 *
 * Sending directly to the gateway's ClusterIP Service (its `otlpGrpcUrl`) spreads the spans of one
 * trace over replicas; that is only correct with one replica or for senders that already send whole
 * traces. Route through `CollectorAgent` with `gateway` for the normal case.
 *
 * @example
 * const gateway = new TailSamplingGateway(chart, 'gateway', {
 *   backend, policies: [Policy.statusCode('ERROR'), Policy.latency({ thresholdMs: 1000 }), Policy.probabilistic(10)],
 *   expectedTraffic: { tracesPerSec: 500, spansPerTrace: 20 },
 * });
 */
export class TailSamplingGateway extends CollectorConstruct implements IOtlpDestination {
  /** Collector name (the CR name, or the prefix of the plain objects). */
  public readonly name: string;
  /** Namespace of the gateway's objects. */
  public readonly namespace: string;
  /** How the gateway runs (operator CR or plain manifests). */
  public readonly runtime: CollectorRuntime;
  /** Number of replicas. */
  public readonly replicas: number;
  /** How agents find the replicas (`dns` on the headless Service, or `k8s` with RBAC). */
  public readonly resolver: GatewayResolver;
  /** Sizing used (undefined without declared traffic). */
  public readonly sizing?: GatewaySizing;
  /** ClusterIP Service name. */
  public readonly serviceName: string;
  /** Headless Service name (dns resolver target). */
  public readonly headlessServiceName: string;
  /** OTLP/gRPC port. */
  public readonly otlpGrpcPort = 4317;
  /** OTLP/gRPC URL of the gateway's ClusterIP Service (see the class doc before sending to it directly). */
  public readonly otlpGrpcUrl: string;
  /** OTLP/HTTP URL of the gateway's ClusterIP Service. */
  public readonly otlpHttpUrl: string;
  /** Env vars the URLs reference (none). */
  public readonly requiredEnv: readonly EndpointEnvVar[] = [];
  /** The objects emitted. */
  public readonly apiObjects: readonly ApiObject[];
  /** The tail_sampling processor (`addPolicy` appends to it). */
  public readonly tailSampling: TailSamplingProcessor;
  private readonly queueStorage?: string;

  constructor(scope: Construct, id: string, props: TailSamplingGatewayProps) {
    const what = `tail-sampling gateway "${id}"`;
    props = propsObject<TailSamplingGatewayProps>(what, props, GATEWAY_PROPS, false);
    checkPort(what, 'metricsPort', props.metricsPort);
    super(scope, id, what, new CollectorConfig({ telemetry: { metricsPort: props.metricsPort ?? TRACING_DEFAULTS.metricsPort } }));
    if (props.backend === undefined) {
      throw new Error(`${what}: backend is missing; pass backend: Backend.tempo().bind(chart, 'tempo') or another ITraceBackend`);
    }
    checkTraceBackend(what, 'backend', props.backend);
    const policies = optList(what, 'policies', props.policies, (p, path) => optInstance(what, path, p, Policy, 'Policy.* (e.g. Policy.statusCode(\'ERROR\'))')!, 'pass a list of policies built with Policy.*');
    if (!policies || policies.length === 0) {
      throw new Error(`${what}: policies is empty; add at least one, e.g. Policy.statusCode('ERROR') and Policy.probabilistic(10)`);
    }
    this.name = checkCollectorName(what, props.name, TRACING_DEFAULTS.gatewayName);
    this.namespace = collectorNamespace(this, what, props.namespace);
    this.runtime = optInstance(what, 'runtime', props.runtime, CollectorRuntime, 'CollectorRuntime.operator() or CollectorRuntime.manifests()') ?? CollectorRuntime.operator();
    this.resolver = optOneOf(what, 'resolver', props.resolver, ['dns', 'k8s'] as const) ?? 'dns';
    const workload = optOneOf(what, 'workload', props.workload, ['statefulset', 'deployment'] as const) ?? 'statefulset';
    if (props.persistentQueue && workload !== 'statefulset') {
      throw new Error(`${what}: persistentQueue needs workload 'statefulset' (a PVC per replica via volumeClaimTemplates); remove workload: 'deployment'`);
    }
    checkPositive(what, 'replicas', props.replicas, '3');
    if (props.persistentQueue !== undefined) {
      const q = propsObject<PersistentQueueProps>(`${what}: persistentQueue`, props.persistentQueue, ['sizeGiB', 'storageClassName'], false);
      checkPositive(what, 'persistentQueue.sizeGiB', q.sizeGiB, '1');
      optString(what, 'persistentQueue.storageClassName', q.storageClassName, 'pass a StorageClass name');
    }
    if (props.expectedTraffic !== undefined) {
      propsObject(`${what}: expectedTraffic`, props.expectedTraffic, ['tracesPerSec', 'spansPerTrace', 'avgSpanSizeBytes'], false);
    }
    if (props.sizingLimits !== undefined) {
      propsObject(`${what}: sizingLimits`, props.sizingLimits, ['maxMemoryPerReplicaMiB', 'maxSpansPerSecPerReplica', 'minReplicas'], false);
    }
    checkPriorityClass(what, props.priorityClassName);
    optNumber(what, 'maxUnavailable', props.maxUnavailable, { integer: true, min: 1, example: '1 (0 blocks node drains forever)' });
    const decisionWaitSec = optNumber(what, 'decisionWaitSec', props.decisionWaitSec, { min: 0, exclusiveMin: true, example: '10 (10-30 is typical)' }) ?? TRACING_DEFAULTS.decisionWaitSec;
    this.sizing = props.expectedTraffic
      ? sizeGateway(props.expectedTraffic, decisionWaitSec, props.sizingLimits, props.replicas)
      : undefined;
    this.replicas = props.replicas ?? this.sizing?.replicas ?? TRACING_DEFAULTS.gatewayReplicas;
    if (props.maxUnavailable !== undefined && props.maxUnavailable >= this.replicas) {
      throw new Error(
        `${what}: maxUnavailable ${props.maxUnavailable} would let all ${this.replicas} replicas go down; use a value below replicas`,
      );
    }
    const resources = resolveResources(what, props.resources, {
      cpuRequestMillis: this.sizing?.cpuRequestMillis ?? TRACING_DEFAULTS.gatewayResources.cpuRequestMillis,
      memoryRequestMiB: this.sizing?.memoryLimitMiB ?? TRACING_DEFAULTS.gatewayResources.memoryRequestMiB,
      memoryLimitMiB: this.sizing?.memoryLimitMiB ?? TRACING_DEFAULTS.gatewayResources.memoryLimitMiB,
    });
    if (this.sizing && props.resources?.memoryLimitMiB !== undefined && props.resources.memoryLimitMiB < this.sizing.memoryLimitMiB) {
      throw new Error(
        `${what}: resources.memoryLimitMiB ${props.resources.memoryLimitMiB} is below the ${this.sizing.memoryLimitMiB} MiB the declared traffic needs per replica (num_traces ${this.sizing.numTraces}); raise it or omit it`,
      );
    }
    const { image, distribution } = collectorImage(what, props.image, props.distribution);
    this.distribution = distribution;

    // --- config: memory_limiter -> k8s_attributes -> tail_sampling -> [processors] -> batch -> backends
    const config = this.config;
    const health = config.addExtension(Extension.healthCheck());
    const storage = props.persistentQueue
      ? config.addExtension(Extension.fileStorage({ name: 'queue', directory: QUEUE_DIR }))
      : undefined;
    this.queueStorage = storage?.id;
    const exporter = this.exportTo(props.backend, undefined, storage ? { storage: storage.id } : {});
    this.tailSampling = Processor.tailSampling({
      policies,
      decisionWaitSec,
      numTraces: this.sizing?.numTraces,
      expectedNewTracesPerSec: this.sizing?.tracesPerSecPerReplica,
    });
    const extra = optList(what, 'processors', props.processors, (p, path) => this.checkProcessor(p, path), 'pass a list of processors built with Processor.*') ?? [];
    config.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [
        Processor.memoryLimiter(TRACING_DEFAULTS.memoryLimiter),
        Processor.k8sAttributes({ podAssociation: [[{ from: 'resource_attribute', name: 'k8s.pod.ip' }]] }),
        this.tailSampling,
        ...extra,
        Processor.batch(),
      ],
      exporters: [exporter],
    });

    const spec = (): CollectorWorkloadSpec => ({
      name: this.name,
      namespace: this.namespace,
      mode: workload,
      component: 'gateway',
      config,
      image,
      binary: distribution.binary,
      replicas: this.replicas,
      resources,
      env: collectorEnv(config, resources.memoryLimitMiB),
      hostPorts: false,
      nodeLocalService: false,
      headlessService: true,
      priorityClassName: props.priorityClassName,
      clusterRules: K8S_ATTRIBUTES_RULES,
      namespacedRbac: [],
      needsApiAccess: true,
      maxUnavailable: props.maxUnavailable ?? TRACING_DEFAULTS.gatewayMaxUnavailable,
      secretFiles: this.backendSecretFiles(),
      persistentQueue: props.persistentQueue
        ? {
            volumeName: 'queue',
            mountPath: QUEUE_DIR,
            sizeGiB: props.persistentQueue.sizeGiB ?? TRACING_DEFAULTS.persistentQueueSizeGiB,
            storageClassName: props.persistentQueue.storageClassName,
          }
        : undefined,
      health: healthOf(health.toConfig()),
      labels: {},
    });
    const rendered = this.renderWith(this.runtime, spec);
    this.serviceName = rendered.serviceName;
    this.headlessServiceName = rendered.headlessServiceName!;
    this.apiObjects = rendered.apiObjects;
    const host = serviceHost(this, this.serviceName, this.namespace);
    this.otlpGrpcUrl = `http://${host}:4317`;
    this.otlpHttpUrl = `http://${host}:4318`;
  }

  /** Adds a tail-sampling policy (a trace is kept when any policy samples it). */
  public addPolicy(policy: Policy): this {
    this.tailSampling.addPolicy(optInstance(this.what, 'addPolicy(policy)', policy, Policy, "Policy.* (e.g. Policy.statusCode('ERROR'))")!);
    return this;
  }

  /**
   * Adds a processor to the traces pipeline: after tail_sampling by default (it sees sampled traces
   * only), or before it. memory_limiter, k8s_attributes, tail_sampling and batch are the gateway's own.
   */
  public addProcessor(processor: CollectorComponent, options: GatewayProcessorOptions = {}): this {
    const p = this.checkProcessor(processor, 'addProcessor(processor)');
    const o = propsObject<GatewayProcessorOptions>(`${this.what}: addProcessor options`, options, ['position']);
    const position = optOneOf(this.what, 'addProcessor options.position', o.position, ['after-sampling', 'before-sampling'] as const) ?? 'after-sampling';
    this.insertBefore(p, position === 'before-sampling' ? ['tail_sampling'] : ['batch']);
    return this;
  }

  /** Sends the sampled traces to one more backend (fan-out), through the persistent queue when there is one. */
  protected exportTo(backend: ITraceBackend, name?: string, sendingQueue?: Record<string, unknown>) {
    return super.exportTo(backend, name, sendingQueue ?? (this.queueStorage ? { storage: this.queueStorage } : {}));
  }

  private checkProcessor(p: unknown, path: string): CollectorComponent {
    if (!(p instanceof CollectorComponent)) {
      throw new Error(`${this.what}: ${path} is ${p === null ? 'null' : typeof p === 'object' ? 'not a collector component' : typeof p}; build processors with Processor.*`);
    }
    if (p.kind !== 'processor') {
      throw new Error(`${this.what}: ${path} "${p.id}" is a ${p.kind}, not a processor; ${p.kind === 'exporter' ? 'use addExporter or addBackend' : 'remove it'}`);
    }
    if (['memory_limiter', 'batch', 'k8s_attributes', 'k8sattributes', 'tail_sampling'].includes(p.type)) {
      throw new Error(`${this.what}: ${path} "${p.id}" is the gateway's own (memory_limiter, k8s_attributes, tail_sampling, batch); ${p.type === 'tail_sampling' ? 'add policies with addPolicy' : 'remove it'}`);
    }
    return p;
  }

  /** DNS name of the headless Service (one A record per ready replica). */
  public get headlessHost(): string {
    return serviceHost(this, this.headlessServiceName, this.namespace);
  }
}

/** Port and path of a rendered `health_check` extension config. */
export function healthOf(cfg: Record<string, unknown>): { port: number; path: string } {
  const endpoint = String(cfg.endpoint ?? '0.0.0.0:13133');
  return { port: Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)), path: String(cfg.path ?? '/') };
}
