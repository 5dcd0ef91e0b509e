/**
 * cert-manager is not running in the test cluster; the harness does its two jobs for the operator's
 * objects, as cert-manager would, under cert-manager's field-manager names:
 *
 * - issuing: for a `Certificate` whose Issuer is `selfSigned`, the Secret `spec.secretName` with a
 *   self-signed certificate for `spec.dnsNames` (type kubernetes.io/tls; `ca.crt` is the certificate).
 *   The one addition: the IP SAN 127.0.0.1, because the webhooks are served there.
 * - CA injection (cainjector): the `caBundle` of every webhook and CRD conversion webhook of an object
 *   annotated `cert-manager.io/inject-ca-from: <ns>/<certificate>`, from that Certificate's Secret.
 *
 * The cert-manager CRDs (v1.21.1, reference data) are installed by `ensureCertManagerCrds`, so Issuers and
 * Certificates are checked by the API server against cert-manager's own schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ref } from '../../../helpers/reference';
import { ApiClient, ApiError, KObject } from './client';
import { selfSignedServing } from './pki';

/** The annotation cainjector reads. */
export const INJECT_CA_FROM = 'cert-manager.io/inject-ca-from';
/** Field managers cert-manager uses. */
export const CERT_MANAGER_ISSUING = 'cert-manager-certificates-issuing';
export const CERT_MANAGER_CAINJECTOR = 'cert-manager-cainjector';
/** Field manager of the prerequisite CRDs. */
export const CERT_MANAGER_INSTALL = 'cert-manager-install';

/**
 * Operators whose CRDs our manifests may use without installing them (the user installs the operator):
 * cert-manager (Issuer, Certificate: v1.21.1) and prometheus-operator (ServiceMonitor), from the
 * reference data; group -> folder.
 */
export const PREREQUISITES: Readonly<Record<string, { readonly group: string; readonly folder: string }>> = {
  'cert-manager': { group: 'cert-manager.io', folder: 'cert-manager' },
  'prometheus-operator': { group: 'monitoring.coreos.com', folder: 'prometheus-operator' },
};

/** The CRDs of a prerequisite, from the reference data. */
export function prerequisiteCrds(name: keyof typeof PREREQUISITES | string): KObject[] {
  const p = PREREQUISITES[name];
  if (!p)
    throw new Error(`cluster: no prerequisite "${name}"; known: ${Object.keys(PREREQUISITES).join(', ')}`);
  const dir = ref(p.folder, 'crds');
  if (!fs.existsSync(dir)) {
    throw new Error(
      `cluster: ${name} CRDs not found in ${dir}; set OTEL_K8S_REFERENCE_DIR to the reference data (${p.folder}/crds)`,
    );
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KObject),
    )
    .filter((o) => o && o.kind === 'CustomResourceDefinition');
}

/** The cert-manager CRDs of the reference data. */
export function certManagerCrds(): KObject[] {
  return prerequisiteCrds('cert-manager');
}

/**
 * Issues every `Certificate` in `objects` that has no Secret yet (selfSigned Issuers only). Returns the
 * Secrets written.
 */
