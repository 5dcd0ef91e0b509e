import { toYaml } from '../../common/yaml';
import { CollectorComponent, ConfiguredComponent, ListeningPort, SecretEnvVar } from './component';
import { COMPONENT_KINDS, ComponentKind, canonicalComponentType, isDeprecatedAlias } from './component-types';
import { asObject, checkInteger, checkKeys, ConfigObject, ConfigValue } from './config-values';
import { CollectorDistribution } from './distribution';
import { checkExpansionSyntax } from './env-ref';
import { OtlpExporter } from './exporter';
import { CollectorConfigError, ConfigFinding } from './findings';
import {
  parseAttributes,
  parseBatch,
  parseFileStorage,
  parseForward,
  parseHealthCheck,
  parseK8sAttributes,
  parseMemoryLimiter,
  parsePprof,
  parseProbabilisticSampler,
  parseResource,
  parseZpages,
} from './component-parsers';
import { LoadBalancingExporter } from './load-balancing';
import { ComponentRef, Pipeline, PipelineProps } from './pipeline';
import { OtlpReceiver } from './receiver';
import { TailSamplingProcessor } from './tail-sampling';
import { Exporter } from './exporter';

const SECTION: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
  connector: 'connectors',
};

/**
 * Routing keys the load_balancing exporter (0.158) builds per signal (trace_exporter.go,
 * metrics_exporter.go, log_exporter.go: anything else is "unsupported routing_key").
 */
const LOAD_BALANCING_ROUTING_KEYS: Partial<Record<string, readonly string[]>> = {
  traces: ['traceID', 'service', 'attributes'],
  metrics: ['service', 'resource', 'metric', 'streamID', 'attributes'],
  logs: ['service', 'traceID', 'resource', 'attributes'],
};

/** Rule ids of warnings (best practices) that can be silenced. */
export const WARNING_RULES = [
  'memory-limiter-first',
  'batch-last',
  'k8s-attributes-before-sampling',
  'exporter-without-retry-queue',
  'unused-component',
  'deprecated-type',
  'distribution-unverified-component',
  'env-syntax',
] as const;

