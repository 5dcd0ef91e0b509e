import { IOtlpDestination, SecretKeyRef } from '../common/otlp-destination';

/** A header sent with every export, its value read from a Secret (never inlined). */
export interface BackendHeader {
  /** Header name, e.g. `authorization` or `x-api-key`. */
  readonly name: string;
  /** Secret key holding the full header value. */
  readonly valueFrom: SecretKeyRef;
}

/** TLS settings an exporter needs to reach a backend. */
export interface BackendTls {
  /** Plaintext connection (no TLS). */
  readonly insecure: boolean;
  /** CA bundle (PEM) from a Secret, mounted into the exporter's pod. @default - system roots */
  readonly caFrom?: SecretKeyRef;
  /** Skip server certificate verification (discouraged). @default false */
  readonly insecureSkipVerify?: boolean;
  /** Server name override for SNI / verification. @default - host of the endpoint */
  readonly serverName?: string;
}

/** The in-cluster Service a backend is reached through (used by cross-object checks). */
export interface BackendServiceRef {
  /** Service name. */
  readonly name: string;
  /** Service namespace. */
  readonly namespace: string;
  /** The ports the Service exposes. */
  readonly ports: readonly number[];
}

/**
 * What a collector exporter needs to ship traces to a backend. The gateway or agent exporter is
 * derived from it, never typed twice.
 */
export interface ITraceBackend extends IOtlpDestination {
  /** `tempo`, `jaeger` or `otlp`. */
  readonly backendKind: string;
  /** Which OTLP transport exporters should use. */
  readonly preferredProtocol: 'grpc' | 'http';
  /** TLS settings. */
  readonly tls: BackendTls;
  /** Auth headers, values from Secrets. */
  readonly headers: readonly BackendHeader[];
  /** The Service emitted in the same app, when the backend runs in-cluster. */
  readonly service?: BackendServiceRef;
  /**
   * Query API / UI base URL (Tempo HTTP API on 3200, Jaeger UI on 16686), e.g. for a Grafana data
   * source. Optional, added after the first version of this contract.
   * @default - unknown (external backends)
   */
  readonly queryUrl?: string;
}
