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
import { FlowCluster, Rewrite } from './flow';
import { FlowKubeApi, startFlowKubeApi } from './flow-kube-api';
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

/** A change the harness makes, without its reason (what the tests compare). */
export type RewriteEntry = Omit<Rewrite, 'why'>;

/**
 * Every change the harness makes to the emitted objects of the trace-flow stack (the tests assert
 * `cluster.rewrites` equals this exactly, so a new one fails). The gateway's k8s_attributes runs as
 * emitted against a real kube-apiserver (flow-kube-api.ts), authorized by the emitted RBAC, so no
 * entry removes it. The changes:
 * - the collectors' `--config=/conf/collector.yaml`: this machine has no /conf (the sandbox overlays
 *   existing top-level folders only), so the file is given from the test's temp folder;
 * - the Node.js pod's NODE_OPTIONS: the operator's init container copies its image to
 *   /otel-auto-instrumentation-nodejs (no such top-level folder here); the same package version
 *   (auto-instrumentations-node 0.78.0, whose register.js is the image's autoinstrumentation.js) is
 *   required from the e2e cache.
 */
export const FLOW_REWRITES: readonly RewriteEntry[] = [
  {
    workload: 'StatefulSet observability/otel-gateway',
    key: 'args',
    from: '--config=/conf/collector.yaml',
    to: '--config=<test temp dir>/pods/<pod>/collector.yaml',
  },
  {
    workload: 'DaemonSet observability/otel-agent',
    key: 'args',
    from: '--config=/conf/collector.yaml',
    to: '--config=<test temp dir>/pods/<pod>/collector.yaml',
  },
  {
    workload: 'Deployment shop/frontend',
    key: 'env NODE_OPTIONS',
    from: ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js',
    to: ' --require <e2e cache>/node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js',
  },
];

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

/**
 * Starts the control plane (etcd + kube-apiserver on 127.0.0.1, the stack's ServiceAccounts and RBAC
 * applied), builds the cluster, registers its pods with their addresses in the API server, and starts
 * it tier by tier (backend, gateways, agents, apps), each ready before the next. `cluster.shutdown()`
 * stops the control plane too.
 */
export async function startFlowCluster(
  work: string,
  opts: { slowMarginMs?: number } = {},
): Promise<{
  cluster: FlowCluster;
  objects: any[];
  slowMs: number;
  kube: FlowKubeApi;
  podUids: Map<string, string>;
  kubeApiMs: number;
}> {
  const threshold = latencyThresholdMs(flowObjects(0));
  const slowMs = threshold + (opts.slowMarginMs ?? 200);
  const objects = flowObjects(slowMs);
  const frontend = ensureNodeApp('frontend');
  if (!frontend.cached)
    console.log(
      `e2e: installed the frontend app's packages in ${frontend.installSec.toFixed(0)} s (${frontend.modules})`,
    );
  const kube = await startFlowKubeApi(objects, path.join(work, 'kube'));
  let cluster: FlowCluster;
  try {
    cluster = await FlowCluster.create({
      objects,
      prefix: FLOW_PREFIX,
      subnet: FLOW_SUBNET,
      nodes: 3,
      deploymentNodes: { jaeger: 2, frontend: 0, checkout: 1 },
      work: path.join(work, 'cluster'),
      kubeApi: kube.api,
      nodeApps: { frontend },
      goApps: { checkout: 'checkout' },
      afterShutdown: () => kube.stop(),
    });
  } catch (e) {
    await kube.stop();
    throw e;
  }
  let podUids: Map<string, string>;
  const t0 = Date.now();
  try {
    podUids = await kube.registerPods([...cluster.pods.values()].map((r) => r.pod));
    const registerMs = Date.now() - t0;
    console.log(
      `trace flow: kube-apiserver up with ${kube.applied.length} identity objects in ${(kube.startMs / 1000).toFixed(1)} s; ${podUids.size} pods registered in ${registerMs} ms`,
    );
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
  return { cluster, objects, slowMs, kube, podUids, kubeApiMs: kube.startMs };
}
