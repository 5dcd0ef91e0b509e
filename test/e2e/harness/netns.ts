/**
 * A private network for e2e tests: named network namespaces ("nodes" and "pods") joined by veth pairs
 * to one bridge that lives in a namespace of its own (so the host's bridge netfilter never sees the
 * traffic), with addresses in a private /24 that exists only there. No namespace has a default route,
 * so nothing can leave; there is no NAT. The test process reaches the /24 through one veth whose host
 * end (`<prefix>-host`) holds the `.1` address.
 *
 * Idempotent: `create` first removes what a crashed earlier run with the same prefix left behind
 * (processes still running in those namespaces, the namespaces, the host veth). `destroy` removes
 * everything it made.
 */
import * as fs from 'fs';
import { runSync } from './procs';

/** One namespace on the fabric. */
export interface FabricMember {
  /** Short name; the namespace is `<prefix>-<short>`. */
  readonly short: string;
  /** Its address in the fabric's /24. */
  readonly ip: string;
}

/** What to build. */
export interface FabricSpec {
  /** Prefix of every name (namespaces, host link): short, e.g. `otfl`. */
  readonly prefix: string;
  /** First three octets of the private /24, e.g. `10.213.0`. */
  readonly subnet: string;
  readonly members: readonly FabricMember[];
}

