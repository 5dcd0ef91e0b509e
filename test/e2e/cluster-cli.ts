/**
 * `npm run e2e:cluster -- <command>`: a real Kubernetes control plane on 127.0.0.1 to try manifests on.
 *
 *   up [--bare] [--nodes N]   start etcd, kube-apiserver and kube-controller-manager (v1.36.3, built by the
 *                             harness), register N Node objects (default 2) and, unless --bare, install
 *                             the OpenTelemetry Operator from the pinned v0.158.0 release manifest and run
 *                             it (v0.153.0, see below) out of cluster; prints the kubeconfig path
 *   apply <dir> [--dry-run]   apply a folder of manifests (e.g. the output of synthLayered) layer by layer:
 *                             CRDs -> cert-manager -> operator/RBAC -> custom resources -> workloads, with
 *                             server-side apply and fieldValidation=Strict, waiting where the next layer
 *                             needs it; prints every refusal and API warning (exit 1 on either)
 *   delete <dir>              delete that folder's objects in reverse layer order, waiting for each layer
 *   status                    what runs, where the kubeconfig and logs are
 *   down                      stop everything and remove the run folder
 *
 * Options: --run-dir DIR (default $OTEL_E2E_CLUSTER_DIR, else <tmp>/otel-e2e-cluster).
 * The operator built here is v0.153.0: the Go module proxy refuses v0.154.0-v0.158.0.
 */
import * as os from 'os';
import * as path from 'path';
import { ClusterSession, ident, readManifestDir } from './harness/cluster/apply';
import { destroyRun, readState, startControlPlane } from './harness/cluster/control-plane';
import { isAlive } from './harness/cluster/daemons';
import { registerNodes } from './harness/cluster/nodes';
import { installBaseOperator } from './harness/cluster/operator-install';
import { ensureAll } from './harness/build';
import { versionNote } from './harness/e2e';

function usage(msg?: string): never {
  if (msg) console.error(`e2e:cluster: ${msg}`);
  console.error(
    'usage: npm run e2e:cluster -- up [--bare] [--nodes N] | apply <dir> [--dry-run] | delete <dir> | status | down   [--run-dir DIR]',
  );
  process.exit(2);
}

function parse(argv: string[]): { cmd: string; args: string[]; flags: Record<string, string | true> } {
  const flags: Record<string, string | true> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--run-dir' || a === '--nodes') flags[a.slice(2)] = argv[++i] ?? usage(`${a} needs a value`);
    else if (a === '--bare' || a === '--dry-run') flags[a.slice(2)] = true;
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else args.push(a);
  }
  const [cmd, ...rest] = args;
  if (!cmd) usage();
  return { cmd, args: rest, flags };
}

async function main(): Promise<number> {
  const { cmd, args, flags } = parse(process.argv.slice(2));
  const runDir = path.resolve(
    String(
      flags['run-dir'] ?? process.env.OTEL_E2E_CLUSTER_DIR ?? path.join(os.tmpdir(), 'otel-e2e-cluster'),
    ),
  );
  const log = (m: string) => console.error(m);
  switch (cmd) {
    case 'up': {
      // build (or find) the programs; their progress goes to stderr: stdout is the kubeconfig path
      const stdout = console.log;
      console.log = console.error;
      try {
        ensureAll(['etcd', 'kubernetes', ...(flags.bare ? [] : ['operator'])]);
      } finally {
        console.log = stdout;
      }
      const state = await startControlPlane({ runDir, stopOnExit: false, log });
      const session = new ClusterSession(state, false);
      try {
        const nodes = await registerNodes(session.client, Number(flags.nodes ?? 2));
        log(`registered Nodes ${nodes.join(', ')}`);
        if (!flags.bare) {
          const base = await installBaseOperator(session, log);
          log(
            `operator installed from the v0.158.0 release manifest (${base.objects.length} objects), running ${versionNote('operator')}`,
          );
        }
        session.saveState();
      } catch (e) {
        await destroyRun(runDir);
        throw e;
      }
      console.log(state.kubeconfig);
      log(
        `run folder ${runDir}; logs in ${path.join(runDir, 'logs')}; stop with: npm run e2e:cluster -- down${flags['run-dir'] ? ` --run-dir ${runDir}` : ''}`,
      );
      return 0;
    }
    case 'apply': {
      if (args.length !== 1) usage('apply needs one folder');
      const session = ClusterSession.attach(runDir);
      const objects = readManifestDir(path.resolve(args[0]));
      const report = await session.applyLayers(objects, { log, dryRun: !!flags['dry-run'], keepGoing: true });
      let bad = 0;
      for (const a of report.applied) {
        if (a.error) {
          bad++;
          console.log(`REFUSED ${ident(a.sent)}: ${a.error}`);
        }
        for (const w of a.warnings) {
          bad++;
          console.log(`WARNING ${ident(a.sent)}: ${w}`);
        }
      }
      for (const r of report.rewrites)
        console.log(
          `rewrote ${r.object} webhook ${r.webhook}: service ${r.service.namespace}/${r.service.name} -> ${r.url}`,
        );
      console.log(
        `${report.applied.length - report.applied.filter((a) => a.error).length}/${report.applied.length} objects applied${flags['dry-run'] ? ' (dry run)' : ''}; ${bad} refusals/warnings`,
      );
      session.saveState();
      return bad ? 1 : 0;
    }
    case 'delete': {
      if (args.length !== 1) usage('delete needs one folder');
      const session = ClusterSession.attach(runDir);
      await session.deleteLayers(readManifestDir(path.resolve(args[0])), { log });
      session.saveState();
      return 0;
    }
    case 'status': {
      const state = readState(runDir);
      if (!state) {
        console.log(`no cluster in ${runDir}`);
        return 1;
      }
      console.log(`kubeconfig ${state.kubeconfig}\nserver ${state.server}`);
      for (const d of state.daemons)
        console.log(`${isAlive(d) ? 'running' : 'STOPPED'} ${d.name} pid ${d.pid} log ${d.log}`);
      return state.daemons.every(isAlive) ? 0 : 1;
    }
    case 'down': {
      const { stopped } = await destroyRun(runDir);
      console.log(
        stopped.length
          ? `stopped ${stopped.join(', ')}; removed ${runDir}`
          : `nothing was running; removed ${runDir}`,
      );
      return 0;
    }
    default:
      return usage(`unknown command ${cmd}`);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e:cluster: ${(e as Error).message}`);
    process.exit(1);
  },
);
