/**
 * The trace-flow cluster both e2e files use: 3 nodes; the agent DaemonSet (one per node), the gateway
 * StatefulSet (3 replicas, one per node), Jaeger on node 3, the Node.js frontend on node 1 and the Go
 * checkout service on node 2 — so the spans of every trace enter through two different agents.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSync } from './procs';
import { describeE2E } from './e2e';
import { findConfigs } from './emitted';
import { flowObjects } from './flow-stack';
import { FlowCluster, KubeApi } from './flow';
import { ensureNodeApp } from './node-apps';

/** Fabric names and range of the trace-flow tests (the pipeline benchmark uses another). */
export const FLOW_PREFIX = 'otfl';
export const FLOW_SUBNET = '10.213.0';

/**
 * Why the trace-flow tests cannot run here, or undefined: they need root (network namespaces, mount
 * namespaces, overlay mounts), iproute2 and dnsmasq (Debian package dnsmasq-base).
 */
export function flowPrerequisite(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'the trace-flow tests need root (ip netns, unshare --mount, overlay mounts)';
  if (runSync('ip', ['-V'], { timeoutMs: 5000 }).status !== 0)
    return 'iproute2 (the ip command) is not installed';
  if (!['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq'].some((p) => fs.existsSync(p)))
    return 'dnsmasq is not installed (Debian: apt-get install -y dnsmasq-base)';
  return undefined;
}

/** `describeE2E` that also needs the trace-flow prerequisites: fails in CI without them, is skipped with the reason elsewhere. */
export function describeFlowE2E(name: string, fn: () => void): void {
  const reason = flowPrerequisite();
  if (reason && process.env.CI) throw new Error(`e2e: ${reason}; CI requires it for ${name}`);
  if (reason) {
    describe(name, () => {
      test.skip(`SKIPPED: ${reason}`, () => undefined);
    });
    return;
  }
  describeE2E(name, fn);
}

/** How the Kubernetes-API components run today (see KubeApi; switch when the control-plane harness lands). */
export const KUBE_API: KubeApi = { kind: 'none' };

/** The latency threshold of the emitted gateway config's latency policy, ms. */
export function latencyThresholdMs(objects: readonly any[]): number {
  const gw = findConfigs(objects).find((c) => c.where.startsWith('StatefulSet observability/otel-gateway '));
  const policy = (gw?.config?.processors?.tail_sampling?.policies ?? []).find(
    (p: any) => p.type === 'latency',
  );
  const ms = Number(policy?.latency?.threshold_ms);
  if (!(ms > 0)) throw new Error('flow: the emitted gateway has no latency policy with threshold_ms');
  return ms;
}

/** Builds the cluster and starts it tier by tier (backend, gateways, agents, apps), each ready before the next. */
export async function startFlowCluster(
  work: string,
  opts: { slowMarginMs?: number } = {},
): Promise<{ cluster: FlowCluster; objects: any[]; slowMs: number }> {
  const threshold = latencyThresholdMs(flowObjects(0));
  const slowMs = threshold + (opts.slowMarginMs ?? 200);
  const objects = flowObjects(slowMs);
  const frontend = ensureNodeApp('frontend');
  if (!frontend.cached)
    console.log(
      `e2e: installed the frontend app's packages in ${frontend.installSec.toFixed(0)} s (${frontend.modules})`,
    );
  const cluster = await FlowCluster.create({
    objects,
    prefix: FLOW_PREFIX,
    subnet: FLOW_SUBNET,
    nodes: 3,
    deploymentNodes: { jaeger: 2, frontend: 0, checkout: 1 },
    work: path.join(work, 'cluster'),
    kubeApi: KUBE_API,
    nodeApps: { frontend },
    goApps: { checkout: 'checkout' },
  });
  try {
    const tiers: Array<[string, string]> = [
      ['Deployment', 'jaeger'],
      ['StatefulSet', 'otel-gateway'],
      ['DaemonSet', 'otel-agent'],
      ['Deployment', 'checkout'],
      ['Deployment', 'frontend'],
    ];
    for (const [kind, name] of tiers) {
      const pods = cluster.podsOf(kind, name);
      if (!pods.length) throw new Error(`flow: the objects have no ${kind} ${name}`);
      await Promise.all(pods.map((p) => cluster.startPod(p.pod.name)));
    }
  } catch (e) {
    await cluster.shutdown();
    throw e;
  }
  return { cluster, objects, slowMs };
}