/** The collector's own telemetry (`service.telemetry`). */
export interface TelemetryProps {
  /** Expose self-metrics (Prometheus pull) on this port, e.g. 8888. @default - not exposed */
  readonly metricsPort?: number;
  /** Host the self-metrics listen on. @default '0.0.0.0' */
  readonly metricsHost?: string;
  /** Self-metrics level. @default - collector default ('normal') */
  readonly metricsLevel?: 'none' | 'basic' | 'normal' | 'detailed';
  /** Log level. @default - collector default ('info') */
  readonly logsLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** Props of `new CollectorConfig()`. */
export interface CollectorConfigProps {
  /** Warning rule ids to silence (see `WARNING_RULES`); errors cannot be silenced. @default - none */
  readonly silencedRules?: readonly string[];
  /** `service.telemetry`. @default - collector defaults */
  readonly telemetry?: TelemetryProps;
}

/** Options of `validate()`. */
export interface ConfigValidateOptions {
  /** Check that the image's distribution contains every component. @default - no distribution check */
  readonly distribution?: CollectorDistribution;
  /** Additional warning rule ids to silence. @default - none */
  readonly silence?: readonly string[];
}

/** One entry of `componentTypes()`. */
export interface ComponentTypeRef {
  /** Component kind (receiver, processor, exporter, extension, connector). */
  readonly kind: ComponentKind;
  /** Component type name, e.g. `otlp` or `tail_sampling`. */
  readonly type: string;
}

/**
 * A typed OpenTelemetry Collector configuration: components, pipelines, validation with the collector's
 * rules, and deterministic rendering (`toObject()` for an OpenTelemetryCollector CR's `spec.config`,
 * `toYaml()` for a ConfigMap). Pure TypeScript, no cdk8s.
 *
 * @example
 * const config = new CollectorConfig();
 * const otlp = Receiver.otlp();
 * config.addPipeline('traces', {
 *   receivers: [otlp],
 *   processors: [Processor.memoryLimiter(), Processor.tailSampling({ policies: [Policy.statusCode('ERROR')] }), Processor.batch()],
 *   exporters: [Exporter.otlpGrpc({ name: 'tempo', endpoint: 'tempo:4317', tls: { insecure: true } })],
 * });
 * config.assertValid({ distribution: CollectorDistribution.K8S });
 * const yaml = config.toYaml();
 */
export class CollectorConfig {
  /** Parses a whole collector config (typed where the type is modelled, escape hatch otherwise). */
  public static fromObject(value: unknown, props: CollectorConfigProps = {}): CollectorConfig {
    const root = asObject(value, 'config');
    const known = ['receivers', 'processors', 'exporters', 'extensions', 'connectors', 'service'];
    for (const k of Object.keys(root)) {
      if (!known.includes(k)) throw new Error(`config: unknown top-level key "${k}"; allowed: ${known.join(', ')}`);
    }
    const service = asObject(root.service, 'service');
    checkKeys(service, ['extensions', 'pipelines', 'telemetry'], 'service');
    const config = new CollectorConfig({ ...props, telemetry: props.telemetry ?? parseTelemetry(service.telemetry) });
    const enabled = (service.extensions ?? []) as unknown;
    if (!Array.isArray(enabled)) throw new Error('service.extensions: expected a list of extension ids');
    // ids written with a deprecated alias (e.g. `loadbalancing/x`) are renamed, also in pipelines
    const renamed = new Map<string, string>();
    for (const kind of COMPONENT_KINDS) {
      const section = asObject(root[SECTION[kind]], SECTION[kind]);
      for (const [id, cfg] of Object.entries(section)) {
        const component = parseComponent(kind, id, cfg);
        if (component.id !== id) {
          renamed.set(`${kind}:${id}`, component.id);
          config.writtenAs.set(`${kind}:${component.id}`, id.split('/')[0]);
        }
        if (kind === 'extension') config.addExtension(component, { enable: false });
        else config.add(component);
      }
    }
    // keep the order of service.extensions (undefined ids are reported by validate())
    for (const id of enabled as string[]) config.enabledExtensions.push(id);
    const pipelines = asObject(service.pipelines, 'service.pipelines');
    for (const [id, p] of Object.entries(pipelines)) {
      const po = asObject(p, `service.pipelines.${id}`);
      checkKeys(po, ['receivers', 'processors', 'exporters'], `service.pipelines.${id}`);
      const list = (k: string): string[] => {
        const v = po[k] ?? [];
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
          throw new Error(`service.pipelines.${id}.${k}: expected a list of component ids`);
        }
        const role = k === 'receivers' ? 'receiver' : k === 'processors' ? 'processor' : 'exporter';
        // connectors are receivers and exporters of pipelines: their renames apply there too
        return (v as string[]).map((x) => renamed.get(`${role}:${x}`) ?? (role === 'processor' ? undefined : renamed.get(`connector:${x}`)) ?? x);
      };
      config.addPipeline(id, { receivers: list('receivers'), processors: list('processors'), exporters: list('exporters') });
    }
    return config;
  }

  private readonly receivers = new Map<string, CollectorComponent>();
  private readonly processors = new Map<string, CollectorComponent>();
  private readonly exporters = new Map<string, CollectorComponent>();
  private readonly extensions = new Map<string, CollectorComponent>();
  private readonly connectors = new Map<string, CollectorComponent>();
  private readonly enabledExtensions: string[] = [];
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly silenced: Set<string>;
  private readonly telemetry?: TelemetryProps;
  /** Components parsed from a deprecated alias (`kind:id` -> the alias written), for the deprecated-type warning. */
  private readonly writtenAs = new Map<string, string>();

