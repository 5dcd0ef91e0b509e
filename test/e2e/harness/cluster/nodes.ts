/**
 * Node objects for the test cluster (no kubelet runs): registered Ready, with the capacity a small
 * node has, so DaemonSets create a Pod per node. Their addresses are in TEST-NET-1 (192.0.2.0/24,
 * RFC 5737): nothing is ever sent to them (no kubelet to call; the harness never asks for logs or exec).
 */
import { ApiClient, ApiError } from './client';

/** Name of the i-th test node. */
export function nodeName(i: number): string {
  return `e2e-node-${i}`;
}

/** Registers `count` Nodes (idempotent); returns their names. */
export async function registerNodes(client: ApiClient, count: number): Promise<string[]> {
  if (!Number.isInteger(count) || count < 0 || count > 50)
    throw new Error(`cluster: --nodes ${count} is not a count from 0 to 50`);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = nodeName(i);
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
        },
      },
      spec: {},
    };
    const r = await client.apply(node, { fieldManager: 'otel-e2e-nodes', force: true });
    if (r.status >= 300) throw new ApiError(r, `registering Node ${name}`);
    // the API server taints a new Node not-ready:NoSchedule; the node-lifecycle controller (off here)
    // lifts it once the node reports Ready, as this one does
    const untaint = await client.request('PATCH', `/api/v1/nodes/${name}`, {
      body: { spec: { taints: null } },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'otel-e2e-nodes' },
    });
    if (untaint.status >= 300) throw new ApiError(untaint, `removing the not-ready taint of Node ${name}`);
    const now = new Date().toISOString();
    const status = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: {
        capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' },
        addresses: [
          { type: 'InternalIP', address: `192.0.2.${10 + i}` },
          { type: 'Hostname', address: name },
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'registered by the e2e harness',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        nodeInfo: {
          architecture: 'amd64',
          operatingSystem: 'linux',
          kubeletVersion: 'v1.36.3',
          kubeProxyVersion: '',
          containerRuntimeVersion: 'none://0',
          kernelVersion: '',
          osImage: 'e2e',
          machineID: '',
          systemUUID: '',
          bootID: '',
        },
      },
    };
    const s = await client.request('PATCH', `/api/v1/nodes/${name}/status`, {
      query: { fieldManager: 'otel-e2e-nodes', force: 'true' },
      body: status,
      contentType: 'application/apply-patch+yaml',
    });
    if (s.status >= 300) throw new ApiError(s, `setting the status of Node ${name}`);
    names.push(name);
  }
  return names;
}
