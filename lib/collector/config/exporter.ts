import { ITraceBackend } from '../../backends/trace-backend';
import { ClientTlsProps, parseQueue, RetryProps, SendingQueueProps } from './client-settings';
import {
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
  SecretEnvVar,
} from './component';
import {
  asObject,
  checkInteger,
  checkKeys,
  compact,
  ConfigObject,
  hasExpansion,
  opt,
  optStrings,
  splitHostPort,
} from './config-values';
import { envRef } from './env-ref';
import { LoadBalancingExporter, LoadBalancingProps } from './load-balancing';
import { OtlpClientProps, parseOtlpClient, renderOtlpClient } from './otlp-client';

/** Props of `Exporter.otlpGrpc()` / `Exporter.otlpHttp()`. */
export interface OtlpExporterProps extends OtlpClientProps, ComponentOptions {
  /** gRPC: `host:port` (or `http(s)://host:port`); HTTP: base URL `http(s)://host[:port][/path]`. */
  readonly endpoint: string;
  /** gRPC load balancer policy (gRPC only). @default 'round_robin' */
  readonly balancerName?: 'round_robin' | 'pick_first';
  /** OTLP/HTTP body encoding (HTTP only). @default 'proto' */
  readonly encoding?: 'proto' | 'json';
  /** Full traces URL overriding `endpoint` + `/v1/traces` (HTTP only). @default - derived */
  readonly tracesEndpoint?: string;
}

/** Validates a gRPC target the way the OTLP exporter does (fixtures `invalid_configs.yaml`). */
export function checkGrpcEndpoint(endpoint: string | undefined, where: string): void {
  if (endpoint === undefined || endpoint.trim() === '') {
    throw new Error(`${where}: endpoint is required; set it to host:port, e.g. "tempo.observability:4317"`);
  }
  if (hasExpansion(endpoint)) return;
  if (endpoint.startsWith('unix://')) {
    if (endpoint.length === 'unix://'.length) throw new Error(`${where}: endpoint "unix://" has no socket path; write unix:///path/to.sock`);
    return;
  }
  if (endpoint.startsWith('dns:///')) endpoint = endpoint.slice('dns:///'.length);
  const m = /^(https?):\/\/(.*)$/.exec(endpoint);
  const hostPort = m ? m[2].replace(/\/$/, '') : endpoint;
  if (hostPort === '') {
    throw new Error(`${where}: endpoint "${endpoint}" has no host; write ${m ? `${m[1]}://` : ''}host:port`);
  }
  if (!splitHostPort(hostPort)) {
    throw new Error(
      `${where}: endpoint "${endpoint}" needs a numeric port (host:port with 1-65535); e.g. "${hostPort.split(':')[0]}:4317"`,
    );
  }
}

function checkHttpEndpoint(endpoint: string | undefined, where: string, field = 'endpoint'): void {
  if (endpoint === undefined) return;
  if (hasExpansion(endpoint)) return;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${where}: ${field} "${endpoint}" is not a URL; write e.g. "https://otlp.example.com:4318"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${where}: ${field} "${endpoint}" must use http:// or https://`);
  }
}

/** The OTLP exporters (`otlp_grpc`, `otlp_http`). */
export class OtlpExporter extends CollectorComponent {
  /** The properties it was created with. */
  public readonly props: OtlpExporterProps;

  constructor(type: 'otlp_grpc' | 'otlp_http', props: OtlpExporterProps) {
    super('exporter', type, props);
    this.props = props;
    const where = `exporters.${this.id}`;
    if (type === 'otlp_grpc') {
      checkGrpcEndpoint(props.endpoint, where);
      if (props.encoding !== undefined || props.tracesEndpoint !== undefined) {
        throw new Error(`${where}: encoding/tracesEndpoint are OTLP/HTTP settings; use Exporter.otlpHttp() or remove them`);
      }
      if (props.balancerName !== undefined && !['round_robin', 'pick_first'].includes(props.balancerName)) {
        throw new Error(`${where}: balancer_name "${props.balancerName}" is invalid; use round_robin or pick_first`);
      }
    } else {
      if (!props.endpoint && !props.tracesEndpoint) {
        throw new Error(`${where}: endpoint is required; set a base URL such as "https://otlp.example.com:4318"`);
      }
      checkHttpEndpoint(props.endpoint || undefined, where);
      checkHttpEndpoint(props.tracesEndpoint, where, 'traces_endpoint');
      if (props.encoding !== undefined && !['proto', 'json'].includes(props.encoding)) {
        throw new Error(`${where}: encoding "${props.encoding}" is invalid; use proto or json`);
      }
      if (props.balancerName !== undefined) {
        throw new Error(`${where}: balancerName is a gRPC setting; use Exporter.otlpGrpc() or remove it`);
      }
    }
    this.toConfig();
  }

