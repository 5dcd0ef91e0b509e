/**
 * The defaults of the collector constructs and the tracing stack, each in one place, documented once
 * here and used by `CollectorAgent`, `TailSamplingGateway` and `TracingStack` alike (their props'
 * `@default` tags point here).
 */
export const TRACING_DEFAULTS = {
  /** Name of the agent collector (CR name, or prefix of the plain objects). */
  agentName: 'otel-agent',
  /** Name of the gateway collector. */
  gatewayName: 'otel-gateway',
  /** Gateway replicas without declared traffic: one may be disrupted (PDB) while two keep sampling. */
  gatewayReplicas: 3,
  /** Gateway PodDisruptionBudget `maxUnavailable`. */
  gatewayMaxUnavailable: 1,
  /** Tail-sampling decision wait, seconds (the seed's value; the collector's own default is 30). */
  decisionWaitSec: 10,
  /** Self-metrics port of every collector. */
  metricsPort: 8888,
  /** Agent resources: requests cpu 100m / memory 256Mi, memory limit 512Mi, no CPU limit. */
  agentResources: { cpuRequestMillis: 100, memoryRequestMiB: 256, memoryLimitMiB: 512 },
  /** Gateway resources without declared traffic: requests cpu 500m / memory 2Gi, memory limit 2Gi. */
  gatewayResources: { cpuRequestMillis: 500, memoryRequestMiB: 2048, memoryLimitMiB: 2048 },
  /** memory_limiter of every collector: percentage form, so it follows the container limit. */
  memoryLimiter: { limitPercentage: 80, spikeLimitPercentage: 25 },
  /**
   * In-memory size of one span waiting for its tail-sampling decision, bytes (sizing of num_traces'
   * memory): `npm run bench:pipeline` measured 2.7-3x the former 1 KiB estimate for HTTP spans of 8
   * attributes (Go heap and RSS per trace in flight at steady state), so 3 KiB.
   */
  avgSpanSizeBytes: 3072,
  /** Size of the gateway's persistent queue PVC per replica, GiB. */
  persistentQueueSizeGiB: 1,
} as const;
