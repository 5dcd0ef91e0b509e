/**
 * A stand-in for the Kubernetes API inside a network namespace the test creates: components that wait
 * for an informer to sync before they report ready (the load_balancing `k8s` resolver) can then start,
 * so the start check judges their config instead of timing out. It answers lists with empty lists and
 * holds watches open (`stand-in-api-server.ts`); it is not a control plane (the cluster harness of
 * issue 12 brings the real kube-apiserver). Everything stays inside the namespace: its only interface
 * is loopback, where the server listens on 127.0.0.1:6443 — the address `inClusterAccess` gives pods.
 */
import * as path from 'path';
import { testServerCert } from './config-files';
import { Proc, runSync, start, stop, waitFor } from './procs';

let counter = 0;

/** A running stand-in API and the namespace it lives in. */
export interface StandInApi {
  /** The `ip netns` name: run start checks there (`SandboxSpec.netns`). */
  readonly netns: string;
  readonly host: string;
  readonly port: number;
  /** Stops the server and deletes the namespace. */
  stop(): Promise<void>;
}

function ip(args: string[]): void {
  const r = runSync('ip', args);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** Creates a network namespace (loopback up) with the stand-in API on 127.0.0.1:6443. */
export async function startStandInApi(work: string, pkiDir: string): Promise<StandInApi> {
  const netns = `otel-e2e-api-${process.pid}-${++counter}`;
  const host = '127.0.0.1';
  const port = 6443;
  const { certFile, keyFile } = testServerCert(pkiDir, [host]);
  ip(['netns', 'add', netns]);
  let proc: Proc | undefined;
  const cleanup = async () => {
    if (proc) await stop(proc);
    runSync('ip', ['netns', 'delete', netns]);
  };
  try {
    ip(['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
    const server = path.join(__dirname, 'stand-in-api-server.ts');
    proc = start(
      'stand-in-api',
      'ip',
      [
        'netns',
        'exec',
        netns,
        process.execPath,
        '-r',
        'ts-node/register/transpile-only',
        server,
        host,
        String(port),
        certFile,
        keyFile,
      ],
      {
        logDir: work,
        cwd: path.resolve(__dirname, '..', '..', '..'),
      },
    );
    const p = proc;
    await waitFor(
      'the stand-in API to listen',
      () => /listening on/.test(p.output()) || p.exitCode() !== null || undefined,
      30_000,
      100,
    );
    if (p.exitCode() !== null) throw new Error(`the stand-in API exited: ${p.output()}`);
  } catch (e) {
    await cleanup();
    throw e;
  }
  return { netns, host, port, stop: cleanup };
}