  public toConfig(): ConfigObject {
    const p = this.props;
    return compact({
      endpoint: p.endpoint || undefined,
      traces_endpoint: p.tracesEndpoint,
      encoding: p.encoding,
      balancer_name: p.balancerName,
      ...renderOtlpClient(p, `exporters.${this.id}`),
    });
  }

  public referencedExtensions(): string[] {
    const out: string[] = [];
    if (this.props.authenticator) out.push(this.props.authenticator);
    if (this.props.sendingQueue && this.props.sendingQueue.storage) out.push(this.props.sendingQueue.storage);
    return out;
  }

  public secretEnv(): SecretEnvVar[] {
    return [...(this.props.secretEnv ?? [])];
  }

  public resilience(): { retry: boolean; queue: boolean } {
    return { retry: this.props.retryOnFailure !== false, queue: this.props.sendingQueue !== false };
  }

  /** Parses an `otlp_grpc` / `otlp_http` exporter config (strict keys). */
  public static fromConfig(type: 'otlp_grpc' | 'otlp_http', config: unknown, options: ComponentOptions = {}): OtlpExporter {
    const where = `exporters.${options.name ? `${type}/${options.name}` : type}`;
    const o = asObject(config, where);
    const extra = type === 'otlp_grpc' ? ['balancer_name'] : ['encoding', 'traces_endpoint'];
    const client = parseOtlpClient(o, where, extra);
    return new OtlpExporter(type, {
      ...client,
      name: options.name,
      endpoint: opt(o, 'endpoint', 'string', where) ?? '',
      balancerName: opt(o, 'balancer_name', 'string', where) as OtlpExporterProps['balancerName'],
      encoding: opt(o, 'encoding', 'string', where) as OtlpExporterProps['encoding'],
      tracesEndpoint: opt(o, 'traces_endpoint', 'string', where),
    });
  }
}

/** Props of `Exporter.debug()`. */
export interface DebugExporterProps extends ComponentOptions {
  /** `basic`, `normal` or `detailed`. @default 'basic' */
  readonly verbosity?: 'basic' | 'normal' | 'detailed';
  /** Items logged per second before sampling (>= 0). @default 2 */
  readonly samplingInitial?: number;
  /** Log every Nth item after that (0: none after the first ones). @default 1 */
  readonly samplingThereafter?: number;
}

/** Props of `Exporter.fromBackend()`. */
export interface BackendExporterOptions extends ComponentOptions {
  /** Retry settings. @default - collector defaults (enabled) */
  readonly retryOnFailure?: RetryProps | false;
  /** Queue settings. @default - collector defaults (enabled) */
  readonly sendingQueue?: SendingQueueProps | false;
  /** Directory where the backend CA Secret is mounted (file `<dir>/<key>`). @default '/etc/otelcol/backend-ca' */
  readonly caMountDir?: string;
}

/** Exporter factories. */
export class Exporter {
  /** OTLP over gRPC (type `otlp_grpc`, formerly `otlp`). */
  public static otlpGrpc(props: OtlpExporterProps): OtlpExporter {
    return new OtlpExporter('otlp_grpc', props);
  }

  /** OTLP over HTTP (type `otlp_http`, formerly `otlphttp`). */
  public static otlpHttp(props: OtlpExporterProps): OtlpExporter {
    return new OtlpExporter('otlp_http', props);
  }

  /** `load_balancing`: routes by trace id (or another key) to a set of collectors. */
  public static loadBalancing(props: LoadBalancingProps): LoadBalancingExporter {
    return new LoadBalancingExporter(props);
  }

