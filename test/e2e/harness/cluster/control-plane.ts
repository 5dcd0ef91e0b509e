/**
 * The test control plane: etcd, kube-apiserver and kube-controller-manager (built by the harness) on
 * 127.0.0.1 with free ports and certificates made for the run, a service-account signing key, and an
 * admin kubeconfig in the run folder. Everything it starts is recorded in `<runDir>/state.json`, so
 * another process (`npm run e2e:cluster -- down`) can stop it and remove the folder.
 *
 * No scheduler and no kubelet: Pods are created (and mutated by admission webhooks) but stay Pending.
 * Node objects are registered by the harness; the node-lifecycle and taint-eviction controllers are off
 * (no kubelet renews the nodes' heartbeats, so they would taint the nodes and evict the pods).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { bin } from '../e2e';
import { freePort, sleep } from '../procs';
import { ApiClient } from './client';
import { DaemonRecord, Fatal, isAlive, poll, startDaemon, stopDaemon, tail } from './daemons';
import { ClusterPki, makeClusterPki } from './pki';

/** Service CIDR of the test cluster (the `kubernetes` Service gets 10.0.0.1). */
export const SERVICE_CIDR = '10.0.0.0/24';
/** Issuer (and audience) of service-account tokens. */
export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Controllers of kube-controller-manager that are switched off, with the reason. */
export const DISABLED_CONTROLLERS: Readonly<Record<string, string>> = {
  'node-lifecycle-controller':
    'no kubelet renews node heartbeats: registered Nodes would be tainted unreachable',
  'taint-eviction-controller': 'would evict the Pending pods from the tainted nodes',
};

/** What `state.json` holds. */
export interface ClusterState {
  readonly version: 1;
  readonly runDir: string;
  readonly etcdPort: number;
  readonly apiserverPort: number;
  readonly server: string;
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfig: string;
  readonly pki: ClusterPki;
  daemons: DaemonRecord[];
  /** Extra state of other parts of the harness (the operator). */
  extra: Record<string, any>;
}

function stateFile(runDir: string): string {
  return path.join(runDir, 'state.json');
}

/** Reads the state of a run folder (undefined when there is none). */
export function readState(runDir: string): ClusterState | undefined {
  const f = stateFile(runDir);
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as ClusterState) : undefined;
}

/** Writes the state (atomically). */
export function writeState(state: ClusterState): void {
  const f = stateFile(state.runDir);
  fs.writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2));
  fs.renameSync(`${f}.tmp`, f);
}

/** A kubeconfig for `server` with a client certificate or a bearer token. */
export function kubeconfig(
  server: string,
  caFile: string,
  user: { certFile: string; keyFile: string } | { token: string },
  name = 'otel-e2e',
): string {
  const u =
    'token' in user
      ? { token: user.token }
      : { 'client-certificate': user.certFile, 'client-key': user.keyFile };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name, user: u }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}

/** Options of `startControlPlane`. */
export interface ControlPlaneOptions {
  /** Run folder (created; must not hold a running cluster). */
  readonly runDir: string;
  /**
   * Stop every process when this process exits (tests); `false` for the CLI's `up`.
   * @default true
   */
  readonly stopOnExit?: boolean;
  /**
   * Start kube-controller-manager.
   * @default true
   */
  readonly controllerManager?: boolean;
  /** Progress messages. @default - silent */
  readonly log?: (msg: string) => void;
}

