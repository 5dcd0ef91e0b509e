import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  cachedManifestPath,
  fetchOperatorManifest,
  OPERATOR_MANIFEST_ENV,
  OperatorManifestSource,
} from '../lib/operator/operator-manifest-source';
import { ARGOCD_SYNC_WAVE_ANNOTATION, OpenTelemetryOperator } from '../lib/operator/opentelemetry-operator';
import { WebhookCertificates } from '../lib/operator/webhook-certificates';
import { CrdRegistry, expectValidManifests } from '../lib/validation';
import { describeWithReference, ref } from './helpers/reference';
import { tempDir, testApp, testChart } from './helpers/temp';

const MANIFEST = ref('opentelemetry-operator', 'opentelemetry-operator.yaml');
const UPSTREAM_NS = 'opentelemetry-operator-system';

/** Upstream objects, parsed independently of the library (the expectation side). */
function upstreamObjects(): any[] {
  return parseAllDocuments(fs.readFileSync(MANIFEST, 'utf8'))
    .map((d) => d.toJS())
    .filter((o) => o);
}

function certManagerCrds(): CrdRegistry {
  return CrdRegistry.fromDirs(ref('cert-manager', 'crds'));
}

function install(props: Partial<ConstructorParameters<typeof OpenTelemetryOperator>[2]> = {}, chartNs?: string) {
  const chart = new Chart(testApp(), 'test', chartNs ? { namespace: chartNs } : {});
  const operator = new OpenTelemetryOperator(chart, 'operator', {
    source: OperatorManifestSource.fromFile(MANIFEST),
    certificates: WebhookCertificates.certManager(),
    ...props,
  });
  return { chart, operator, out: Testing.synth(chart) };
}

function tmpDir(): string {
  return tempDir('operator-');
}

/** A testable PEM CA (public certificate text; the content does not need to be a real CA). */
const FAKE_CA_B64 = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64');

