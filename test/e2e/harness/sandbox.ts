/**
 * Runs a program the way a pod would see its files and network, without touching the host: a private
 * mount namespace where the needed top-level folders (`/etc`, `/var`, ...) are overlays whose writes go to
 * a temp folder, so files the config names (CA bundles, queue directories, resolv.conf) can be put at
 * their exact paths; and either a new empty network namespace (loopback only: a `0.0.0.0` listener is
 * reachable from nowhere else) or a named one made by the test (`ip netns`).
 */
import * as fs from 'fs';
import * as path from 'path';

/** What the sandboxed program sees. */
export interface SandboxSpec {
  /** Files to create (absolute path -> content). @default - none */
  readonly files?: Readonly<Record<string, string>>;
  /** Directories to create. @default - none */
  readonly dirs?: readonly string[];
  /** Run in this `ip netns` namespace; otherwise in a new one with only loopback. */
  readonly netns?: string;
  /** Host name in a private UTS namespace (a pod's host name is its pod name). @default - the machine's */
  readonly hostname?: string;
}

/**
 * The command line that runs `cmd args` in the sandbox; `work` is a temp folder of the test (overlay
 * upper layers and staged files go there and vanish with it).
 */
export function sandboxed(spec: SandboxSpec, cmd: string, args: readonly string[], work: string): { cmd: string; args: string[] } {
  for (const p of [...Object.keys(spec.files ?? {}), ...(spec.dirs ?? [])]) {
    if (!path.isAbsolute(p) || p.split('/').includes('..')) throw new Error(`sandbox: "${p}" is not a clean absolute path`);
  }
  // through symlinks (/var/run -> /run): the overlay must cover where writes really land
  const files = Object.fromEntries(Object.entries(spec.files ?? {}).map(([p, c]) => [realPath(p), c]));
  const dirs = (spec.dirs ?? []).map(realPath);
  const paths = [...Object.keys(files), ...dirs];
  const tops = [...new Set(paths.map((p) => `/${p.split('/')[1]}`))].sort();
  for (const t of tops) {
    if (!fs.existsSync(t) || !fs.statSync(t).isDirectory()) {
      throw new Error(`sandbox: top-level folder ${t} does not exist on this machine, so it cannot be overlaid; put the file under an existing one`);
    }
  }
  fs.mkdirSync(work, { recursive: true });
  const staged = path.join(work, 'staged');
  fs.mkdirSync(staged, { recursive: true });
  const lines = ['set -e'];
  tops.forEach((t, i) => {
    const up = path.join(work, `up${i}`);
    const wk = path.join(work, `wk${i}`);
    fs.mkdirSync(up, { recursive: true });
    fs.mkdirSync(wk, { recursive: true });
    lines.push(`mount -t overlay overlay -o ${q(`lowerdir=${t},upperdir=${up},workdir=${wk}`)} ${q(t)}`);
  });
  for (const d of dirs) lines.push(`mkdir -p ${q(d)}`);
  Object.entries(files).forEach(([p, content], i) => {
    const src = path.join(staged, `f${i}`);
    fs.writeFileSync(src, content);
    lines.push(`mkdir -p ${q(path.dirname(p))}`, `cp ${q(src)} ${q(p)}`);
  });
  if (!spec.netns) lines.push('ip link set lo up');
  if (spec.hostname !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9.]{0,62})$/.test(spec.hostname)) throw new Error(`sandbox: hostname "${spec.hostname}" is not a DNS name`);
    lines.push(`hostname ${q(spec.hostname)}`);
  }
  lines.push('exec "$@"');
  const script = lines.join('\n');
  const inner = [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    ...(spec.netns ? [] : ['--net']),
    ...(spec.hostname !== undefined ? ['--uts'] : []),
    'sh',
    '-c',
    script,
    'sandbox',
    cmd,
    ...args,
  ];
  return spec.netns ? { cmd: 'ip', args: ['netns', 'exec', spec.netns, ...inner] } : { cmd: inner[0], args: inner.slice(1) };
}

/** `p` with its deepest existing ancestor resolved through symlinks. */
function realPath(p: string): string {
  let existing = p;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
