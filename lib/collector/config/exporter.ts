import type { DebugExporterProps } from './component-fields';
import { ITraceBackend } from '../../common/trace-backend';
import { fail, isPlainObject, optBoolean, optList, optOneOf, optString, reqProps, reqString } from '../../common/guards';
import { checkQueueProps, checkRetryProps, ClientTlsProps, parseQueue, RetryProps, SendingQueueProps } from './client-settings';
import {
  checkCustomArgs,
  componentProps,
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
  SecretEnvVar,
} from './component';
import {
  asObject,
  compact,
  ConfigObject,
  hasExpansion,
  opt,
  optStrings,
  splitHostPort,
  optEnum,
} from './config-values';
import { envRef } from './env-ref';
import { DEBUG_FIELDS } from './component-fields';
import { checkFieldProps, parseFields, propNames, renderFields } from './fields';
import { LoadBalancingExporter, LoadBalancingProps } from './load-balancing';
import { checkOtlpClientProps, OTLP_CLIENT_PROPS, OtlpClientProps, parseOtlpClient, renderOtlpClient } from './otlp-client';

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

/** Type checks of `OtlpExporterProps` (each prop named by its path). Returns the props. */
function checkOtlpExporterProps(type: unknown, props: unknown): OtlpExporterProps {
  optOneOf('exporters', 'type', type, ['otlp_grpc', 'otlp_http'] as const);
  if (type === undefined) fail('exporters', 'type', type, 'is missing', 'pass "otlp_grpc" or "otlp_http"');
  const known = [...OTLP_CLIENT_PROPS, 'endpoint', 'balancerName', 'encoding', 'tracesEndpoint'];
  const { p, where } = componentProps<OtlpExporterProps>('exporter', type as string, props, known, false);
  optString(where, 'endpoint', p.endpoint, 'pass the endpoint as a string, e.g. "tempo.observability:4317"', true);
  optOneOf(where, 'balancerName', p.balancerName, ['round_robin', 'pick_first']);
  optOneOf(where, 'encoding', p.encoding, ['proto', 'json']);
  optString(where, 'tracesEndpoint', p.tracesEndpoint, 'pass a URL such as "https://otlp.example.com/v1/traces"');
  checkOtlpClientProps(where, '', p as unknown as Record<string, unknown>);
  return p;
}

/** The OTLP exporters (`otlp_grpc`, `otlp_http`). */
export class OtlpExporter extends CollectorComponent {
  /** The properties it was created with. */
  public readonly props: OtlpExporterProps;

  constructor(type: 'otlp_grpc' | 'otlp_http', props: OtlpExporterProps) {
    super('exporter', type, checkOtlpExporterProps(type, props));
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
    optOneOf('exporters', 'type', type, ['otlp_grpc', 'otlp_http'] as const);
    const { where } = componentProps('exporter', type ?? '(type missing)', options, []);
    const o = asObject(config, where);
    const extra = type === 'otlp_grpc' ? ['balancer_name'] : ['encoding', 'traces_endpoint'];
    const client = parseOtlpClient(o, where, extra);
    return new OtlpExporter(type, {
      ...client,
      name: options.name,
      endpoint: opt(o, 'endpoint', 'string', where) ?? '',
      balancerName: optEnum(o, 'balancer_name', where, ['round_robin', 'pick_first'] as const),
      encoding: optEnum(o, 'encoding', where, ['proto', 'json'] as const),
      tracesEndpoint: opt(o, 'traces_endpoint', 'string', where),
    });
  }
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
    // declared once in component-fields.ts (DEBUG_FIELDS); 0 is meaningful for the collector's log
    // sampler (none at first / none after the first ones)
    const { p, where } = componentProps<DebugExporterProps>('exporter', 'debug', props, propNames(DEBUG_FIELDS));
    checkFieldProps(DEBUG_FIELDS, p, where);
    return new ConfiguredComponent('exporter', 'debug', renderFields(DEBUG_FIELDS, p), p);
  }

  /** Parses a `debug` exporter config (strict keys: a typo such as `verBosity` is rejected). */
  public static debugFromConfig(config: unknown, options: ComponentOptions = {}): CollectorComponent {
    const { where } = componentProps('exporter', 'debug', options, []);
    const { props, config: o } = parseFields(DEBUG_FIELDS, config, where);
    if (o.sending_queue !== undefined && o.sending_queue !== null) parseQueue(o.sending_queue, `${where}.sending_queue`);
    opt(o, 'use_internal_logger', 'boolean', where);
    optStrings(o, 'output_paths', where);
    // kept as written (validated above): dropping them would change the config on the way through
    const rest = compact({ use_internal_logger: o.use_internal_logger, output_paths: o.output_paths, sending_queue: o.sending_queue });
    return new ConfiguredComponent('exporter', 'debug', { ...renderFields(DEBUG_FIELDS, props), ...rest }, options);
  }

  /**
   * The exporter for a trace backend, derived from its `ITraceBackend` description: transport from
   * `preferredProtocol`, TLS from `tls`, headers as `${env:VAR}` references whose values come from the
   * backend's Secrets (see `secretEnv()`), never inlined.
   */
  public static fromBackend(backend: ITraceBackend, options: BackendExporterOptions = {}): OtlpExporter {
    checkBackend(backend);
    const { where } = componentProps<BackendExporterOptions>('exporter', 'fromBackend', options, ['retryOnFailure', 'sendingQueue', 'caMountDir']);
    checkRetryProps(where, 'retryOnFailure', options.retryOnFailure);
    checkQueueProps(where, 'sendingQueue', options.sendingQueue);
    const dirText = optString(where, 'caMountDir', options.caMountDir, 'pass an absolute directory such as "/etc/otelcol/backend-ca"');
    if (dirText !== undefined && !dirText.startsWith('/')) fail(where, 'caMountDir', dirText, 'is not an absolute path', 'pass an absolute directory such as "/etc/otelcol/backend-ca"');
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
    checkCustomArgs('exporter', type, config, options);
    return new ConfiguredComponent('exporter', type, config, options);
  }
}

