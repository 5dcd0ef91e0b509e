/**
 * A byte forwarder between a TCP port on 127.0.0.1 and a unix socket, used to join the operator's
 * private network namespace to the host's loopback: sockets are files, so a unix socket made in one
 * namespace is reachable from the other. Run as a program:
 *
 *   node -r ts-node/register/transpile-only forwarder.ts [--ready FILE] SPEC...
 *
 * where each SPEC is `tcp:127.0.0.1:PORT>unix:PATH` (listen on TCP, connect to the socket) or
 * `unix:PATH>tcp:127.0.0.1:PORT` (listen on the socket, connect to TCP). Only 127.0.0.1 is accepted.
 * `--ready FILE` is written once every listener is up.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

/** Repository root (ts-node finds the project's tsconfig there). */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** How to run this file as a program: `node -r <preload> <script> SPEC...` with `env`. */
export function forwarderCommand(): {
  node: string;
  preload: string;
  script: string;
  env: Record<string, string>;
} {
  return {
    node: process.execPath,
    preload: require.resolve('ts-node/register/transpile-only'),
    script: path.join(__dirname, 'forwarder.ts'),
    env: { TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.json') },
  };
}

/** One end of a forward. */
type End = { kind: 'tcp'; port: number } | { kind: 'unix'; path: string };

/** Parses `tcp:127.0.0.1:PORT` or `unix:PATH`. */
export function parseEnd(s: string): End {
  const tcp = /^tcp:127\.0\.0\.1:(\d{1,5})$/.exec(s);
  if (tcp) return { kind: 'tcp', port: Number(tcp[1]) };
  if (s.startsWith('unix:/')) return { kind: 'unix', path: s.slice(5) };
  throw new Error(`forwarder: "${s}" is neither tcp:127.0.0.1:PORT nor unix:/absolute/path`);
}

function listen(end: End, onConn: (s: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer(onConn);
    srv.once('error', reject);
    if (end.kind === 'tcp') srv.listen(end.port, '127.0.0.1', () => resolve(srv));
    else {
      fs.rmSync(end.path, { force: true });
      srv.listen(end.path, () => resolve(srv));
    }
  });
}

function connect(end: End): net.Socket {
  return end.kind === 'tcp'
    ? net.connect({ host: '127.0.0.1', port: end.port })
    : net.connect({ path: end.path });
}

/** Starts one forward; resolves when it listens. */
export async function forward(from: End, to: End): Promise<net.Server> {
  return listen(from, (inbound) => {
    const outbound = connect(to);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close);
    outbound.on('error', close);
    inbound.on('close', close);
    outbound.on('close', close);
  });
}

async function main(argv: string[]): Promise<void> {
  let ready: string | undefined;
  const specs: Array<[End, End]> = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ready') {
      ready = argv[++i];
      continue;
    }
    const [a, b] = argv[i].split('>');
    if (!a || !b) throw new Error(`forwarder: "${argv[i]}" is not FROM>TO`);
    specs.push([parseEnd(a), parseEnd(b)]);
  }
  if (!specs.length) throw new Error('forwarder: no FROM>TO given');
  for (const [a, b] of specs) await forward(a, b);
  if (ready) fs.writeFileSync(ready, String(process.pid));
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error((e as Error).message);
    process.exit(1);
  });
}
