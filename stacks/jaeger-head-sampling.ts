import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend, JaegerStorage } from '../lib/backends';
import { Sampling, StackOperator, TracingStack } from '../lib/stack';

/** Options of the reference Jaeger + head-sampling stack. */
export interface JaegerHeadSamplingStackOptions {
  /**
   * The operator.
   * @default StackOperator.external()
   */
  readonly operator?: StackOperator;
  /**
   * Fraction of new traces the SDKs keep.
   * @default 0.1
   */
  readonly ratio?: number;
}

/**
 * Reference stack 2 — Jaeger v2 with badger storage on a PVC and head sampling in the SDKs
 * (`parentbased_traceidratio`): no gateway tier, agents export straight to Jaeger.
 */
export function jaegerHeadSamplingStack(scope: Construct, id = 'jaeger-head-sampling', options: JaegerHeadSamplingStackOptions = {}): Chart {
  const chart = new Chart(scope, id, { namespace: 'observability' });
  new TracingStack(chart, 'tracing', {
    operator: options.operator,
    sampling: Sampling.head(options.ratio ?? 0.1),
    backend: Backend.jaeger({ storage: JaegerStorage.badger({ sizeGiB: 20, spanTtlHours: 72 }) }),
  });
  return chart;
}