  constructor(props: CollectorConfigProps = {}) {
    this.silenced = new Set(props.silencedRules ?? []);
    for (const r of this.silenced) {
      if (!(WARNING_RULES as readonly string[]).includes(r)) {
        throw new Error(`silencedRules: "${r}" is not a warning rule; use one of ${WARNING_RULES.join(', ')} (errors cannot be silenced)`);
      }
    }
    if (props.telemetry) {
      checkInteger(props.telemetry.metricsPort, 1, 'service.telemetry.metrics port');
      if (props.telemetry.metricsPort !== undefined && props.telemetry.metricsPort > 65535) {
        throw new Error(`service.telemetry.metrics port ${props.telemetry.metricsPort} is out of range; use 1-65535 (8888 is usual)`);
      }
    }
    this.telemetry = props.telemetry;
  }

  private mapOf(kind: ComponentKind): Map<string, CollectorComponent> {
    switch (kind) {
      case 'receiver':
        return this.receivers;
      case 'processor':
        return this.processors;
      case 'exporter':
        return this.exporters;
      case 'extension':
        return this.extensions;
      default:
        return this.connectors;
    }
  }

  /**
   * Adds a component of any kind (extensions are also enabled). Adding the same instance twice is a no-op;
   * a different component with the same id throws.
   */
  public add<T extends CollectorComponent>(component: T): T {
    if (component.kind === 'extension') return this.addExtension(component);
    return this.register(component);
  }

  private register<T extends CollectorComponent>(component: T): T {
    const map = this.mapOf(component.kind);
    const existing = map.get(component.id);
    if (existing === component) return component;
    if (existing) {
      throw new Error(
        `${SECTION[component.kind]}.${component.id} is already defined; give the new ${component.kind} another name (e.g. { name: '${component.name ?? 'other'}-2' })`,
      );
    }
    map.set(component.id, component);
    return component;
  }

  /** Adds a receiver. */
  public addReceiver<T extends CollectorComponent>(receiver: T): T {
    this.checkKind(receiver, 'receiver');
    return this.register(receiver);
  }

  /** Adds a processor. */
  public addProcessor<T extends CollectorComponent>(processor: T): T {
    this.checkKind(processor, 'processor');
    return this.register(processor);
  }

  /** Adds an exporter. */
  public addExporter<T extends CollectorComponent>(exporter: T): T {
    this.checkKind(exporter, 'exporter');
    return this.register(exporter);
  }

  /** Adds a connector. */
  public addConnector<T extends CollectorComponent>(connector: T): T {
    this.checkKind(connector, 'connector');
    return this.register(connector);
  }

  /**
   * Adds an extension.
   * @param options.enable list it in `service.extensions` @default true
   */
  public addExtension<T extends CollectorComponent>(extension: T, options: { readonly enable?: boolean } = {}): T {
    this.checkKind(extension, 'extension');
    this.register(extension);
    if ((options.enable ?? true) && !this.enabledExtensions.includes(extension.id)) this.enabledExtensions.push(extension.id);
    return extension;
  }

  private checkKind(c: CollectorComponent, kind: ComponentKind): void {
    if (c.kind !== kind) {
      throw new Error(`${c.id} is a ${c.kind}, not a ${kind}; use add${c.kind[0].toUpperCase()}${c.kind.slice(1)}() instead`);
    }
  }

  /** A receiver by id. */
  public receiver(id: string): CollectorComponent | undefined {
    return this.receivers.get(id);
  }
  /** A processor by id. */
  public processor(id: string): CollectorComponent | undefined {
    return this.processors.get(id);
  }
  /** An exporter by id. */
  public exporter(id: string): CollectorComponent | undefined {
    return this.exporters.get(id);
  }
  /** An extension by id. */
  public extension(id: string): CollectorComponent | undefined {
    return this.extensions.get(id);
  }
  /** A connector by id. */
  public connector(id: string): CollectorComponent | undefined {
    return this.connectors.get(id);
  }

  /** All components of a kind in insertion order. */
  public components(kind: ComponentKind): CollectorComponent[] {
    return [...this.mapOf(kind).values()];
  }

