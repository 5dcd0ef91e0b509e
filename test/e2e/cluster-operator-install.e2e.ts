/**
 * The operator install path on a real control plane, driven through the `e2e:cluster` CLI as a user
 * would: `up --bare` (no operator), the reference Tempo stack with `StackOperator.install` (the v0.158.0
 * release manifest, `WebhookCertificates.certManager()`) synthesized with `synthLayered` into a folder and
 * applied layer by layer, `delete` of that folder and `down`, each CLI command a separate process.
 *
 * cert-manager itself does not run: its CRDs (v1.21.1) are installed as the prerequisite, so the API
 * server checks our Issuer and Certificate against cert-manager's schema, and the harness does
 * cert-manager's two jobs (issuing the selfSigned Certificate into its Secret, CA injection into the
 * annotated webhook configurations and CRD). The operator (v0.153.0 built, see below) runs out of cluster
 * from the output's Deployment, as its ServiceAccount (release RBAC), with the Secret's certificate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { OperatorManifestSource, WebhookCertificates } from '../../lib/operator';
import { StackOperator, synthLayered } from '../../lib/stack';
import { isBuiltinApiVersion } from '../../lib/validation/builtin-kinds';
import { tempoTailSamplingStack } from '../../stacks';
import { ApplyReport, ClusterSession, ident, readManifestDir } from './harness/cluster/apply';
import { FIELD_MANAGER, KObject } from './harness/cluster/client';
import { CERT_MANAGER_CAINJECTOR } from './harness/cluster/cert-manager';
import { readState } from './harness/cluster/control-plane';
import { isAlive, poll } from './harness/cluster/daemons';
import {
  additions,
  crdVersionSchema,
  jsonEqual,
  normalizedAway,
  visibleDrift,
} from './harness/cluster/drift';
import { webhookBaseUrl } from './harness/cluster/operator';
import { releaseManifestPath } from './harness/cluster/operator-install';
import { assertOnlyRewritten } from './harness/cluster/rewrite-check';
import { ClusterSnapshot, settledLeftovers, snapshot } from './harness/cluster/snapshot';
import { describeE2E, versionNote } from './harness/e2e';
import { cleanupTempDirs, runSync, sleep, tempDir } from './harness/procs';

const REPO = path.resolve(__dirname, '..', '..');
const DRIFT_FILE = path.join(__dirname, 'cluster-drift.yaml');

/** Runs the CLI in its own process. */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return runSync(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      path.join(__dirname, 'cluster-cli.ts'),
      ...args,
    ],
    {
      cwd: REPO,
      env: { TS_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
      timeoutMs: 300_000,
    },
  );
}

