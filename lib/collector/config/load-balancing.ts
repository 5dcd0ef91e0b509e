import { CollectorComponent, ComponentOptions } from './component';
import {
  asObject,
  checkInteger,
  checkKeys,
  checkRange,
  compact,
  ConfigObject,
  formatDuration,
  opt,
  optStrings,
  parseDuration,
  cloneConfig,
} from './config-values';
import { OtlpClientProps, parseOtlpClient, renderOtlpClient } from './otlp-client';
import { parseQueue, parseRetry, renderQueue, renderRetry, RetryProps, SendingQueueProps } from './client-settings';

/** Routing keys of the load_balancing exporter. */
export type RoutingKey = 'traceID' | 'service' | 'resource' | 'metric' | 'streamID' | 'attributes';
const ROUTING_KEYS: readonly RoutingKey[] = ['traceID', 'service', 'resource', 'metric', 'streamID', 'attributes'];

/**
 * How the load_balancing exporter finds its backends. Enum-like:
 * `LoadBalancingResolver.k8s({ service: 'otel-gateway-headless.observability' })`.
 */
export class LoadBalancingResolver {
  /** A fixed list of `host[:port]` backends (port 4317 when omitted). */
  public static static(hostnames: readonly string[]): LoadBalancingResolver {
    if (hostnames.length === 0) {
      throw new Error('load_balancing resolver static: hostnames is empty; list at least one backend host[:port]');
    }
    return new LoadBalancingResolver('static', { hostnames: [...hostnames] });
  }

  /** DNS A/AAAA records of a (headless) Service name. */
  public static dns(props: {
    readonly hostname: string;
    readonly port?: number;
    readonly intervalSec?: number;
    readonly timeoutSec?: number;
  }): LoadBalancingResolver {
    if (!props.hostname) throw new Error('load_balancing resolver dns: hostname is empty; set the headless Service DNS name');
    checkInteger(props.port, 1, 'load_balancing resolver dns: port');
    return new LoadBalancingResolver(
      'dns',
      compact({
        hostname: props.hostname,
        port: props.port === undefined ? undefined : String(props.port),
        interval: props.intervalSec === undefined ? undefined : formatDuration(props.intervalSec),
        timeout: props.timeoutSec === undefined ? undefined : formatDuration(props.timeoutSec),
      }),
    );
  }