  /**
   * Adds a pipeline. Components given as objects are registered (receivers/exporters that are connectors are
   * registered as connectors); ids must name components added separately.
   */
  public addPipeline(id: string, props: PipelineProps): Pipeline {
    if (this.pipelines.has(id)) {
      throw new Error(`service.pipelines.${id} is already defined; use pipeline('${id}') to extend it or pick another name`);
    }
    const pipeline = new Pipeline(id);
    props.receivers.forEach((r) => pipeline.receivers.push(this.refId(r, 'receiver')));
    (props.processors ?? []).forEach((p) => pipeline.processors.push(this.refId(p, 'processor')));
    props.exporters.forEach((e) => pipeline.exporters.push(this.refId(e, 'exporter')));
    this.pipelines.set(id, pipeline);
    return pipeline;
  }

  /** A pipeline by id (mutable: push/splice ids, or use `insertProcessor`). */
  public pipeline(id: string): Pipeline | undefined {
    return this.pipelines.get(id);
  }

  /** All pipelines in insertion order. */
  public allPipelines(): Pipeline[] {
    return [...this.pipelines.values()];
  }

  /** Inserts a processor into a pipeline at `index`. @param index position @default - end */
  public insertProcessor(pipelineId: string, processor: ComponentRef, index?: number): void {
    const p = this.pipelines.get(pipelineId);
    if (!p) throw new Error(`service.pipelines.${pipelineId} does not exist; add it with addPipeline() first`);
    const id = this.refId(processor, 'processor');
    p.processors.splice(index ?? p.processors.length, 0, id);
  }

  private refId(ref: ComponentRef, role: 'receiver' | 'processor' | 'exporter'): string {
    if (typeof ref === 'string') return ref;
    if (ref.kind === 'connector' && role !== 'processor') {
      this.register(ref);
      return ref.id;
    }
    if (ref.kind !== role) {
      throw new Error(`${ref.id} is a ${ref.kind} and cannot be used as a pipeline ${role}; move it to the ${ref.kind}s list`);
    }
    this.register(ref);
    return ref.id;
  }

  /** Distinct component types used (sorted by kind, then type), e.g. for picking a distribution. */
  public componentTypes(): ComponentTypeRef[] {
    const out: ComponentTypeRef[] = [];
    for (const kind of COMPONENT_KINDS) {
      const types = [...new Set(this.components(kind).map((c) => c.type))].sort();
      types.forEach((type) => out.push({ kind, type }));
    }
    return out;
  }

  /** The smallest official distribution that contains every component, or undefined when none does. */
  public recommendedDistribution(): CollectorDistribution | undefined {
    return CollectorDistribution.smallestWith(this.componentTypes())[0];
  }

  /** Ports the collector listens on: receivers, extensions (non-loopback) and self-metrics. */
  public listeningPorts(): ListeningPort[] {
    const ports: ListeningPort[] = [];
    for (const kind of COMPONENT_KINDS) {
      for (const c of this.components(kind)) {
        if (kind === 'extension' && !this.enabledExtensions.includes(c.id)) continue;
        ports.push(...c.listeningPorts());
      }
    }
    if (this.telemetry?.metricsPort !== undefined) {
      ports.push({ name: 'metrics', port: this.telemetry.metricsPort, protocol: 'TCP', appProtocol: 'http', componentId: 'service.telemetry' });
    }
    return ports;
  }

  /** Every port the collector binds, loopback ones included (for the port-conflict check). */
  private boundPorts(): ListeningPort[] {
    const ports: ListeningPort[] = [];
    for (const kind of COMPONENT_KINDS) {
      for (const c of this.components(kind)) {
        if (kind === 'extension' && !this.enabledExtensions.includes(c.id)) continue;
        ports.push(...c.boundPorts());
      }
    }
    return [...ports, ...this.listeningPorts().filter((p) => p.componentId === 'service.telemetry')];
  }

  /** Env vars the container must get from Secrets (for `${env:...}` references). */
  public secretEnv(): SecretEnvVar[] {
    const seen = new Map<string, SecretEnvVar>();
    for (const kind of COMPONENT_KINDS) {
      for (const c of this.components(kind)) for (const e of c.secretEnv()) seen.set(e.name, e);
    }
    return [...seen.values()];
  }

