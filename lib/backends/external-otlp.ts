import { EndpointEnvVar, SecretKeyRef } from '../common/otlp-destination';
import { assertSecretKeyRef } from './secret-refs';
import { BackendHeader, BackendTls, ITraceBackend } from '../common/trace-backend';
import { optList, optOneOf, reqString } from '../common/guards';
import { optBoolean, optObject, optString, propsObject } from './props-checks';

/** TLS options of an external OTLP endpoint. */
export interface ExternalOtlpTlsOptions {
  /**
   * CA bundle (PEM) from a Secret.
   * @default - system roots
   */
  readonly caFrom?: SecretKeyRef;
  /**
   * Skip server certificate verification (discouraged).
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
  /**
   * Server name override for SNI / verification.
   * @default - host of the endpoint
   */
  readonly serverName?: string;
}

/** Options of `Backend.otlp()`. */
export interface ExternalOtlpOptions {
  /**
   * Transport the URL speaks. The other URL field of the backend is set to the same URL (vendors
   * usually serve both on one endpoint); exporters must use `preferredProtocol`.
   * @default 'grpc'
   */
  readonly protocol?: 'grpc' | 'http';
  /**
   * Headers sent with every export, values from Secrets, e.g.
   * `[{ name: 'authorization', valueFrom: { name: 'vendor', key: 'auth-header' } }]`.
   * @default - none
   */
  readonly headers?: readonly BackendHeader[];
  /**
   * TLS options; only valid with `https://` URLs. `http://` URLs are plaintext.
   * @default - system roots, verification on (https); plaintext (http)
   */
  readonly tls?: ExternalOtlpTlsOptions;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** An OTLP endpoint outside the app (a vendor or an existing backend). Creates no Kubernetes objects. */
export class ExternalOtlpBackend implements ITraceBackend {
  public readonly backendKind = 'otlp';
  public readonly otlpGrpcUrl: string;
  public readonly otlpHttpUrl: string;
  public readonly requiredEnv: readonly EndpointEnvVar[] = [];
  public readonly preferredProtocol: 'grpc' | 'http';
  public readonly tls: BackendTls;
  public readonly headers: readonly BackendHeader[];

  constructor(url: string, options: ExternalOtlpOptions = {}) {
    const where = 'otlp backend';
    reqString(where, 'url', url, 'pass the endpoint URL, e.g. "https://otlp.example.com:4317"');
    options = propsObject<ExternalOtlpOptions>(where, options, ['protocol', 'headers', 'tls']);
    optOneOf(where, 'protocol', options.protocol, ['grpc', 'http'] as const);
    optList(where, 'headers', options.headers, (h, p) => {
      const o = optObject<Record<string, unknown>>(where, p, h ?? null, ['name', 'valueFrom'], 'pass { name, valueFrom: { name, key } }')!;
      reqString(where, `${p}.name`, o.name, 'pass an HTTP header name, e.g. "authorization"');
      assertSecretKeyRef(o.valueFrom, `${where}: ${p}.valueFrom (header "${o.name}")`);
      return o;
    }, 'pass a list of { name, valueFrom } headers');
    const tlsOpts = optObject<Record<string, unknown>>(where, 'tls', options.tls, ['caFrom', 'insecureSkipVerify', 'serverName']);
    if (tlsOpts) {
      if (tlsOpts.caFrom !== undefined) assertSecretKeyRef(tlsOpts.caFrom, `${where}: tls.caFrom`);
      optBoolean(where, 'tls.insecureSkipVerify', tlsOpts.insecureSkipVerify);
      optString(where, 'tls.serverName', tlsOpts.serverName, 'pass a host name');
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${where}: url ${JSON.stringify(url)} is not a URL; use e.g. "https://otlp.example.com:4317"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`${where}: url "${url}" has no http:// or https:// scheme; write it as a full URL, e.g. "https://${parsed.host || url}"`);
    }
    if (parsed.username || parsed.password) {
      throw new Error(
        `${where}: url "${parsed.protocol}//***@${parsed.host}" embeds credentials; remove them and send them as a header from a Secret (headers: [{ name, valueFrom }])`,
      );
    }
    if (parsed.search) {
      throw new Error(`${where}: url "${parsed.origin}${parsed.pathname}?…" has a query string (often an API key); send the key as a header from a Secret`);
    }
    const protocol = options.protocol ?? 'grpc';
    if (protocol !== 'grpc' && protocol !== 'http') {
      throw new Error(`${where}: protocol ${JSON.stringify(protocol)} is invalid; use 'grpc' or 'http'`);
    }
    if (protocol === 'grpc' && parsed.pathname !== '/' && parsed.pathname !== '') {
      throw new Error(`${where}: gRPC url "${url}" has a path "${parsed.pathname}"; gRPC endpoints take host:port only (or set protocol: 'http')`);
    }
    const https = parsed.protocol === 'https:';
    if (options.tls && !https) {
      throw new Error(`${where}: tls options are set but url "${url}" is plaintext http://; use https:// or remove tls`);
    }
    const headers = (options.headers ?? []).map((h, i) => {
      if (!h || typeof h.name !== 'string' || !HEADER_NAME.test(h.name)) {
        throw new Error(`${where}: headers[${i}].name ${JSON.stringify(h?.name)} is not a valid HTTP header name`);
      }
      return { name: h.name.toLowerCase(), valueFrom: assertSecretKeyRef(h.valueFrom, `${where}: headers[${i}].valueFrom (header "${h.name}")`) };
    });
    const seen = new Set<string>();
    for (const h of headers) {
      if (seen.has(h.name)) {
        throw new Error(`${where}: header "${h.name}" is given twice; keep one`);
      }
      seen.add(h.name);
    }
    if (headers.length > 0 && !https) {
      throw new Error(
        `${where}: auth headers would be sent in clear text to "${url}"; use an https:// URL`,
      );
    }
    const base = url.replace(/\/+$/, '');
    this.otlpGrpcUrl = base;
    this.otlpHttpUrl = base;
    this.preferredProtocol = protocol;
    this.headers = headers;
    this.tls = https
      ? {
          insecure: false,
          ...(options.tls?.caFrom ? { caFrom: assertSecretKeyRef(options.tls.caFrom, `${where}: tls.caFrom`) } : {}),
          ...(options.tls?.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
          ...(options.tls?.serverName ? { serverName: options.tls.serverName } : {}),
        }
      : { insecure: true };
  }
}
