import { Chart } from 'cdk8s';
import { CollectorRuntime } from '../lib/collector/collector-runtime';
import { Construct } from 'constructs';
import { Backend, TempoStorage, TempoVersion } from '../lib/backends';
import { Sampling, StackOperator, TracingStack } from '../lib/stack';

/** Options of the reference Tempo + tail-sampling stack. */
export interface TempoTailSamplingStackOptions {
  /**
   * The operator.
   * @default StackOperator.external()
   */
  readonly operator?: StackOperator;
  /**
   * How collectors run.
   * @default 'operator'
   */
  readonly runtime?: 'operator' | 'manifests';
}

/**
 * Reference stack 1 — the seed's production shape: Grafana Tempo 3.x on S3-compatible storage
 * (credentials from a Secret), a 3-replica tail-sampling gateway (errors, latency > 1000 ms, 10 %
 * of the rest, decision wait 10 s) fed by node-local agents that load-balance by trace id.
 */
export function tempoTailSamplingStack(scope: Construct, id = 'tempo-tail-sampling', options: TempoTailSamplingStackOptions = {}): Chart {
  const chart = new Chart(scope, id, { namespace: 'observability' });
  new TracingStack(chart, 'tracing', {
    operator: options.operator,
    runtime: options.runtime === 'manifests' ? CollectorRuntime.manifests() : CollectorRuntime.operator(),
    sampling: Sampling.tail(),
    gatewayReplicas: 3,
    backend: Backend.tempo({
      version: TempoVersion.V3,
      retentionHours: 14 * 24,
      storage: TempoStorage.s3({
        bucket: 'traces',
        endpoint: 'minio.storage.svc.cluster.local:9000',
        forcePathStyle: true,
        insecure: true,
        credentials: {
          accessKeyId: { name: 'tempo-s3', key: 'access-key-id' },
          secretAccessKey: { name: 'tempo-s3', key: 'secret-access-key' },
        },
      }),
    }),
  });
  return chart;
}