describeE2E(
  'operator install path: StackOperator.install with cert-manager certificates, through the e2e:cluster CLI',
  () => {
    const work = tempDir('cluster-operator-install');
    const runDir = path.join(work, 'run');
    const outDir = path.join(work, 'out');
    let session: ClusterSession;
    let baseline: ClusterSnapshot;
    let objects: KObject[];
    let report: ApplyReport;
    let files: readonly string[];

    beforeAll(async () => {
      const up = cli(['up', '--bare', '--nodes', '1', '--run-dir', runDir]);
      if (up.status !== 0) throw new Error(`e2e:cluster up failed (${up.status}):\n${up.stderr}`);
      expect(up.stdout.trim()).toBe(path.join(runDir, 'kubeconfig'));
      session = ClusterSession.attach(runDir, true);
      // cert-manager "installed": its CRDs, before the baseline
      expect(await session.ensureCertManagerCrds()).toBe(true);
      session.saveState();
      baseline = await snapshot(session.client);
      // the user's output, one file per apply layer
      const app = new App({ outdir: outDir });
      tempoTailSamplingStack(app, 'tempo-tail-sampling', {
        operator: StackOperator.install({
          source: OperatorManifestSource.fromFile(releaseManifestPath()),
          certificates: WebhookCertificates.certManager(),
          goInstrumentation: true,
        }),
      });
      files = synthLayered(app, { outdir: outDir }).files;
      objects = readManifestDir(outDir);
    }, 300_000);

    afterAll(async () => {
      const down = cli(['down', '--run-dir', runDir]);
      if (down.status !== 0) console.log(down.stderr);
      cleanupTempDirs();
    });

    test('the output has every layer, the cert-manager layer included', () => {
      expect(files.map((f) => path.basename(f))).toEqual([
        '00-crds.k8s.yaml',
        '01-cert-manager.k8s.yaml',
        '02-operator-rbac.k8s.yaml',
        '03-custom-resources.k8s.yaml',
        '04-workloads.k8s.yaml',
      ]);
      expect(
        objects
          .filter((o) => o.apiVersion === 'cert-manager.io/v1')
          .map(ident)
          .sort(),
      ).toEqual([
        'Certificate opentelemetry-operator-system/opentelemetry-operator-serving-cert',
        'Issuer opentelemetry-operator-system/opentelemetry-operator-selfsigned-issuer',
      ]);
    });

    test(`every object is accepted (strict server-side apply) without warning; the operator starts from the output (${versionNote('operator')})`, async () => {
      report = await session.applyLayers(objects, { keepGoing: true });
      expect(
        report.applied.filter((a) => a.status >= 300).map((a) => `${ident(a.sent)}: ${a.error}`),
      ).toEqual([]);
      expect(report.applied.flatMap((a) => a.warnings.map((w) => `${ident(a.sent)}: ${w}`))).toEqual([]);
      expect(report.operatorStarted).toBe(true);
      expect(Object.keys(report.perLayer)).toEqual([
        'crds',
        'cert-manager',
        'operator-rbac',
        'custom-resources',
        'workloads',
      ]);
      expect(Object.values(report.perLayer).reduce((a, b) => a + b, 0)).toBe(objects.length);
      // the manager runs with the Deployment's switches and as its ServiceAccount, under the release RBAC
      const state = readState(runDir)!;
      const op = state.daemons.find((d) => d.name === 'operator')!;
      expect(isAlive(op)).toBe(true);
      const env = fs.readFileSync(`/proc/${op.pid}/environ`, 'utf8').split('\0');
      expect(env).toEqual(
        expect.arrayContaining([
          'ENABLE_GO_AUTO_INSTRUMENTATION=true',
          'ENABLE_NGINX_AUTO_INSTRUMENTATION=true',
          'SERVICE_ACCOUNT_NAME=opentelemetry-operator-controller-manager',
          'NAMESPACE=opentelemetry-operator-system',
        ]),
      );
    });

    test('the webhook configurations (and the CRD conversion webhook) are rewritten only to call the local operator', () => {
      const n = assertOnlyRewritten(objects, report, webhookBaseUrl(session.state));
      expect(n).toBe(14);
      for (const r of report.rewrites)
        expect(r.url).toBe(`${webhookBaseUrl(session.state)}${r.service.path}`);
    });

    test('cert-manager stand-in: the Certificate is issued into its Secret, and its CA injected into every webhook and the CRD', async () => {
      expect(report.issued).toEqual([
        'opentelemetry-operator-system/opentelemetry-operator-controller-manager-service-cert',
      ]);
      expect([...report.injected].sort()).toEqual([
        'CustomResourceDefinition/opentelemetrycollectors.opentelemetry.io',
        'MutatingWebhookConfiguration/opentelemetry-operator-mutating-webhook-configuration',
        'ValidatingWebhookConfiguration/opentelemetry-operator-validating-webhook-configuration',
      ]);
      const secret = await session.client.get(
        'v1',
        'Secret',
        'opentelemetry-operator-system',
        'opentelemetry-operator-controller-manager-service-cert',
      );
      expect(secret.type).toBe('kubernetes.io/tls');
      const ca = secret.data['ca.crt'];
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        const live = (await session.client.list('admissionregistration.k8s.io/v1', kind)).find((w) =>
          w.metadata.name.startsWith('opentelemetry-operator'),
        );
        for (const w of live.webhooks) expect(w.clientConfig.caBundle).toBe(ca);
      }
      const crd = await session.client.get(
        'apiextensions.k8s.io/v1',
        'CustomResourceDefinition',
        undefined,
        'opentelemetrycollectors.opentelemetry.io',
      );
      expect(crd.spec.conversion.webhook.clientConfig.caBundle).toBe(ca);
    });

    test('the collector CRs are admitted and reconciled; the conversion webhook answers a v1alpha1 read', async () => {
      for (const name of ['otel-agent', 'otel-gateway']) {
        const kind = name === 'otel-agent' ? 'DaemonSet' : 'StatefulSet';
        await poll(
          `${kind} ${name}-collector`,
          () => session.client.get('apps/v1', kind, 'observability', `${name}-collector`),
          60_000,
          250,
        );
        const old = await session.client.request(
          'GET',
          `/apis/opentelemetry.io/v1alpha1/namespaces/observability/opentelemetrycollectors/${name}`,
        );
        expect(old.status).toBe(200);
        expect(old.body.apiVersion).toBe('opentelemetry.io/v1alpha1');
        expect(old.warnings).toEqual(['OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.']);
      }
      // the release RBAC was enough for what the operator did
      const log = fs.readFileSync(readState(runDir)!.daemons.find((d) => d.name === 'operator')!.log, 'utf8');
      expect(log.match(/.*forbidden.*/g) ?? []).toEqual([]);
    });

    test('no drift: the install objects are stored as we wrote them (the drift list), and re-applying is a no-op', async () => {
      const crds = new Map<string, any>();
      for (const o of objects.filter((x) => x.kind === 'CustomResourceDefinition'))
        for (const v of o.spec.versions)
          crds.set(`${o.spec.group}/${v.name} ${o.spec.names.kind}`, crdVersionSchema(o, v.name));
      const defaulted: Record<string, Record<string, Set<string>>> = {};
      const normalized: Record<string, Set<string>> = {};
      const visible: string[] = [];
      const before = new Map<string, any>();
      for (const a of report.applied) {
        const o = a.sent;
        const live = await session.client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
        before.set(ident(o), live);
        const builtin = isBuiltinApiVersion(o.apiVersion);
        for (const d of visibleDrift(o, live, !builtin)) {
          const text = `${d.path}: ${JSON.stringify(d.desired)} -> ${JSON.stringify(d.live)}`;
          if (builtin && normalizedAway(d))
            (normalized[o.kind] ??= new Set()).add(text.replace(/\[name=[^\]]+\]/g, '[*]'));
          else visible.push(`${ident(o)} ${text}`);
        }
        for (const x of additions(o, live, {
          fieldManager: FIELD_MANAGER,
          crdSchema: builtin ? undefined : crds.get(`${o.apiVersion} ${o.kind}`),
        })) {
          if (x.by === 'apiserver-default' || o.apiVersion.startsWith('opentelemetry.io/')) continue; // CR defaults: cluster-stacks.e2e.ts
          ((defaulted[o.kind] ??= {})[x.by] ??= new Set()).add(x.path.replace(/\[name=[^\]]+\]/g, '[*]'));
        }
      }
      const computed = {
        defaulted: Object.fromEntries(
          Object.keys(defaulted)
            .sort()
            .map((k) => [
              k,
              Object.fromEntries(
                Object.keys(defaulted[k])
                  .sort()
                  .map((b) => [b, [...defaulted[k][b]].sort()]),
              ),
            ]),
        ),
        normalized: Object.fromEntries(
          Object.keys(normalized)
            .sort()
            .map((k) => [k, [...normalized[k]].sort()]),
        ),
      };
      const checked = parse(fs.readFileSync(DRIFT_FILE, 'utf8'));
      if (JSON.stringify(checked.operatorInstall) !== JSON.stringify(computed))
        console.log(`computed drift list (operatorInstall):\n${JSON.stringify(computed, null, 2)}`);
      expect(visible).toEqual([]);
      expect(checked.operatorInstall).toEqual(computed);
      // each CA bundle cainjector writes has its ignoreDifferences entry
      const jq = (p: string) => `.${p.replace(/\[\*\]/g, '[]?')}`;
      for (const [kind, byWho] of Object.entries(computed.defaulted) as Array<
        [string, Record<string, string[]>]
      >) {
        for (const p of byWho['controller:cert-manager-cainjector'] ?? []) {
          const entry = (checked.ignoreDifferences as any[]).find((e) => e.kind === kind);
          expect(entry?.jqPathExpressions).toEqual([jq(p)]);
        }
      }
      // re-apply of the same folder: nothing we own changes, and no field of any object moves
      const again = await session.applyLayers(readManifestDir(outDir), { keepGoing: true });
      const ours = (x: any) =>
        (x?.metadata?.managedFields ?? []).find((m: any) => m.manager === FIELD_MANAGER) ?? null;
      // our entry without its time: what we own, how (Apply) and in which version
      const owned = (x: any) => {
        const e = ours(x);
        return e && { ...e, time: undefined };
      };
      // every field but the API server's bookkeeping (resourceVersion, managedFields), both ways: a
      // field that moved or went, and a field that came
      const moved = (was: any, live: any) =>
        [
          ...visibleDrift(was, live, false),
          ...visibleDrift(live, was, false).map((d) => ({ ...d, desired: d.live, live: d.desired })),
        ]
          .filter((d) => !/^metadata\.(managedFields|resourceVersion)\b/.test(d.path))
          .map((d) => `${d.path}: ${JSON.stringify(d.desired)} -> ${JSON.stringify(d.live)}`);
      const problems = again.applied.flatMap((a) => {
        const id = ident(a.sent);
        const was = before.get(id);
        if (a.status >= 300) return [`${id}: HTTP ${a.status} ${a.error ?? ''}`];
        return [
          ...moved(was, a.live).map((m) => `${id} ${m}`),
          ...(jsonEqual(owned(was), owned(a.live))
            ? []
            : [`${id}: our managed fields ${JSON.stringify(ours(was))} -> ${JSON.stringify(ours(a.live))}`]),
        ];
      });
      expect(problems).toEqual([]);
      // A re-apply that changes nothing is stored as a write that moves only our entry's time when
      // another manager force-applied fields of the object (the cainjector's caBundle) in a later
      // second than our apply: the API server's behaviour, pinned by the next test. Listed, not
      // failed: no field and no ownership moved (checked above).
      const bookkeeping = again.applied.filter(
        (a) => !jsonEqual(ours(before.get(ident(a.sent))), ours(a.live)),
      );
      if (bookkeeping.length) {
        const managers = (x: any) =>
          (x?.metadata?.managedFields ?? []).map((m: any) => `${m.manager} ${m.operation} ${m.time}`);
        for (const a of bookkeeping)
          console.log(
            `re-apply stored ${ident(a.sent)} again with only managed-fields times moved: ` +
              `${JSON.stringify(managers(before.get(ident(a.sent))))} -> ${JSON.stringify(managers(a.live))}`,
          );
      }
    });

    test(`the API server (${versionNote('kubernetes')}) stores an identical re-apply as a write only when another manager applied to the object in a later second (the bookkeeping write the no-drift check lists)`, async () => {
      const c = session.client;
      const names = ['e2e-ssa-probe-0', 'e2e-ssa-probe-1'];
      const hook = (n: string) => ({
        name: n,
        admissionReviewVersions: ['v1'],
        clientConfig: { url: 'https://127.0.0.1:9/never-called' },
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        // a group no object has: the webhook is never called
        rules: [
          {
            apiGroups: ['probe.e2e.invalid'],
            apiVersions: ['v1'],
            operations: ['CREATE'],
            resources: ['things'],
          },
        ],
      });
      const api = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' };
      const configOf = (name: string) => ({
        ...api,
        metadata: { name, labels: { probe: 'yes' } },
        webhooks: [hook('a.probe.e2e.invalid'), hook('b.probe.e2e.invalid')],
      });
      const injectionOf = (name: string) => ({
        ...api,
        metadata: { name },
        webhooks: configOf(name).webhooks.map((w) => ({
          name: w.name,
          clientConfig: { caBundle: Buffer.from('probe').toString('base64') },
        })),
      });
      const timeOf = (o: any, manager: string) =>
        o.metadata.managedFields.find((m: any) => m.manager === manager)?.time;
      const rv = (r: { body: any }) => r.body.metadata.resourceVersion;
      const seen: string[] = [];
      try {
        // the injection right after our apply (often the same second), then one second later
        for (const [i, gapMs] of [0, 1100].entries()) {
          const config = configOf(names[i]);
          const first = await c.apply(config);
          expect(first.status).toBeLessThan(300);
          await sleep(gapMs);
          expect(
            (await c.apply(injectionOf(names[i]), { fieldManager: CERT_MANAGER_CAINJECTOR, force: true }))
              .status,
          ).toBe(200);
          const live = await c.get(api.apiVersion, api.kind, undefined, names[i]);
          const later = timeOf(live, CERT_MANAGER_CAINJECTOR) > timeOf(live, FIELD_MANAGER);
          const again = await c.apply(config);
          const third = await c.apply(config);
          expect(again.status).toBe(200);
          // a write only when the other entry is later; the apply after it writes nothing
          expect(rv(again) !== live.metadata.resourceVersion).toBe(later);
          expect(rv(third)).toBe(rv(again));
          expect(
            visibleDrift(live, again.body, false).filter(
              (d) => !/^metadata\.(managedFields|resourceVersion)\b/.test(d.path),
            ),
          ).toEqual([]);
          seen.push(later ? 'later: one bookkeeping write' : 'same second: no write');
        }
        // the second round is always a later second
        expect(seen[1]).toBe('later: one bookkeeping write');
      } finally {
        for (const n of names) await c.delete(api.apiVersion, api.kind, undefined, n, 'Background');
      }
    });

    test('`e2e:cluster -- delete` (another process) removes the layers in reverse order: no object, finalizer or webhook is left, the operator is stopped', async () => {
      const del = cli(['delete', outDir, '--run-dir', runDir]);
      if (del.status !== 0) throw new Error(`e2e:cluster delete failed:\n${del.stderr}`);
      expect(del.stderr).toMatch(/deleted layer crds/);
      expect(await settledLeftovers(session.client, baseline)).toEqual([]);
      const after = await snapshot(session.client);
      expect([...after.keys()].filter((k) => /opentelemetry|WebhookConfiguration /.test(k))).toEqual([]);
      expect(readState(runDir)!.daemons.filter((d) => d.name === 'operator')).toEqual([]);
      // what the other process wrote to the run folder is the state from now on
      session = ClusterSession.attach(runDir, true);
      await session.removeCertManagerCrds();
      session.saveState();
      expect([...(await snapshot(session.client)).keys()].filter((k) => k.includes('cert-manager'))).toEqual(
        [],
      );
    });

    test('`e2e:cluster -- down` (another process) stops every process it started and removes the run folder', () => {
      const pids = readState(runDir)!.daemons;
      expect(pids.map((d) => d.name)).toEqual(
        expect.arrayContaining(['etcd', 'kube-apiserver', 'kube-controller-manager']),
      );
      const down = cli(['down', '--run-dir', runDir]);
      expect(down.status).toBe(0);
      expect(down.stdout).toMatch(/stopped .*kube-apiserver/);
      expect(pids.filter(isAlive)).toEqual([]);
      expect(fs.existsSync(runDir)).toBe(false);
    });
  },
);
