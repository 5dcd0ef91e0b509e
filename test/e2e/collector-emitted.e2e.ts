/**
 * The real collector (otelcol-k8s 0.158.0, built by the harness) judges every collector config the
 * default app, the stacks and the examples emit: `otelcol validate` passes, and the collector started on
 * it (in an empty network namespace, with the env its container gets and the files its config names)
 * reaches "Everything is ready" with no deprecation warning and no error before that.
 */
import * as path from 'path';
import { collectorSandbox, inClusterAccess } from './harness/config-files';
import { bin, describeE2E, versionNote } from './harness/e2e';
import { findConfigs, SOURCES } from './harness/emitted';
import { judge, writeConfig } from './harness/otelcol';
import { podEnv } from './harness/pod-env';
import { cleanupTempDirs, stopAll, tempDir } from './harness/procs';

const POD = {
  podName: 'pod-0',
  namespace: 'observability',
  podIp: '10.0.0.10',
  hostIp: '10.0.0.1',
  nodeName: 'node-1',
};

describeE2E('real collector: every emitted collector config', () => {
  const work = tempDir('collector-emitted');
  // components that build a Kubernetes client at start find a kubeconfig; nothing needs to answer
  // before "ready" (informers retry in the background)
  const kubeconfig = writeConfig(work, 'kubeconfig', {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'e2e', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true } },
    ],
    users: [{ name: 'e2e', user: { token: 'e2e' } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e' } }],
    'current-context': 'e2e',
  });
  afterAll(async () => {
    await stopAll();
    cleanupTempDirs();
  });

  const cases = SOURCES.flatMap((s) =>
    findConfigs(s.objects())
      .filter((c) => c.program === 'otelcol')
      .map((c) => ({ name: `${s.name}: ${c.where}`, found: c })),
  );

  test('the sources emit collector configs', () => {
    console.log(`judge: ${versionNote('otelcol')}; ${cases.length} collector configs`);
    // every stack has at least an agent; tail-sampling stacks a gateway too
    expect(cases.length).toBeGreaterThanOrEqual(SOURCES.length);
  });

  test.each(cases.map((c) => [c.name, c.found] as const))('%s', async (name, found) => {
    const file = writeConfig(work, name, found.config);
    const pki = path.join(work, 'pki');
    const access = inClusterAccess(POD.namespace, pki);
    const env = { ...access.env, ...podEnv(found.env, POD), KUBECONFIG: kubeconfig };
    const verdict = await judge(bin('otelcol'), file, {
      env,
      work,
      sandbox: collectorSandbox(found.config, pki, access.files),
    });
    if (!verdict.ok || verdict.deprecations.length) console.log(`${name}\n${verdict.log}`);
    expect(verdict.errors).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.deprecations).toEqual([]);
  });
});
