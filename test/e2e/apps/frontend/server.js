// The Node.js service of the e2e trace flow ("frontend"). Plain Node.js with no tracing code: the
// spans come from @opentelemetry/auto-instrumentations-node loaded by the operator's NODE_OPTIONS
// (--require .../register.js), configured only by the env the operator injects.
//
// GET /checkout?kind=ok|error|slow&id=N calls the Go service (CHECKOUT_URL, on another node) and relays
// its JSON answer (trace id, span count) and status. Every request opens a new connection (keepAlive
// off) so each trace has the same spans: http server, http client, dns.lookup, tcp.connect.
'use strict';
const http = require('http');

const port = Number(process.env.PORT || 8080);
const checkoutUrl = process.env.CHECKOUT_URL;
if (!checkoutUrl) {
  console.error('frontend: CHECKOUT_URL is not set; set it to the Go service URL, e.g. http://checkout.shop.svc.cluster.local:8080');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: false });

function callCheckout(kind, id) {
  return new Promise((resolve, reject) => {
    const url = new URL(`/work?kind=${encodeURIComponent(kind)}&id=${encodeURIComponent(id)}`, checkoutUrl);
    const req = http.get(url, { agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('checkout timed out after 10 s')));
    req.on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://frontend');
  if (req.method !== 'GET' || url.pathname !== '/checkout') {
    res.writeHead(404).end();
    return;
  }
  const kind = url.searchParams.get('kind') || 'ok';
  const id = url.searchParams.get('id') || '0';
  callCheckout(kind, id).then(
    ({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    },
    (err) => {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err && err.message) }));
    },
  );
});
server.keepAliveTimeout = 1000;
server.listen(port, '0.0.0.0', () => console.log(`frontend: listening on :${port}, checkout at ${checkoutUrl}`));
process.on('SIGTERM', () => server.close());
