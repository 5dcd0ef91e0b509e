/**
 * Every stack on a real control plane: etcd 3.6.16, kube-apiserver and kube-controller-manager 1.36.3 and
 * the OpenTelemetry Operator (built: v0.153.0, the newest the Go module proxy serves; the CRDs, RBAC and
 * webhook configurations applied are those of the pinned v0.158.0 release manifest) run out of cluster
 * with its webhooks. Once the operator is installed (the library's OpenTelemetryOperator construct, Go
 * on, a pre-provisioned serving certificate), each source — the default app, every stack (both collector
 * runtimes), every example, and an injection matrix — is applied layer by layer with server-side apply
 * and fieldValidation=Strict, then checked: no refusal and no API warning, webhook admissions, the
 * collector CRs reconciled into what we expect, every Service our endpoints name, Pods created by the
 * controller-manager and injected per language, no drift, and a clean removal in reverse layer order.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { parse, stringify } from 'yaml';
import { ApplyLayer, applyLayerOf } from '../../lib/common/layers';
import { Instrumentation, InjectLanguage } from '../../lib/instrumentation';
import { isBuiltinApiVersion } from '../../lib/validation/builtin-kinds';
import { AppliedObject, ApplyReport, ClusterSession, ident } from './harness/cluster/apply';
import {
  configMapConfig,
  expectedPods,
  injectionProblems,
  injectionRequests,
  namedEndpoints,
  notInjected,
} from './harness/cluster/checks';
import { FIELD_MANAGER, KObject } from './harness/cluster/client';
import { destroyRun, DISABLED_CONTROLLERS, startControlPlane } from './harness/cluster/control-plane';
import { poll } from './harness/cluster/daemons';
import {
  Addition,
  additions,
  crdVersionSchema,
  jsonEqual,
  normalizedAway,
  visibleDrift,
} from './harness/cluster/drift';
import { MATRIX_SOURCE } from './harness/cluster/matrix';
import { registerNodes } from './harness/cluster/nodes';
import { OPERATOR_WEBHOOK_SERVICE, webhookBaseUrl } from './harness/cluster/operator';
import { BaseOperatorInstall, installBaseOperator } from './harness/cluster/operator-install';
import { assertOnlyRewritten } from './harness/cluster/rewrite-check';
import { ClusterSnapshot, settledLeftovers, snapshot } from './harness/cluster/snapshot';
import { bin, describeE2E, versionNote } from './harness/e2e';
import { EmittedSource, SOURCES } from './harness/emitted';
import { buildMatrix as buildOptionMatrix } from './harness/matrix';
import { cleanupTempDirs, runSync, sleep, tempDir } from './harness/procs';

const NODES = 2;
const DRIFT_FILE = path.join(__dirname, 'cluster-drift.yaml');

/** What one source left for the summary and the drift list. */
interface SourceRun {
  readonly name: string;
  objects: KObject[];
  report?: ApplyReport;
  admissions: string[];
  pods: Record<string, number>;
  injected: Record<string, number>;
  drift: Array<{ kind: string; path: string; by: string }>;
  visible: string[];
  /** Values of built-in kinds stored in another form of the same value (see `normalizedAway`). */
  normalized: Array<{ object: string; kind: string; text: string }>;
}

