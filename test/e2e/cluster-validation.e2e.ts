/**
 * Differential check of the library's validation: `validateManifests` (with the reference CRDs) against
 * kube-apiserver 1.36.3 (server-side apply, dryRun=All, fieldValidation=Strict) on every object we emit
 * (the default app, every stack, every example, the injection matrix, the operator install in both
 * certificate modes) and on broken variants of them (harness/cluster/variants.ts): built-in kinds and
 * custom resources, including the CRDs' CEL rules. The judge is the API server alone (CRDs installed,
 * no admission webhooks): the operator's webhooks are judged in cluster-stacks.e2e.ts.
 *
 * Every disagreement is listed with its reason in cluster-known-differences.yaml; the test asserts that
 * list exactly (a new disagreement, or a listed one that no longer happens, fails).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ValidateOptions, validateManifests } from '../../lib/validation';
import { WebhookCertificates } from '../../lib/operator';
import { referenceCrds } from '../helpers/validate';
import { ClusterSession, ident } from './harness/cluster/apply';
import { prerequisiteCrds } from './harness/cluster/cert-manager';
import { KObject } from './harness/cluster/client';
import { destroyRun, startControlPlane } from './harness/cluster/control-plane';
import { MATRIX_SOURCE } from './harness/cluster/matrix';
import { operatorObjects, webhookServingCert } from './harness/cluster/operator-install';
import { Variant, variantsOf } from './harness/cluster/variants';
import { describeE2E, versionNote } from './harness/e2e';
import { SOURCES } from './harness/emitted';
import { buildMatrix as buildOptionMatrix } from './harness/matrix';
import { cleanupTempDirs, tempDir } from './harness/procs';

const KNOWN_FILE = path.join(__dirname, 'cluster-known-differences.yaml');

/** Both verdicts on one object. */
interface Verdicts {
  readonly id: string;
  readonly ours: boolean;
  readonly oursErrors: string[];
  readonly server: boolean;
  readonly serverMessage?: string;
  readonly warnings: readonly string[];
}

