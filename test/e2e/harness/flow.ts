/**
 * A small "cluster" for the trace-flow e2e tests, built from emitted manifests: nodes and pods are
 * network namespaces on a private fabric (netns.ts), cluster DNS is one dnsmasq per node (dns.ts), and
 * every pod runs its container's program in a sandbox (its files at their paths: resolv.conf, hosts,
 * config files) with the env the kubelet would give it (pod-env.ts) — and, for instrumented apps, the env
 * the operator's webhook injects (operator-inject.ts).
 *
 * Placement: pods get deterministic names as their controllers would make them (DaemonSet: one per node,
 * StatefulSet `<name>-<i>` on node i mod N, Deployment `<name>-<hash>-<suffix>` on a chosen node) and an
 * address from their node's range. Readiness follows the container's readinessProbe (httpGet / tcpSocket),
 * probed from the test process (as the kubelet probes from the node). Services are answered by DNS
 * (`records`): headless Services with their ready pods (the endpoints controller + CoreDNS); ClusterIP
 * Services, having no kube-proxy here, with their pods' addresses (stable, like the ClusterIP they stand
 * for), and with `internalTrafficPolicy: Local` only the pods on the asking node.
 *
 * Rewrites: the harness changes the emitted objects only where this machine cannot do what the cluster
 * would; each change is recorded as a `Rewrite` (computed by diffing what runs against what was emitted)
 * and the tests assert the whole list.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { stringify } from 'yaml';
import { collectorSandbox, inClusterAccess } from './config-files';
import { DnsRecord, NodeDns, podResolvConf } from './dns';
import { forwarderCommand } from './cluster/forwarder';
import { bin } from './e2e';
import { findConfigs, FoundConfig } from './emitted';
import { Fabric, FabricMember } from './netns';
import { appResolve, NodeApp } from './node-apps';
import { EnvVar, NODEJS_INSTRUMENTATION_DIR, operatorInjectedEnv } from './operator-inject';
import { PodIdentity, podEnv } from './pod-env';
import { canConnect, Proc, sleep, start, stop, waitFor } from './procs';
import { sandboxed } from './sandbox';

const CLUSTER_DOMAIN = 'cluster.local';

/** One change the harness makes to what the library emitted. */
export interface Rewrite {
  /** `<Kind> <ns>/<name>` of the workload (the change applies to each of its pods). */
  readonly workload: string;
  /** What is changed: `config <dotted key>`, `args`, `env <NAME>`. */
  readonly key: string;
  readonly from: unknown;
  readonly to: unknown;
  /** Why the harness has to. */
  readonly why: string;
}

/**
 * How components that need the Kubernetes API get it. `none`: those components are removed from the
 * running copy, each removal a Rewrite. `server`: an API server (flow-kube-api.ts: kube-apiserver on the
 * host's 127.0.0.1) reachable from every pod that mounts its token through a forwarder in the pod's
 * network namespace, listening on that namespace's `host:port` and connecting to the unix `socket`;
 * nothing is removed and the pods get the in-cluster service-account files (the token of their
 * ServiceAccount from `tokens`, the cluster CA `ca`, the namespace) and KUBERNETES_SERVICE_HOST/PORT,
 * as the kubelet provides them.
 */
export type KubeApi =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'server';
      /** Address inside each pod's network namespace (127.0.0.1: the forwarder binds nothing else). */
      readonly host: string;
      readonly port: number;
      /** Unix socket the host side forwards to the API server. */
      readonly socket: string;
      /** The cluster CA (PEM): the pods' ca.crt. */
      readonly ca: string;
      /** Service-account tokens by `namespace/name`. */
      readonly tokens: Readonly<Record<string, string>>;
    };

