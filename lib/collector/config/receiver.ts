import { parseServerTls, renderServerTls, ServerTlsProps } from './client-settings';
import {
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
  ListeningPort,
  portName,
} from './component';
import { asObject, checkInteger, checkKeys, checkRange, compact, ConfigObject, opt, optStrings, serverPort } from './config-values';

/** OTLP/gRPC server settings. */
export interface OtlpGrpcServerProps {
  /** Listen address. @default '0.0.0.0:4317' */
  readonly endpoint?: string;
  /** TLS. @default - plaintext */
  readonly tls?: ServerTlsProps;
  /** Maximum message size accepted, in MiB. @default 4 */
  readonly maxRecvMsgSizeMiB?: number;
  /** Maximum concurrent streams per connection. @default - unlimited */
  readonly maxConcurrentStreams?: number;
  /** Propagate connection metadata to processors. @default false */
  readonly includeMetadata?: boolean;
}

/** CORS settings of the OTLP/HTTP server (browser SDKs). */
export interface CorsProps {
  /** Allowed origins, wildcards allowed (`https://*.example.com`). */
  readonly allowedOrigins: readonly string[];
  /** Extra allowed request headers. @default - none */
  readonly allowedHeaders?: readonly string[];
  /** Preflight cache duration in seconds. @default - not set */
  readonly maxAgeSec?: number;
}

/** OTLP/HTTP server settings. */
export interface OtlpHttpServerProps {
  /** Listen address. @default '0.0.0.0:4318' */
  readonly endpoint?: string;
  /** TLS. @default - plaintext */
  readonly tls?: ServerTlsProps;
  /** CORS. @default - no CORS */
  readonly cors?: CorsProps;
  /** Maximum request body size in MiB (fractions allowed: rendered in bytes). @default 20 */
  readonly maxRequestBodySizeMiB?: number;
  /** Propagate request headers to processors. @default false */
  readonly includeMetadata?: boolean;
}

/** Props of `Receiver.otlp()`. */
export interface OtlpReceiverProps extends ComponentOptions {
  /** gRPC protocol, `false` to disable. @default - enabled on 0.0.0.0:4317 */
  readonly grpc?: OtlpGrpcServerProps | false;
  /** HTTP protocol, `false` to disable. @default - enabled on 0.0.0.0:4318 */
  readonly http?: OtlpHttpServerProps | false;
}

/** The OTLP receiver (type `otlp`). */
export class OtlpReceiver extends CollectorComponent {
  /** The gRPC server settings, or false when gRPC is off. */
  public readonly grpc: OtlpGrpcServerProps | false;
  /** The HTTP server settings, or false when HTTP is off. */
  public readonly http: OtlpHttpServerProps | false;

  constructor(props: OtlpReceiverProps = {}) {
    super('receiver', 'otlp', props);
    this.grpc = props.grpc ?? {};
    this.http = props.http ?? {};
    const where = `receivers.${this.id}`;
    if (this.grpc === false && this.http === false) {
      throw new Error(`${where}: both grpc and http are disabled; enable at least one protocol`);
    }
    // eager validation of both protocol blocks
    this.toConfig();
    if (this.grpc !== false) {
      checkInteger(this.grpc.maxRecvMsgSizeMiB, 1, `${where}: grpc max_recv_msg_size_mib`);
      checkInteger(this.grpc.maxConcurrentStreams, 0, `${where}: grpc max_concurrent_streams`);
    }
    if (this.http !== false) {
      checkRange(this.http.maxRequestBodySizeMiB, 1 / 1048576, Infinity, `${where}: http max_request_body_size (MiB)`, 'use a value > 0 MiB (20 is the default)');
    }
    if (this.http !== false && this.http.cors && this.http.cors.allowedOrigins.length === 0) {
      throw new Error(`${where}: http cors allowedOrigins is empty; list at least one origin or omit cors`);
    }
  }

  /** The gRPC listen endpoint (undefined when disabled). */
  public get grpcEndpoint(): string | undefined {
    return this.grpc === false ? undefined : (this.grpc.endpoint ?? '0.0.0.0:4317');
  }

  /** The HTTP listen endpoint (undefined when disabled). */
  public get httpEndpoint(): string | undefined {
    return this.http === false ? undefined : (this.http.endpoint ?? '0.0.0.0:4318');
  }

  public toConfig(): ConfigObject {
    const where = `receivers.${this.id}`;
    const protocols: ConfigObject = {};
    if (this.grpc !== false) {
      const g = this.grpc;
      serverPort(this.grpcEndpoint!, `${where}.protocols.grpc`);
      protocols.grpc = compact({
        endpoint: this.grpcEndpoint,
        tls: g.tls ? renderServerTls(g.tls, `${where}.protocols.grpc`) : undefined,
        max_recv_msg_size_mib: g.maxRecvMsgSizeMiB,
        max_concurrent_streams: g.maxConcurrentStreams,
        include_metadata: g.includeMetadata,
      });
    }
    if (this.http !== false) {
      const h = this.http;
      serverPort(this.httpEndpoint!, `${where}.protocols.http`);
      protocols.http = compact({
        endpoint: this.httpEndpoint,
        tls: h.tls ? renderServerTls(h.tls, `${where}.protocols.http`) : undefined,
        cors: h.cors
          ? compact({
              allowed_origins: [...h.cors.allowedOrigins],
              allowed_headers: h.cors.allowedHeaders ? [...h.cors.allowedHeaders] : undefined,
              max_age: h.cors.maxAgeSec,
            })
          : undefined,
        max_request_body_size:
          h.maxRequestBodySizeMiB === undefined ? undefined : Math.round(h.maxRequestBodySizeMiB * 1024 * 1024),
        include_metadata: h.includeMetadata,
      });
    }
    return { protocols };
  }