  /** Kubernetes EndpointSlices of a Service (`name.namespace`); needs RBAC on endpointslices. */
  public static k8s(props: {
    readonly service: string;
    readonly ports?: readonly number[];
    readonly timeoutSec?: number;
    readonly returnHostnames?: boolean;
  }): LoadBalancingResolver {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/.test(props.service)) {
      throw new Error(
        `load_balancing resolver k8s: service "${props.service}" is not "name" or "name.namespace" of a Service; use e.g. "otel-gateway.observability"`,
      );
    }
    (props.ports ?? []).forEach((p, i) => checkInteger(p, 1, `load_balancing resolver k8s: ports[${i}]`));
    return new LoadBalancingResolver(
      'k8s',
      compact({
        service: props.service,
        ports: props.ports ? [...props.ports] : undefined,
        timeout: props.timeoutSec === undefined ? undefined : formatDuration(props.timeoutSec),
        return_hostnames: props.returnHostnames,
      }),
    );
  }

  /** AWS Cloud Map (kept for completeness of the upstream resolver list). */
  public static awsCloudMap(props: {
    readonly namespace: string;
    readonly serviceName: string;
    readonly port?: number;
  }): LoadBalancingResolver {
    if (!props.namespace || !props.serviceName) {
      throw new Error('load_balancing resolver aws_cloud_map: namespace and serviceName are required; set both');
    }
    return new LoadBalancingResolver(
      'aws_cloud_map',
      compact({ namespace: props.namespace, service_name: props.serviceName, port: props.port }),
    );
  }

  /** Parses a `resolver` block (exactly one resolver). */
  public static fromObject(value: unknown, where: string): LoadBalancingResolver {
    const o = asObject(value, where);
    checkKeys(o, ['static', 'dns', 'k8s', 'aws_cloud_map'], where);
    const keys = Object.keys(o);
    if (keys.length !== 1) {
      throw new Error(`${where}: ${keys.length === 0 ? 'no resolver' : `${keys.length} resolvers (${keys.join(', ')})`}; configure exactly one of static, dns, k8s, aws_cloud_map`);
    }
    const kind = keys[0];
    const body = asObject(o[kind], `${where}.${kind}`);
    const bw = `${where}.${kind}`;
    const dur = (k: string) => (body[k] === undefined ? undefined : parseDuration(body[k], `${bw}.${k}`));
    switch (kind) {
      case 'static':
        checkKeys(body, ['hostnames'], bw);
        return LoadBalancingResolver.static(optStrings(body, 'hostnames', bw) ?? []);
      case 'dns': {
        checkKeys(body, ['hostname', 'port', 'interval', 'timeout'], bw);
        // the collector's field is a string (`port: "4317"`); a YAML number is refused by its decoder
        const portText = opt(body, 'port', 'string', bw);
        if (portText !== undefined && !/^\d+$/.test(portText)) throw new Error(`${bw}.port: "${portText}" is not a port number`);
        const port = portText === undefined ? undefined : Number(portText);
        return LoadBalancingResolver.dns({
          hostname: opt(body, 'hostname', 'string', bw) ?? '',
          port,
          intervalSec: dur('interval'),
          timeoutSec: dur('timeout'),
        });
      }
      case 'k8s':
        checkKeys(body, ['service', 'ports', 'timeout', 'return_hostnames'], bw);
        return LoadBalancingResolver.k8s({
          service: opt(body, 'service', 'string', bw) ?? '',
          ports: body.ports as number[] | undefined,
          timeoutSec: dur('timeout'),
          returnHostnames: opt(body, 'return_hostnames', 'boolean', bw),
        });
      default:
        checkKeys(body, ['namespace', 'service_name', 'port', 'health_status', 'interval', 'timeout'], bw);
        return LoadBalancingResolver.awsCloudMap({
          namespace: opt(body, 'namespace', 'string', bw) ?? '',
          serviceName: opt(body, 'service_name', 'string', bw) ?? '',
          port: opt(body, 'port', 'number', bw),
        });
    }
  }

  /** Resolver kind: static, dns, k8s or aws_cloud_map. */
  public readonly kind: string;
  private readonly config: ConfigObject;

  private constructor(kind: string, config: ConfigObject) {
    this.kind = kind;
    this.config = config;
  }

  /** Rendered `resolver` block. */
  public toObject(): ConfigObject {
    return { [this.kind]: cloneConfig(this.config) };
  }
}

/** Props of `Exporter.loadBalancing()`. */
export interface LoadBalancingProps extends ComponentOptions {
  /**
   * How backends are found. The collector refuses to start without one; it is optional here only so that
   * upstream configs without it can be parsed, and `validate()` reports `load-balancing-resolver` then.
   * @default - none (validation error)
   */
  readonly resolver?: LoadBalancingResolver;
  /** Settings of the per-backend OTLP exporter (`protocol.otlp`; its endpoint is ignored). @default - OTLP defaults */
  readonly otlp?: OtlpClientProps;
  /** Routing key. @default 'traceID' (required for tail sampling behind it) */
  readonly routingKey?: RoutingKey;
  /** Attributes of a composite key (with routingKey 'attributes'). @default - none */
  readonly routingAttributes?: readonly string[];
  /** Timeout of the exporter itself. @default - collector default */
  readonly timeoutSec?: number;
  /** Outer `sending_queue`. @default - collector default */
  readonly sendingQueue?: SendingQueueProps | false;
  /** Outer `retry_on_failure`. @default - collector default */
  readonly retryOnFailure?: RetryProps | false;
}

/** The `load_balancing` exporter (0.158 name; formerly `loadbalancing`). */
export class LoadBalancingExporter extends CollectorComponent {
  /** The properties it was created with. */
  public readonly props: LoadBalancingProps;