/** Components of a collector config that build a Kubernetes client at start (and so need the API). */
export function kubeApiComponents(config: any): Array<{ section: string; id: string }> {
  const out: Array<{ section: string; id: string }> = [];
  for (const [id, c] of Object.entries<any>(config?.processors ?? {})) {
    if (id.split('/')[0] === 'k8s_attributes' && c?.passthrough !== true)
      out.push({ section: 'processors', id });
  }
  for (const [id, c] of Object.entries<any>(config?.exporters ?? {})) {
    if (id.split('/')[0] === 'load_balancing' && c?.resolver?.k8s) out.push({ section: 'exporters', id });
  }
  for (const [id] of Object.entries<any>(config?.extensions ?? {})) {
    if (id.split('/')[0] === 'k8s_observer' || id.split('/')[0] === 'k8s_leader_elector')
      out.push({ section: 'extensions', id });
  }
  return out;
}

/** The config that runs: without the API-dependent components when there is no API server. */
export function runningCollectorConfig(config: any, api: KubeApi): any {
  if (api.kind === 'server') return config;
  const out = JSON.parse(JSON.stringify(config));
  for (const { section, id } of kubeApiComponents(config)) {
    if (section === 'exporters') {
      throw new Error(
        `flow: exporter ${id} resolves its backends through the Kubernetes API; run the cluster with an API server (KubeApi server, flow-kube-api.ts)`,
      );
    }
    delete out[section][id];
    if (section === 'extensions')
      out.service.extensions = (out.service.extensions ?? []).filter((e: string) => e !== id);
    for (const p of Object.values<any>(out.service?.pipelines ?? {})) {
      if (Array.isArray(p[section])) p[section] = p[section].filter((e: string) => e !== id);
    }
  }
  return out;
}

/** Every difference between two JSON-like values, as dotted keys (arrays compared as wholes). */
export function diffValues(
  a: unknown,
  b: unknown,
  key = '',
): Array<{ key: string; from: unknown; to: unknown }> {
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => diffValues((a as any)[k], (b as any)[k], key ? `${key}.${k}` : k));
  }
  if (canonical(a) === canonical(b)) return [];
  return [{ key, from: a, to: b }];
}

/** JSON with object keys sorted (key order carries no meaning in a config). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p.localeCompare(q)))
      : x,
  );
}

/** A node. */
export interface NodeModel {
  readonly name: string;
  readonly short: string;
  readonly ip: string;
  readonly index: number;
}

