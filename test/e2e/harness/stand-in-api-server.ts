/**
 * The process behind `stand-in-api.ts` (run inside the test's network namespace): an HTTPS server on
 * `host:port` that answers every Kubernetes list request with an empty list of the requested kind and
 * keeps every watch open without events until its `timeoutSeconds` (a streaming list — `sendInitialEvents`
 * — gets just the bookmark that ends the initial events). Enough for components that wait
 * for an informer to sync before they report ready (the load_balancing k8s resolver); it stores nothing
 * and serves nothing else.
 *
 * Usage: node -r ts-node/register/transpile-only stand-in-api-server.ts <host> <port> <cert> <key>
 */
import * as fs from 'fs';
import * as https from 'https';

const [host, portText, certFile, keyFile] = process.argv.slice(2);

/** Kind of a resource plural (`pods` -> `Pod`), for the list's `kind`. */
function kindOf(plural: string): string {
  const special: Record<string, string> = {
    endpointslices: 'EndpointSlice',
    replicasets: 'ReplicaSet',
    statefulsets: 'StatefulSet',
    daemonsets: 'DaemonSet',
    namespaces: 'Namespace',
    endpoints: 'Endpoints',
  };
  if (special[plural]) return special[plural];
  const singular =
    plural.endsWith('es') && /(ch|sh|ss|x)es$/.test(plural) ? plural.slice(0, -2) : plural.replace(/s$/, '');
  return singular.charAt(0).toUpperCase() + singular.slice(1);
}

const server = https.createServer(
  { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) },
  (req, res) => {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    process.stdout.write(`${req.method} ${req.url}\n`);
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ major: '1', minor: '36', gitVersion: 'v1.36.3', platform: 'linux/amd64' }));
      return;
    }
    // /api/v1/[namespaces/<ns>/]<plural> or /apis/<group>/<version>/[namespaces/<ns>/]<plural>
    const core = parts[0] === 'api';
    const apiVersion = core ? parts[1] : `${parts[1]}/${parts[2]}`;
    const plural = parts[parts.length - 1] ?? '';
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      if (url.searchParams.get('sendInitialEvents') === 'true') {
        // streaming list (client-go WatchList): no initial objects, then the bookmark that ends them
        const object = {
          kind: kindOf(plural),
          apiVersion,
          metadata: { resourceVersion: '1', annotations: { 'k8s.io/initial-events-end': 'true' } },
        };
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
      }
      const timeout = Math.min(Number(url.searchParams.get('timeoutSeconds') ?? 60), 300);
      const timer = setTimeout(() => res.end(), timeout * 1000);
      req.on('close', () => clearTimeout(timer));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: `${kindOf(plural)}List`,
        apiVersion,
        metadata: { resourceVersion: '1' },
        items: [],
      }),
    );
  },
);

server.listen(Number(portText), host, () => {
  process.stdout.write(`stand-in api listening on ${host}:${portText}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
