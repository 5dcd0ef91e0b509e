/**
 * The Kubernetes API of the trace-flow cluster: the cluster harness's control plane (etcd +
 * kube-apiserver on 127.0.0.1, its own PKI; no controller-manager: nothing here needs a controller)
 * with the stack's identity objects applied as emitted (Namespaces, ServiceAccounts, ClusterRoles,
 * ClusterRoleBindings, Roles, RoleBindings), so the emitted RBAC is what authorizes the collectors.
 *
 * Reaching it from the pods without binding to any other address: a host-side forwarder listens on a
 * unix socket in the run folder and connects to the API server's 127.0.0.1 port; the flow cluster
 * starts, inside each pod's network namespace that gets API access, a forwarder from that namespace's
 * 127.0.0.1:`IN_POD_API_PORT` to the socket (sockets are files: the namespaces share the filesystem).
 * The pods get what the kubelet mounts (a TokenRequest token of their ServiceAccount, the cluster CA,
 * the namespace) and KUBERNETES_SERVICE_HOST/PORT = 127.0.0.1:`IN_POD_API_PORT` (the one thing that
 * differs from a cluster, where they name the `kubernetes` Service's ClusterIP; the API server's
 * certificate is valid for both).
 *
 * `registerPods` stands in for the scheduler and the kubelet: it creates the flow's Pods with their
 * node and reports their fabric addresses in status, so k8s_attributes' pod_association (k8s.pod.ip)
 * finds them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient, KObject } from './cluster/client';
import {
  ClusterState,
  SA_ISSUER,
  startControlPlane,
  stopAllDaemons,
  writeState,
} from './cluster/control-plane';
import { Fatal, isAlive, poll, startDaemon, tail } from './cluster/daemons';
import { forwarderCommand } from './cluster/forwarder';
import type { KubeApi, PodModel } from './flow';

/** Port the API server is reachable at on 127.0.0.1 inside a pod's network namespace. */
export const IN_POD_API_PORT = 6443;

/** Kinds applied to the API server, in this order (what the collectors' identity and RBAC are). */
export const IDENTITY_KINDS = [
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'Role',
  'ClusterRoleBinding',
  'RoleBinding',
] as const;

/** The running API of a flow cluster. */
export interface FlowKubeApi {
  /** What the flow cluster is given. */
  readonly api: Extract<KubeApi, { kind: 'server' }>;
  readonly state: ClusterState;
  /** Admin client. */
  readonly client: ApiClient;
  /** `Kind ns/name` of every object applied (emitted, plus the `default` ServiceAccounts). */
  readonly applied: readonly string[];
  /** Milliseconds the control plane took to start and be provisioned. */
  readonly startMs: number;
  /** Creates the pods with their node and reports their addresses (Running, Ready); returns their uids by name. */
  registerPods(pods: readonly PodModel[]): Promise<Map<string, string>>;
  /** Stops everything it started. */
  stop(): Promise<void>;
}

function key(o: KObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** Starts the control plane for `objects` in `runDir` (stopped by `stop()`, or when this process exits). */
export async function startFlowKubeApi(
  objects: readonly any[],
  runDir: string,
  log: (msg: string) => void = () => undefined,
): Promise<FlowKubeApi> {
  const t0 = Date.now();
  const state = await startControlPlane({ runDir, controllerManager: false, log });
  const stop = () => stopAllDaemons(state);
  try {
    const client = new ApiClient(state.kubeconfig);
    const applied: string[] = [];
    const apply = async (o: KObject) => {
      const r = await client.apply(o, { force: true });
      if (r.status >= 300) throw new Error(`flow: applying ${key(o)}: HTTP ${r.status}: ${r.body?.message}`);
      applied.push(key(o));
    };
    const identity = objects.filter((o) => (IDENTITY_KINDS as readonly string[]).includes(o.kind));
    const namespaces = new Set<string>();
    for (const kind of IDENTITY_KINDS) {
      for (const o of identity.filter((x) => x.kind === kind)) {
        // a Namespace is cluster-scoped: a namespace in its metadata (cdk8s puts the chart's) means nothing
        const obj: KObject = { ...o, metadata: { ...o.metadata } };
        if (kind === 'Namespace') delete obj.metadata.namespace;
        await apply(obj);
        if (kind === 'Namespace') {
          namespaces.add(obj.metadata.name);
          // the serviceaccount controller's part (no controller-manager runs): `default` in every namespace
          await apply({
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'default', namespace: obj.metadata.name },
          });
        }
      }
    }
    // a token per ServiceAccount, as the kubelet's projected volume requests it
    const tokens: Record<string, string> = {};
    for (const o of identity.filter((x) => x.kind === 'ServiceAccount')) {
      const { namespace, name } = o.metadata;
      const tr = await client.ok('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: [SA_ISSUER], expirationSeconds: 3600 },
        },
      });
      tokens[`${namespace}/${name}`] = tr.body.status.token;
    }

    const socket = path.join(state.runDir, 'api.sock');
    const ready = path.join(state.runDir, 'api-bridge.ready');
    const f = forwarderCommand();
    const bridge = startDaemon(
      'api-bridge',
      f.node,
      ['-r', f.preload, f.script, '--ready', ready, `unix:${socket}>tcp:127.0.0.1:${state.apiserverPort}`],
      { logDir: path.join(state.runDir, 'logs'), env: f.env },
      true,
    );
    state.daemons.push(bridge);
    writeState(state);
    await poll(
      'the API bridge',
      () => {
        if (!isAlive(bridge)) throw new Fatal(`api bridge exited:\n${tail(bridge.log)}`);
        return fs.existsSync(ready) ? true : undefined;
      },
      30_000,
    );
    const startMs = Date.now() - t0;
    log(
      `flow: kube-apiserver up and provisioned (${applied.length} objects, ${Object.keys(tokens).length} tokens) in ${startMs} ms`,
    );

    const registerPods = async (pods: readonly PodModel[]): Promise<Map<string, string>> => {
      const uids = new Map<string, string>();
      for (const p of pods) {
        if (!namespaces.has(p.namespace))
          throw new Error(`flow: pod ${p.name}: namespace ${p.namespace} was not applied`);
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        const created = await client.ok('POST', `/api/v1/namespaces/${p.namespace}/pods`, {
          body: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: p.name, namespace: p.namespace, labels: p.labels, annotations: p.annotations },
            spec: { ...p.podSpec, nodeName: p.node.name },
          },
        });
        await client.ok('PATCH', `/api/v1/namespaces/${p.namespace}/pods/${p.name}/status`, {
          contentType: 'application/merge-patch+json',
          body: {
            status: {
              phase: 'Running',
              hostIP: p.node.ip,
              hostIPs: [{ ip: p.node.ip }],
              podIP: p.ip,
              podIPs: [{ ip: p.ip }],
              startTime: now,
              conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
            },
          },
        });
        uids.set(p.name, created.body.metadata.uid);
      }
      return uids;
    };

    return {
      api: {
        kind: 'server',
        socket,
        host: '127.0.0.1',
        port: IN_POD_API_PORT,
        ca: fs.readFileSync(state.pki.ca.cert, 'utf8'),
        tokens,
      },
      state,
      client,
      applied,
      startMs,
      registerPods,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