/** A pod placed on a node. */
export interface PodModel {
  readonly name: string;
  readonly namespace: string;
  readonly node: NodeModel;
  /** netns short name. */
  readonly short: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly workload: { readonly kind: string; readonly name: string };
  /** Owner chain, nearest first. */
  readonly owners: ReadonlyArray<{ kind: string; name: string }>;
  readonly podSpec: any;
  readonly container: any;
  /** StatefulSet pods: `<pod>.<serviceName>` is their DNS name. */
  readonly subdomain?: string;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function k8sHash(seed: string, n: number): string {
  const bytes = crypto.createHash('sha256').update(seed).digest();
  return [...bytes.subarray(0, n)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

function workloadRef(o: any): string {
  return `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** The kubelet-managed /etc/hosts of a pod. */
export function podHostsFile(pod: PodModel): string {
  const names = pod.subdomain
    ? `${pod.name}.${pod.subdomain}.${pod.namespace}.svc.${CLUSTER_DOMAIN}\t${pod.name}`
    : pod.name;
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${pod.ip}\t${names}`,
    '',
  ].join('\n');
}

/** Options of `FlowCluster`. */
export interface FlowClusterOptions {
  /** Emitted objects (stack + apps). */
  readonly objects: readonly any[];
  /** Names prefix (namespaces, links). */
  readonly prefix: string;
  /** First three octets of the private /24. */
  readonly subnet: string;
  readonly nodes: number;
  /** Node (0-based) of each Deployment's pod; others go to node 0. */
  readonly deploymentNodes: Readonly<Record<string, number>>;
  /** Temp folder of the test. */
  readonly work: string;
  readonly kubeApi: KubeApi;
  /** Installed Node.js apps by Deployment name. */
  readonly nodeApps: Readonly<Record<string, NodeApp>>;
  /** Go programs (programs.ts names) by Deployment name. */
  readonly goApps: Readonly<Record<string, string>>;
  /** More namespaces on the fabric, for programs that are not pods of the objects (a load generator). @default none */
  readonly extraMembers?: readonly FabricMember[];
  /** Runs at the end of `shutdown()` (e.g. stops the API server). @default nothing */
  readonly afterShutdown?: () => Promise<void>;
}

/** A pod's running container. */
export interface PodRun {
  readonly pod: PodModel;
  proc?: Proc;
  ready: boolean;
  /** Being deleted / stopped: not an endpoint any more. */
  terminating: boolean;
  /** How many times its container was started. */
  starts: number;
}

/** The cluster. */
export class FlowCluster {
  public readonly fabric: Fabric;
  public readonly nodes: readonly NodeModel[];
  public readonly pods: ReadonlyMap<string, PodRun>;
  /** Every change to the emitted objects, per workload. */
  public readonly rewrites: Rewrite[] = [];
  public readonly configs: readonly FoundConfig[];
  private readonly dns: NodeDns[] = [];
  private readonly services: any[];
  private readonly configOverride = new Map<string, any>();

  private constructor(private readonly opts: FlowClusterOptions) {
    this.configs = findConfigs(opts.objects);
    this.services = opts.objects.filter((o) => o.kind === 'Service');
    this.nodes = Array.from({ length: opts.nodes }, (_, i) => ({
      name: `node-${i + 1}`,
      short: `n${i + 1}`,
      ip: `${opts.subnet}.${11 + i}`,
      index: i,
    }));
    const pods = this.place();
    this.pods = new Map(pods.map((p) => [p.name, { pod: p, ready: false, terminating: false, starts: 0 }]));
    const members: FabricMember[] = [
      ...this.nodes.map((n) => ({ short: n.short, ip: n.ip })),
      ...pods.map((p) => ({ short: p.short, ip: p.ip })),
      ...(opts.extraMembers ?? []),
    ];
    this.fabric = Fabric.create({ prefix: opts.prefix, subnet: opts.subnet, members });
  }

  /** Builds the fabric and starts every node's DNS (no pod runs yet). */
  public static async create(opts: FlowClusterOptions): Promise<FlowCluster> {
    const c = new FlowCluster(opts);
    try {
      for (const n of c.nodes) {
        const d = new NodeDns(
          n.name,
          c.fabric.ns(n.short),
          n.ip,
          path.join(opts.work, 'dns'),
          CLUSTER_DOMAIN,
        );
        c.dns.push(d);
        await d.start(c.records(n));
      }
    } catch (e) {
      await c.shutdown();
      throw e;
    }
    return c;
  }

  private place(): PodModel[] {
    const out: PodModel[] = [];
    const perNode = new Map<number, number>();
    const nextIp = (node: NodeModel) => {
      const k = (perNode.get(node.index) ?? 0) + 1;
      perNode.set(node.index, k);
      if (k > 9) throw new Error(`flow: more than 9 pods on ${node.name}`);
      return `${this.opts.subnet}.${100 + node.index * 10 + k}`;
    };
    for (const o of this.opts.objects) {
      if (!['DaemonSet', 'StatefulSet', 'Deployment'].includes(o.kind)) continue;
      const tpl = o.spec?.template ?? {};
      const containers = tpl.spec?.containers ?? [];
      if (containers.length !== 1)
        throw new Error(
          `flow: ${workloadRef(o)} has ${containers.length} containers; the harness runs one per pod`,
        );
      const base = {
        namespace: o.metadata.namespace,
        annotations: tpl.metadata?.annotations ?? {},
        workload: { kind: o.kind, name: o.metadata.name },
        podSpec: tpl.spec,
        container: containers[0],
      };
      const name = o.metadata.name as string;
      if (o.kind === 'DaemonSet') {
        const rev = k8sHash(`${name}-rev`, 10);
        for (const node of this.nodes) {
          const podName = `${name}-${k8sHash(`${name}-${node.name}`, 5)}`;
          out.push({
            ...base,
            name: podName,
            node,
            short: `${shortOf(name)}${node.index + 1}`,
            ip: nextIp(node),
            labels: {
              ...tpl.metadata?.labels,
              'controller-revision-hash': rev,
              'pod-template-generation': '1',
            },
            owners: [{ kind: 'DaemonSet', name }],
          });
        }
      } else if (o.kind === 'StatefulSet') {
        const rev = `${name}-${k8sHash(`${name}-rev`, 10)}`;
        for (let i = 0; i < (o.spec.replicas ?? 1); i++) {
          const node = this.nodes[i % this.nodes.length];
          const podName = `${name}-${i}`;
          out.push({
            ...base,
            name: podName,
            node,
            short: `${shortOf(name)}${i}`,
            ip: nextIp(node),
            labels: {
              ...tpl.metadata?.labels,
              'controller-revision-hash': rev,
              'statefulset.kubernetes.io/pod-name': podName,
              'apps.kubernetes.io/pod-index': String(i),
            },
            owners: [{ kind: 'StatefulSet', name }],
            subdomain: o.spec.serviceName,
          });
        }
      } else {
        const node = this.nodes[this.opts.deploymentNodes[name] ?? 0];
        if (!node)
          throw new Error(
            `flow: deployment ${name} placed on node ${this.opts.deploymentNodes[name]}, which does not exist`,
          );
        const hash = k8sHash(JSON.stringify(tpl), 10);
        for (let i = 0; i < (o.spec.replicas ?? 1); i++) {
          const podName = `${name}-${hash}-${k8sHash(`${name}-${i}`, 5)}`;
          out.push({
            ...base,
            name: podName,
            node,
            short: o.spec.replicas > 1 ? `${shortOf(name)}${i}` : shortOf(name),
            ip: nextIp(node),
            labels: { ...tpl.metadata?.labels, 'pod-template-hash': hash },
            owners: [
              { kind: 'ReplicaSet', name: `${name}-${hash}` },
              { kind: 'Deployment', name },
            ],
          });
        }
      }
    }
    return out;
  }

  /** Process id of a pod's running program (the sandbox execs it: the started process is the program). */
  public pidOf(name: string): number | undefined {
    const p = this.run(name).proc;
    return p && p.exitCode() === null ? p.child.pid : undefined;
  }

  /** The pod runs of a workload. */
  public podsOf(kind: string, name: string): PodRun[] {
    return [...this.pods.values()].filter(
      (p) => p.pod.workload.kind === kind && p.pod.workload.name === name,
    );
  }

  /** The one pod of a Deployment. */
  public deploymentPod(name: string): PodRun {
    const p = this.podsOf('Deployment', name);
    if (p.length !== 1) throw new Error(`flow: deployment ${name} has ${p.length} pods`);
    return p[0];
  }

  /** DNS records a node's pods see: every Service of the objects, answered with its ready endpoints. */
  public records(node: NodeModel): DnsRecord[] {
    const out: DnsRecord[] = [];
    const runs = [...this.pods.values()];
    for (const svc of this.services) {
      const ns = svc.metadata.namespace;
      const selector: Record<string, string> = svc.spec?.selector ?? {};
      if (!Object.keys(selector).length) continue;
      const matching = runs.filter(
        (r) => r.pod.namespace === ns && Object.entries(selector).every(([k, v]) => r.pod.labels[k] === v),
      );
      const headless = svc.spec?.clusterIP === 'None';
      // headless: the ready endpoints (what CoreDNS answers). ClusterIP: the name stands for a virtual IP
      // that never changes while kube-proxy routes it to the ready endpoints and rejects connections when
      // there is none; with no kube-proxy here the answer is the pods' own (stable) addresses, so a pod
      // that is down refuses connections as kube-proxy would.
      const endpoints = headless
        ? matching.filter((r) => (r.ready && !r.terminating) || svc.spec?.publishNotReadyAddresses === true)
        : matching;
      const local = svc.spec?.internalTrafficPolicy === 'Local';
      const answer = endpoints.filter((r) => !local || r.pod.node.name === node.name);
      out.push({
        name: `${svc.metadata.name}.${ns}.svc.${CLUSTER_DOMAIN}`,
        ips: answer.map((r) => r.pod.ip),
      });
      if (headless) {
        for (const r of endpoints) {
          if (r.pod.subdomain === svc.metadata.name)
            out.push({
              name: `${r.pod.name}.${svc.metadata.name}.${ns}.svc.${CLUSTER_DOMAIN}`,
              ips: [r.pod.ip],
            });
        }
      }
    }
    return out;
  }

  /** Rewrites every node's DNS data from the pods' readiness (the endpoints controller + cluster DNS). */
  public refreshDns(): Promise<void> {
    // serialized: several pods may change state at once
    const run = async () => {
      for (let i = 0; i < this.nodes.length; i++) await this.dns[i].update(this.records(this.nodes[i]));
    };
    this.dnsChain = this.dnsChain.then(run, run);
    return this.dnsChain;
  }

  private dnsChain: Promise<void> = Promise.resolve();

  /** Runs a workload's pods on `config` instead of the emitted one (e.g. another option of the library). */
  public overrideConfig(kind: string, name: string, config: any): void {
    this.configOverride.set(`${kind}/${name}`, config);
  }

  private found(pod: PodModel): FoundConfig | undefined {
    const prefix = `${pod.workload.kind} ${pod.namespace}/${pod.workload.name} `;
    return this.configs.find((c) => c.where.startsWith(prefix));
  }

  private identity(pod: PodModel): PodIdentity {
    return {
      podName: pod.name,
      namespace: pod.namespace,
      podIp: pod.ip,
      hostIp: pod.node.ip,
      nodeName: pod.node.name,
      serviceAccount: pod.podSpec.serviceAccountName,
    };
  }

  private record(r: Rewrite): void {
    if (!this.rewrites.some((x) => x.workload === r.workload && x.key === r.key)) this.rewrites.push(r);
  }

  /** The command line, env and sandbox of a pod's container. */
  private launch(pod: PodModel): {
    cmd: string;
    args: string[];
    env: Record<string, string>;
    files: Record<string, string>;
    dirs: string[];
  } {
    const workload = `${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`;
    const dir = path.join(this.opts.work, 'pods', pod.name);
    fs.mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = {
      '/etc/resolv.conf': podResolvConf(pod.node.ip, pod.namespace, CLUSTER_DOMAIN),
      '/etc/hosts': podHostsFile(pod),
    };
    const c = pod.container;
    const found = this.found(pod);
    const args: string[] = [...(c.args ?? [])];
    if (found?.program === 'otelcol') {
      const emitted = this.configOverride.get(`${pod.workload.kind}/${pod.workload.name}`) ?? found.config;
      const running = runningCollectorConfig(emitted, this.opts.kubeApi);
      for (const d of diffValues(emitted, running)) {
        this.record({
          workload,
          key: `config ${d.key}`,
          from: d.from,
          to: d.to,
          why: 'needs the Kubernetes API (builds a client at start); removed because this cluster runs without an API server (KubeApi none)',
        });
      }
      const file = path.join(dir, 'collector.yaml');
      fs.writeFileSync(file, stringify(running));
      const i = args.findIndex((a) => a.startsWith('--config='));
      if (i === -1) throw new Error(`flow: ${workload} has no --config= argument`);
      this.record({
        workload,
        key: 'args',
        from: args[i],
        to: '--config=<test temp dir>/pods/<pod>/collector.yaml',
        why: 'the ConfigMap is mounted at /conf, a top-level folder this machine does not have (the sandbox overlays existing top-level folders only)',
      });
      args[i] = `--config=${file}`;
      const sb = collectorSandbox(running, path.join(this.opts.work, 'pki'));
      Object.assign(files, sb.files);
      let env = podEnv(c.env ?? [], this.identity(pod));
      const api = this.opts.kubeApi;
      if (api.kind === 'server' && this.hasApiAccess(pod)) {
        const sa = `${pod.namespace}/${pod.podSpec.serviceAccountName ?? 'default'}`;
        const token = api.tokens[sa];
        if (!token)
          throw new Error(
            `flow: no token for ServiceAccount ${sa} of ${pod.name}; the API provisioning must request one`,
          );
        const access = inClusterAccess(
          pod.namespace,
          path.join(this.opts.work, 'pki'),
          api.host,
          api.port,
          token,
          api.ca,
        );
        Object.assign(files, access.files);
        env = { ...env, ...access.env };
      }
      return { cmd: bin('otelcol'), args, env, files, dirs: [...(sb.dirs ?? [])] };
    }
    if (found?.program === 'jaeger') {
      const filePath = found.where.split(' ').pop()!;
      files[filePath] = stringify(found.config);
      return { cmd: bin('jaeger'), args, env: podEnv(c.env ?? [], this.identity(pod)), files, dirs: [] };
    }
    const inject = Object.entries(pod.annotations).find(([k]) =>
      /^instrumentation\.opentelemetry\.io\/inject-(nodejs|sdk)$/.test(k),
    );
    let manifestEnv: EnvVar[] = c.env ?? [];
    if (inject) {
      const inst = this.instrumentation(inject[1], pod.namespace);
      const sdk = inject[0].endsWith('nodejs') ? 'nodejs' : 'sdk';
      manifestEnv = operatorInjectedEnv(
        inst,
        { namespace: pod.namespace, labels: pod.labels, annotations: pod.annotations, owners: pod.owners },
        c,
        sdk,
      );
    }
    const env = podEnv(manifestEnv, this.identity(pod));
    const nodeApp = this.opts.nodeApps[pod.workload.name];
    if (nodeApp) {
      const register = appResolve(nodeApp, '@opentelemetry/auto-instrumentations-node/register');
      if (env.NODE_OPTIONS !== undefined) {
        const from = env.NODE_OPTIONS;
        const to = from.replace(`${NODEJS_INSTRUMENTATION_DIR}/autoinstrumentation.js`, register);
        if (to !== from) {
          this.record({
            workload,
            key: 'env NODE_OPTIONS',
            from,
            to: to.replace(
              register,
              '<e2e cache>/node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js',
            ),
            why: `the operator's init container copies its image (auto-instrumentations-node, whose register.js autoinstrumentation.js is) to ${NODEJS_INSTRUMENTATION_DIR}, a top-level folder this machine does not have; the same package version is installed in the e2e cache`,
          });
          env.NODE_OPTIONS = to;
        }
      }
      return { cmd: process.execPath, args: [path.join(nodeApp.src, 'server.js')], env, files, dirs: [] };
    }
    const goApp = this.opts.goApps[pod.workload.name];
    if (goApp) return { cmd: bin(goApp), args: [], env, files, dirs: [] };
    throw new Error(`flow: no program for ${workload} (image ${c.image})`);
  }

  /** The Instrumentation an inject annotation names (`true`, `name` or `ns/name`). */
  private instrumentation(value: string, podNs: string): any {
    const all = this.opts.objects.filter((o) => o.kind === 'Instrumentation');
    const [ns, name] = value.includes('/') ? value.split('/') : [podNs, value];
    const hit =
      value === 'true'
        ? all.filter((o) => o.metadata.namespace === podNs)
        : all.filter((o) => o.metadata.namespace === ns && o.metadata.name === name);
    if (hit.length !== 1)
      throw new Error(`flow: inject annotation "${value}" matches ${hit.length} Instrumentations`);
    return hit[0];
  }

  /** The pod's sandbox folder (its overlay upper layers: what it wrote, e.g. a persistent queue, survives its restarts). */
  public sandboxDir(name: string): string {
    return path.join(this.opts.work, 'pods', this.run(name).pod.name, 'sandbox');
  }

  /** The emitted objects the cluster runs. */
  public get objects(): readonly any[] {
    return this.opts.objects;
  }

  /** The env a pod's container runs with (resolved). */
  public envOf(name: string): Record<string, string> {
    return this.launch(this.run(name).pod).env;
  }

  private run(name: string): PodRun {
    const r = this.pods.get(name);
    if (!r) throw new Error(`flow: no pod ${name}; pods: ${[...this.pods.keys()].join(', ')}`);
    return r;
  }

  /** True when the pod's container talks to the API server (a collector that mounts its token). */
  private hasApiAccess(pod: PodModel): boolean {
    return (
      this.opts.kubeApi.kind === 'server' &&
      this.found(pod)?.program === 'otelcol' &&
      pod.podSpec.automountServiceAccountToken !== false
    );
  }

  /**
   * The API server inside a pod's network namespace: a forwarder from its 127.0.0.1:<port> to the host
   * side's unix socket, started once per pod (it outlives container restarts, as the node's route to the
   * API server does).
   */
  private async ensureApiForwarder(pod: PodModel): Promise<void> {
    const api = this.opts.kubeApi;
    if (api.kind !== 'server' || this.apiForwarders.get(pod.name)?.exitCode() === null) return;
    const f = forwarderCommand();
    const dir = path.join(this.opts.work, 'pods', pod.name);
    fs.mkdirSync(dir, { recursive: true });
    const ready = path.join(dir, 'api-forwarder.ready');
    fs.rmSync(ready, { force: true });
    const proc = start(
      `api-forwarder-${pod.name}`,
      'ip',
      [
        'netns',
        'exec',
        this.fabric.ns(pod.short),
        f.node,
        '-r',
        f.preload,
        f.script,
        '--ready',
        ready,
        `tcp:${api.host}:${api.port}>unix:${api.socket}`,
      ],
      { env: f.env, logDir: path.join(this.opts.work, 'logs') },
    );
    this.apiForwarders.set(pod.name, proc);
    await waitFor(
      `the API forwarder in ${pod.name}`,
      () => {
        if (proc.exitCode() !== null)
          throw new Error(`api forwarder of ${pod.name} exited: ${proc.output().trim()}`);
        return fs.existsSync(ready) ? true : undefined;
      },
      30_000,
      100,
    );
  }

  private readonly apiForwarders = new Map<string, Proc>();

  /** Starts a pod's container (a container (re)start: same pod, same address, same volumes). */
  public async startPod(name: string, readyTimeoutMs = 30_000): Promise<void> {
    const r = this.run(name);
    if (r.proc && r.proc.exitCode() === null) throw new Error(`flow: ${name} is already running`);
    if (this.hasApiAccess(r.pod)) await this.ensureApiForwarder(r.pod);
    const l = this.launch(r.pod);
    const cmd = sandboxed(
      { files: l.files, dirs: l.dirs, netns: this.fabric.ns(r.pod.short), hostname: r.pod.name },
      l.cmd,
      l.args,
      path.join(this.opts.work, 'pods', r.pod.name, 'sandbox'),
    );
    // only what the pod gets: the kubelet does not pass the host's environment
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/root' };
    r.starts++;
    r.terminating = false;
    r.proc = start(`${r.pod.name}-${r.starts}`, cmd.cmd, cmd.args, {
      env: { ...base, ...l.env },
      logDir: path.join(this.opts.work, 'logs'),
      clearEnv: true,
    });
    await waitFor(
      `${name} to become ready`,
      async () => {
        if (r.proc!.exitCode() !== null)
          throw new Error(
            `${name} exited (${r.proc!.exitCode()}): ${r.proc!.output().trim().split('\n').slice(-8).join('\n')}`,
          );
        return (await this.probe(r.pod)) ? true : undefined;
      },
      readyTimeoutMs,
      200,
    );
    r.ready = true;
    await this.refreshDns();
  }

  /**
   * Stops a pod's container as the kubelet does for a deleted pod: the endpoint goes first (DNS stops
   * answering it), then SIGTERM, SIGKILL after the grace period.
   */
  public async stopPod(name: string, opts: { graceMs?: number; keepEndpoint?: boolean } = {}): Promise<void> {
    const r = this.run(name);
    r.terminating = true;
    r.ready = false;
    if (!opts.keepEndpoint) await this.refreshDns();
    if (r.proc)
      await stop(r.proc, opts.graceMs ?? (r.pod.podSpec.terminationGracePeriodSeconds ?? 30) * 1000);
  }

  private async probe(pod: PodModel): Promise<boolean> {
    const p = pod.container.readinessProbe;
    const port = (v: unknown) =>
      typeof v === 'number'
        ? v
        : Number((pod.container.ports ?? []).find((x: any) => x.name === v)?.containerPort);
    if (p?.httpGet) {
      const res = await httpGet(
        `http://${pod.ip}:${port(p.httpGet.port)}${p.httpGet.path ?? '/'}`,
        1000,
      ).catch(() => undefined);
      return !!res && res.status >= 200 && res.status < 400;
    }
    if (p?.tcpSocket) return canConnect(pod.ip, port(p.tcpSocket.port));
    throw new Error(
      `flow: ${pod.name} has no httpGet/tcpSocket readinessProbe; the harness cannot tell when it is ready`,
    );
  }

  /** Self-metrics of a collector pod (Prometheus text on its metrics port). */
  public async metrics(name: string): Promise<PromSample[]> {
    const r = this.run(name);
    const port = Number(
      (r.pod.container.ports ?? []).find((x: any) => x.name === 'metrics')?.containerPort ?? 8888,
    );
    const res = await httpGet(`http://${r.pod.ip}:${port}/metrics`, 3000);
    if (res.status !== 200) throw new Error(`flow: metrics of ${name}: HTTP ${res.status}`);
    return parseProm(res.body);
  }

  /** Stops every pod, the DNS servers, removes the fabric. */
  public async shutdown(): Promise<void> {
    for (const r of [...this.pods.values()].reverse()) if (r.proc) await stop(r.proc, 5000);
    for (const p of this.apiForwarders.values()) await stop(p, 2000);
    this.apiForwarders.clear();
    for (const d of this.dns) await d.stop();
    this.fabric.destroy();
    await this.opts.afterShutdown?.();
  }

  /** Waits a bounded time. */
  public async settle(ms: number): Promise<void> {
    await sleep(ms);
  }
}

function shortOf(name: string): string {
  return name
    .replace(/^otel-/, '')
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8);
}

/** One Prometheus sample. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses the Prometheus text format (samples only). */
export function parseProm(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const lm of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]] = lm[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

/** Sum of a metric (with or without the `_total` suffix) over samples matching `labels`. */
export function metricSum(
  samples: readonly PromSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter(
      (s) =>
        (s.name === name || s.name === `${name}_total`) &&
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )
    .reduce((a, s) => a + s.value, 0);
}

/** A GET with a timeout; resolves with status and body. */
export function httpGet(
  url: string,
  timeoutMs: number,
  agent?: http.Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