/** Checks the `ITraceBackend` description a backend gives (plain JavaScript callers may pass anything). */
function checkBackend(b: unknown): void {
  const where = 'Exporter.fromBackend';
  if (!isPlainObject(b)) fail(where, 'backend', b, 'is not a trace backend', 'pass a backend such as Backend.tempo() or an object implementing ITraceBackend');
  const name = reqString(where, 'backend.backendKind', b.backendKind, 'pass the backend kind, e.g. "tempo"');
  if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(where, 'backend.backendKind', name, 'is not a name', 'use letters, digits, "-" and "_"');
  if (b.preferredProtocol === undefined) fail(where, 'backend.preferredProtocol', undefined, 'is missing', 'pass "grpc" or "http"');
  const grpc = optOneOf(where, 'backend.preferredProtocol', b.preferredProtocol, ['grpc', 'http'] as const) === 'grpc';
  reqString(where, grpc ? 'backend.otlpGrpcUrl' : 'backend.otlpHttpUrl', grpc ? b.otlpGrpcUrl : b.otlpHttpUrl, 'pass the OTLP URL, e.g. "http://tempo.observability:4317"');
  optString(where, grpc ? 'backend.otlpHttpUrl' : 'backend.otlpGrpcUrl', grpc ? b.otlpHttpUrl : b.otlpGrpcUrl, 'pass the OTLP URL as a string');
  const tls = reqProps<Record<string, unknown>>(where, 'backend.tls', b.tls, ['insecure', 'caFrom', 'insecureSkipVerify', 'serverName']);
  if (tls.insecure === undefined) fail(where, 'backend.tls.insecure', undefined, 'is missing', 'pass true (plaintext) or false (TLS)');
  optBoolean(where, 'backend.tls.insecure', tls.insecure);
  optBoolean(where, 'backend.tls.insecureSkipVerify', tls.insecureSkipVerify);
  optString(where, 'backend.tls.serverName', tls.serverName, 'pass a host name');
  const secretRef = (path: string, v: unknown) => {
    const r = reqProps<Record<string, unknown>>(where, path, v, ['name', 'key']);
    reqString(where, `${path}.name`, r.name, 'pass the Secret name');
    reqString(where, `${path}.key`, r.key, 'pass the key inside the Secret');
  };
  if (tls.caFrom !== undefined) secretRef('backend.tls.caFrom', tls.caFrom);
  if (b.headers === undefined) fail(where, 'backend.headers', undefined, 'is missing', 'pass a list of headers (may be empty)');
  optList(where, 'backend.headers', b.headers, (h, path) => {
    const o = reqProps<Record<string, unknown>>(where, path, h, ['name', 'valueFrom']);
    reqString(where, `${path}.name`, o.name, 'pass the header name, e.g. "x-api-key"');
    secretRef(`${path}.valueFrom`, o.valueFrom);
    return o;
  });
}

function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}