  /** Validates with the collector's rules plus best-practice warnings. */
  public validate(options: ConfigValidateOptions = {}): ConfigFinding[] {
    const findings: ConfigFinding[] = [];
    const silenced = new Set([...this.silenced, ...(options.silence ?? [])]);
    const add = (severity: ConfigFinding['severity'], rule: string, path: string, message: string) => {
      if (severity === 'warning' && silenced.has(rule)) return;
      findings.push({ severity, rule, path, message });
    };

    if (this.receivers.size === 0 && this.connectors.size === 0) {
      add('error', 'no-receivers', 'receivers', 'no receiver is defined; add one, e.g. Receiver.otlp()');
    }
    if (this.exporters.size === 0 && this.connectors.size === 0) {
      add('error', 'no-exporters', 'exporters', 'no exporter is defined; add one, e.g. Exporter.otlpGrpc({...})');
    }
    if (this.pipelines.size === 0) {
      add('error', 'no-pipelines', 'service.pipelines', 'no pipeline is defined; add one with addPipeline("traces", {...})');
    }

    const used = new Set<string>();
    const connectorAs = { receiver: new Set<string>(), exporter: new Set<string>() };
    for (const p of this.pipelines.values()) {
      const base = `service.pipelines.${p.id}`;
      if (p.receivers.length === 0) {
        add('error', 'pipeline-missing-receiver', `${base}.receivers`, `pipeline "${p.id}" has no receiver; add at least one`);
      }
      if (p.exporters.length === 0) {
        add('error', 'pipeline-missing-exporter', `${base}.exporters`, `pipeline "${p.id}" has no exporter; add at least one`);
      }
      const check = (ids: string[], role: 'receiver' | 'processor' | 'exporter') => {
        const seen = new Set<string>();
        ids.forEach((id, i) => {
          const path = `${base}.${SECTION[role]}[${i}]`;
          if (seen.has(id)) {
            add('error', role === 'processor' ? 'duplicate-processor' : 'duplicate-reference', path,
              `"${id}" is listed twice in pipeline "${p.id}"; remove the duplicate (use a second named instance such as ${id.split('/')[0]}/2 if you need it twice)`);
          }
          seen.add(id);
          const own = this.mapOf(role).get(id);
          const conn = role !== 'processor' ? this.connectors.get(id) : undefined;
          if (own) used.add(`${role}:${id}`);
          else if (conn) connectorAs[role as 'receiver' | 'exporter'].add(id);
          else {
            const elsewhere = COMPONENT_KINDS.find((k) => this.mapOf(k).has(id));
            add('error', 'undefined-component', path,
              elsewhere
                ? `"${id}" is a ${elsewhere}, not a ${role}; move it to the ${SECTION[elsewhere]} list of the pipeline`
                : `${role} "${id}" is not defined; add it with add${role[0].toUpperCase()}${role.slice(1)}() or fix the id`);
          }
        });
      };
      check(p.receivers, 'receiver');
      check(p.processors, 'processor');
      check(p.exporters, 'exporter');
      this.checkSignals(p, add);
      this.checkOrder(p, add);
    }

    for (const id of this.connectors.keys()) {
      const asExp = connectorAs.exporter.has(id);
      const asRec = connectorAs.receiver.has(id);
      if (asExp !== asRec) {
        add('error', 'connector-one-sided', `connectors.${id}`,
          `connector "${id}" is used only as ${asExp ? 'an exporter' : 'a receiver'}; use it as ${asExp ? 'a receiver' : 'an exporter'} of another pipeline too, or remove it`);
      } else if (!asExp) {
        add('warning', 'unused-component', `connectors.${id}`, `connector "${id}" is not used by any pipeline; use it or remove it`);
      }
    }
    for (const kind of ['receiver', 'processor', 'exporter'] as const) {
      for (const id of this.mapOf(kind).keys()) {
        if (!used.has(`${kind}:${id}`)) {
          add('warning', 'unused-component', `${SECTION[kind]}.${id}`, `${kind} "${id}" is defined but not used by any pipeline; add it to a pipeline or remove it`);
        }
      }
    }
    for (const id of this.enabledExtensions) {
      if (!this.extensions.has(id)) {
        add('error', 'undefined-component', 'service.extensions', `extension "${id}" is enabled but not defined; add it with addExtension()`);
      }
    }

    for (const kind of COMPONENT_KINDS) {
      for (const c of this.components(kind)) {
        const path = `${SECTION[kind]}.${c.id}`;
        for (const ext of c.referencedExtensions()) {
          if (!this.extensions.has(ext)) {
            add('error', 'undefined-component', path, `references extension "${ext}" which is not defined; add it with addExtension()`);
          } else if (!this.enabledExtensions.includes(ext)) {
            add('error', 'undefined-component', path, `references extension "${ext}" which is not enabled in service.extensions; enable it`);
          }
        }
        const alias = isDeprecatedAlias(kind, c.type) ? c.type : this.writtenAs.get(`${kind}:${c.id}`);
        if (alias) {
          add('warning', 'deprecated-type', path, `type "${alias}" is a deprecated alias in collector 0.158 (the collector logs a deprecation warning); use "${canonicalComponentType(kind, alias)}"`);
        }
        for (const problem of c.problems()) add('error', problem.rule, path, problem.message);
        const res = kind === 'exporter' ? c.resilience() : undefined;
        if (res && (!res.retry || !res.queue)) {
          add('warning', 'exporter-without-retry-queue', path,
            `${[!res.retry ? 'retry_on_failure' : '', !res.queue ? 'sending_queue' : ''].filter(Boolean).join(' and ')} disabled; data is lost when the backend is briefly unavailable, keep them enabled`);
        }
        walkStrings(c.toConfig(), path, (value, where) => {
          for (const problem of checkExpansionSyntax(value)) add(problem.severity, 'env-syntax', where, problem.message);
        });
      }
    }

    const byPort = new Map<number, ListeningPort>();
    for (const port of this.boundPorts()) {
      const other = byPort.get(port.port);
      if (other) {
        add('error', 'port-conflict', port.componentId,
          `port ${port.port} is also used by ${other.componentId}; give one of them another endpoint port`);
      } else byPort.set(port.port, port);
    }

    if (options.distribution) this.checkDistribution(options.distribution, add);
    return findings;
  }