  constructor(props: LoadBalancingProps) {
    super('exporter', 'load_balancing', props);
    const where = `exporters.${this.id}`;
    if (props.routingKey !== undefined && !ROUTING_KEYS.includes(props.routingKey)) {
      throw new Error(`${where}: routing_key "${props.routingKey}" is invalid; use one of ${ROUTING_KEYS.join(', ')}`);
    }
    if (props.routingAttributes?.length && props.routingKey !== 'attributes') {
      throw new Error(`${where}: routing_attributes needs routing_key "attributes"; set routingKey: 'attributes'`);
    }
    if (props.routingKey === 'attributes' && !props.routingAttributes?.length) {
      throw new Error(`${where}: routing_key "attributes" needs routing_attributes; list at least one attribute`);
    }
    checkRange(props.timeoutSec, 0, Infinity, `${where}: timeout`, 'use a value >= 0 seconds');
    this.props = props;
    this.toConfig();
  }

  public toConfig(): ConfigObject {
    const p = this.props;
    const where = `exporters.${this.id}`;
    return compact({
      routing_key: p.routingKey,
      routing_attributes: p.routingAttributes ? [...p.routingAttributes] : undefined,
      timeout: p.timeoutSec === undefined ? undefined : formatDuration(p.timeoutSec),
      sending_queue: p.sendingQueue === undefined ? undefined : renderQueue(p.sendingQueue, where),
      retry_on_failure: p.retryOnFailure === undefined ? undefined : renderRetry(p.retryOnFailure, where),
      protocol: { otlp: renderOtlpClient(p.otlp ?? {}, `${where}.protocol.otlp`) },
      resolver: p.resolver?.toObject(),
    });
  }

  public problems(): { rule: string; message: string }[] {
    return this.props.resolver
      ? []
      : [{ rule: 'load-balancing-resolver', message: 'no resolver is configured; set one of LoadBalancingResolver.k8s/dns/static' }];
  }

  public resilience(): { retry: boolean; queue: boolean } {
    return { retry: this.props.retryOnFailure !== false, queue: this.props.sendingQueue !== false };
  }

  public referencedExtensions(): string[] {
    const p = this.props;
    const out: string[] = [];
    if (p.otlp?.authenticator) out.push(p.otlp.authenticator);
    // queue storage, of the exporter itself and of the per-backend OTLP exporters
    if (p.sendingQueue && p.sendingQueue.storage) out.push(p.sendingQueue.storage);
    if (p.otlp?.sendingQueue && p.otlp.sendingQueue.storage) out.push(p.otlp.sendingQueue.storage);
    return [...new Set(out)];
  }

  /** Parses a `load_balancing` (or deprecated `loadbalancing`) config (strict keys). */
  public static fromConfig(config: unknown, options: ComponentOptions = {}): LoadBalancingExporter {
    const where = `exporters.${options.name ? `load_balancing/${options.name}` : 'load_balancing'}`;
    const o = asObject(config, where);
    checkKeys(o, ['routing_key', 'routing_attributes', 'timeout', 'sending_queue', 'retry_on_failure', 'protocol', 'resolver'], where);
    const protocol = asObject(o.protocol, `${where}.protocol`);
    checkKeys(protocol, ['otlp'], `${where}.protocol`);
    const otlp = parseOtlpClient(asObject(protocol.otlp, `${where}.protocol.otlp`), `${where}.protocol.otlp`, []);
    return new LoadBalancingExporter({
      name: options.name,
      routingKey: opt(o, 'routing_key', 'string', where) as RoutingKey | undefined,
      routingAttributes: optStrings(o, 'routing_attributes', where),
      timeoutSec: o.timeout === undefined ? undefined : parseDuration(o.timeout, `${where}.timeout`),
      sendingQueue: o.sending_queue === undefined ? undefined : parseQueue(o.sending_queue, `${where}.sending_queue`),
      retryOnFailure: o.retry_on_failure === undefined ? undefined : parseRetry(o.retry_on_failure, `${where}.retry_on_failure`),
      otlp,
      resolver: o.resolver === undefined ? undefined : LoadBalancingResolver.fromObject(o.resolver, `${where}.resolver`),
    });
  }
}
