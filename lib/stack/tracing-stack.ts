import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../backends/backend';
import {
  fail,
  isPlainObject,
  optBoolean,
  optInstance,
  optList,
  optNumber,
  optString,
  propsObject,
  reqInstance,
} from '../common/guards';
import { ITraceBackend } from '../common/trace-backend';
import { AddBackendOptions } from '../collector/collector-base';
import { CollectorAgent, AgentDelivery } from '../collector/collector-agent';
import { CollectorRuntime } from '../collector/collector-runtime';
import {
  GatewayTraffic,
  PersistentQueueProps,
  TailSamplingGateway,
} from '../collector/tail-sampling-gateway';
import { CollectorComponent, Processor } from '../collector/config';
import { TRACING_DEFAULTS } from '../collector/config/defaults';
import { Instrumentation, InstrumentationProps } from '../instrumentation/instrumentation';
import { InjectLanguage, InjectTarget } from '../instrumentation/inject';
import { Propagator } from '../instrumentation/propagator';
import { OpenTelemetryOperator, OpenTelemetryOperatorProps } from '../operator/opentelemetry-operator';
import { OperatorManifestSource } from '../operator/operator-manifest-source';
import { WebhookCertificates } from '../operator/webhook-certificates';
import { clusterScoped } from '../common/cluster-scoped';
import { CLUSTER_DOMAIN_CONTEXT, clusterDomain } from '../common/k8s-names';
import { dns1123Label } from '../common/k8s-names';
import { pipelineDiagram, DiagramTier } from './pipeline-diagram';
import { Sampling } from './sampling';

/** How the stack gets its OpenTelemetry Operator. */
export class StackOperator {
  /**
   * Install the operator from its release manifest (a local file, the env var, or the download
   * cache) with its cert-manager prerequisite stated explicitly.
   */
  public static install(props: OpenTelemetryOperatorProps): StackOperator {
    const p = propsObject<OpenTelemetryOperatorProps>('StackOperator.install', props, undefined, false);
    reqInstance(
      'StackOperator.install',
      'source',
      p.source,
      OperatorManifestSource,
      'OperatorManifestSource.fromFile(path), .fromEnv() or .fromRelease()',
    );
    return new StackOperator(p, undefined);
  }

  /**
   * The operator is already installed in the cluster (v0.158.0): nothing is emitted, names are
   * still known for ordering and injection. `options` describe how it was installed (for example
   * `goInstrumentation: true`, which Go injection requires).
   */
  public static external(options: Omit<OpenTelemetryOperatorProps, 'source'> = {}): StackOperator {
    options = propsObject<Omit<OpenTelemetryOperatorProps, 'source'>>(
      'StackOperator.external',
      options,
      undefined,
    );
    if ('source' in options) {
      throw new Error(
        'StackOperator.external: source is set, but an external operator is not installed by the stack; use StackOperator.install({ source }) or drop source',
      );
    }
    return new StackOperator(
      {
        certificates: WebhookCertificates.certManager(),
        ...options,
        source: OperatorManifestSource.external(),
      },
      undefined,
    );
  }

  /** An operator construct built elsewhere in the app. */
  public static existing(operator: OpenTelemetryOperator): StackOperator {
    return new StackOperator(
      undefined,
      reqInstance(
        'StackOperator.existing',
        'operator',
        operator,
        OpenTelemetryOperator,
        'an OpenTelemetryOperator construct of this app',
      ),
    );
  }

  private constructor(
    private readonly props: OpenTelemetryOperatorProps | undefined,
    private readonly operator: OpenTelemetryOperator | undefined,
  ) {}

  /** @internal */
  public _bind(scope: Construct): OpenTelemetryOperator {
    return this.operator ?? new OpenTelemetryOperator(scope, 'operator', this.props!);
  }
}

const STACK_PROPS = [
  'namespace',
  'clusterDomain',
  'createNamespace',
  'operator',
  'backend',
  'sampling',
  'singleNode',
  'runtime',
  'gatewayReplicas',
  'additionalBackends',
  'agentProcessors',
  'gatewayProcessors',
  'persistentQueue',
  'expectedTraffic',
  'agentDelivery',
  'instrumentation',
];