describeE2E(
  'real control plane: every stack applied, reconciled, injected, without drift, removed cleanly',
  () => {
    const work = tempDir('cluster-stacks');
    const runDir = path.join(work, 'run');
    let session: ClusterSession;
    let base: BaseOperatorInstall;
    let before: ClusterSnapshot;
    const runs: SourceRun[] = [];
    const timings: Record<string, number> = {};
    const crdSchemas = new Map<string, any>();

    beforeAll(async () => {
      const t = Date.now();
      const state = await startControlPlane({ runDir, log: (m) => console.log(m) });
      timings['control plane up'] = Date.now() - t;
      session = new ClusterSession(state, true);
      await registerNodes(session.client, NODES);
      before = await snapshot(session.client);
      const t2 = Date.now();
      base = await installBaseOperator(session);
      timings['operator install + start'] = Date.now() - t2;
      for (const o of base.objects.filter((x) => x.kind === 'CustomResourceDefinition')) {
        for (const v of o.spec.versions)
          crdSchemas.set(`${o.spec.group}/${v.name} ${o.spec.names.kind}`, crdVersionSchema(o, v.name));
      }
    }, 300_000);

    afterAll(async () => {
      console.log(summary(runs, timings));
      await destroyRun(runDir);
      cleanupTempDirs();
    });

    test('the operator install (v0.158.0 release manifest through OpenTelemetryOperator) is accepted without warnings; only its webhook clients are re-pointed', () => {
      console.log(
        `control plane: ${versionNote('etcd')}, ${versionNote('kubernetes')} (${path.basename(bin('kubernetes', 'kube-apiserver'))}, kube-controller-manager without ${Object.keys(DISABLED_CONTROLLERS).join(', ')}); ` +
          `operator: ${versionNote('operator')}`,
      );
      expect(
        base.report.applied.filter((a) => a.status >= 300).map((a) => `${ident(a.sent)}: ${a.error}`),
      ).toEqual([]);
      expect(base.report.applied.flatMap((a) => a.warnings.map((w) => `${ident(a.sent)}: ${w}`))).toEqual([]);
      expect(base.report.operatorStarted).toBe(true);
      // 5 mutating + 8 validating webhooks and the OpenTelemetryCollector CRD's conversion webhook
      const n = assertOnlyRewritten(base.objects, base.report, webhookBaseUrl(session.state));
      expect(n).toBe(14);
      // existing-Secret certificates: the library wrote the CA bundle, no cert-manager object is left
      expect(base.objects.filter((o) => o.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
      for (const o of base.objects.filter((x) => /WebhookConfiguration$/.test(x.kind))) {
        for (const w of o.webhooks) expect(w.clientConfig.caBundle).toMatch(/^[A-Za-z0-9+/]+=*$/);
      }
    });

    const sources: EmittedSource[] = [...SOURCES, MATRIX_SOURCE];
    describe.each(sources.map((s) => [s.name, s] as const))('%s', (name, source) => {
      const run: SourceRun = {
        name,
        objects: [],
        admissions: [],
        pods: {},
        injected: {},
        drift: [],
        visible: [],
        normalized: [],
      };
      runs.push(run);
      let snap0: ClusterSnapshot;
      const applied = (): AppliedObject[] => {
        if (!run.report) throw new Error(`${name} was not applied (see the first test of this block)`);
        return run.report.applied;
      };

      test('applied layer by layer with server-side apply (strict): every object accepted, no warning', async () => {
        snap0 = await snapshot(session.client);
        run.objects = source.objects();
        const t = Date.now();
        run.report = await session.applyLayers(run.objects, { keepGoing: true });
        timings[`apply ${name}`] = Date.now() - t;
        expect(
          run.report.applied
            .filter((a) => a.status >= 300)
            .map((a) => `${ident(a.sent)}: HTTP ${a.status} ${a.error}`),
        ).toEqual([]);
        expect(run.report.applied.flatMap((a) => a.warnings.map((w) => `${ident(a.sent)}: ${w}`))).toEqual(
          [],
        );
        expect(run.report.applied.length).toBe(run.objects.length);
        // layers went in order
        const layers = run.report.applied.map((a) => a.layer);
        expect(layers).toEqual([...layers].sort((a, b) => a - b));
      });

      test("the operator's webhooks admitted every OpenTelemetryCollector and Instrumentation, and judge them", async () => {
        const crs = applied().filter(
          (a) => a.sent.kind === 'OpenTelemetryCollector' || a.sent.kind === 'Instrumentation',
        );
        expect(crs.length).toBe(
          run.objects.filter((o) => o.kind === 'OpenTelemetryCollector' || o.kind === 'Instrumentation')
            .length,
        );
        for (const a of crs) {
          expect(a.status).toBeLessThan(300);
          const o = a.sent;
          if (o.kind === 'Instrumentation') {
            // defaults only the mutating webhook sets: the request went through it
            expect(a.live.spec.java.image).toMatch(/autoinstrumentation-java:/);
          } else {
            // our CR carries every webhook default (the webhook changes nothing): leave one out to see it set
            const { upgradeStrategy: _u, ...spec } = o.spec;
            const dry = await session.client.apply(
              { ...o, spec },
              { dryRun: true, fieldManager: 'otel-e2e-probe' },
            );
            expect(dry.status).toBeLessThan(300);
            expect(dry.body.spec.upgradeStrategy).toBe('automatic');
            // and the validating webhook judges updates: the mode cannot change
            const other = o.spec.mode === 'daemonset' ? 'deployment' : 'daemonset';
            const refused = await session.client.apply(
              { ...o, spec: { ...o.spec, mode: other } },
              { dryRun: true, force: true, fieldManager: 'otel-e2e-probe' },
            );
            expect(refused.status).toBe(403);
            expect(refused.body.message).toMatch(
              /admission webhook "vopentelemetrycollectorcreateupdatebeta\.kb\.io" denied the request.*does not support modification/,
            );
          }
          run.admissions.push(ident(o));
        }
      });

      test('each OpenTelemetryCollector reconciles into the workload, Services and ConfigMap we expect', async () => {
        const crs = run.objects.filter((o) => o.kind === 'OpenTelemetryCollector');
        if (!crs.length) {
          // plain-manifests runtime: we emit the workloads ourselves
          expect(run.objects.some((o) => o.kind === 'DaemonSet' || o.kind === 'StatefulSet')).toBe(true);
          return;
        }
        for (const cr of crs) {
          const ns = cr.metadata.namespace!;
          const name = `${cr.metadata.name}-collector`;
          const kind = { daemonset: 'DaemonSet', statefulset: 'StatefulSet', deployment: 'Deployment' }[
            cr.spec.mode as string
          ]!;
          const workload = await poll(
            `${kind} ${ns}/${name}`,
            () => session.client.get('apps/v1', kind, ns, name),
            60_000,
            250,
          );
          const pod = workload.spec.template.spec;
          const c = pod.containers.find((x: any) => x.name === 'otc-container');
          expect(c.image).toBe(cr.spec.image);
          for (const e of cr.spec.env) expect(c.env).toContainEqual(e);
          expect(c.resources).toEqual(cr.spec.resources);
          expect(c.securityContext).toEqual(cr.spec.securityContext);
          expect(pod.securityContext).toEqual(cr.spec.podSecurityContext);
          expect(pod.serviceAccountName).toBe(name);
          if (cr.spec.tolerations) expect(pod.tolerations).toEqual(cr.spec.tolerations);
          if (kind !== 'DaemonSet') expect(workload.spec.replicas).toBe(cr.spec.replicas);
          // the config the operator writes equals ours
          const cmVolume = pod.volumes.find((v: any) => v.configMap);
          const cm = await poll(
            `ConfigMap ${ns}/${cmVolume.configMap.name}`,
            () => session.client.get('v1', 'ConfigMap', ns, cmVolume.configMap.name),
            30_000,
            250,
          );
          expect(configMapConfig(cm)).toEqual(cr.spec.config);
          // Services: <name>-collector (node-local for the agent) and the headless one, with the OTLP ports
          const svc = await poll(
            `Service ${ns}/${name}`,
            () => session.client.get('v1', 'Service', ns, name),
            30_000,
            250,
          );
          const headless = await poll(
            `Service ${ns}/${name}-headless`,
            () => session.client.get('v1', 'Service', ns, `${name}-headless`),
            30_000,
            250,
          );
          for (const s of [svc, headless]) {
            expect(s.spec.ports.map((p: any) => [p.name, p.port])).toEqual(
              expect.arrayContaining([
                ['otlp-grpc', 4317],
                ['otlp-http', 4318],
              ]),
            );
          }
          expect(headless.spec.clusterIP).toBe('None');
          if (kind === 'DaemonSet') expect(svc.spec.internalTrafficPolicy).toBe('Local');
          expect(
            await poll(
              `ServiceAccount ${ns}/${name}`,
              () => session.client.get('v1', 'ServiceAccount', ns, name),
              30_000,
              250,
            ),
          ).toBeDefined();
          if (cr.spec.podDisruptionBudget) {
            const pdb = await poll(
              `PodDisruptionBudget ${ns}/${name}`,
              () => session.client.get('policy/v1', 'PodDisruptionBudget', ns, name),
              30_000,
              250,
            );
            expect(pdb.spec.maxUnavailable).toBe(cr.spec.podDisruptionBudget.maxUnavailable);
          }
        }
      });

      test('every in-cluster Service our endpoints name exists, with the port we send to', async () => {
        const endpoints = namedEndpoints(run.objects);
        expect(endpoints.length).toBeGreaterThan(0);
        const problems: string[] = [];
        for (const e of endpoints) {
          if (e.service) {
            const svc = await poll(
              `Service ${e.service.namespace}/${e.service.name}`,
              () => session.client.get('v1', 'Service', e.service!.namespace, e.service!.name),
              30_000,
              250,
            ).catch(() => undefined);
            if (!svc)
              problems.push(`${e.from}: Service ${e.service.namespace}/${e.service.name} does not exist`);
            else if (!svc.spec.ports.some((p: any) => p.port === e.port))
              problems.push(
                `${e.from}: Service ${e.service.name} has no port ${e.port} (${svc.spec.ports.map((p: any) => p.port).join(', ')})`,
              );
          } else if (e.nodeAddress) {
            // hostPort delivery: the agent DaemonSet must publish that port on the node
            const ds = (await session.client.list('apps/v1', 'DaemonSet')).filter((d) =>
              d.spec.template.spec.containers.some((c: any) =>
                (c.ports ?? []).some((p: any) => p.hostPort === e.port),
              ),
            );
            if (!ds.length) problems.push(`${e.from}: no DaemonSet publishes hostPort ${e.port}`);
          }
        }
        expect(problems).toEqual([]);
      });

      test('workloads create Pods through the controller-manager; the pod webhook injects each language as asked', async () => {
        const client = session.client;
        const workloads = (
          await Promise.all(['Deployment', 'StatefulSet', 'DaemonSet'].map((k) => client.list('apps/v1', k)))
        )
          .flat()
          .filter((w) => w.metadata.namespace !== base.namespace);
        expect(workloads.length).toBeGreaterThan(0);
        const instrumentations = new Map<string, any>();
        for (const i of await client.list('opentelemetry.io/v1alpha1', 'Instrumentation'))
          instrumentations.set(`${i.metadata.namespace}/${i.metadata.name}`, i);
        const problems: string[] = [];
        for (const w of workloads) {
          const want = expectedPods(w, NODES);
          const selector = Object.entries(w.spec.selector.matchLabels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',');
          const pods = await poll(
            `${want} Pods of ${w.kind} ${w.metadata.namespace}/${w.metadata.name}`,
            async () => {
              const p = (await client.list('v1', 'Pod', w.metadata.namespace, selector)).filter(
                (x) => !x.metadata.deletionTimestamp,
              );
              return p.length >= want ? p : undefined;
            },
            60_000,
            250,
          );
          run.pods[`${w.kind} ${w.metadata.namespace}/${w.metadata.name}`] = pods.length;
          const ns = await client.get('v1', 'Namespace', undefined, w.metadata.namespace);
          const reqs = injectionRequests(
            w.spec.template,
            w.metadata.namespace,
            ns.metadata.annotations ?? {},
            (n) => {
              const inNs = [...instrumentations.keys()].filter((k) => k.startsWith(`${n}/`));
              return inNs[0] ?? `${n}/(none)`;
            },
          );
          for (const pod of pods) {
            if (!reqs.length && !notInjected(pod))
              problems.push(`${pod.metadata.name}: injected although nothing was asked`);
            for (const r of reqs) {
              const p = injectionProblems(pod, r, instrumentations.get(r.instrumentation));
              problems.push(...p);
              if (!p.length)
                run.injected[
                  `${r.language}${r.level === 'namespace' ? ' (namespace annotation)' : ''}${r.containers.length && r.language !== 'go' ? ` [${r.containers.join(',')}]` : ''}`
                ] =
                  (run.injected[
                    `${r.language}${r.level === 'namespace' ? ' (namespace annotation)' : ''}${r.containers.length && r.language !== 'go' ? ` [${r.containers.join(',')}]` : ''}`
                  ] ?? 0) + 1;
            }
          }
        }
        expect(problems).toEqual([]);
        const asked = run.objects.filter(
          (o) =>
            /Deployment|StatefulSet|DaemonSet/.test(o.kind) &&
            Object.keys(o.spec.template.metadata?.annotations ?? {}).some((k) => k.includes('/inject-')),
        );
        if (
          asked.length ||
          run.objects.some(
            (o) =>
              o.kind === 'Namespace' &&
              Object.keys(o.metadata.annotations ?? {}).some((k) => k.includes('/inject-')),
          )
        ) {
          expect(Object.keys(run.injected).length).toBeGreaterThan(0);
        }
      });

      test('no drift: a server-side diff (dry-run apply) changes nothing, and re-synthesizing and re-applying is a no-op', async () => {
        const client = session.client;
        const problems: string[] = [];
        const liveNow = new Map<string, any>();
        for (const a of applied()) {
          const o = a.sent;
          const live = await client.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
          liveNow.set(ident(o), live);
          // what a GitOps diff shows, and what the cluster added
          const builtin = isBuiltinApiVersion(o.apiVersion);
          for (const d of visibleDrift(o, live, !builtin)) {
            const text = `${d.path}: ${JSON.stringify(d.desired)} -> ${JSON.stringify(d.live)}`;
            if (builtin && normalizedAway(d)) run.normalized.push({ object: ident(o), kind: o.kind, text });
            else run.visible.push(`${ident(o)} ${text}`);
          }
          const adds: Addition[] = additions(o, live, {
            fieldManager: FIELD_MANAGER,
            crdSchema: builtin ? undefined : crdSchemas.get(`${o.apiVersion} ${o.kind}`),
          });
          for (const x of adds)
            if (x.by !== 'apiserver-default') run.drift.push({ kind: o.kind, path: x.path, by: x.by });
          // server-side diff: the dry-run result equals the stored object
          const dry = await client.apply(o, { dryRun: true });
          if (dry.status >= 300) problems.push(`${ident(o)}: dry-run apply refused: ${dry.body?.message}`);
          else if (!jsonEqual(strip(dry.body), strip(live)))
            problems.push(
              `${ident(o)}: dry-run apply differs from the stored object: ${JSON.stringify(visibleDrift(strip(live), strip(dry.body), true)).slice(0, 400)}`,
            );
          if (dry.warnings.length) problems.push(`${ident(o)}: dry-run warnings ${dry.warnings.join('; ')}`);
        }
        // re-synthesize (a fresh construct tree) and apply for real: nothing is written. Controllers may write
        // status in between, so "written by us" is: our managedFields entry or anything outside status changed.
        const again = source.objects();
        expect(again).toEqual(run.objects);
        const report = await session.applyLayers(again, { keepGoing: true });
        for (const a of report.applied) {
          const prev = liveNow.get(ident(a.sent));
          const ours = (x: any) =>
            (x.metadata.managedFields ?? []).find((m: any) => m.manager === FIELD_MANAGER) ?? null;
          if (a.status >= 300) problems.push(`${ident(a.sent)}: re-apply refused: ${a.error}`);
          else if (!jsonEqual(ours(prev), ours(a.live)) || !jsonEqual(content(prev), content(a.live))) {
            problems.push(
              `${ident(a.sent)}: re-apply wrote a new version: ${JSON.stringify(visibleDrift(content(prev), content(a.live), true)).slice(0, 400)}`,
            );
          }
          if (a.warnings.length)
            problems.push(`${ident(a.sent)}: re-apply warnings ${a.warnings.join('; ')}`);
        }
        expect(problems).toEqual([]);
        expect(run.visible).toEqual([]);
        // and the real client says so too: kubectl diff --server-side of the output (exit 0: no difference)
        const dir = path.join(work, 'diff', name.replace(/[^\w.-]+/g, '_'));
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'output.yaml'), again.map((o) => stringify(o)).join('---\n'));
        const diff = runSync(
          bin('kubernetes', 'kubectl'),
          ['diff', '--server-side', `--field-manager=${FIELD_MANAGER}`, '-f', dir],
          {
            env: { KUBECONFIG: session.state.kubeconfig, KUBECTL_EXTERNAL_DIFF: '' },
            timeoutMs: 120_000,
          },
        );
        expect({ status: diff.status, diff: diff.stdout, stderr: diff.stderr.trim() }).toEqual({
          status: 0,
          diff: '',
          stderr: '',
        });
      });

      test('clean removal: deleting the layers in reverse order leaves no object, finalizer or webhook behind', async () => {
        const t = Date.now();
        await session.deleteLayers(run.objects, { timeoutMs: 120_000 });
        timings[`delete ${name}`] = Date.now() - t;
        expect(await settledLeftovers(session.client, snap0)).toEqual([]);
        const after = await snapshot(session.client);
        // the operator's webhooks are the base install's, untouched
        const hooks = [...after.keys()].filter((k) => /WebhookConfiguration /.test(k));
        expect(hooks).toEqual([...snap0.keys()].filter((k) => /WebhookConfiguration /.test(k)));
      });
    });

    test('the option matrix of the collector issue (its construct entries): every object accepted without warning, CRs admitted, every Service our endpoints name exists, removed cleanly', async () => {
      const client = session.client;
      const entries = buildOptionMatrix()
        .map((e) => ({ id: e.id, objects: (e.configs.find((c) => c.objects)?.objects ?? []) as KObject[] }))
        .filter((e) => e.objects.length);
      expect(entries.length).toBeGreaterThanOrEqual(20);
      // ServiceMonitors need prometheus-operator's CRDs (installed by the user; not part of the output)
      await session.ensurePrerequisite('prometheus-operator');
      const snapBefore = await snapshot(client);
      const t = Date.now();
      const problems: string[] = [];
      const namespaces = new Set<string>();
      let applied = 0;
      let current: KObject[] = [];
      try {
        for (const e of entries) {
          current = e.objects;
          // the namespaces an entry uses without creating them exist already (as in a user's cluster)
          for (const ns of new Set(
            e.objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n),
          )) {
            if (e.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === ns)) continue;
            namespaces.add(ns);
            await client.apply(
              {
                apiVersion: 'v1',
                kind: 'Namespace',
                metadata: { name: ns, labels: { 'e2e.otel-tracing/prepared': 'true' } },
              },
              { fieldManager: 'otel-e2e-setup' },
            );
          }
          for (const o of e.objects) if (o.kind === 'Namespace') namespaces.add(o.metadata.name);
          const report = await session.applyLayers(e.objects, { keepGoing: true });
          applied += report.applied.length;
          for (const a of report.applied) {
            if (a.status >= 300) problems.push(`${e.id}: ${ident(a.sent)}: HTTP ${a.status} ${a.error}`);
            for (const w of a.warnings) problems.push(`${e.id}: ${ident(a.sent)}: warning ${w}`);
          }
          for (const ep of namedEndpoints(e.objects)) {
            if (!ep.service) continue;
            const svc = await poll(
              `Service ${ep.service.namespace}/${ep.service.name}`,
              () => client.get('v1', 'Service', ep.service!.namespace, ep.service!.name),
              30_000,
              250,
            ).catch(() => undefined);
            if (!svc)
              problems.push(
                `${e.id}: ${ep.from}: Service ${ep.service.namespace}/${ep.service.name} does not exist`,
              );
            else if (!svc.spec.ports.some((p: any) => p.port === ep.port))
              problems.push(`${e.id}: ${ep.from}: Service ${ep.service.name} has no port ${ep.port}`);
          }
          await session.deleteLayers(e.objects.filter((o) => o.kind !== 'Namespace'));
          current = [];
        }
      } finally {
        if (current.length) await session.deleteLayers(current.filter((o) => o.kind !== 'Namespace'));
        await session.deleteLayers(
          [...namespaces].map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })),
        );
      }
      timings['option matrix (apply + check + delete)'] = Date.now() - t;
      console.log(`option matrix: ${entries.length} construct entries, ${applied} objects applied`);
      expect(problems).toEqual([]);
      expect(await settledLeftovers(client, snapBefore)).toEqual([]);
      await session.removePrerequisite('prometheus-operator');
    });

    test('a Pod created before its Instrumentation is not injected; the apply order (custom resources before workloads) prevents it', async () => {
      const client = session.client;
      const app = Testing.app();
      const chart = new Chart(app, 'order', { namespace: 'order-demo' });
      new kplus.Namespace(chart, 'ns', { metadata: { name: 'order-demo' } });
      const agent = 'otel-agent-collector.observability.svc.cluster.local';
      const inst = new Instrumentation(chart, 'inst', {
        name: 'tracing',
        namespace: 'order-demo',
        endpoint: {
          otlpGrpcUrl: `http://${agent}:4317`,
          otlpHttpUrl: `http://${agent}:4318`,
          requiredEnv: [],
        },
      });
      const d = new kplus.Deployment(chart, 'shop', {
        metadata: { name: 'shop' },
        replicas: 1,
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/shop:1.0.0',
            securityContext: { ensureNonRoot: false },
          },
        ],
      });
      inst.inject(d, { languages: [InjectLanguage.java()] });
      const objects = Testing.synth(chart) as KObject[];
      const byKind = (k: string) => objects.filter((o) => o.kind === k);
      // the order the library writes: the Instrumentation's layer comes before the Deployment's
      expect(applyLayerOf(byKind('Instrumentation')[0])).toBe(ApplyLayer.CUSTOM_RESOURCES);
      expect(applyLayerOf(byKind('Deployment')[0])).toBe(ApplyLayer.WORKLOADS);
      const podsOf = async () =>
        (await client.list('v1', 'Pod', 'order-demo')).filter((p) => !p.metadata.deletionTimestamp);
      try {
        // wrong order: the workload first
        for (const o of [...byKind('Namespace'), ...byKind('Deployment')])
          expect((await client.apply(o)).status).toBeLessThan(300);
        const early = await poll(
          'a Pod of order-demo/shop',
          async () => ((await podsOf()).length ? podsOf() : undefined),
          60_000,
          250,
        );
        expect(early.every(notInjected)).toBe(true);
        // the Instrumentation afterwards does not change the Pod that exists
        expect((await client.apply(byKind('Instrumentation')[0])).status).toBeLessThan(300);
        await sleep(2000);
        const still = await podsOf();
        expect(still.map((p) => p.metadata.uid)).toEqual(early.map((p) => p.metadata.uid));
        expect(still.every(notInjected)).toBe(true);
        await session.deleteLayers(objects);
        expect(await podsOf()).toEqual([]);

        // the apply order of the library: injected at creation
        const report = await session.applyLayers(objects);
        expect(report.applied.map((a) => a.sent.kind)).toEqual([
          'Namespace',
          'Instrumentation',
          'Deployment',
        ]);
        const pods = await poll(
          'a Pod of order-demo/shop',
          async () => ((await podsOf()).length ? podsOf() : undefined),
          60_000,
          250,
        );
        const live = await client.get(
          'opentelemetry.io/v1alpha1',
          'Instrumentation',
          'order-demo',
          'tracing',
        );
        for (const p of pods)
          expect(
            injectionProblems(
              p,
              { language: 'java', instrumentation: 'order-demo/tracing', containers: ['app'], level: 'pod' },
              live,
            ),
          ).toEqual([]);
      } finally {
        await session.deleteLayers(objects);
      }
    });

    test('an applied object that sets no field is written again on its next apply, a labelled one is not (why the stack Namespace has labels)', async () => {
      const client = session.client;
      const rv = async (o: KObject) => {
        const r = await client.apply(o);
        expect(r.status).toBeLessThan(300);
        return {
          rv: r.body.metadata.resourceVersion as string,
          managers: (r.body.metadata.managedFields ?? []).map((m: any) => m.manager),
        };
      };
      const bare: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'e2e-bare' } };
      const labelled: KObject = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'e2e-labelled', labels: { 'app.kubernetes.io/part-of': 'opentelemetry-tracing' } },
      };
      try {
        const b1 = await rv(bare);
        const b2 = await rv(bare);
        const b3 = await rv(bare);
        expect(b1.managers).toEqual([]);
        expect(b2.rv).not.toBe(b1.rv);
        expect(b2.managers).toEqual(['before-first-apply']);
        expect(b3.rv).toBe(b2.rv);
        const l1 = await rv(labelled);
        const l2 = await rv(labelled);
        expect(l1.managers).toEqual([FIELD_MANAGER]);
        expect(l2.rv).toBe(l1.rv);
      } finally {
        await session.deleteLayers([bare, labelled]);
      }
    });

    test('the drift list (what the cluster adds to our objects, and the stored forms of the same values) is the checked-in one', () => {
      const checked = parse(fs.readFileSync(DRIFT_FILE, 'utf8'));
      const computed = {
        defaulted: driftList(runs),
        normalized: normalizedList(runs),
      };
      if (JSON.stringify(computed) !== JSON.stringify(checked.stacks))
        console.log(`computed drift list (stacks):\n${JSON.stringify(computed, null, 2)}`);
      expect(checked.stacks).toEqual(computed);
      // what every GitOps diff shows: nothing
      expect(checked.visible).toEqual([]);
      expect(runs.flatMap((r) => r.visible)).toEqual([]);
      // the stored-form differences all come from the examples' own cdk8s-plus workloads, none from the library
      const ours = new Set(
        runs.flatMap((r) =>
          r.objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s').map(ident),
        ),
      );
      expect(runs.flatMap((r) => r.normalized).filter((n) => ours.has(n.object))).toEqual([]);
      // every webhook / CRD default on a custom resource has its ignoreDifferences entry, and nothing else has
      expect(ignoreExpressions(checked.ignoreDifferences, 'opentelemetry.io')).toEqual(
        expectedExpressions(computed.defaulted),
      );
    });

    test('removing the operator install leaves the cluster as it was (no CRD, webhook, finalizer or namespace)', async () => {
      await session.deleteLayers(base.objects);
      expect(await settledLeftovers(session.client, before)).toEqual([]);
      const after = await snapshot(session.client);
      expect(
        [...after.keys()].filter((k) => k.includes('opentelemetry') || k.includes(OPERATOR_WEBHOOK_SERVICE)),
      ).toEqual([]);
    });
  },
);