describeE2E('differential check: validateManifests against the real API server', () => {
  const work = tempDir('cluster-validation');
  const runDir = path.join(work, 'run');
  let session: ClusterSession;
  const options: ValidateOptions = { crds: referenceCrds() };

  // every object we emit with the output it belongs to (our validation judges a whole output: its
  // cross-object checks need the rest): the sources, the injection matrix, the operator install in both
  // certificate modes, and the construct entries of the collector issue's option matrix. Variants are made
  // from the first object of each kind and name.
  const all: KObject[] = [];
  const seen = new Set<string>();
  const outputOf = new Map<KObject, KObject[]>();
  const distinct = new Map<string, KObject>();
  const add = (objs: readonly KObject[]) => {
    for (const o of objs) {
      outputOf.set(o, objs as KObject[]);
      const key = JSON.stringify(o);
      if (!distinct.has(key)) distinct.set(key, o);
      if (seen.has(ident(o))) continue;
      seen.add(ident(o));
      all.push(o);
    }
  };
  for (const s of [...SOURCES, MATRIX_SOURCE]) add(s.objects());
  const cert = webhookServingCert(path.join(work, 'pki'), 'opentelemetry-operator-system');
  add(operatorObjects({ certificates: WebhookCertificates.certManager() }));
  add(
    operatorObjects({
      certificates: WebhookCertificates.existingSecret({
        secretName: 'operator-tls',
        caBundleBase64: cert.caBundleBase64,
      }),
    })
      .filter((o) => /WebhookConfiguration$/.test(o.kind))
      .map((o) => ({ ...o, metadata: { ...o.metadata, name: `${o.metadata.name}-existing-secret` } })),
  );
  const optionMatrix = buildOptionMatrix()
    .map((e) => (e.configs.find((c) => c.objects)?.objects ?? []) as KObject[])
    .filter((objs) => objs.length);
  for (const objs of optionMatrix) add(objs);
  const variants: Variant[] = variantsOf(all);
  const results: Verdicts[] = [];

  beforeAll(async () => {
    const state = await startControlPlane({ runDir, controllerManager: false });
    session = new ClusterSession(state, true);
    // what the objects need to exist: their namespaces, the operator's and cert-manager's CRDs
    const crds = [
      ...all.filter((o) => o.kind === 'CustomResourceDefinition'),
      ...prerequisiteCrds('cert-manager'),
      ...prerequisiteCrds('prometheus-operator'),
    ];
    for (const crd of crds) expect((await session.client.apply(crd)).status).toBeLessThan(300);
    await session.waitEstablished(crds);
    const namespaces = new Set(
      [...distinct.values()].map((o) => o.metadata.namespace).filter((n): n is string => !!n),
    );
    for (const o of [...distinct.values()].filter((x) => x.kind === 'Namespace'))
      namespaces.add(o.metadata.name);
    for (const ns of namespaces) {
      const r = await session.client.apply(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        { fieldManager: 'otel-e2e-setup' },
      );
      expect(r.status).toBeLessThan(300);
    }
  }, 180_000);

  afterAll(async () => {
    await destroyRun(runDir);
    cleanupTempDirs();
  });

  /** Our verdict on the output `original` belongs to, with `o` in its place; the server's on `o` alone. */
  async function judge(id: string, o: KObject, original: KObject = o): Promise<Verdicts> {
    const output = outputOf.get(original)!.map((x) => (x === original ? o : x));
    const mine = validateManifests(output, options);
    const r = await session.client.apply(o, { dryRun: true }).catch(async (e) => {
      // an apiVersion the API server does not serve: what a client gets asking for it
      if (!/does not serve/.test((e as Error).message)) throw e;
      const plural = (await session.client.resource(original.apiVersion, original.kind)).plural;
      return session.client.request(
        'PATCH',
        `/apis/${o.apiVersion}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`,
        {
          query: { fieldManager: 'otel-e2e', fieldValidation: 'Strict', dryRun: 'All' },
          body: o,
          contentType: 'application/apply-patch+yaml',
        },
      );
    });
    return {
      id,
      ours: mine.ok,
      oursErrors: mine.errors.map((e) => `${e.path}: ${e.message}`),
      server: r.status >= 200 && r.status < 300,
      serverMessage: r.status >= 300 ? `HTTP ${r.status}: ${r.body?.message ?? r.body}` : undefined,
      warnings: r.warnings,
    };
  }

  test(`every emitted object is accepted by both (${versionNote('kubernetes')})`, async () => {
    expect(optionMatrix.length).toBeGreaterThanOrEqual(20);
    expect(distinct.size).toBeGreaterThan(150);
    console.log(
      `differential: ${distinct.size} distinct emitted objects (${optionMatrix.length} option-matrix entries included)`,
    );
    const bad: string[] = [];
    for (const o of distinct.values()) {
      const v = await judge(ident(o), o);
      if (v.warnings.length) bad.push(`${v.id}: API warnings ${v.warnings.join('; ')}`);
      if (!v.ours || !v.server)
        bad.push(
          `${v.id}: ours ${v.ours ? 'accepts' : `refuses (${v.oursErrors.join('; ')})`}, server ${v.server ? 'accepts' : `refuses (${v.serverMessage})`}`,
        );
    }
    expect(bad).toEqual([]);
  });

  test('broken variants: the verdicts agree, except the checked-in known differences', async () => {
    expect(variants.length).toBeGreaterThanOrEqual(200);
    for (const v of variants) results.push(await judge(v.id, v.object, v.original));
    const serverRefused = results.filter((r) => !r.server).length;
    console.log(
      `differential: ${variants.length} variants of ${all.length} objects; the API server refused ${serverRefused}, ours refused ${results.filter((r) => !r.ours).length}`,
    );
    // the variants really are broken for the API server, mostly
    expect(serverRefused).toBeGreaterThan(variants.length * 0.8);

    if (process.env.E2E_VERBOSE) {
      const byMutation = new Map<string, Verdicts>();
      for (const r of results)
        if (!byMutation.has(r.id.split(':').pop()!)) byMutation.set(r.id.split(':').pop()!, r);
      for (const [m, r] of byMutation)
        console.log(`${m}: ours [${r.oursErrors[0] ?? 'accepts'}] server [${r.serverMessage ?? 'accepts'}]`);
    }
    const disagreements = results.filter((r) => r.ours !== r.server);
    const known = parse(fs.readFileSync(KNOWN_FILE, 'utf8'));
    const listed = new Map<string, { ours: string; server: string }>();
    for (const d of known.differences ?? [])
      for (const id of d.variants) listed.set(id, { ours: d.ours, server: d.server });
    const actual = disagreements.map((d) => ({
      id: d.id,
      ours: d.ours ? 'accepts' : 'refuses',
      server: d.server ? 'accepts' : 'refuses',
    }));
    const unexpected = actual.filter(
      (a) => !listed.has(a.id) || listed.get(a.id)!.ours !== a.ours || listed.get(a.id)!.server !== a.server,
    );
    if (unexpected.length) {
      console.log(
        `disagreements not in ${path.basename(KNOWN_FILE)}:\n${unexpected
          .map((u) => {
            const r = results.find((x) => x.id === u.id)!;
            return `  ${u.id}: ours ${u.ours} [${r.oursErrors.join('; ')}], server ${u.server} [${r.serverMessage ?? ''}]`;
          })
          .join('\n')}`,
      );
    }
    expect(unexpected).toEqual([]);
    // and every listed one still happens
    expect([...listed.keys()].filter((id) => !actual.some((a) => a.id === id))).toEqual([]);
  });
});
