/**
 * The operator install the stacks with `StackOperator.external()` assume ("installed cluster-wide by
 * another team"): the library's `OpenTelemetryOperator` construct on the pinned v0.158.0 release
 * manifest, with Go auto-instrumentation on, and a pre-provisioned serving certificate
 * (`WebhookCertificates.existingSecret`, signed by a CA of the run) — the path without cert-manager.
 * The `StackOperator.install` + cert-manager path is the test of its own (cluster-operator-install.e2e.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ApplyLayer } from '../../../../lib/common/layers';
import { OpenTelemetryOperator, OperatorManifestSource, WebhookCertificates } from '../../../../lib/operator';
import { synthObjects } from '../../../../lib/stack';
import { ref } from '../../../helpers/reference';
import { runSync } from '../procs';
import { ApplyReport, ClusterSession } from './apply';
import { ApiError, KObject } from './client';
import { OPERATOR_WEBHOOK_SERVICE } from './operator';

/** The release manifest the tests install: `OTEL_OPERATOR_MANIFEST`, else the reference copy. */
export function releaseManifestPath(): string {
  const p =
    process.env.OTEL_OPERATOR_MANIFEST ?? ref('opentelemetry-operator', 'opentelemetry-operator.yaml');
  if (!fs.existsSync(p)) {
    throw new Error(
      `cluster: the operator release manifest v0.158.0 is not at ${p}; set OTEL_OPERATOR_MANIFEST to a copy of opentelemetry-operator.yaml`,
    );
  }
  return p;
}

/** Name of the pre-provisioned serving-certificate Secret. */
export const PROVISIONED_SECRET = 'opentelemetry-operator-webhook-tls';

/** A serving certificate for the operator's webhook Service (and 127.0.0.1), signed by a CA of the run. */
export function webhookServingCert(
  dir: string,
  namespace: string,
): { caBundleBase64: string; certPem: string; keyPem: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (n: string) => path.join(dir, n);
  const svc = `${OPERATOR_WEBHOOK_SERVICE}.${namespace}.svc`;
  fs.writeFileSync(
    f('leaf.ext'),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${svc},DNS:${svc}.cluster.local,IP:127.0.0.1\n`,
  );
  const steps: string[][] = [
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('ca.key')],
    [
      'req',
      '-x509',
      '-new',
      '-key',
      f('ca.key'),
      '-sha256',
      '-days',
      '7',
      '-subj',
      '/CN=otel-e2e-internal-pki',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
      '-out',
      f('ca.crt'),
    ],
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('tls.key')],
    [
      'req',
      '-new',
      '-key',
      f('tls.key'),
      '-subj',
      '/CN=opentelemetry-operator-webhook',
      '-out',
      f('tls.csr'),
    ],
    [
      'x509',
      '-req',
      '-in',
      f('tls.csr'),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '7',
      '-sha256',
      '-extfile',
      f('leaf.ext'),
      '-out',
      f('tls.crt'),
    ],
  ];
  for (const a of steps) {
    const r = runSync('openssl', a);
    if (r.status !== 0) throw new Error(`openssl ${a[0]} failed: ${r.stderr}`);
  }
  return {
    caBundleBase64: fs.readFileSync(f('ca.crt')).toString('base64'),
    certPem: fs.readFileSync(f('tls.crt'), 'utf8'),
    keyPem: fs.readFileSync(f('tls.key'), 'utf8'),
  };
}

/** Objects of `OpenTelemetryOperator` built by the library from the release manifest. */
export function operatorObjects(props: {
  certificates: WebhookCertificates;
  goInstrumentation?: boolean;
  namespace?: string;
}): KObject[] {
  const app = new App();
  const chart = new Chart(app, 'operator');
  new OpenTelemetryOperator(chart, 'operator', {
    source: OperatorManifestSource.fromFile(releaseManifestPath()),
    certificates: props.certificates,
    goInstrumentation: props.goInstrumentation ?? true,
    namespace: props.namespace,
  });
  return synthObjects(app) as KObject[];
}

/** The base install: objects applied and the report. */
export interface BaseOperatorInstall {
  readonly objects: KObject[];
  readonly report: ApplyReport;
  readonly namespace: string;
}

/** Installs the operator (existing-Secret certificates) and starts it; resolves when its webhooks answer. */
export async function installBaseOperator(
  session: ClusterSession,
  log?: (m: string) => void,
): Promise<BaseOperatorInstall> {
  const namespace = 'opentelemetry-operator-system';
  const cert = webhookServingCert(path.join(session.state.runDir, 'internal-pki'), namespace);
  const objects = operatorObjects({
    certificates: WebhookCertificates.existingSecret({
      secretName: PROVISIONED_SECRET,
      caBundleBase64: cert.caBundleBase64,
    }),
  });
  const report = await session.applyLayers(objects, {
    log,
    beforeLayer: async (layer) => {
      if (layer !== ApplyLayer.OPERATOR) return;
      // the pre-provisioned Secret (made by "the platform's PKI"), in the namespace layer 00 created
      const secret: KObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: PROVISIONED_SECRET, namespace },
        data: {
          'tls.crt': Buffer.from(cert.certPem).toString('base64'),
          'tls.key': Buffer.from(cert.keyPem).toString('base64'),
        },
      };
      const r = await session.client.apply(secret, { fieldManager: 'otel-e2e-pki', force: true });
      if (r.status >= 300) throw new ApiError(r, 'provisioning the operator serving certificate');
    },
  });
  session.state.extra.baseOperator = {
    namespace,
    objects: objects.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace },
    })),
  };
  return { objects, report, namespace };
}