/** What we and other writers of the spec own: the object without status and per-write metadata. */
function content(o: any): any {
  const { managedFields: _m, resourceVersion: _r, ...metadata } = o.metadata ?? {};
  const { status: _s, ...rest } = o;
  return { ...rest, metadata };
}

/** An object without what the server manages per write (for comparing two reads of it). */
function strip(o: any): any {
  const { managedFields: _m, ...metadata } = o.metadata ?? {};
  return { ...o, metadata };
}

/** The drift of all runs, deduplicated: kind -> who -> paths. */
function driftList(runs: readonly SourceRun[]): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, Set<string>>> = {};
  for (const r of runs) {
    for (const d of r.drift) {
      out[d.kind] ??= {};
      (out[d.kind][d.by] ??= new Set()).add(d.path);
    }
  }
  const sorted: Record<string, Record<string, string[]>> = {};
  for (const k of Object.keys(out).sort()) {
    sorted[k] = {};
    for (const by of Object.keys(out[k]).sort()) sorted[k][by] = [...out[k][by]].sort();
  }
  return sorted;
}

/** Stored-form differences of all runs, per kind, list items generalized (`[*]`). */
function normalizedList(runs: readonly SourceRun[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const r of runs)
    for (const n of r.normalized) (out[n.kind] ??= new Set()).add(n.text.replace(/\[name=[^\]]+\]/g, '[*]'));
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, [...out[k]].sort()]),
  );
}

