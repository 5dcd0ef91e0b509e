/**
 * Files a collector config names (TLS CA/cert/key files, file_storage directories) and the sandbox that
 * puts them at those paths, as the pod's Secret/volume mounts would. Certificates are a throwaway CA and
 * leaf made with openssl once per process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runSync } from './procs';
import { SandboxSpec } from './sandbox';

let pki: { ca: string; cert: string; key: string } | undefined;
let pkiDir: string | undefined;

/** A throwaway CA + leaf certificate (PEM), made once per process in `dir`. */
export function testPki(dir: string): { ca: string; cert: string; key: string } {
  if (pki) return pki;
  fs.mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const steps: string[][] = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=e2e-ca', '-keyout', f('ca.key'), '-out', f('ca.crt')],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=e2e', '-keyout', f('tls.key'), '-out', f('tls.csr')],
    ['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-out', f('tls.crt')],
  ];
  for (const args of steps) {
    const r = runSync('openssl', args);
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  }
  pki = { ca: fs.readFileSync(f('ca.crt'), 'utf8'), cert: fs.readFileSync(f('tls.crt'), 'utf8'), key: fs.readFileSync(f('tls.key'), 'utf8') };
  pkiDir = dir;
  return pki;
}

/**
 * A server certificate for IP addresses (subjectAltName IP entries, as Go's verifier requires), signed
 * by the `testPki` CA; returns the paths of its PEM files.
 */
export function testServerCert(dir: string, ips: readonly string[]): { certFile: string; keyFile: string } {
  testPki(dir);
  const f = (n: string) => path.join(pkiDir!, n);
  const name = `server-${ips.join('_').replace(/[^\w.-]/g, '_')}`;
  if (fs.existsSync(f(`${name}.crt`))) return { certFile: f(`${name}.crt`), keyFile: f(`${name}.key`) };
  fs.writeFileSync(f(`${name}.ext`), `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(',')}\n`);
  const steps: string[][] = [
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=e2e-server', '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`)],
    ['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`)],
  ];
  for (const args of steps) {
    const r = runSync('openssl', args);
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  }
  return { certFile: f(`${name}.crt`), keyFile: f(`${name}.key`) };
}

/** Every string value under a key in a nested config, with the key. */
function walk(value: unknown, visit: (key: string, v: unknown, parentPath: string[]) => void, p: string[] = []): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, [...p, String(i)]));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, v, p);
      walk(v, visit, [...p, k]);
    }
  }
}

/** Where the kubelet mounts a pod's service account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The in-cluster API access every pod gets (token mount + KUBERNETES_SERVICE_* env), pointing at
 * `host:port` (nothing needs to answer there for a start check). `ca` is the cluster CA (PEM) when a
 * real API server answers; by default the throwaway `testPki` CA.
 */
export function inClusterAccess(namespace: string, pkiDir: string, host = '127.0.0.1', port = 6443, token = 'e2e-token', ca?: string): {
  files: Record<string, string>;
  env: Record<string, string>;
} {
  return {
    files: {
      [`${SERVICE_ACCOUNT_DIR}/token`]: token,
      [`${SERVICE_ACCOUNT_DIR}/ca.crt`]: ca ?? testPki(pkiDir).ca,
      [`${SERVICE_ACCOUNT_DIR}/namespace`]: namespace,
    },
    env: { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: String(port) },
  };
}

/** The sandbox a collector config needs: its TLS files and storage directories at their paths (plus `extra` files). */
export function collectorSandbox(config: unknown, pkiDir: string, extra: Record<string, string> = {}): SandboxSpec {
  const files: Record<string, string> = { ...extra };
  const dirs = new Set<string>();
  walk(config, (key, v, parent) => {
    if (typeof v !== 'string' || !v.startsWith('/')) return;
    if (key === 'ca_file' || key === 'client_ca_file') files[v] = testPki(pkiDir).ca;
    else if (key === 'cert_file') files[v] = testPki(pkiDir).cert;
    else if (key === 'key_file') files[v] = testPki(pkiDir).key;
    else if (key === 'directory' && parent[0] === 'extensions') dirs.add(v);
    else if (key === 'compaction' || (key === 'directory' && parent.includes('compaction'))) dirs.add(v);
  });
  return { files, dirs: [...dirs] };
}
