import { Chart } from 'cdk8s';
import { CollectorRuntime } from '../lib/collector/collector-runtime';
import { Construct } from 'constructs';
import { Backend, JaegerStorage } from '../lib/backends';
import { AgentDelivery } from '../lib/collector';
import { Sampling, StackOperator, TracingStack } from '../lib/stack';

/** Options of the single-node development stack. */
export interface SingleNodeDevStackOptions {
  /**
   * The operator (it only injects instrumentation here: collectors are plain manifests).
   * @default StackOperator.external()
   */
  readonly operator?: StackOperator;
}

/**
 * Reference stack 4 — a laptop cluster (kind, k3d, minikube): one node, so the agent may
 * tail-sample whole traces itself (`singleNode: true`); Jaeger v2 in memory; collectors as plain
 * manifests with hostPort delivery.
 */
export function singleNodeDevStack(scope: Construct, id = 'single-node-dev', options: SingleNodeDevStackOptions = {}): Chart {
  const chart = new Chart(scope, id, { namespace: 'observability' });
  new TracingStack(chart, 'tracing', {
    operator: options.operator,
    singleNode: true,
    runtime: CollectorRuntime.manifests(),
    agentDelivery: AgentDelivery.hostPort(),
    sampling: Sampling.tail({ decisionWaitSec: 5 }),
    backend: Backend.jaeger({ storage: JaegerStorage.memory({ maxTraces: 50_000 }) }),
  });
  return chart;
}