/** Props of `TracingStack`. */
export interface TracingStackProps {
  /**
   * Namespace of the collectors, the backend and the Instrumentation.
   * @default - the chart's namespace, else 'observability'
   */
  readonly namespace?: string;
  /**
   * DNS domain of the cluster, used in every in-cluster endpoint (`<svc>.<ns>.svc.<domain>`).
   * Also settable for a whole app with the construct context key `CLUSTER_DOMAIN_CONTEXT`.
   * @default - the context value, else 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Emit the Namespace object (applied first, with the CRDs). Turn off when the namespace is
   * managed elsewhere.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The OpenTelemetry Operator (it injects the auto-instrumentation and, with the operator
   * runtime, runs the collectors).
   * @default StackOperator.external()
   */
  readonly operator?: StackOperator;
  /**
   * Where traces are stored.
   * @default Backend.tempo() (monolithic, local storage)
   */
  readonly backend?: Backend;
  /**
   * Sampling strategy.
   * @default Sampling.tail() — errors, latency > 1000 ms, 10 % of the rest; decision wait 10 s
   */
  readonly sampling?: Sampling;
  /**
   * The cluster has a single node: tail sampling runs in the agent and no gateway is deployed.
   * Refused implicitly otherwise, because a DaemonSet tail-samples half-traces on several nodes.
   * @default false
   */
  readonly singleNode?: boolean;
  /**
   * How collectors run: `CollectorRuntime.operator()` (OpenTelemetryCollector CRs reconciled by the
   * operator, ordered after the stack's operator) or `CollectorRuntime.manifests()` (ConfigMap,
   * DaemonSet, StatefulSet, Services, RBAC; no operator needed for the collectors).
   * @default CollectorRuntime.operator() with the stack's operator
   */
  readonly runtime?: CollectorRuntime;
  /**
   * Gateway replicas (tail sampling on several nodes).
   * @default TRACING_DEFAULTS.gatewayReplicas (3), or derived from `expectedTraffic`
   */
  readonly gatewayReplicas?: number;
  /**
   * More backends the sampled traces go to as well (fan-out: the gateway, or the agent when there is
   * no gateway, exports to each); `addBackend` adds more later.
   * @default - only `backend`
   */
  readonly additionalBackends?: readonly Backend[];
  /**
   * Processors of the agents, after k8s_attributes and before batch: enrichment, or PII hashing /
   * deletion / redaction with the collector's own processors (`Processor.attributes`,
   * `Processor.redaction`); `agent.addProcessor` adds more later.
   * @default - none
   */
  readonly agentProcessors?: readonly CollectorComponent[];
  /**
   * Processors of the gateway, after tail_sampling and before batch (they see sampled traces only);
   * `gateway.addProcessor` adds more later (also before sampling).
   * @default - none
   */
  readonly gatewayProcessors?: readonly CollectorComponent[];
  /**
   * A persistent sending queue on a PVC per gateway replica (`file_storage`): a restarting replica
   * or an unavailable backend loses no queued trace.
   * @default - in-memory queue
   */
  readonly persistentQueue?: PersistentQueueProps;
  /**
   * Declared traffic: sizes the gateway (replicas, memory, num_traces).
   * @default - no sizing; `gatewayReplicas` replicas with default resources
   */
  readonly expectedTraffic?: GatewayTraffic;
  /**
   * How the agent is reached from the pods of its node.
   * @default AgentDelivery.nodeLocalService()
   */
  readonly agentDelivery?: AgentDelivery;
  /**
   * Settings of the stack's Instrumentation (its endpoint is the agent and its sampler comes from
   * `sampling`); `false` for no Instrumentation.
   * @default - propagators tracecontext + baggage, log correlation off
   */
  readonly instrumentation?:
    Omit<InstrumentationProps, 'endpoint' | 'operator' | 'namespace' | 'sampler'> | false;
}

/**
 * The seed's tracing system in one construct: the OpenTelemetry Operator, an Instrumentation
 * pointing at a node-local collector agent, a tail-sampling gateway tier the agents load-balance
 * to by trace id (unless single-node or head sampling), and a trace backend, wired together —
 * endpoints, RBAC and apply order. Every part is replaceable through its props.
 */
export class TracingStack extends Construct {
  /** The operator (emitting nothing when external). */
  public readonly operator: OpenTelemetryOperator;
  /** The trace backend. */
  public readonly backend: ITraceBackend;
  /** The node-local agent. */
  public readonly agent: CollectorAgent;
  /** The tail-sampling gateway (tail sampling on more than one node only). */
  public readonly gateway?: TailSamplingGateway;
  /** The Instrumentation workloads are injected with. */
  public readonly instrumentation?: Instrumentation;
  /** The sampling strategy in force. */
  public readonly sampling: Sampling;
  /** Namespace of the stack's objects. */
  public readonly namespace: string;
  private extraBackends = 0;