  /** `debug`: logs telemetry (troubleshooting only). */
  public static debug(props: DebugExporterProps = {}): CollectorComponent {
    const where = `exporters.${props.name ? `debug/${props.name}` : 'debug'}`;
    if (props.verbosity !== undefined && !['basic', 'normal', 'detailed'].includes(props.verbosity)) {
      throw new Error(`${where}: verbosity "${props.verbosity}" is invalid; use basic, normal or detailed`);
    }
    // 0 is meaningful for the collector's log sampler (none at first / none after the first ones)
    checkInteger(props.samplingInitial, 0, `${where}: sampling_initial`);
    checkInteger(props.samplingThereafter, 0, `${where}: sampling_thereafter`);
    return new ConfiguredComponent(
      'exporter',
      'debug',
      compact({
        verbosity: props.verbosity,
        sampling_initial: props.samplingInitial,
        sampling_thereafter: props.samplingThereafter,
      }),
      props,
    );
  }

  /** Parses a `debug` exporter config (strict keys: a typo such as `verBosity` is rejected). */
  public static debugFromConfig(config: unknown, options: ComponentOptions = {}): CollectorComponent {
    const where = `exporters.${options.name ? `debug/${options.name}` : 'debug'}`;
    const o = asObject(config, where);
    checkKeys(o, ['verbosity', 'sampling_initial', 'sampling_thereafter', 'use_internal_logger', 'output_paths', 'sending_queue'], where);
    const base = Exporter.debug({
      name: options.name,
      verbosity: opt(o, 'verbosity', 'string', where) as DebugExporterProps['verbosity'],
      samplingInitial: opt(o, 'sampling_initial', 'number', where),
      samplingThereafter: opt(o, 'sampling_thereafter', 'number', where),
    });
    if (o.sending_queue !== undefined && o.sending_queue !== null) parseQueue(o.sending_queue, `${where}.sending_queue`);
    opt(o, 'use_internal_logger', 'boolean', where);
    optStrings(o, 'output_paths', where);
    // kept as written (validated above): dropping them would change the config on the way through
    const rest = compact({ use_internal_logger: o.use_internal_logger, output_paths: o.output_paths, sending_queue: o.sending_queue });
    return new ConfiguredComponent('exporter', 'debug', { ...base.toConfig(), ...rest }, options);
  }

  /**
   * The exporter for a trace backend, derived from its `ITraceBackend` description: transport from
   * `preferredProtocol`, TLS from `tls`, headers as `${env:VAR}` references whose values come from the
   * backend's Secrets (see `secretEnv()`), never inlined.
   */
  public static fromBackend(backend: ITraceBackend, options: BackendExporterOptions = {}): OtlpExporter {
    const name = options.name ?? backend.backendKind;
    const grpc = backend.preferredProtocol === 'grpc';
    const secretEnv: SecretEnvVar[] = [];
    const headers: Record<string, string> = {};
    for (const h of backend.headers) {
      const envName = `OTEL_${name}_${h.name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
      headers[h.name] = envRef(envName);
      secretEnv.push({ name: envName, secretKeyRef: h.valueFrom });
    }
    const dir = options.caMountDir ?? '/etc/otelcol/backend-ca';
    const tlsProps: ClientTlsProps = {
      insecure: backend.tls.insecure,
      insecureSkipVerify: backend.tls.insecureSkipVerify,
      caFile: backend.tls.caFrom ? `${dir}/${backend.tls.caFrom.key}` : undefined,
      serverNameOverride: backend.tls.serverName,
    };
    const endpoint = grpc ? stripScheme(backend.otlpGrpcUrl) : backend.otlpHttpUrl;
    return new OtlpExporter(grpc ? 'otlp_grpc' : 'otlp_http', {
      name,
      endpoint,
      tls: tlsProps,
      headers: Object.keys(headers).length ? headers : undefined,
      secretEnv,
      retryOnFailure: options.retryOnFailure,
      sendingQueue: options.sendingQueue,
    });
  }

  /** Escape hatch: any exporter type with a free config. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    return new ConfiguredComponent('exporter', type, config, options);
  }
}

function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}