export async function issueCertificates(
  client: ApiClient,
  objects: readonly KObject[],
  workDir: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const cert of objects.filter(
    (o) => o.kind === 'Certificate' && o.apiVersion === 'cert-manager.io/v1',
  )) {
    const ns = cert.metadata.namespace!;
    const issuerRef = cert.spec?.issuerRef ?? {};
    const issuerKind = issuerRef.kind ?? 'Issuer';
    const issuer =
      objects.find(
        (o) =>
          o.kind === issuerKind &&
          o.metadata.name === issuerRef.name &&
          (issuerKind === 'ClusterIssuer' || o.metadata.namespace === ns),
      ) ??
      (await client.get(
        'cert-manager.io/v1',
        issuerKind,
        issuerKind === 'ClusterIssuer' ? undefined : ns,
        issuerRef.name,
      ));
    if (!issuer)
      throw new Error(
        `cluster: Certificate ${ns}/${cert.metadata.name} names ${issuerKind} ${issuerRef.name}, which does not exist`,
      );
    if (!issuer.spec || !('selfSigned' in issuer.spec)) {
      throw new Error(
        `cluster: ${issuerKind} ${issuerRef.name} is not selfSigned; the harness only stands in for cert-manager's selfSigned issuer`,
      );
    }
    const dnsNames: string[] = cert.spec?.dnsNames ?? [];
    // issued already for this Certificate (as cert-manager, do not re-issue on every apply: the running
    // operator keeps serving the certificate it started with)
    const existing = await client.get('v1', 'Secret', ns, cert.spec.secretName);
    if (
      existing?.metadata?.annotations?.['cert-manager.io/certificate-name'] === cert.metadata.name &&
      existing.data?.['tls.crt']
    )
      continue;
    const made = selfSignedServing(
      path.join(workDir, 'cert-manager'),
      `${ns}-${cert.metadata.name}`,
      cert.spec?.commonName,
      dnsNames,
      ['127.0.0.1', ...(cert.spec?.ipAddresses ?? [])],
      cert.spec?.subject?.organizationalUnits ?? [],
    );
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const secret: KObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: cert.spec.secretName,
        namespace: ns,
        annotations: {
          'cert-manager.io/certificate-name': cert.metadata.name,
          'cert-manager.io/issuer-name': issuerRef.name,
          'cert-manager.io/issuer-kind': issuerKind,
          'cert-manager.io/issuer-group': 'cert-manager.io',
        },
      },
      data: { 'tls.crt': b64(made.certPem), 'tls.key': b64(made.keyPem), 'ca.crt': b64(made.certPem) },
    };
    const r = await client.apply(secret, { fieldManager: CERT_MANAGER_ISSUING, force: true });
    if (r.status >= 300) throw new ApiError(r, `issuing Certificate ${ns}/${cert.metadata.name}`);
    written.push(`${ns}/${cert.spec.secretName}`);
  }
  return written;
}

/** The CA bundle (base64 PEM) a Certificate's Secret holds, or undefined when not issued yet. */
async function caBundleOf(client: ApiClient, ref: string): Promise<string | undefined> {
  const [ns, name] = ref.split('/');
  const cert = await client.get('cert-manager.io/v1', 'Certificate', ns, name).catch(() => undefined);
  if (!cert) return undefined;
  const secret = await client.get('v1', 'Secret', ns, cert.spec.secretName);
  return secret?.data?.['ca.crt'];
}

/**
 * cainjector: sets `caBundle` on the webhooks / conversion webhook of each annotated object whose
 * Certificate is issued. Returns the objects injected (`Kind/name`).
 */
export async function injectCaBundles(client: ApiClient, objects: readonly KObject[]): Promise<string[]> {
  const done: string[] = [];
  for (const o of objects) {
    const from = o.metadata?.annotations?.[INJECT_CA_FROM];
    if (!from) continue;
    const bundle = await caBundleOf(client, from);
    if (!bundle) continue;
    let patch: KObject | undefined;
    if (o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration') {
      patch = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.metadata.name },
        webhooks: (o.webhooks ?? []).map((w: any) => ({ name: w.name, clientConfig: { caBundle: bundle } })),
      };
    } else if (o.kind === 'CustomResourceDefinition' && o.spec?.conversion?.strategy === 'Webhook') {
      patch = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata: { name: o.metadata.name },
        spec: { conversion: { strategy: 'Webhook', webhook: { clientConfig: { caBundle: bundle } } } },
      };
    }
    if (!patch) continue;
    const r = await client.apply(patch, { fieldManager: CERT_MANAGER_CAINJECTOR, force: true });
    if (r.status >= 300) throw new ApiError(r, `injecting the CA bundle into ${o.kind} ${o.metadata.name}`);
    done.push(`${o.kind}/${o.metadata.name}`);
  }
  return done;
}
