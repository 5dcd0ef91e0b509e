/**
 * Shared contracts between the rooms of the library (collector, instrumentation, backends).
 * Kept tiny and free of cdk8s so every room can depend on it.
 */

/** A reference to one key of a Kubernetes Secret. Values never appear in manifests. */
export interface SecretKeyRef {
  /** Name of the Secret (same namespace as the workload that reads it). */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** An environment variable a consumer must set so that an endpoint URL resolves. */
export interface EndpointEnvVar {
  /** Variable name, e.g. `OTEL_NODE_IP`. */
  readonly name: string;
  /** Downward-API field path, e.g. `status.hostIP`. */
  readonly fieldPath?: string;
  /** Literal value. */
  readonly value?: string;
}

/**
 * Where OTLP data can be sent: implemented by the collector agent (node-local endpoint),
 * the tail-sampling gateway, and every trace backend.
 */
export interface IOtlpDestination {
  /** OTLP/gRPC endpoint as a URL, e.g. `http://otel-agent.observability.svc.cluster.local:4317`. */
  readonly otlpGrpcUrl: string;
  /** OTLP/HTTP base URL, e.g. `http://otel-agent.observability.svc.cluster.local:4318`. */
  readonly otlpHttpUrl: string;
  /**
   * Environment variables that the URLs reference with `$(NAME)` (for example the node IP
   * from the downward API when the agent uses hostPort). Empty when the URLs are plain DNS names.
   */
  readonly requiredEnv: readonly EndpointEnvVar[];
}