function ip(args: string[], what: string, allowFail = false): string {
  const r = runSync('ip', args, { timeoutMs: 15_000 });
  if (r.status !== 0 && !allowFail)
    throw new Error(`netns: ${what} failed: ip ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Names of the existing `ip netns` namespaces. */
export function listNetns(): string[] {
  return ip(['netns', 'list'], 'list namespaces')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/** Process ids running in a named namespace. */
export function netnsPids(name: string): number[] {
  const r = runSync('ip', ['netns', 'pids', name], { timeoutMs: 10_000 });
  if (r.status !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
}

/** The private network. */
export class Fabric {
  /** Address of the test process on the fabric (the host veth). */
  public readonly hostIp: string;
  /** Namespace holding the bridge. */
  public readonly switchNs: string;
  /** Host end of the test process's veth. */
  public readonly hostLink: string;
  private readonly members = new Map<string, FabricMember>();

  private constructor(public readonly spec: FabricSpec) {
    if (!/^[a-z][a-z0-9]{1,5}$/.test(spec.prefix))
      throw new Error(
        `netns: prefix "${spec.prefix}" must be 2-6 lowercase letters/digits (link names are limited to 15 characters)`,
      );
    if (!/^10\.\d{1,3}\.\d{1,3}$/.test(spec.subnet))
      throw new Error(`netns: subnet "${spec.subnet}" must be three octets of 10.0.0.0/8, e.g. 10.213.0`);
    this.hostIp = `${spec.subnet}.1`;
    this.switchNs = `${spec.prefix}-switch`;
    this.hostLink = `${spec.prefix}-host`;
    for (const m of spec.members) {
      if (!m.ip.startsWith(`${spec.subnet}.`) || m.ip === this.hostIp)
        throw new Error(`netns: ${m.short} address ${m.ip} is not a member address of ${spec.subnet}.0/24`);
      if (this.members.has(m.short)) throw new Error(`netns: member ${m.short} twice`);
      this.members.set(m.short, m);
    }
  }

  /** Removes leftovers of an earlier run with this prefix, checks the /24 is free, builds the network. */
  public static create(spec: FabricSpec): Fabric {
    const f = new Fabric(spec);
    f.destroy();
    f.checkSubnetFree();
    try {
      f.build();
    } catch (e) {
      f.destroy();
      throw e;
    }
    return f;
  }

  /** The namespace name of a member. */
  public ns(short: string): string {
    if (!this.members.has(short))
      throw new Error(`netns: no member "${short}"; known: ${[...this.members.keys()].join(', ')}`);
    return `${this.spec.prefix}-${short}`;
  }

  /** The address of a member. */
  public ipOf(short: string): string {
    const m = this.members.get(short);
    if (!m) throw new Error(`netns: no member "${short}"`);
    return m.ip;
  }

  /** Every namespace this prefix owns (ours now, or left by an earlier run). */
  private owned(): string[] {
    return listNetns().filter((n) => n.startsWith(`${this.spec.prefix}-`));
  }

  private checkSubnetFree(): void {
    const net = `${this.spec.subnet}.0/24`;
    const overlaps = (dst: string) => {
      const cidr = dst.includes('/') ? dst : `${dst}/32`;
      return (
        /^(\d+\.){3}\d+\/\d+$/.test(cidr) &&
        (covers(cidr, `${this.spec.subnet}.1`) || covers(net, cidr.split('/')[0]))
      );
    };
    const routes = ip(['-4', 'route', 'show'], 'list routes')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('default') && overlaps(l.split(' ')[0]));
    const addrs = ip(['-4', '-o', 'addr', 'show'], 'list addresses')
      .split('\n')
      .filter((l) => / inet (\S+)/.test(l) && covers(net, / inet ([\d.]+)/.exec(l)![1]));
    if (routes.length || addrs.length) {
      throw new Error(
        `netns: ${net} is already in use on this machine (${[...routes, ...addrs].map((l) => l.trim()).join('; ')}); pick another private /24 for the test fabric`,
      );
    }
  }

  private build(): void {
    const sw = this.switchNs;
    ip(['netns', 'add', sw], 'add switch namespace');
    ip(['-n', sw, 'link', 'set', 'lo', 'up'], 'switch lo');
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge'], 'add bridge');
    ip(['-n', sw, 'link', 'set', 'br0', 'up'], 'bridge up');
    // the test process's door: host end <prefix>-host with .1, switch end on the bridge
    ip(['link', 'add', this.hostLink, 'type', 'veth', 'peer', 'name', 'host', 'netns', sw], 'add host veth');
    ip(['-n', sw, 'link', 'set', 'host', 'master', 'br0', 'up'], 'host veth on bridge');
    ip(['addr', 'add', `${this.hostIp}/24`, 'dev', this.hostLink], 'host address');
    ip(['link', 'set', this.hostLink, 'up'], 'host veth up');
    let i = 0;
    for (const m of this.members.values()) {
      const ns = this.ns(m.short);
      const port = `p${i++}`;
      ip(['netns', 'add', ns], `add namespace ${ns}`);
      ip(['-n', ns, 'link', 'set', 'lo', 'up'], `${ns} lo`);
      ip(
        ['-n', sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns],
        `veth of ${ns}`,
      );
      ip(['-n', sw, 'link', 'set', port, 'master', 'br0', 'up'], `${port} on bridge`);
      ip(['-n', ns, 'addr', 'add', `${m.ip}/24`, 'dev', 'eth0'], `${ns} address`);
      ip(['-n', ns, 'link', 'set', 'eth0', 'up'], `${ns} eth0 up`);
    }
    for (const m of this.members.values()) {
      const routes = ip(['-n', this.ns(m.short), '-4', 'route', 'show'], 'member routes');
      if (/^default/m.test(routes))
        throw new Error(`netns: ${this.ns(m.short)} has a default route; the fabric must have none`);
    }
  }

  /** Kills what still runs in our namespaces (by pid), deletes them and the host veth. */
  public destroy(): void {
    for (const ns of this.owned()) {
      for (const pid of netnsPids(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const ns of this.owned()) ip(['netns', 'del', ns], `delete ${ns}`, true);
    if (fs.existsSync(`/sys/class/net/${this.hostLink}`))
      ip(['link', 'del', this.hostLink], 'delete host veth', true);
    const left = this.owned();
    if (left.length) throw new Error(`netns: could not delete ${left.join(', ')}`);
  }
}

/** True when `cidr` (a.b.c.d/n) contains `addr`. */
function covers(cidr: string, addr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = Number(bits);
  if (!(n >= 0 && n <= 32)) return false;
  const toInt = (a: string) => a.split('.').reduce((x, o) => (x << 8) + Number(o), 0) >>> 0;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(base) & mask) === (toInt(addr) & mask);
}