/** Starts etcd, kube-apiserver and (by default) kube-controller-manager; resolves when they are ready. */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ClusterState> {
  const runDir = path.resolve(opts.runDir);
  const log = opts.log ?? (() => undefined);
  const existing = readState(runDir);
  if (existing && existing.daemons.some(isAlive)) {
    throw new Error(
      `cluster: ${runDir} already runs a cluster (${existing.server}); run \`npm run e2e:cluster -- down\` first`,
    );
  }
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const logDir = path.join(runDir, 'logs');
  const stopOnExit = opts.stopOnExit ?? true;
  const t0 = Date.now();
  const pki = makeClusterPki(path.join(runDir, 'pki'));
  const [etcdPort, etcdPeerPort, apiserverPort] = [await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiserverPort}`;
  const adminKubeconfig = path.join(runDir, 'kubeconfig');
  fs.writeFileSync(
    adminKubeconfig,
    kubeconfig(server, pki.ca.cert, { certFile: pki.admin.cert, keyFile: pki.admin.key }),
    { mode: 0o600 },
  );
  const state: ClusterState = {
    version: 1,
    runDir,
    etcdPort,
    apiserverPort,
    server,
    kubeconfig: adminKubeconfig,
    pki,
    daemons: [],
    extra: {},
  };
  writeState(state);
  const add = (d: DaemonRecord) => {
    state.daemons.push(d);
    writeState(state);
    return d;
  };

  try {
    const etcd = add(
      startDaemon(
        'etcd',
        bin('etcd'),
        [
          '--name=e2e',
          `--data-dir=${path.join(runDir, 'etcd')}`,
          `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
          `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
          `--initial-cluster=e2e=http://127.0.0.1:${etcdPeerPort}`,
          '--unsafe-no-fsync', // a throwaway store: skip fsync (the machine's disk is shared)
          '--log-level=warn',
        ],
        { logDir },
        stopOnExit,
      ),
    );
    await poll(
      'etcd health',
      async () => {
        if (!isAlive(etcd)) throw new Fatal(`etcd exited:\n${tail(etcd.log)}`);
        const r = await fetch(`http://127.0.0.1:${etcdPort}/health`, {
          signal: AbortSignal.timeout(2000),
        }).catch(() => undefined);
        return r?.ok ? true : undefined;
      },
      30_000,
    );
    log(`etcd ready on 127.0.0.1:${etcdPort} (${Date.now() - t0} ms)`);

    const apiserver = add(
      startDaemon(
        'kube-apiserver',
        bin('kubernetes', 'kube-apiserver'),
        [
          `--etcd-servers=http://127.0.0.1:${etcdPort}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${apiserverPort}`,
          `--tls-cert-file=${pki.apiserver.cert}`,
          `--tls-private-key-file=${pki.apiserver.key}`,
          `--client-ca-file=${pki.ca.cert}`,
          `--service-account-issuer=${SA_ISSUER}`,
          `--service-account-key-file=${pki.serviceAccount.pub}`,
          `--service-account-signing-key-file=${pki.serviceAccount.key}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          '--authorization-mode=RBAC',
          '--anonymous-auth=false',
          '--allow-privileged=true',
          '--profiling=false',
          `--cert-dir=${path.join(runDir, 'apiserver-certs')}`,
          '--v=1',
        ],
        { logDir },
        stopOnExit,
      ),
    );
    const client = new ApiClient(adminKubeconfig);
    await poll(
      'kube-apiserver /readyz',
      async () => {
        if (!isAlive(apiserver)) throw new Fatal(`kube-apiserver exited:\n${tail(apiserver.log)}`);
        const r = await client.request('GET', '/readyz', { timeoutMs: 3000 }).catch(() => undefined);
        return r?.status === 200 ? true : undefined;
      },
      90_000,
      250,
    );
    log(`kube-apiserver ready at ${server} (${Date.now() - t0} ms)`);

    if (opts.controllerManager ?? true) {
      const kcmKubeconfig = path.join(runDir, 'controller-manager.kubeconfig');
      fs.writeFileSync(
        kcmKubeconfig,
        kubeconfig(server, pki.ca.cert, {
          certFile: pki.controllerManager.cert,
          keyFile: pki.controllerManager.key,
        }),
        { mode: 0o600 },
      );
      const kcm = add(
        startDaemon(
          'kube-controller-manager',
          bin('kubernetes', 'kube-controller-manager'),
          [
            `--kubeconfig=${kcmKubeconfig}`,
            `--authentication-kubeconfig=${kcmKubeconfig}`,
            `--authorization-kubeconfig=${kcmKubeconfig}`,
            '--secure-port=0',
            '--leader-elect=false',
            `--controllers=*,${Object.keys(DISABLED_CONTROLLERS)
              .map((c) => `-${c}`)
              .join(',')}`,
            `--root-ca-file=${pki.ca.cert}`,
            `--service-account-private-key-file=${pki.serviceAccount.key}`,
            '--use-service-account-credentials=true',
            `--service-cluster-ip-range=${SERVICE_CIDR}`,
            '--v=1',
          ],
          { logDir },
          stopOnExit,
        ),
      );
      // the controllers have run once they wrote what they write into every namespace: the
      // ServiceAccount `default` (serviceaccount controller) and the ConfigMap `kube-root-ca.crt`
      // (root-ca-cert-publisher). Waiting for both in every namespace makes a snapshot taken after
      // `up` a settled baseline (a ConfigMap published later was once counted as left behind).
      await poll(
        'kube-controller-manager (ServiceAccount default and ConfigMap kube-root-ca.crt in every namespace)',
        async () => {
          if (!isAlive(kcm)) throw new Fatal(`kube-controller-manager exited:\n${tail(kcm.log)}`);
          const namespaces = await client.list('v1', 'Namespace');
          if (!namespaces.some((n) => n.metadata.name === 'default')) return undefined;
          const accounts = new Set(
            (await client.list('v1', 'ServiceAccount')).map(
              (a) => `${a.metadata.namespace}/${a.metadata.name}`,
            ),
          );
          const configMaps = new Set(
            (await client.list('v1', 'ConfigMap')).map((c) => `${c.metadata.namespace}/${c.metadata.name}`),
          );
          return namespaces.every(
            (n) =>
              accounts.has(`${n.metadata.name}/default`) &&
              configMaps.has(`${n.metadata.name}/kube-root-ca.crt`),
          )
            ? true
            : undefined;
        },
        90_000,
        250,
      );
      log(`kube-controller-manager ready (${Date.now() - t0} ms)`);
    }
    return state;
  } catch (e) {
    await stopAllDaemons(state);
    throw e;
  }
}

/** Stops every recorded process of the run, newest first. */
export async function stopAllDaemons(state: ClusterState): Promise<void> {
  for (const d of [...state.daemons].reverse()) await stopDaemon(d);
  state.daemons = [];
  if (fs.existsSync(state.runDir)) writeState(state);
}

/** Stops the cluster of a run folder and removes the folder. */
export async function destroyRun(runDir: string): Promise<{ stopped: string[] }> {
  const state = readState(runDir);
  const stopped: string[] = [];
  if (state) {
    for (const d of [...state.daemons].reverse()) {
      if (isAlive(d)) stopped.push(`${d.name} (pid ${d.pid})`);
      await stopDaemon(d);
    }
  }
  // a process may still hold a file for a moment after it exited
  for (let i = 0; i < 5; i++) {
    try {
      fs.rmSync(runDir, { recursive: true, force: true });
      break;
    } catch {
      await sleep(200);
    }
  }
  return { stopped };
}
