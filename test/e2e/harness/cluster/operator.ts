/**
 * The OpenTelemetry Operator run out of cluster against the test API server, as its Deployment says:
 * the manager container's args and env (downward-API values resolved for a stand-in pod), the
 * ServiceAccount's identity (a token from the TokenRequest API, so the release RBAC is what it gets),
 * and the serving certificate of the Secret its `cert` volume names, copied to the webhook server's
 * certificate folder.
 *
 * The manager's webhook server listens on every interface (controller-runtime takes only a port), so the
 * manager runs in a private network namespace with only loopback. Two forwarders join it to the host's
 * loopback over unix sockets: the API server's port is reachable at the same 127.0.0.1 port inside, and
 * the webhook port 9443 inside is reachable at a free 127.0.0.1 port outside, the one the webhook
 * configurations are rewritten to call (`webhookUrl`).
 *
 * Differences from the Deployment, all stated: leader election is off (one instance; a crashed run
 * would otherwise hold the lease for 137 s), and the manager's own HTTP listeners (metrics :8443,
 * probes :8081) stay inside the private namespace.
 */
import * as fs from 'fs';
import * as path from 'path';
import { bin, versionNote } from '../e2e';
import { podEnv } from '../pod-env';
import { freePort, sleep } from '../procs';
import { ApiClient, KObject } from './client';
import { ClusterState, kubeconfig, SA_ISSUER, writeState } from './control-plane';
import { DaemonRecord, Fatal, isAlive, poll, startDaemon, stopDaemon, tail } from './daemons';
import { forwarderCommand } from './forwarder';

/** Name of the operator's webhook Service in the release manifest. */
export const OPERATOR_WEBHOOK_SERVICE = 'opentelemetry-operator-webhook-service';
/** Port of the manager's webhook server (controller-runtime default, the Deployment's `webhook-server`). */
export const MANAGER_WEBHOOK_PORT = 9443;
/** Env var values that differ from the Deployment. */
export const OPERATOR_ENV_OVERRIDES: Readonly<Record<string, string>> = { ENABLE_LEADER_ELECTION: 'false' };

/** What the run folder records about the operator bridge and process. */
export interface OperatorState {
  /** 127.0.0.1 port the API server calls the webhooks on. */
  readonly webhookPort: number;
  readonly apiSocket: string;
  readonly webhookSocket: string;
  /** The running manager, when started. */
  manager?: {
    namespace: string;
    deployment: string;
    serviceAccount: string;
    version: string;
    /** The pod template it was started from (a changed one restarts it, as a rollout would). */
    template: string;
  };
}

/** The operator part of a run's state. */
export function operatorState(state: ClusterState): OperatorState | undefined {
  return state.extra.operator as OperatorState | undefined;
}

/** `https://127.0.0.1:<port>` the webhook configurations are rewritten to. */
export function webhookBaseUrl(state: ClusterState): string {
  const o = operatorState(state);
  if (!o) throw new Error('cluster: the operator bridge is not set up; call ensureOperatorBridge first');
  return `https://127.0.0.1:${o.webhookPort}`;
}

/**
 * Starts the host side of the bridge once per run: the webhook port (127.0.0.1) forwarded to the
 * socket the manager's namespace listens on, and a socket forwarded to the API server.
 */
export async function ensureOperatorBridge(state: ClusterState, stopOnExit: boolean): Promise<OperatorState> {
  const existing = operatorState(state);
  if (existing) return existing;
  const dir = path.join(state.runDir, 'operator');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const webhookPort = await freePort();
  const o: OperatorState = {
    webhookPort,
    apiSocket: path.join(dir, 'api.sock'),
    webhookSocket: path.join(dir, 'webhook.sock'),
  };
  const f = forwarderCommand();
  const ready = path.join(dir, 'bridge.ready');
  const rec = startDaemon(
    'operator-bridge',
    f.node,
    [
      '-r',
      f.preload,
      f.script,
      '--ready',
      ready,
      `unix:${o.apiSocket}>tcp:127.0.0.1:${state.apiserverPort}`,
      `tcp:127.0.0.1:${webhookPort}>unix:${o.webhookSocket}`,
    ],
    { logDir: path.join(state.runDir, 'logs'), env: f.env },
    stopOnExit,
  );
  state.daemons.push(rec);
  state.extra.operator = o;
  writeState(state);
  await poll(
    'the operator bridge',
    () => {
      if (!isAlive(rec)) throw new Fatal(`operator bridge exited:\n${tail(rec.log)}`);
      return fs.existsSync(ready) ? true : undefined;
    },
    30_000,
  );
  return o;
}

/** The manager container of an operator Deployment. */
function managerContainer(deployment: KObject): any {
  const c = (deployment.spec?.template?.spec?.containers ?? []).find((x: any) => x.name === 'manager');
  if (!c)
    throw new Error(
      `cluster: Deployment ${deployment.metadata.name} has no container "manager"; is it the operator's?`,
    );
  return c;
}

/** True for the operator's manager Deployment. */
export function isOperatorDeployment(o: KObject): boolean {
  return (
    o.kind === 'Deployment' &&
    o.apiVersion === 'apps/v1' &&
    o.metadata?.labels?.['app.kubernetes.io/name'] === 'opentelemetry-operator' &&
    (o.spec?.template?.spec?.containers ?? []).some((c: any) => c.name === 'manager')
  );
}

/** Options of `startOperator`. */
export interface StartOperatorOptions {
  readonly stopOnExit: boolean;
  readonly log?: (msg: string) => void;
}

/**
 * Starts the manager as `deployment` (already applied) describes it. The ServiceAccount and the Secret
 * of the `cert` volume must exist.
 */
