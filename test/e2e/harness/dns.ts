/**
 * Cluster DNS for the e2e fabric: one dnsmasq (Debian `dnsmasq-base`) per node, run in the node's
 * network namespace and bound only to the node's address, answering `*.cluster.local` from a hosts
 * file the test writes (and nothing else: no upstream, no `/etc/hosts`, no DHCP). Pods of a node use
 * their node's server (resolv.conf as the kubelet writes it for `dnsPolicy: ClusterFirst`).
 *
 * Why one server per node: a Service with `internalTrafficPolicy: Local` (the agent's node-local
 * Service) must lead each node to its own agent. In Kubernetes the name resolves to one ClusterIP and
 * kube-proxy on each node routes it to that node's endpoints; here there is no kube-proxy, so the DNS
 * answer carries the endpoint addresses themselves, and only a per-node answer can be node-local. This
 * is what NodeLocal DNSCache looks like too (a DNS server on every node for the pods of that node).
 *
 * Records change as pods become ready / not ready: `update()` rewrites the file and sends SIGHUP
 * (dnsmasq re-reads its hosts files and clears its cache). TTL 5 s, as CoreDNS's kubernetes plugin.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Proc, runSync, start, stop, waitFor } from './procs';

/** A name with its A records. */
export interface DnsRecord {
  readonly name: string;
  readonly ips: readonly string[];
}

/** Path of the dnsmasq binary, or a message saying how to install it. */
export function dnsmasqBinary(): string {
  for (const p of ['/usr/sbin/dnsmasq', '/usr/bin/dnsmasq']) if (fs.existsSync(p)) return p;
  throw new Error(
    'e2e: dnsmasq is not installed; install the Debian package dnsmasq-base (apt-get install -y dnsmasq-base)',
  );
}

/** TTL of every answer, seconds (CoreDNS's kubernetes plugin default). */
export const DNS_TTL_SEC = 5;

/** The hosts-file text for a set of records (one line per address; a name with no address is absent). */
export function hostsFile(records: readonly DnsRecord[]): string {
  const lines = ['# written by the e2e harness (test/e2e/harness/dns.ts)'];
  for (const r of [...records].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const ip of r.ips) lines.push(`${ip} ${r.name}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The resolv.conf the kubelet writes for a ClusterFirst pod in `namespace`. */
export function podResolvConf(
  nameserver: string,
  namespace: string,
  clusterDomain = 'cluster.local',
): string {
  return `search ${namespace}.svc.${clusterDomain} svc.${clusterDomain} ${clusterDomain}\nnameserver ${nameserver}\noptions ndots:5\n`;
}

/** One node's DNS server. */
export class NodeDns {
  private proc?: Proc;
  private readonly hosts: string;
  private current: readonly DnsRecord[] = [];

  constructor(
    public readonly name: string,
    private readonly netns: string,
    public readonly ip: string,
    private readonly workDir: string,
    private readonly clusterDomain = 'cluster.local',
  ) {
    fs.mkdirSync(workDir, { recursive: true });
    this.hosts = path.join(workDir, `${name}.hosts`);
  }

  /** Starts dnsmasq with `records` and waits until it answers. */
  public async start(records: readonly DnsRecord[]): Promise<void> {
    this.write(records);
    const args = [
      '--keep-in-foreground',
      '--log-facility=-',
      '--conf-file=/dev/null',
      '--user=root',
      '--pid-file=',
      '--no-resolv',
      '--no-poll',
      '--no-hosts',
      `--addn-hosts=${this.hosts}`,
      `--listen-address=${this.ip}`,
      '--bind-interfaces',
      '--port=53',
      `--local=/${this.clusterDomain}/`,
      '--domain-needed',
      '--bogus-priv',
      `--local-ttl=${DNS_TTL_SEC}`,
      '--cache-size=0',
      ...(process.env.E2E_DNS_LOG ? ['--log-queries'] : []),
    ];
    this.proc = start(`dns-${this.name}`, 'ip', ['netns', 'exec', this.netns, dnsmasqBinary(), ...args], {
      logDir: this.workDir,
    });
    const probe = records.find((r) => r.ips.length > 0);
    await waitFor(
      `dnsmasq of ${this.name} to answer on ${this.ip}:53`,
      () => {
        if (this.proc!.exitCode() !== null)
          throw new Error(`dnsmasq exited: ${this.proc!.output().trim().split('\n').slice(-5).join('\n')}`);
        return probe ? this.lookup(probe.name).length > 0 : /started, version/.test(this.proc!.output());
      },
      10_000,
      100,
    );
  }

  /** Replaces the records (SIGHUP: dnsmasq re-reads the file). Waits until the answers show the change. */
  public async update(records: readonly DnsRecord[]): Promise<void> {
    if (!this.proc || this.proc.exitCode() !== null)
      throw new Error(`dns ${this.name}: dnsmasq is not running`);
    const key = (r: DnsRecord | undefined) => (r ? [...r.ips].sort().join(',') : '');
    const changed = records.filter((r) => key(r) !== key(this.current.find((c) => c.name === r.name)));
    this.write(records);
    this.proc.child.kill('SIGHUP');
    for (const c of changed) {
      await waitFor(
        `dns ${this.name} to answer ${c.name} with [${c.ips.join(', ')}]`,
        () => this.lookup(c.name).sort().join(',') === key(c),
        5_000,
        50,
      );
    }
  }

  private write(records: readonly DnsRecord[]): void {
    this.current = records;
    const tmp = `${this.hosts}.tmp`;
    fs.writeFileSync(tmp, hostsFile(records));
    fs.renameSync(tmp, this.hosts);
  }

  /** The A records the server answers for `name` (asked from inside the node's namespace). */
  public lookup(name: string): string[] {
    return dnsQuery(this.netns, this.ip, name);
  }

  public async stop(): Promise<void> {
    if (this.proc) await stop(this.proc);
  }
}

/**
 * A records for `name` from `server`, asked from inside `netns` with Node's resolver (c-ares, no
 * search list, no cache) in a child process.
 */
export function dnsQuery(netns: string, server: string, name: string): string[] {
  const script =
    "const d=require('dns');const r=new d.Resolver({timeout:1000,tries:1});r.setServers([process.argv[1]]);" +
    "r.resolve4(process.argv[2],(e,a)=>{if(e&&e.code!=='ENOTFOUND'&&e.code!=='ENODATA'){console.error(e.code);process.exit(1)}console.log((a||[]).join(' '))})";
  const r = runSync('ip', ['netns', 'exec', netns, process.execPath, '-e', script, server, name], {
    timeoutMs: 5_000,
  });
  if (r.status !== 0) throw new Error(`dns query ${name} @${server} in ${netns} failed: ${r.stderr.trim()}`);
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}