  private checkSignals(p: Pipeline, add: (s: 'error' | 'warning', r: string, path: string, m: string) => void): void {
    p.processors.forEach((id, i) => {
      const c = this.processors.get(id);
      if (c && c.type === 'tail_sampling' && p.signal !== 'traces') {
        add('error', 'signal-mismatch', `service.pipelines.${p.id}.processors[${i}]`,
          `tail_sampling only supports traces; remove it from the ${p.signal} pipeline`);
      }
    });
    p.exporters.forEach((id, i) => {
      const c = this.exporters.get(id);
      if (!(c instanceof LoadBalancingExporter) || c.props.routingKey === undefined) return;
      const supported = LOAD_BALANCING_ROUTING_KEYS[p.signal];
      if (supported && !supported.includes(c.props.routingKey)) {
        add('error', 'signal-mismatch', `service.pipelines.${p.id}.exporters[${i}]`,
          `load_balancing routing_key "${c.props.routingKey}" is not supported for ${p.signal} (the collector refuses to build the exporter); use one of ${supported.join(', ')}`);
      }
    });
  }

  private checkOrder(p: Pipeline, add: (s: 'error' | 'warning', r: string, path: string, m: string) => void): void {
    const base = `service.pipelines.${p.id}.processors`;
    const types = p.processors.map((id) => this.processors.get(id)?.type);
    const ml = types.indexOf('memory_limiter');
    if (ml < 0) {
      add('warning', 'memory-limiter-first', base, `pipeline "${p.id}" has no memory_limiter; add Processor.memoryLimiter() as the first processor`);
    } else if (ml > 0) {
      add('warning', 'memory-limiter-first', `${base}[${ml}]`, `memory_limiter is at position ${ml} in pipeline "${p.id}"; move it first so it can refuse data before other processors use memory`);
    }
    const batch = types.lastIndexOf('batch');
    if (batch >= 0 && batch !== types.length - 1) {
      add('warning', 'batch-last', `${base}[${batch}]`, `batch is not the last processor of pipeline "${p.id}"; move it last (after sampling and filtering)`);
    }
    const k8s = types.findIndex((t) => t === 'k8s_attributes' || t === 'k8sattributes');
    const sampling = types.findIndex((t) => t === 'tail_sampling' || t === 'probabilistic_sampler');
    if (k8s >= 0 && sampling >= 0 && k8s > sampling) {
      add('warning', 'k8s-attributes-before-sampling', `${base}[${k8s}]`,
        `k8s_attributes runs after ${types[sampling]} in pipeline "${p.id}"; move it before sampling so policies can use k8s metadata`);
    }
  }

