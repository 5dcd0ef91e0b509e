import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend } from '../lib/backends';
import { Sampling, StackOperator, TracingStack } from '../lib/stack';

/** Options of the reference external-vendor stack. */
export interface VendorOtlpStackOptions {
  /**
   * The operator.
   * @default StackOperator.external()
   */
  readonly operator?: StackOperator;
  /**
   * The vendor's OTLP/gRPC endpoint.
   * @default 'https://otlp.vendor.example.com:4317'
   */
  readonly endpoint?: string;
}

/**
 * Reference stack 3 — an external vendor (or an existing backend) over OTLP/gRPC with TLS and an
 * API key read from a Secret; tail sampling in-cluster first, so only the interesting traces
 * leave (and are paid for).
 */
export function vendorOtlpStack(scope: Construct, id = 'vendor-otlp', options: VendorOtlpStackOptions = {}): Chart {
  const chart = new Chart(scope, id, { namespace: 'observability' });
  new TracingStack(chart, 'tracing', {
    operator: options.operator,
    sampling: Sampling.tail(),
    backend: Backend.otlp(options.endpoint ?? 'https://otlp.vendor.example.com:4317', {
      headers: [{ name: 'x-api-key', valueFrom: { name: 'vendor-otlp', key: 'api-key' } }],
    }),
  });
  return chart;
}
