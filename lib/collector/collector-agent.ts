import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EndpointEnvVar, IOtlpDestination } from '../common/otlp-destination';
import { ITraceBackend } from '../backends/trace-backend';
import {
  CollectorComponent,
  CollectorConfig,
  CollectorDistribution,
  Exporter,
  Extension,
  LoadBalancingResolver,
  Processor,
  Receiver,
} from './config';
import {
  BACKEND_CA_DIR,
  backendCaMount,
  checkCollectorName,
  checkPort,
  checkPriorityClass,
  collectorImage,
  collectorNamespace,
} from './collector-common';
import { K8S_ATTRIBUTES_RULES, K8S_RESOLVER_RULES } from './collector-rbac';
import { CollectorResources, resolveResources } from './collector-resources';
import { CollectorRuntime } from './collector-runtime';
import { collectorEnv, CollectorWorkloadSpec, DOWNWARD_ENV } from './collector-workload-spec';
import { healthOf, TailSamplingGateway } from './tail-sampling-gateway';
import { serviceHost } from '../common/k8s-names';

/**
 * How workloads on a node reach the agent on the same node. Enum-like.
 *
 * - `nodeLocalService()` (default): a ClusterIP Service with `internalTrafficPolicy: Local`
 *   (`otel-agent.<ns>.svc.cluster.local`). kube-proxy (or the CNI's replacement) only picks the pod on
 *   the caller's node; ordinary pod-to-pod traffic, so NetworkPolicies apply as usual and it works with
 *   any CNI. If the agent on the node is down, spans are dropped (no failover to another node), which
 *   is the same as with hostPort.
 * - `hostPort()`: the receiver ports are bound on the node IP, clients use `$(OTEL_NODE_IP)` from the
 *   downward API (`status.hostIP`). Needs CNI portmap support (not all CNIs, e.g. some eBPF setups in
 *   strict mode, honour hostPort), is often refused by Pod Security admission `restricted`/`baseline`
 *   policies, and NetworkPolicies see node-IP traffic, which many policies do not match.
 */
export class AgentDelivery {
  /** Node-local Service (`internalTrafficPolicy: Local`). */
  public static nodeLocalService(): AgentDelivery {
    return new AgentDelivery('service');
  }
  /** `hostPort` on the node IP; the endpoint is `http://$(OTEL_NODE_IP):4317`. */
  public static hostPort(): AgentDelivery {
    return new AgentDelivery('hostPort');
  }
  private constructor(
    /** `service`: the node-local Service; `hostPort`: the node IP. */
    public readonly kind: 'service' | 'hostPort',
  ) {}
}

/** Env var clients set from `status.hostIP` to reach a hostPort agent. */
export const NODE_IP_ENV = 'OTEL_NODE_IP';

/** Props of `CollectorAgent`. */
export interface CollectorAgentProps {
  /** Tail-sampling gateway behind the agents: load_balancing by trace id, k8s_attributes passthrough. @default - none (then `backend` is required) */
  readonly gateway?: TailSamplingGateway;
  /** Backend to export to directly (no gateway). @default - none (then `gateway` is required) */
  readonly backend?: ITraceBackend;
  /** Name of the collector. @default 'otel-agent' */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** Operator CR or plain manifests. @default CollectorRuntime.manifests() */
  readonly runtime?: CollectorRuntime;
  /** Node-local delivery. @default AgentDelivery.nodeLocalService() */
  readonly delivery?: AgentDelivery;
  /**
   * Extra processors, run after memory_limiter and k8s_attributes and before batch (e.g.
   * `Processor.attributes(...)`). `tail_sampling` is refused here unless `singleNode` is true.
   * @default - none
   */
  readonly processors?: readonly CollectorComponent[];
  /**
   * Declare that the cluster has a single node, which makes tail sampling in the agent correct (all
   * spans of a trace reach the one agent).
   * @default false
   */
  readonly singleNode?: boolean;
  /** Resources. @default - requests cpu 100m / memory 256Mi, limit memory 512Mi, no CPU limit */
  readonly resources?: CollectorResources;
  /** Tolerate every taint so the agent runs on every node (control plane, tainted pools). @default true */
  readonly tolerateAllTaints?: boolean;
  /** PriorityClass, e.g. `system-node-critical`, so agents are not evicted first. @default - none */
  readonly priorityClassName?: string;
  /** Image. @default CollectorDistribution.K8S.image() */
  readonly image?: string;
  /** Distribution of a custom image. @default - derived from the image */
  readonly distribution?: CollectorDistribution;
  /** Self-metrics port. @default 8888 */
  readonly metricsPort?: number;
}

