/**
 * Certificates of the test control plane, made with openssl (EC P-256, valid for a few days): the cluster
 * CA, the API server's serving certificate (127.0.0.1 and the in-cluster names), client certificates for
 * the admin and the controller-manager, the service-account signing key, and self-signed serving
 * certificates standing in for cert-manager's `selfSigned` Issuer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSync } from '../procs';

/** A certificate and its key, as file paths. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/** The control plane's PKI (file paths). */
export interface ClusterPki {
  readonly dir: string;
  readonly ca: CertFiles;
  readonly apiserver: CertFiles;
  readonly admin: CertFiles;
  readonly controllerManager: CertFiles;
  /** Service-account token signing key (private) and its public half. */
  readonly serviceAccount: { readonly key: string; readonly pub: string };
}

const DAYS = '7';

function openssl(args: readonly string[], input?: string): string {
  const r = runSync('openssl', args, { input, timeoutMs: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

function ecKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  fs.chmodSync(file, 0o600);
}

/** Options of one leaf certificate. */
interface LeafOptions {
  readonly subject: string;
  readonly sans?: readonly string[];
  readonly usage: 'serverAuth' | 'clientAuth';
}

function leaf(dir: string, name: string, ca: CertFiles, o: LeafOptions): CertFiles {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  ecKey(key);
  openssl(['req', '-new', '-key', key, '-subj', o.subject, '-out', csr]);
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${o.usage}`,
    ...(o.sans?.length ? [`subjectAltName=${o.sans.join(',')}`] : []),
  ];
  fs.writeFileSync(ext, lines.join('\n') + '\n');
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    DAYS,
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  fs.rmSync(csr);
  fs.rmSync(ext);
  return { cert, key };
}

/** Names the API server's serving certificate covers. */
export const APISERVER_SANS = [
  'IP:127.0.0.1',
  'IP:10.0.0.1',
  'DNS:localhost',
  'DNS:kubernetes',
  'DNS:kubernetes.default',
  'DNS:kubernetes.default.svc',
  'DNS:kubernetes.default.svc.cluster.local',
];

/** Makes the control plane's PKI in `dir`. */
export function makeClusterPki(dir: string): ClusterPki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca: CertFiles = { cert: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
  ecKey(ca.key);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    ca.key,
    '-sha256',
    '-days',
    DAYS,
    '-subj',
    '/CN=otel-e2e-cluster-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    ca.cert,
  ]);
  const apiserver = leaf(dir, 'apiserver', ca, {
    subject: '/CN=kube-apiserver',
    sans: APISERVER_SANS,
    usage: 'serverAuth',
  });
  const admin = leaf(dir, 'admin', ca, {
    subject: '/O=system:masters/CN=otel-e2e-admin',
    usage: 'clientAuth',
  });
  const controllerManager = leaf(dir, 'controller-manager', ca, {
    subject: '/CN=system:kube-controller-manager',
    usage: 'clientAuth',
  });
  const saKey = path.join(dir, 'sa.key');
  const saPub = path.join(dir, 'sa.pub');
  ecKey(saKey);
  openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
  return { dir, ca, apiserver, admin, controllerManager, serviceAccount: { key: saKey, pub: saPub } };
}

/** A self-signed serving certificate (PEM strings), as cert-manager's `selfSigned` Issuer makes one. */
export interface SelfSigned {
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * What cert-manager makes for a Certificate with a `selfSigned` Issuer: a self-signed certificate for
 * `dnsNames` (the Secret's `ca.crt` is the certificate itself). `ipAddresses` are added (the harness
 * serves the operator's webhooks on 127.0.0.1).
 */
export function selfSignedServing(
  dir: string,
  name: string,
  commonName: string | undefined,
  dnsNames: readonly string[],
  ipAddresses: readonly string[],
  organizationalUnits: readonly string[] = [],
): SelfSigned {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  ecKey(key);
  const sans = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((i) => `IP:${i}`)].join(',');
  const subject =
    `${organizationalUnits.map((ou) => `/OU=${ou}`).join('')}${commonName ? `/CN=${commonName}` : ''}` ||
    '/O=cert-manager';
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    key,
    '-sha256',
    '-days',
    DAYS,
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign',
    '-addext',
    'extendedKeyUsage=serverAuth',
    '-addext',
    `subjectAltName=${sans}`,
    '-out',
    cert,
  ]);
  return { certPem: fs.readFileSync(cert, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') };
}