  private checkDistribution(
    dist: CollectorDistribution,
    add: (s: 'error' | 'warning', r: string, path: string, m: string) => void,
  ): void {
    for (const kind of COMPONENT_KINDS) {
      for (const c of this.components(kind)) {
        const a = dist.availability(kind, c.type);
        const path = `${SECTION[kind]}.${c.id}`;
        if (a === 'missing') {
          const options = CollectorDistribution.smallestWith(this.componentTypes());
          const alt = CollectorDistribution.all().filter((d) => d.availability(kind, c.type) === 'available');
          const suggestion = options[0] ?? alt[0];
          add('error', 'distribution-missing-component', path,
            `${kind} "${c.type}" is not in the ${dist.id} distribution (${dist.dockerHubRepository}); ${
              suggestion ? `use the ${suggestion.id} image ${suggestion.image()}` : 'build a custom distribution with OCB'
            }`);
        } else if (a === 'unknown') {
          add('warning', 'distribution-unverified-component', path,
            `${kind} "${c.type}" is not in this library's type table, so its presence in ${dist.binary} could not be checked; verify with "${dist.binary} components"`);
        }
      }
    }
  }

  /** Throws a `CollectorConfigError` listing all findings when there is at least one error. */
  public assertValid(options: ConfigValidateOptions = {}): ConfigFinding[] {
    const findings = this.validate(options);
    if (findings.some((f) => f.severity === 'error')) throw new CollectorConfigError(findings);
    return findings;
  }

  /** Deterministic plain object (for an OpenTelemetryCollector CR's `spec.config`). */
  public toObject(): ConfigObject {
    const out: ConfigObject = {};
    for (const kind of COMPONENT_KINDS) {
      const map = this.mapOf(kind);
      if (map.size === 0) continue;
      const section: ConfigObject = {};
      for (const [id, c] of map) section[id] = c.toConfig();
      out[SECTION[kind]] = section;
    }
    const service: ConfigObject = {};
    if (this.enabledExtensions.length > 0) service.extensions = [...this.enabledExtensions];
    const pipelines: ConfigObject = {};
    for (const [id, p] of this.pipelines) pipelines[id] = p.toObject() as unknown as ConfigValue;
    service.pipelines = pipelines;
    const telemetry = this.renderTelemetry();
    if (telemetry) service.telemetry = telemetry;
    out.service = service;
    return out;
  }

  private renderTelemetry(): ConfigObject | undefined {
    const t = this.telemetry;
    if (!t) return undefined;
    const out: ConfigObject = {};
    if (t.logsLevel) out.logs = { level: t.logsLevel };
    const metrics: ConfigObject = {};
    if (t.metricsLevel) metrics.level = t.metricsLevel;
    if (t.metricsPort !== undefined) {
      metrics.readers = [{ pull: { exporter: { prometheus: { host: t.metricsHost ?? '0.0.0.0', port: t.metricsPort } } } }];
    }
    if (Object.keys(metrics).length) out.metrics = metrics;
    return Object.keys(out).length ? out : undefined;
  }

  /** YAML text of `toObject()` (for a ConfigMap), rendered with the `yaml` package. */
  public toYaml(): string {
    return toYaml(this.toObject(), { lineWidth: 0 });
  }
}