  constructor(scope: Construct, id: string, props: TracingStackProps = {}) {
    super(scope, id);
    const what = 'TracingStack';
    props = propsObject<TracingStackProps>(what, props, STACK_PROPS);
    optString(what, 'namespace', props.namespace);
    optString(what, 'clusterDomain', props.clusterDomain);
    optBoolean(what, 'createNamespace', props.createNamespace);
    optBoolean(what, 'singleNode', props.singleNode);
    optInstance(
      what,
      'operator',
      props.operator,
      StackOperator,
      'StackOperator.external(), StackOperator.install({...}) or StackOperator.existing(operator)',
    );
    optInstance(
      what,
      'backend',
      props.backend,
      Backend,
      'Backend.tempo(), Backend.jaeger() or Backend.otlp({...})',
    );
    optInstance(
      what,
      'sampling',
      props.sampling,
      Sampling,
      'Sampling.tail(), Sampling.head(ratio) or Sampling.none()',
    );
    optInstance(
      what,
      'runtime',
      props.runtime,
      CollectorRuntime,
      'CollectorRuntime.operator() or CollectorRuntime.manifests()',
    );
    optInstance(
      what,
      'agentDelivery',
      props.agentDelivery,
      AgentDelivery,
      'AgentDelivery.nodeLocalService() or AgentDelivery.hostPort()',
    );
    optNumber(what, 'gatewayReplicas', props.gatewayReplicas, { integer: true, min: 1, example: '3' });
    const processorList = (key: 'agentProcessors' | 'gatewayProcessors') =>
      optList(
        what,
        key,
        props[key],
        (p, path) =>
          optInstance(what, path, p, CollectorComponent, 'Processor.* (e.g. Processor.attributes({...}))')!,
        'pass a list of processors built with Processor.*',
      );
    processorList('agentProcessors');
    processorList('gatewayProcessors');
    if (props.persistentQueue !== undefined && !isPlainObject(props.persistentQueue)) {
      fail(
        what,
        'persistentQueue',
        props.persistentQueue,
        'is not an object',
        'pass { sizeGiB, storageClassName } or omit it',
      );
    }
    if (props.expectedTraffic !== undefined && !isPlainObject(props.expectedTraffic)) {
      fail(
        what,
        'expectedTraffic',
        props.expectedTraffic,
        'is not an object',
        'pass { tracesPerSec, spansPerTrace } or omit it',
      );
    }
    if (
      props.instrumentation !== undefined &&
      props.instrumentation !== false &&
      !isPlainObject(props.instrumentation)
    ) {
      fail(
        what,
        'instrumentation',
        props.instrumentation,
        'is neither false nor an object',
        'pass Instrumentation props, false for none, or omit it',
      );
    }
    const additional =
      optList(
        what,
        'additionalBackends',
        props.additionalBackends,
        (b, p) =>
          optInstance(what, p, b, Backend, 'Backend.tempo(), Backend.jaeger() or Backend.otlp({...})')!,
        'pass a list of Backend',
      ) ?? [];
    if (props.clusterDomain !== undefined) this.node.setContext(CLUSTER_DOMAIN_CONTEXT, props.clusterDomain);
    clusterDomain(this); // fails early on a malformed domain
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'observability';
    this.sampling = props.sampling ?? Sampling.tail();
    if (
      props.singleNode &&
      this.sampling.kind === 'tail' &&
      (props.gatewayReplicas !== undefined || props.expectedTraffic)
    ) {
      throw new Error(
        'TracingStack: singleNode runs tail sampling in the agent and has no gateway; remove gatewayReplicas/expectedTraffic or set singleNode: false',
      );
    }
    if (this.sampling.kind !== 'tail' && (props.gatewayReplicas !== undefined || props.expectedTraffic)) {
      throw new Error(
        `TracingStack: gatewayReplicas/expectedTraffic size the tail-sampling gateway, but sampling is "${this.sampling.kind}"; use Sampling.tail() or remove them`,
      );
    }

    const nsProblem = dns1123Label(this.namespace);
    if (nsProblem) throw new Error(`TracingStack: namespace ${nsProblem}`);
    if (props.createNamespace !== false) {
      // Labelled: an applied object that sets no field gets no managedFields entry, so the API server
      // writes it again on the next apply (ownership "before-first-apply"); with a field it is a no-op.
      clusterScoped(
        new ApiObject(this, 'namespace', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: this.namespace,
            labels: {
              'app.kubernetes.io/part-of': 'opentelemetry-tracing',
              'app.kubernetes.io/managed-by': 'cdk8s',
            },
          },
        }),
      );
    }

    this.operator = (props.operator ?? StackOperator.external())._bind(this);
    // the operator runtime orders the collector CRs after the stack's operator
    const runtime = (props.runtime ?? CollectorRuntime.operator())._withOperator(this.operator);
    this.backend = (props.backend ?? Backend.tempo()).bind(this, 'backend', { namespace: this.namespace });

    const tail = this.sampling.kind === 'tail';
    if (tail && !props.singleNode) {
      this.gateway = new TailSamplingGateway(this, 'gateway', {
        namespace: this.namespace,
        backend: this.backend,
        runtime,
        policies: this.sampling.policies,
        decisionWaitSec: this.sampling.decisionWaitSec,
        replicas:
          props.gatewayReplicas ?? (props.expectedTraffic ? undefined : TRACING_DEFAULTS.gatewayReplicas),
        expectedTraffic: props.expectedTraffic,
        processors: props.gatewayProcessors,
        persistentQueue: props.persistentQueue,
      });
    } else {
      if (props.gatewayProcessors?.length) {
        throw new Error(
          `TracingStack: gatewayProcessors need the tail-sampling gateway, but ${props.singleNode ? 'singleNode runs tail sampling in the agent' : `sampling is "${this.sampling.kind}"`}; use agentProcessors`,
        );
      }
      if (props.persistentQueue) {
        throw new Error(
          `TracingStack: persistentQueue is the gateway's queue, but there is no gateway (${props.singleNode ? 'singleNode' : `sampling "${this.sampling.kind}"`}); remove it`,
        );
      }
    }
    this.agent = new CollectorAgent(this, 'agent', {
      namespace: this.namespace,
      runtime,
      delivery: props.agentDelivery,
      ...(this.gateway ? { gateway: this.gateway } : { backend: this.backend }),
      ...(tail && props.singleNode
        ? {
            singleNode: true,
            processors: [
              Processor.tailSampling({
                policies: this.sampling.policies,
                decisionWaitSec: this.sampling.decisionWaitSec,
              }),
              ...(props.agentProcessors ?? []),
            ],
          }
        : { processors: props.agentProcessors }),
    });
    additional.forEach((b, i) => this.addBackend(b, { name: `${b.kind}-${i + 2}` }));

    if (props.instrumentation !== false) {
      const inst = props.instrumentation ?? {};
      this.instrumentation = new Instrumentation(this, 'instrumentation', {
        name: 'tracing',
        propagators: [Propagator.TRACECONTEXT, Propagator.BAGGAGE],
        ...inst,
        namespace: this.namespace,
        endpoint: this.agent,
        operator: this.operator,
        sampler: this.sampling.sdkSampler,
      });
    }
  }

  /**
   * Sends the sampled traces to one more backend as well (fan-out): an in-cluster backend (`Backend.tempo()`,
   * `Backend.jaeger()`) is bound into the stack's namespace, and the gateway (or the agent when there is
   * no gateway) gets an exporter for it. Returns the bound backend.
   */
  public addBackend(backend: Backend, options: AddBackendOptions = {}): ITraceBackend {
    const b = optInstance(
      'TracingStack.addBackend',
      'backend',
      backend,
      Backend,
      'Backend.tempo(), Backend.jaeger() or Backend.otlp({...})',
    )!;
    if (b === undefined)
      throw new Error(
        'TracingStack.addBackend: backend is missing; pass Backend.tempo(), Backend.jaeger() or Backend.otlp({...})',
      );
    const o = propsObject<AddBackendOptions>('TracingStack.addBackend', options, ['name']);
    const name =
      optString(
        'TracingStack.addBackend',
        'options.name',
        o.name,
        'pass a short exporter name such as "vendor"',
      ) ?? `${b.kind}-${++this.extraBackends + 1}`;
    const bound = b.bind(this, `backend-${name}`, { namespace: this.namespace });
    (this.gateway ?? this.agent).addBackend(bound, { name });
    return bound;
  }

  /**
   * Instruments a workload (cdk8s-plus workload, ApiObject with a pod template, or Namespace)
   * with the stack's Instrumentation: sets the inject annotations on the pod template.
   */
  public instrument(target: InjectTarget, ...languages: InjectLanguage[]): void {
    if (!this.instrumentation) {
      throw new Error(
        'TracingStack.instrument: this stack has no Instrumentation (instrumentation: false); create one or drop the call',
      );
    }
    this.instrumentation.inject(target, { languages });
  }

  /** The Mermaid picture of the pipeline: agent -> gateway -> backend. */
  public pipelineDiagram(): string {
    const tiers: DiagramTier[] = [
      { id: 'agent', label: 'agent (DaemonSet, one per node)', config: this.agent.config },
    ];
    if (this.gateway) {
      tiers.push({
        id: 'gateway',
        label: `tail-sampling gateway (${this.gateway.replicas} replicas)`,
        config: this.gateway.config,
      });
    }
    return pipelineDiagram({ tiers, backendLabel: backendLabel(this.backend) });
  }
}

function backendLabel(b: ITraceBackend): string {
  switch (b.backendKind) {
    case 'tempo':
      return 'Grafana Tempo';
    case 'jaeger':
      return 'Jaeger v2';
    default:
      return `OTLP backend ${b.otlpGrpcUrl}`;
  }
}
