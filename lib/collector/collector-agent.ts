import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { optBoolean, optInstance, optList, propsObject } from '../common/guards';
import { serviceHost } from '../common/k8s-names';
import { EndpointEnvVar, IOtlpDestination } from '../common/otlp-destination';
import { ITraceBackend } from '../common/trace-backend';
import { AddBackendOptions, CollectorConstruct, checkTraceBackend } from './collector-base';
import { checkCollectorName, checkPort, checkPriorityClass, collectorImage, collectorNamespace } from './collector-common';
import { K8S_ATTRIBUTES_RULES, K8S_RESOLVER_RULES } from './collector-rbac';
import { CollectorResources, resolveResources } from './collector-resources';
import { CollectorRuntime } from './collector-runtime';
import { collectorEnv, CollectorWorkloadSpec, DOWNWARD_ENV } from './collector-workload-spec';
import { CollectorComponent, CollectorConfig, CollectorDistribution, Exporter, Extension, LoadBalancingResolver, Processor, Receiver } from './config';
import { TRACING_DEFAULTS } from './config/defaults';
import { healthOf, TailSamplingGateway } from './tail-sampling-gateway';

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
  /** Backend to export to directly (no gateway); more with `addBackend`. @default - none (then `gateway` is required) */
  readonly backend?: ITraceBackend;
  /** Name of the collector. @default TRACING_DEFAULTS.agentName ('otel-agent') */
  readonly name?: string;
  /** Namespace. @default - the chart's namespace, else 'default' */
  readonly namespace?: string;
  /** Operator CR or plain manifests. @default CollectorRuntime.operator() (the operator is expected in the cluster) */
  readonly runtime?: CollectorRuntime;
  /** Node-local delivery. @default AgentDelivery.nodeLocalService() */
  readonly delivery?: AgentDelivery;
  /**
   * Extra processors, run after memory_limiter and k8s_attributes and before batch (e.g. enrichment,
   * or PII hashing/redaction: `Processor.attributes(...)`, `Processor.redaction(...)`); more with
   * `addProcessor`. `tail_sampling` is refused here unless `singleNode` is true.
   * @default - none
   */
  readonly processors?: readonly CollectorComponent[];
  /**
   * Declare that the cluster has a single node, which makes tail sampling in the agent correct (all
   * spans of a trace reach the one agent).
   * @default false
   */
  readonly singleNode?: boolean;
  /** Resources. @default TRACING_DEFAULTS.agentResources (requests cpu 100m / memory 256Mi, limit memory 512Mi, no CPU limit) */
  readonly resources?: CollectorResources;
  /** Tolerate every taint so the agent runs on every node (control plane, tainted pools). @default true */
  readonly tolerateAllTaints?: boolean;
  /** PriorityClass, e.g. `system-node-critical`, so agents are not evicted first. @default - none */
  readonly priorityClassName?: string;
  /** Image. @default CollectorDistribution.K8S.image() */
  readonly image?: string;
  /** Distribution of a custom image. @default - derived from the image */
  readonly distribution?: CollectorDistribution;
  /** Self-metrics port. @default TRACING_DEFAULTS.metricsPort (8888) */
  readonly metricsPort?: number;
}

const AGENT_PROPS = [
  'gateway', 'backend', 'name', 'namespace', 'runtime', 'delivery', 'processors', 'singleNode', 'resources',
  'tolerateAllTaints', 'priorityClassName', 'image', 'distribution', 'metricsPort',
];

/** Processor types the agent places itself (memory_limiter first, k8s_attributes, batch last). */
const OWN_PROCESSORS = ['memory_limiter', 'batch', 'k8s_attributes', 'k8sattributes'];