/**
 * The OpenTelemetry Collector on every node (DaemonSet). Receives OTLP gRPC/HTTP on `0.0.0.0`, runs
 * `memory_limiter` (first, percentage form) -> `k8s_attributes` -> your processors -> `batch` (last), and
 * either forwards to a `TailSamplingGateway` through a `load_balancing` exporter routing by trace id
 * (k8s_attributes in `passthrough` mode: only `k8s.pod.ip` is added, the gateway enriches) or exports to
 * a backend (full extraction, filtered to the agent's node by `node_from_env_var`).
 *
 * Implements `IOtlpDestination`: point `Instrumentation` at it.
 *
 * @example
 * const agent = new CollectorAgent(chart, 'agent', { gateway });
 * new Instrumentation(chart, 'inst', { endpoint: agent });
 */
export class CollectorAgent extends Construct implements IOtlpDestination {
  /** Collector name (the CR name, or the prefix of the plain objects). */
  public readonly name: string;
  /** Namespace of the agent's objects. */
  public readonly namespace: string;
  /** How the agent runs (operator CR or plain manifests). */
  public readonly runtime: CollectorRuntime;
  /** The agent's collector config (rendered into the CR or the ConfigMap). */
  public readonly config: CollectorConfig;
  /** How pods reach the agent of their node. */
  public readonly delivery: AgentDelivery;
  /** The gateway behind the agents, if any. */
  public readonly gateway?: TailSamplingGateway;
  /** ClusterIP Service (node-local) name. */
  public readonly serviceName: string;
  /** OTLP/gRPC URL of the node-local agent (4317). */
  public readonly otlpGrpcUrl: string;
  /** OTLP/HTTP URL of the node-local agent (4318). */
  public readonly otlpHttpUrl: string;
  /** Env vars the URLs reference (the node IP with hostPort delivery). */
  public readonly requiredEnv: readonly EndpointEnvVar[];
  /** The objects emitted. */
  public readonly apiObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: CollectorAgentProps) {
    super(scope, id);
    const what = `collector agent "${id}"`;
    props = props ?? {};
    if (props.gateway && props.backend) {
      throw new Error(`${what}: both gateway and backend are set; the gateway exports to the backend, so pass only gateway`);
    }
    if (!props.gateway && !props.backend) {
      throw new Error(`${what}: neither gateway nor backend is set; pass gateway: a TailSamplingGateway, or backend: an ITraceBackend`);
    }
    this.name = checkCollectorName(what, props.name ?? 'otel-agent');
    this.namespace = collectorNamespace(this, what, props.namespace);
    this.runtime = props.runtime ?? CollectorRuntime.manifests();
    this.delivery = props.delivery ?? AgentDelivery.nodeLocalService();
    this.gateway = props.gateway;
    checkPort(what, 'metricsPort', props.metricsPort);
    checkPriorityClass(what, props.priorityClassName);
    if (props.gateway && props.gateway.name === this.name && props.gateway.namespace === this.namespace) {
      throw new Error(`${what}: name "${this.name}" is also the gateway's name in namespace "${this.namespace}"; give the agent another name`);
    }

    const extra = props.processors ?? [];
    extra.forEach((p, i) => {
      if (!(p instanceof CollectorComponent)) {
        throw new Error(`${what}: processors[${i}] is ${p === null ? 'null' : typeof p}; build processors with Processor.* (e.g. Processor.attributes(...))`);
      }
      if (p.kind !== 'processor') {
        throw new Error(`${what}: processors[${i}] "${p.id}" is a ${p.kind}, not a processor; remove it from processors`);
      }
      if (p.type === 'memory_limiter' || p.type === 'batch' || p.type === 'k8s_attributes' || p.type === 'k8sattributes') {
        throw new Error(`${what}: processors[${i}] "${p.id}" is added by the agent itself (memory_limiter first, k8s_attributes, batch last); remove it`);
      }
      if (p.type === 'tail_sampling') {
        if (props.gateway) {
          throw new Error(
            `${what}: processors[${i}] tail_sampling in the agent sees only the spans of its node, before load balancing; the TailSamplingGateway already samples whole traces, so pass the policies to the gateway`,
          );
        }
        if (!props.singleNode) {
          throw new Error(
            `${what}: processors[${i}] tail_sampling in a DaemonSet decides on half-traces: the spans of one trace arrive at the agents of several nodes and each decides alone, so traces are kept in pieces; use a TailSamplingGateway (agents route by trace id to it), or set singleNode: true if the cluster really has one node`,
          );
        }
      }
    });

    const resources = resolveResources(what, props.resources, { cpuRequestMillis: 100, memoryRequestMiB: 256, memoryLimitMiB: 512 });
    const { image, distribution } = collectorImage(what, props.image, props.distribution);

    // --- config
    const config = new CollectorConfig({ telemetry: { metricsPort: props.metricsPort ?? 8888 } });
    const health = config.addExtension(Extension.healthCheck());
    let exporter: CollectorComponent;
    const namespacedRbac: CollectorWorkloadSpec['namespacedRbac'][number][] = [];
    if (props.gateway) {
      const gw = props.gateway;
      const resolver =
        gw.resolver === 'k8s'
          ? LoadBalancingResolver.k8s({ service: `${gw.serviceName}.${gw.namespace}`, ports: [gw.otlpGrpcPort] })
          : LoadBalancingResolver.dns({ hostname: gw.headlessHost, port: gw.otlpGrpcPort });
      if (gw.resolver === 'k8s') namespacedRbac.push({ namespace: gw.namespace, rules: K8S_RESOLVER_RULES });
      exporter = Exporter.loadBalancing({
        routingKey: 'traceID',
        resolver,
        otlp: { tls: { insecure: true } },
        retryOnFailure: {},
        sendingQueue: {},
      });
    } else {
      exporter = Exporter.fromBackend(props.backend!, { retryOnFailure: {}, sendingQueue: {}, caMountDir: BACKEND_CA_DIR });
    }
    const k8sAttributes = props.gateway
      ? Processor.k8sAttributes({ passthrough: true })
      : Processor.k8sAttributes({ filterNodeFromEnvVar: DOWNWARD_ENV.nodeName });
    config.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [Processor.memoryLimiter({ limitPercentage: 80, spikeLimitPercentage: 25 }), k8sAttributes, ...extra, Processor.batch()],
      exporters: [exporter],
    });
    try {
      config.assertValid({ distribution });
    } catch (e) {
      throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
    }
    this.config = config;

    const hostPorts = this.delivery.kind === 'hostPort';
    const spec: CollectorWorkloadSpec = {
      name: this.name,
      namespace: this.namespace,
      mode: 'daemonset',
      component: 'agent',
      config,
      image,
      binary: distribution.binary,
      resources,
      env: collectorEnv(config, resources.memoryLimitMiB),
      hostPorts,
      nodeLocalService: true,
      headlessService: false,
      tolerations: props.tolerateAllTaints === false ? undefined : [{ operator: 'Exists' }],
      priorityClassName: props.priorityClassName,
      // passthrough needs no API access; full extraction reads pods/namespaces/nodes/replicasets
      clusterRules: props.gateway ? [] : K8S_ATTRIBUTES_RULES,
      namespacedRbac,
      needsApiAccess: !props.gateway || namespacedRbac.length > 0,
      secretFiles: props.backend ? backendCaMount(props.backend) : [],
      health: healthOf(health.toConfig()),
      labels: {},
    };
    const rendered = this.runtime.render(this, spec);
    this.serviceName = rendered.serviceName;
    this.apiObjects = rendered.apiObjects;
    if (props.gateway) {
      // the agents must be able to resolve the gateway before they start exporting
      this.node.addDependency(props.gateway);
    }
    if (hostPorts) {
      this.otlpGrpcUrl = `http://$(${NODE_IP_ENV}):4317`;
      this.otlpHttpUrl = `http://$(${NODE_IP_ENV}):4318`;
      this.requiredEnv = [{ name: NODE_IP_ENV, fieldPath: 'status.hostIP' }];
    } else {
      const host = serviceHost(this, this.serviceName, this.namespace);
      this.otlpGrpcUrl = `http://${host}:4317`;
      this.otlpHttpUrl = `http://${host}:4318`;
      this.requiredEnv = [];
    }
  }
}