  public listeningPorts(): ListeningPort[] {
    const ports: ListeningPort[] = [];
    const where = `receivers.${this.id}`;
    const g = this.grpcEndpoint && serverPort(this.grpcEndpoint, `${where}.protocols.grpc`);
    if (g) ports.push({ name: portName('otlp-grpc', this.name), port: g, protocol: 'TCP', appProtocol: 'grpc', componentId: this.id });
    const h = this.httpEndpoint && serverPort(this.httpEndpoint, `${where}.protocols.http`);
    if (h) ports.push({ name: portName('otlp-http', this.name), port: h, protocol: 'TCP', appProtocol: 'http', componentId: this.id });
    return ports;
  }

  public referencedExtensions(): string[] {
    return [];
  }

  /** Parses an `otlp` receiver config (strict keys, like the collector). */
  public static fromConfig(config: unknown, options: ComponentOptions = {}): OtlpReceiver {
    const where = `receivers.${options.name ? `otlp/${options.name}` : 'otlp'}`;
    const o = asObject(config, where);
    checkKeys(o, ['protocols'], where);
    const p = asObject(o.protocols, `${where}.protocols`);
    checkKeys(p, ['grpc', 'http'], `${where}.protocols`);
    if (!('grpc' in p) && !('http' in p)) {
      throw new Error(`${where}.protocols: no protocol configured; set grpc and/or http`);
    }
    const grpc = (): OtlpGrpcServerProps => {
      const g = asObject(p.grpc, `${where}.protocols.grpc`);
      checkKeys(g, ['endpoint', 'tls', 'max_recv_msg_size_mib', 'max_concurrent_streams', 'include_metadata'], `${where}.protocols.grpc`);
      return {
        endpoint: opt(g, 'endpoint', 'string', `${where}.protocols.grpc`),
        tls: g.tls === undefined || g.tls === null ? undefined : parseServerTls(g.tls, `${where}.protocols.grpc.tls`),
        maxRecvMsgSizeMiB: opt(g, 'max_recv_msg_size_mib', 'number', `${where}.protocols.grpc`),
        maxConcurrentStreams: opt(g, 'max_concurrent_streams', 'number', `${where}.protocols.grpc`),
        includeMetadata: opt(g, 'include_metadata', 'boolean', `${where}.protocols.grpc`),
      };
    };
    const http = (): OtlpHttpServerProps => {
      const h = asObject(p.http, `${where}.protocols.http`);
      checkKeys(h, ['endpoint', 'tls', 'cors', 'max_request_body_size', 'include_metadata'], `${where}.protocols.http`);
      const cors = h.cors === undefined ? undefined : asObject(h.cors, `${where}.protocols.http.cors`);
      if (cors) checkKeys(cors, ['allowed_origins', 'allowed_headers', 'max_age'], `${where}.protocols.http.cors`);
      const bodyBytes = opt(h, 'max_request_body_size', 'number', `${where}.protocols.http`);
      return {
        endpoint: opt(h, 'endpoint', 'string', `${where}.protocols.http`),
        tls: h.tls === undefined || h.tls === null ? undefined : parseServerTls(h.tls, `${where}.protocols.http.tls`),
        maxRequestBodySizeMiB: bodyBytes === undefined ? undefined : bodyBytes / 1048576,
        includeMetadata: opt(h, 'include_metadata', 'boolean', `${where}.protocols.http`),
        cors: cors
          ? {
              allowedOrigins: optStrings(cors, 'allowed_origins', `${where}.protocols.http.cors`) ?? [],
              allowedHeaders: optStrings(cors, 'allowed_headers', `${where}.protocols.http.cors`),
              maxAgeSec: opt(cors, 'max_age', 'number', `${where}.protocols.http.cors`),
            }
          : undefined,
      };
    };
    return new OtlpReceiver({
      name: options.name,
      grpc: 'grpc' in p ? grpc() : false,
      http: 'http' in p ? http() : false,
    });
  }
}

/** Receiver factories. */
export class Receiver {
  /**
   * The OTLP receiver (gRPC on 0.0.0.0:4317 and HTTP on 0.0.0.0:4318 by default).
   * @example Receiver.otlp({ http: false })
   */
  public static otlp(props: OtlpReceiverProps = {}): OtlpReceiver {
    return new OtlpReceiver(props);
  }

  /**
   * Escape hatch: any receiver type with a free config. Declare its ports so workloads can expose them.
   * @example Receiver.custom('jaeger', { protocols: { grpc: {} } }, { ports: [{ name: 'jaeger-grpc', port: 14250, protocol: 'TCP' }] })
   */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    return new ConfiguredComponent('receiver', type, config, options);
  }
}