/** Parses the `service.telemetry` forms the model renders; anything else is refused, never dropped. */
function parseTelemetry(value: unknown): TelemetryProps | undefined {
  if (value === undefined || value === null) return undefined;
  const where = 'service.telemetry';
  const t = asObject(value, where);
  checkKeys(t, ['logs', 'metrics'], where);
  const logs = t.logs === undefined ? {} : asObject(t.logs, `${where}.logs`);
  checkKeys(logs, ['level'], `${where}.logs`);
  const metrics = t.metrics === undefined ? {} : asObject(t.metrics, `${where}.metrics`);
  checkKeys(metrics, ['level', 'readers'], `${where}.metrics`);
  let metricsHost: string | undefined;
  let metricsPort: number | undefined;
  if (metrics.readers !== undefined) {
    const readers = metrics.readers;
    const prom = Array.isArray(readers) && readers.length === 1 ? (readers[0] as any)?.pull?.exporter?.prometheus : undefined;
    if (!prom || typeof prom.port !== 'number' || Object.keys(prom).some((k) => k !== 'host' && k !== 'port')) {
      throw new Error(`${where}.metrics.readers: only one pull reader with a prometheus exporter {host, port} is modelled; use CollectorConfigProps.telemetry or describe the readers you need`);
    }
    metricsHost = prom.host;
    metricsPort = prom.port;
  }
  return {
    logsLevel: logs.level as TelemetryProps['logsLevel'],
    metricsLevel: metrics.level as TelemetryProps['metricsLevel'],
    metricsHost,
    metricsPort,
  };
}

function walkStrings(value: ConfigValue, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}.${k}`, visit);
  }
}

/**
 * Parses one component by kind and id (`type[/name]`). Typed parsers (strict keys) exist for every type a
 * factory builds (otlp receiver, memory_limiter, batch, k8s_attributes, attributes, resource,
 * probabilistic_sampler, tail_sampling, otlp_grpc/otlp_http, load_balancing, debug, health_check, zpages,
 * pprof, file_storage, forward); deprecated aliases are parsed and rendered
 * with the canonical name (`loadbalancing` -> `load_balancing`, `otlp` exporter -> `otlp_grpc`). Other types
 * become escape-hatch components with their config kept verbatim.
 */
export function parseComponent(kind: ComponentKind, id: string, config: unknown): CollectorComponent {
  const slash = id.indexOf('/');
  const rawType = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? undefined : id.slice(slash + 1);
  const type = canonicalComponentType(kind, rawType);
  const options = { name };
  switch (`${kind}:${type}`) {
    case 'receiver:otlp':
      return OtlpReceiver.fromConfig(config, options);
    case 'processor:tail_sampling':
      return TailSamplingProcessor.fromConfig(config, options);
    case 'exporter:otlp_grpc':
      return OtlpExporter.fromConfig('otlp_grpc', config, options);
    case 'exporter:otlp_http':
      return OtlpExporter.fromConfig('otlp_http', config, options);
    case 'exporter:load_balancing':
      return LoadBalancingExporter.fromConfig(config, options);
    case 'exporter:debug':
      return Exporter.debugFromConfig(config, options);
    case 'processor:memory_limiter':
      return parseMemoryLimiter(config, options);
    case 'processor:batch':
      return parseBatch(config, options);
    case 'processor:k8s_attributes':
      return parseK8sAttributes(config, options);
    case 'processor:attributes':
      return parseAttributes(config, options);
    case 'processor:resource':
      return parseResource(config, options);
    case 'processor:probabilistic_sampler':
      return parseProbabilisticSampler(config, options);
    case 'extension:health_check':
      return parseHealthCheck(config, options);
    case 'extension:zpages':
      return parseZpages(config, options);
    case 'extension:pprof':
      return parsePprof(config, options);
    case 'extension:file_storage':
      return parseFileStorage(config, options);
    case 'connector:forward':
      return parseForward(config, options);
    default:
      return new ConfiguredComponent(kind, type, asObject(config, `${SECTION[kind]}.${id}`) as ConfigObject, options);
  }
}