describeWithReference('OpenTelemetryOperator from the release manifest', () => {
  test('every upstream object is emitted, the output validates, CRDs are exposed', () => {
    const { chart, operator, out } = install();
    const upstream = upstreamObjects();
    const key = (o: any) => `${o.kind}/${o.metadata.name}`;
    expect(out.map(key).sort()).toEqual(upstream.map(key).sort());
    expect(operator.crdObjects.map((c) => c.name).sort()).toEqual(
      upstream.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name).sort(),
    );
    expect(operator.names.crds).toEqual(operator.crdObjects.map((c) => c.name).sort());
    // The CRD objects themselves feed the CR registry; cert-manager CRDs come from the reference.
    const result = expectValidManifests(chart, { crds: certManagerCrds() });
    expect(result.ok).toBe(true);
    // CRDs are emitted unchanged (deep equality with the upstream document).
    const crdOut = out.find((o) => o.metadata.name === 'instrumentations.opentelemetry.io');
    expect(crdOut).toEqual(upstream.find((o) => o.metadata.name === 'instrumentations.opentelemetry.io'));
  });

  test('ordering is visible: CRDs and Namespace, then cert-manager objects, then the operator', () => {
    const { out } = install();
    const idx = (pred: (o: any) => boolean) => out.map((o, i) => (pred(o) ? i : -1)).filter((i) => i >= 0);
    const crds = idx((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace');
    const certs = idx((o) => o.apiVersion.startsWith('cert-manager.io/'));
    const rest = idx((o) => !(o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace' || o.apiVersion.startsWith('cert-manager.io/')));
    expect(crds).toHaveLength(5);
    expect(certs).toHaveLength(2);
    expect(Math.max(...crds)).toBeLessThan(Math.min(...certs));
    expect(Math.max(...certs)).toBeLessThan(Math.min(...rest));
  });

  test('Argo CD sync waves per layer, and custom resources after the operator', () => {
    const { chart, operator, out } = install({ argoCdSyncWaves: true });
    const wave = (o: any) => o.metadata.annotations?.[ARGOCD_SYNC_WAVE_ANNOTATION];
    for (const o of out) {
      const expected = o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace' ? '-3' : o.apiVersion.startsWith('cert-manager') ? '-2' : '-1';
      expect([o.kind, wave(o)]).toEqual([o.kind, expected]);
    }
    // upstream annotations survive next to the wave
    const col = out.find((o) => o.metadata.name === 'opentelemetrycollectors.opentelemetry.io');
    expect(col.metadata.annotations['cert-manager.io/inject-ca-from']).toBe(`${UPSTREAM_NS}/opentelemetry-operator-serving-cert`);
    expect(operator.syncWaves?.customResources).toBe(0);
    expect(chart).toBeDefined();
    expect(() => install({ argoCdSyncWaves: { crds: 0, certificates: 0 } })).toThrow(/do not increase crds < certificates/);
  });

  test('namespace option moves every reference (webhooks, RBAC subjects, CA injection, DNS names)', () => {
    const { out, operator } = install({ namespace: 'otel-operator' });
    expect(operator.namespace).toBe('otel-operator');
    expect(JSON.stringify(out)).not.toContain(UPSTREAM_NS);
    const ns = out.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.name).toBe('otel-operator');
    const mwc = out.find((o) => o.kind === 'MutatingWebhookConfiguration');
    expect(new Set(mwc.webhooks.map((w: any) => w.clientConfig.service.namespace))).toEqual(new Set(['otel-operator']));
    expect(mwc.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('otel-operator/opentelemetry-operator-serving-cert');
    const cert = out.find((o) => o.kind === 'Certificate');
    expect(cert.spec.dnsNames).toContain('opentelemetry-operator-webhook-service.otel-operator.svc');
    const crb = out.find((o) => o.kind === 'ClusterRoleBinding');
    expect(crb.subjects[0].namespace).toBe('otel-operator');
    expect(crb.metadata.namespace).toBeUndefined();
  });

  test('a chart namespace does not leak onto cluster-scoped objects', () => {
    const { out } = install({}, 'apps');
    for (const kind of ['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'Namespace']) {
      expect(out.filter((o) => o.kind === kind).map((o) => o.metadata.namespace)).not.toContain('apps');
    }
    expect(out.find((o) => o.kind === 'Deployment').metadata.namespace).toBe(UPSTREAM_NS);
  });

  test('manager patches: Go and nginx switches, image, resources, args (as objects)', () => {
    const { out, operator } = install({
      goInstrumentation: true,
      nginxInstrumentation: false,
      image: 'registry.example.com/otel/opentelemetry-operator:0.158.0',
      resources: { cpuRequestMillis: 200, memoryRequestMiB: 128, memoryLimitMiB: 256 },
      extraArgs: ['--zap-log-level=debug'],
    });
    expect(operator.goInstrumentation).toBe(true);
    expect(operator.nginxInstrumentation).toBe(false);
    const dep = out.find((o) => o.kind === 'Deployment');
    const c = dep.spec.template.spec.containers.find((x: any) => x.name === 'manager');
    const env = Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env.ENABLE_GO_AUTO_INSTRUMENTATION).toBe('true');
    expect(env.ENABLE_NGINX_AUTO_INSTRUMENTATION).toBe('false');
    // nginx was already in the upstream env: replaced, not duplicated
    expect(c.env.filter((e: any) => e.name === 'ENABLE_NGINX_AUTO_INSTRUMENTATION')).toHaveLength(1);
    expect(c.image).toBe('registry.example.com/otel/opentelemetry-operator:0.158.0');
    expect(c.resources).toEqual({ requests: { cpu: '200m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.args).toEqual(['--zap-log-level=info', '--zap-time-encoding=rfc3339nano', '--zap-log-level=debug']);
  });

  test('defaults keep the upstream switches (Go off, nginx on)', () => {
    const { out, operator } = install();
    expect([operator.goInstrumentation, operator.nginxInstrumentation]).toEqual([false, true]);
    const c = out.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'ENABLE_GO_AUTO_INSTRUMENTATION').value).toBe('false');
    expect(c.image).toBe('ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator:0.158.0');
  });

  test('existing-secret certificates: no cert-manager objects, caBundle on every webhook, secret mounted', () => {
    const { chart, out } = install({
      certificates: WebhookCertificates.existingSecret({ secretName: 'operator-webhook-tls', caBundleBase64: FAKE_CA_B64 }),
    });
    expect(out.filter((o) => o.apiVersion.startsWith('cert-manager.io/'))).toEqual([]);
    expect(JSON.stringify(out)).not.toContain('cert-manager.io/inject-ca-from');
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const w = out.find((o) => o.kind === kind);
      expect(w.webhooks.every((x: any) => x.clientConfig.caBundle === FAKE_CA_B64)).toBe(true);
    }
    const col = out.find((o) => o.metadata.name === 'opentelemetrycollectors.opentelemetry.io');
    expect(col.spec.conversion.webhook.clientConfig.caBundle).toBe(FAKE_CA_B64);
    const dep = out.find((o) => o.kind === 'Deployment');
    expect(dep.spec.template.spec.volumes[0].secret.secretName).toBe('operator-webhook-tls');
    expectValidManifests(chart);
  });

  test('chartPerLayer puts each layer in its own chart, ordered crds -> certificates -> operator', () => {
    const app = testApp();
    const operator = new OpenTelemetryOperator(app, 'operator', {
      source: OperatorManifestSource.fromFile(MANIFEST),
      certificates: WebhookCertificates.certManager(),
      chartPerLayer: true,
    });
    const order = app.charts.map((c) => c.node.id);
    expect(order).toEqual(['crds', 'certificates', 'operator']);
    expect(operator.crdsLayer).toBeInstanceOf(Chart);
    const kinds = (c: Chart) => new Set(c.toJson().map((o: any) => o.kind));
    expect(kinds(operator.crdsLayer as Chart)).toEqual(new Set(['Namespace', 'CustomResourceDefinition']));
    expect(kinds(operator.certificatesLayer as Chart)).toEqual(new Set(['Certificate', 'Issuer']));
    expect(kinds(operator.operatorLayer as Chart)).toContain('Deployment');
    // files: one per chart, in dependency order
    app.synth();
    expect(fs.readdirSync(app.outdir).sort()).toHaveLength(3);
  });

  test('cert-manager installed in the same app: the certificates layer depends on it', () => {
    const app = testApp();
    const certManager = new Chart(app, 'cert-manager');
    const chart = new Chart(app, 'otel');
    new OpenTelemetryOperator(chart, 'operator', {
      source: OperatorManifestSource.fromFile(MANIFEST),
      certificates: WebhookCertificates.certManager({ installedBy: certManager }),
    });
    Testing.synth(chart); // resolves dependencies
    expect(chart.node.dependencies).toContain(certManager);
    expect(app.charts.map((c) => c.node.id)).toEqual(['cert-manager', 'otel']);
  });

  test('snapshot of the operator layer shape (kinds and names in apply order)', () => {
    const { out } = install({ goInstrumentation: true });
    const summary = out.map((o) => `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
    // semantic assertions beside the snapshot
    expect(summary[0]).toBe(`Namespace ${UPSTREAM_NS}`);
    expect(summary).toContain(`Deployment ${UPSTREAM_NS}/opentelemetry-operator-controller-manager`);
    expect(summary).toMatchSnapshot();
  });
});

describe('OpenTelemetryOperator sources', () => {
  test('external(): emits nothing, still exposes names, namespace and switches', () => {
    const chart = testChart();
    const operator = new OpenTelemetryOperator(chart, 'operator', {
      source: OperatorManifestSource.external(),
      namespace: 'observability',
      goInstrumentation: true,
    });
    expect(Testing.synth(chart)).toEqual([]);
    expect(operator.external).toBe(true);
    expect(operator.namespace).toBe('observability');
    expect(operator.goInstrumentation).toBe(true);
    expect(operator.names.deployment).toBe('opentelemetry-operator-controller-manager');
    expect(operator.names.crds).toContain('instrumentations.opentelemetry.io');
    expect(operator.crdObjects).toEqual([]);
  });

  test('fromRelease() offline with an empty cache fails, naming how to supply the file', () => {
    const dir = tmpDir();
    expect(() => OperatorManifestSource.fromRelease({ cacheDir: dir }).readText()).toThrow(
      /not in the cache.*fetchOperatorManifest.*fromFile.*OTEL_OPERATOR_MANIFEST/,
    );
  });

  test('fetchOperatorManifest() offline fails clearly', async () => {
    const dir = tmpDir();
    // Port 9 (discard) on localhost is closed here: a deterministic "no network" failure.
    await expect(fetchOperatorManifest({ cacheDir: dir, url: 'http://127.0.0.1:9/opentelemetry-operator.yaml', timeoutMs: 5000 })).rejects.toThrow(
      /could not download the operator manifest v0\.158\.0 .*copy opentelemetry-operator\.yaml.*fromFile/,
    );
    expect(fs.existsSync(cachedManifestPath(dir))).toBe(false);
  });
});

describeWithReference('OpenTelemetryOperator sources (with reference data)', () => {
  test('cache hit: fetchOperatorManifest() does not download, fromRelease() reads the cached file', async () => {
    const dir = tmpDir();
    const cached = cachedManifestPath(dir);
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.copyFileSync(MANIFEST, cached); // pre-filled cache (a temp dir, not the repository)
    // An unreachable URL proves no request is made on a cache hit.
    await expect(fetchOperatorManifest({ cacheDir: dir, url: 'http://127.0.0.1:9/never' })).resolves.toBe(cached);
    const chart = testChart();
    const op = new OpenTelemetryOperator(chart, 'op', {
      source: OperatorManifestSource.fromRelease({ cacheDir: dir }),
      certificates: WebhookCertificates.certManager(),
    });
    expect(op.crdObjects).toHaveLength(4);
  });

  /** A local HTTP server standing in for the release download (no internet here). */
  async function serve(body: string): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
    let count = 0;
    const server = http.createServer((_req, res) => {
      count++;
      res.writeHead(200, { 'content-type': 'application/yaml' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/opentelemetry-operator.yaml`,
      requests: () => count,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  test('download once: the first fetch stores the manifest, the second is a cache hit', async () => {
    const srv = await serve(fs.readFileSync(MANIFEST, 'utf8'));
    try {
      const dir = tmpDir();
      const first = await fetchOperatorManifest({ cacheDir: dir, url: srv.url });
      const second = await fetchOperatorManifest({ cacheDir: dir, url: srv.url });
      expect(first).toBe(cachedManifestPath(dir));
      expect(second).toBe(first);
      expect(srv.requests()).toBe(1);
      expect(fs.readFileSync(first, 'utf8')).toBe(fs.readFileSync(MANIFEST, 'utf8'));
    } finally {
      await srv.close();
    }
  });

  test('a download that is not the pinned manifest is rejected and not cached', async () => {
    const srv = await serve('<html>rate limited</html>');
    try {
      const dir = tmpDir();
      await expect(fetchOperatorManifest({ cacheDir: dir, url: srv.url })).rejects.toThrow(/not a Kubernetes object|lacks apiVersion/);
      expect(fs.existsSync(cachedManifestPath(dir))).toBe(false);
    } finally {
      await srv.close();
    }
  });

  test('fromEnv() reads OTEL_OPERATOR_MANIFEST; unset is a clear error', () => {
    const saved = process.env[OPERATOR_MANIFEST_ENV];
    try {
      process.env[OPERATOR_MANIFEST_ENV] = MANIFEST;
      const chart = testChart();
      const op = new OpenTelemetryOperator(chart, 'op', {
        source: OperatorManifestSource.fromEnv(),
        certificates: WebhookCertificates.certManager(),
      });
      expect(op.apiObjects.length).toBe(upstreamObjects().length);
      delete process.env[OPERATOR_MANIFEST_ENV];
      expect(() => OperatorManifestSource.fromEnv()).toThrow(/OTEL_OPERATOR_MANIFEST is not set; set it to the path/);
    } finally {
      if (saved === undefined) delete process.env[OPERATOR_MANIFEST_ENV];
      else process.env[OPERATOR_MANIFEST_ENV] = saved;
    }
  });

  describe('bad inputs', () => {
    test('no certificate source', () => {
      expect(() => install({ certificates: undefined })).toThrow(/webhook certificates are not configured.*certManager\(\).*existingSecret/);
    });
    test('manifest of another version', () => {
      const file = path.join(tmpDir(), 'old.yaml');
      fs.writeFileSync(file, fs.readFileSync(MANIFEST, 'utf8').replace(/opentelemetry-operator:0\.158\.0/g, 'opentelemetry-operator:0.150.0'));
      expect(() => install({ source: OperatorManifestSource.fromFile(file) })).toThrow(/is for version 0\.150\.0.*pinned to v0\.158\.0/);
    });
    test('a file that is not the operator manifest', () => {
      const file = path.join(tmpDir(), 'other.yaml');
      fs.writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
      expect(() => install({ source: OperatorManifestSource.fromFile(file) })).toThrow(/Deployment opentelemetry-operator-controller-manager not found/);
    });
    test('missing file', () => {
      expect(() => install({ source: OperatorManifestSource.fromFile('/nonexistent/operator.yaml') })).toThrow(/does not exist; download/);
    });
    test('invalid namespace', () => {
      expect(() => install({ namespace: 'Otel_Operator' })).toThrow(/namespace "Otel_Operator" is not a valid DNS label/);
    });
    test('unpinned image', () => {
      expect(() => install({ image: 'my-operator' })).toThrow(/image "my-operator" is not a pinned image reference/);
    });
    test('bad resources', () => {
      expect(() => install({ resources: { memoryLimitMiB: -1 } })).toThrow(/resources.memoryLimitMiB -1 is invalid/);
      expect(() => install({ resources: { cpuRequestMillis: 500, cpuLimitMillis: 100 } })).toThrow(/cpu limit 100m is below the request 500m/);
    });
    test('extra arg that is not a flag', () => {
      expect(() => install({ extraArgs: ['debug'] })).toThrow(/extraArgs entry "debug" is not a flag/);
    });
    test('existing secret with a private key or non-PEM bundle', () => {
      const key = Buffer.from('-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n').toString('base64');
      expect(() => WebhookCertificates.existingSecret({ secretName: 'tls', caBundleBase64: key })).toThrow(/contains a private key/);
      expect(() => WebhookCertificates.existingSecret({ secretName: 'tls', caBundleBase64: 'bm90IGEgY2VydA==' })).toThrow(/does not decode to a PEM/);
      expect(() => WebhookCertificates.existingSecret({ secretName: 'TLS!', caBundleBase64: FAKE_CA_B64 })).toThrow(/secretName "TLS!" is not a valid/);
    });
  });
});