/**
 * The OpenTelemetry Collector on every node (DaemonSet). Receives OTLP gRPC/HTTP on `0.0.0.0`, runs
 * `memory_limiter` (first, percentage form) -> `k8s_attributes` -> your processors -> `batch` (last), and
 * either forwards to a `TailSamplingGateway` through a `load_balancing` exporter routing by trace id
 * (k8s_attributes in `passthrough` mode: only `k8s.pod.ip` is added, the gateway enriches) or exports to
 * backends (full extraction, filtered to the agent's node by `node_from_env_var`).
 *
 * The config stays open until synthesis: `addProcessor`, `addBackend`, `addExporter`, `addPipeline` and
 * changes to `config` made before then are rendered, and checked (`node.addValidation`).
 *
 * Implements `IOtlpDestination`: point `Instrumentation` at it.
 *
 * @example
 * const agent = new CollectorAgent(chart, 'agent', { gateway });
 * agent.addProcessor(Processor.attributes({ actions: [AttributeAction.hash('user.email')] }));
 * new Instrumentation(chart, 'inst', { endpoint: agent });
 */
export class CollectorAgent extends CollectorConstruct implements IOtlpDestination {
  /** Collector name (the CR name, or the prefix of the plain objects). */
  public readonly name: string;
  /** Namespace of the agent's objects. */
  public readonly namespace: string;
  /** How the agent runs (operator CR or plain manifests). */
  public readonly runtime: CollectorRuntime;
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
  private readonly singleNode: boolean;