export async function startOperator(
  state: ClusterState,
  client: ApiClient,
  deployment: KObject,
  opts: StartOperatorOptions,
): Promise<void> {
  const o = await ensureOperatorBridge(state, opts.stopOnExit);
  const template = JSON.stringify(deployment.spec?.template ?? {});
  if (o.manager && state.daemons.some((d) => d.name === 'operator' && isAlive(d))) {
    if (o.manager.template === template) return;
    opts.log?.('the operator Deployment changed: restarting the operator (what its rollout would do)');
    await stopOperator(state);
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      'cluster: the operator runs in a private network namespace (unshare --net), which needs root; run the e2e tests as root (CI does)',
    );
  }
  const ns = deployment.metadata.namespace!;
  const podSpec = deployment.spec.template.spec;
  const sa = podSpec.serviceAccountName ?? 'default';
  const container = managerContainer(deployment);
  const dir = path.join(state.runDir, 'operator');

  // the ServiceAccount's identity
  const tr = await client.ok('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [SA_ISSUER], expirationSeconds: 86_400 },
    },
  });
  const kc = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kc,
    kubeconfig(state.server, state.pki.ca.cert, { token: tr.body.status.token }, 'operator'),
    { mode: 0o600 },
  );

  // the serving certificate the pod would mount
  const certVolume = (podSpec.volumes ?? []).find(
    (v: any) =>
      v.secret &&
      (container.volumeMounts ?? []).some((m: any) => m.name === v.name && /serving-certs/.test(m.mountPath)),
  );
  if (!certVolume)
    throw new Error(`cluster: Deployment ${deployment.metadata.name} mounts no Secret at .../serving-certs`);
  const secretName = certVolume.secret.secretName;
  const secret = await client.get('v1', 'Secret', ns, secretName);
  if (!secret?.data?.['tls.crt'] || !secret.data['tls.key']) {
    throw new Error(
      `cluster: Secret ${ns}/${secretName} (the operator's serving certificate) does not exist or lacks tls.crt/tls.key; issue or provision it first`,
    );
  }
  const tmp = path.join(dir, 'tmp');
  const certDir = path.join(tmp, 'k8s-webhook-server', 'serving-certs');
  fs.mkdirSync(certDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(certDir, 'tls.crt'), Buffer.from(secret.data['tls.crt'], 'base64'));
  fs.writeFileSync(path.join(certDir, 'tls.key'), Buffer.from(secret.data['tls.key'], 'base64'), {
    mode: 0o600,
  });

  const env = {
    ...podEnv(container.env ?? [], {
      podName: `${deployment.metadata.name}-e2e`,
      namespace: ns,
      podIp: '127.0.0.1',
      hostIp: '127.0.0.1',
      nodeName: 'e2e-node-0',
      serviceAccount: sa,
    }),
    ...OPERATOR_ENV_OVERRIDES,
    KUBECONFIG: kc,
    TMPDIR: tmp,
  };
  const f = forwarderCommand();
  const ready = path.join(dir, 'inner.ready');
  fs.rmSync(ready, { force: true });
  const script = [
    'set -e',
    'ip link set lo up',
    '"$FWD_NODE" -r "$FWD_PRELOAD" "$FWD_SCRIPT" --ready "$FWD_READY" "tcp:127.0.0.1:$API_PORT>unix:$API_SOCK" "unix:$WH_SOCK>tcp:127.0.0.1:$WH_PORT" &',
    'i=0',
    'while [ ! -e "$FWD_READY" ]; do i=$((i+1)); if [ $i -gt 300 ]; then echo "forwarder did not start" >&2; exit 1; fi; sleep 0.1; done',
    'exec "$@"',
  ].join('\n');
  const rec: DaemonRecord = startDaemon(
    'operator',
    'unshare',
    ['--net', '--', 'sh', '-c', script, 'operator', bin('operator', 'manager'), ...(container.args ?? [])],
    {
      logDir: path.join(state.runDir, 'logs'),
      cwd: dir,
      env: {
        ...env,
        ...f.env,
        FWD_NODE: f.node,
        FWD_PRELOAD: f.preload,
        FWD_SCRIPT: f.script,
        FWD_READY: ready,
        API_PORT: String(state.apiserverPort),
        API_SOCK: o.apiSocket,
        WH_SOCK: o.webhookSocket,
        WH_PORT: String(MANAGER_WEBHOOK_PORT),
      },
    },
    opts.stopOnExit,
  );
  state.daemons.push(rec);
  o.manager = {
    namespace: ns,
    deployment: deployment.metadata.name,
    serviceAccount: sa,
    version: versionNote('operator'),
    template,
  };
  writeState(state);
  opts.log?.(`operator started out of cluster as ${ns}/${sa} (${versionNote('operator')})`);
  // the manager logs "Starting webhook server" / "Serving webhook server"; readiness is checked through the API server
  await poll(
    'the operator manager to serve webhooks',
    () => {
      if (!isAlive(rec)) throw new Fatal(`operator exited:\n${tail(rec.log, 60)}`);
      return /Serving webhook server/.test(fs.readFileSync(rec.log, 'utf8')) ? true : undefined;
    },
    90_000,
    250,
  );
}

/** Stops the manager (not the bridge): what deleting its Deployment does to the pod. */
export async function stopOperator(state: ClusterState): Promise<boolean> {
  const o = operatorState(state);
  const recs = state.daemons.filter((d) => d.name === 'operator');
  for (const r of recs) await stopDaemon(r);
  state.daemons = state.daemons.filter((d) => d.name !== 'operator');
  if (o) delete o.manager;
  writeState(state);
  await sleep(0);
  return recs.length > 0;
}