/** The webhook / CRD defaults on custom resources, per kind, as Argo CD jq path expressions. */
function expectedExpressions(list: Record<string, Record<string, string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, byWho] of Object.entries(list)) {
    const paths = [...(byWho.webhook ?? []), ...(byWho['crd-default'] ?? [])];
    if (paths.length) out[kind] = paths.map(jqPath).sort();
  }
  return out;
}

/** `spec.a.b` -> `.spec.a.b`, `metadata.annotations[k/x]` -> `.metadata.annotations["k/x"]`. */
function jqPath(p: string): string {
  return p
    .replace(/\[([^\]]+)\]/g, (_m, k) => `["${k}"]`)
    .replace(/^/, '.')
    .replace(/\.\[/g, '[');
}

/**
 * The jq path expressions of the checked-in ignoreDifferences for a group, per kind; `select(...) | .x`
 * (ignore only when a condition holds) counts as `.x`.
 */
function ignoreExpressions(entries: any[], group: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries ?? []) {
    if (e.group === group)
      out[e.kind] = (e.jqPathExpressions ?? [])
        .map((x: string) => x.replace(/^select\(.*\)\s*\|\s*/, ''))
        .sort();
  }
  return out;
}

function summary(runs: readonly SourceRun[], timings: Record<string, number>): string {
  const lines = ['cluster e2e summary:'];
  for (const r of runs) {
    const perLayer = r.report
      ? Object.entries(r.report.perLayer)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : 'not applied';
    lines.push(
      `  ${r.name}: ${r.objects.length} objects (${perLayer}); admissions ${r.admissions.length}; pods ${Object.values(r.pods).reduce((a, b) => a + b, 0)}; injected ${JSON.stringify(r.injected)}`,
    );
  }
  lines.push(`  timings (ms): ${JSON.stringify(timings)}`);
  return lines.join('\n');
}