  constructor(scope: Construct, id: string, props: CollectorAgentProps) {
    const what = `collector agent "${id}"`;
    props = propsObject<CollectorAgentProps>(what, props, AGENT_PROPS, false);
    checkPort(what, 'metricsPort', props.metricsPort);
    super(scope, id, what, new CollectorConfig({ telemetry: { metricsPort: props.metricsPort ?? TRACING_DEFAULTS.metricsPort } }));
    const gateway = optInstance(what, 'gateway', props.gateway, TailSamplingGateway, 'new TailSamplingGateway(...)');
    if (gateway && props.backend) {
      throw new Error(`${what}: both gateway and backend are set; the gateway exports to the backend, so pass only gateway`);
    }
    if (props.backend !== undefined) checkTraceBackend(what, 'backend', props.backend);
    if (!gateway && !props.backend) {
      throw new Error(`${what}: neither gateway nor backend is set; pass gateway: a TailSamplingGateway, or backend: an ITraceBackend`);
    }
    this.singleNode = optBoolean(what, 'singleNode', props.singleNode) ?? false;
    optBoolean(what, 'tolerateAllTaints', props.tolerateAllTaints);
    this.name = checkCollectorName(what, props.name, TRACING_DEFAULTS.agentName);
    this.namespace = collectorNamespace(this, what, props.namespace);
    this.runtime = optInstance(what, 'runtime', props.runtime, CollectorRuntime, 'CollectorRuntime.operator() or CollectorRuntime.manifests()') ?? CollectorRuntime.operator();
    this.delivery = optInstance(what, 'delivery', props.delivery, AgentDelivery, 'AgentDelivery.nodeLocalService() or AgentDelivery.hostPort()') ?? AgentDelivery.nodeLocalService();
    this.gateway = gateway;
    checkPriorityClass(what, props.priorityClassName);
    if (gateway && gateway.name === this.name && gateway.namespace === this.namespace) {
      throw new Error(`${what}: name "${this.name}" is also the gateway's name in namespace "${this.namespace}"; give the agent another name`);
    }
    const extra = optList(what, 'processors', props.processors, (p, path) => this.checkProcessor(p, path), 'pass a list of processors built with Processor.*') ?? [];

    const resources = resolveResources(what, props.resources, TRACING_DEFAULTS.agentResources);
    const { image, distribution } = collectorImage(what, props.image, props.distribution);
    this.distribution = distribution;

    // --- config
    const config = this.config;
    const health = config.addExtension(Extension.healthCheck());
    let exporter: CollectorComponent;
    const namespacedRbac: CollectorWorkloadSpec['namespacedRbac'][number][] = [];
    if (gateway) {
      const resolver =
        gateway.resolver === 'k8s'
          ? LoadBalancingResolver.k8s({ service: `${gateway.serviceName}.${gateway.namespace}`, ports: [gateway.otlpGrpcPort] })
          : LoadBalancingResolver.dns({ hostname: gateway.headlessHost, port: gateway.otlpGrpcPort });
      if (gateway.resolver === 'k8s') namespacedRbac.push({ namespace: gateway.namespace, rules: K8S_RESOLVER_RULES });
      exporter = Exporter.loadBalancing({
        routingKey: 'traceID',
        resolver,
        otlp: { tls: { insecure: true } },
        retryOnFailure: {},
        sendingQueue: {},
      });
    } else {
      exporter = this.exportTo(props.backend!);
    }
    const k8sAttributes = gateway
      ? Processor.k8sAttributes({ passthrough: true })
      : Processor.k8sAttributes({ filterNodeFromEnvVar: DOWNWARD_ENV.nodeName });
    config.addPipeline('traces', {
      receivers: [Receiver.otlp()],
      processors: [Processor.memoryLimiter(TRACING_DEFAULTS.memoryLimiter), k8sAttributes, ...extra, Processor.batch()],
      exporters: [exporter],
    });

    const hostPorts = this.delivery.kind === 'hostPort';
    const spec = (): CollectorWorkloadSpec => ({
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
      clusterRules: gateway ? [] : K8S_ATTRIBUTES_RULES,
      namespacedRbac,
      needsApiAccess: !gateway || namespacedRbac.length > 0,
      secretFiles: this.backendSecretFiles(),
      health: healthOf(health.toConfig()),
      labels: {},
    });
    const rendered = this.renderWith(this.runtime, spec);
    this.serviceName = rendered.serviceName;
    this.apiObjects = rendered.apiObjects;
    if (gateway) {
      // the agents must be able to resolve the gateway before they start exporting
      this.node.addDependency(gateway);
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

  /**
   * Adds a processor to the traces pipeline, after the ones already there and before batch (e.g. PII
   * hashing or redaction, enrichment). memory_limiter, k8s_attributes and batch are the agent's own;
   * tail_sampling only with `singleNode`.
   */
  public addProcessor(processor: CollectorComponent): this {
    this.insertBefore(this.checkProcessor(processor, 'addProcessor(processor)'), ['batch']);
    return this;
  }

  /**
   * Sends the traces to one more backend (fan-out). Only an agent without a gateway exports to
   * backends: with a gateway, add the backend to the gateway (it exports after sampling).
   */
  public addBackend(backend: ITraceBackend, options: AddBackendOptions = {}): this {
    if (this.gateway) {
      throw new Error(`${this.what}: exports to the gateway "${this.gateway.name}", which samples and exports to the backends; add the backend to the gateway (gateway.addBackend) or to the stack (TracingStack.addBackend)`);
    }
    return super.addBackend(backend, options);
  }

  private checkProcessor(p: unknown, path: string): CollectorComponent {
    const what = this.what;
    if (!(p instanceof CollectorComponent)) {
      throw new Error(`${what}: ${path} is ${p === null ? 'null' : typeof p === 'object' ? 'not a collector component' : typeof p}; build processors with Processor.* (e.g. Processor.attributes(...))`);
    }
    if (p.kind !== 'processor') {
      throw new Error(`${what}: ${path} "${p.id}" is a ${p.kind}, not a processor; ${p.kind === 'exporter' ? 'use addExporter' : 'remove it from processors'}`);
    }
    if (OWN_PROCESSORS.includes(p.type)) {
      throw new Error(`${what}: ${path} "${p.id}" is added by the agent itself (memory_limiter first, k8s_attributes, batch last); remove it`);
    }
    if (p.type === 'tail_sampling') {
      if (this.gateway) {
        throw new Error(
          `${what}: ${path} tail_sampling in the agent sees only the spans of its node, before load balancing; the TailSamplingGateway already samples whole traces, so pass the policies to the gateway`,
        );
      }
      if (!this.singleNode) {
        throw new Error(
          `${what}: ${path} tail_sampling in a DaemonSet decides on half-traces: the spans of one trace arrive at the agents of several nodes and each decides alone, so traces are kept in pieces; use a TailSamplingGateway (agents route by trace id to it), or set singleNode: true if the cluster really has one node`,
        );
      }
    }
    return p;
  }
}
