/**
 * Pipeline benchmark (`npm run bench:pipeline`; a script, not a test): the highest sustained spans/s
 * through agent -> gateway (tail_sampling) -> backend with zero loss on this machine, beside a bare
 * OTLP pass-through collector (otlp -> otlp_grpc, no processors) in front of the same backend as the
 * yardstick, with CPU and peak RSS per tier from /proc, and the gateway's measured memory per trace in
 * flight against the library's sizing estimate (sizeTailSampling: spansPerTrace x avgSpanSizeBytes,
 * TRACING_DEFAULTS.avgSpanSizeBytes per span by default, 3072 B since this benchmark measured ~3x the
 * former 1024 B).
 *
 * What runs: the emitted configs of the trace-flow stack (harness/flow-stack.ts: agent, gateway,
 * Jaeger v2 memory) on a private network-namespace fabric (10.213.1.0/24, see harness/flow.ts), with ONE
 * agent and ONE gateway replica (the StatefulSet's replicas set to 1: a per-replica figure is what the
 * sizing is about) and the same rewrites as the e2e tests (gateway k8s_attributes removed until there
 * is an API server). The load is telemetrygen 0.160.0 over OTLP/gRPC: traces of 10 spans (1 + 9
 * children) with 8 HTTP-like attributes, status Error so the errors policy keeps every trace — zero
 * loss then means the backend accepted every span the agent accepted, and nothing was refused on the way.
 *
 * Steps double the rate until a step loses data or misses its rate, then one step bisects. Each
 * pipeline step generates for 20 s (twice the decision wait: the last 10 s are steady state) and drains
 * for up to 25 s. Bounded: about 5 minutes on 2 cores. The machine may be shared: figures vary by run;
 * the ratios come from the same run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { sizeGateway } from '../../lib/collector';
import { sizeTailSampling, TRACING_DEFAULTS } from '../../lib/collector/config';
import { ensureProgram } from '../e2e/harness/build';
import { bin } from '../e2e/harness/e2e';
import { findConfigs } from '../e2e/harness/emitted';
import { FlowCluster, metricSum, PromSample, parseProm, httpGet } from '../e2e/harness/flow';
import { flowObjects } from '../e2e/harness/flow-stack';
import { Proc, sleep, start, stop, stopAll } from '../e2e/harness/procs';
import { sandboxed } from '../e2e/harness/sandbox';
import { podResolvConf } from '../e2e/harness/dns';

const PREFIX = 'otbn';
const SUBNET = '10.213.1';
const SPANS_PER_TRACE = 10;
const STEP_SEC = { pipeline: 20, passthrough: 12 };
const DEADLINE_MS = 330_000;
const HZ = 100; // USER_HZ of /proc/<pid>/stat on Linux
const ATTRS = [
  'http.request.method="GET"',
  'url.path="/api/v1/orders/1234567"',
  'url.scheme="http"',
  'http.response.status_code=500',
  'server.address="orders.shop.svc.cluster.local"',
  'server.port=8080',
  'network.protocol.version="1.1"',
  'user_agent.original="Mozilla/5.0 (X11; Linux x86_64) bench"',
];

interface ProcStat {
  cpuSec: number;
  rssKiB: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSec = (Number(f[11]) + Number(f[12])) / HZ; // utime, stime (fields 14, 15)
    const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSec, rssKiB: rss ? Number(rss[1]) : 0 };
  } catch {
    return undefined;
  }
}

/** Samples CPU and RSS of some processes every 250 ms. */
class Sampler {
  private timer?: NodeJS.Timeout;
  private readonly first = new Map<string, ProcStat>();
  private readonly last = new Map<string, ProcStat>();
  private readonly peak = new Map<string, number>();
  private readonly rss = new Map<string, number[]>();
  private t0 = 0;
  private tMark = 0;
  private readonly atMark = new Map<string, ProcStat>();
  constructor(private readonly pids: Record<string, number>) {}
  public start(): void {
    this.t0 = Date.now();
    const tick = () => {
      for (const [name, pid] of Object.entries(this.pids)) {
        const s = procStat(pid);
        if (!s) continue;
        if (!this.first.has(name)) this.first.set(name, s);
        this.last.set(name, s);
        this.peak.set(name, Math.max(this.peak.get(name) ?? 0, s.rssKiB));
        (this.rss.get(name) ?? this.rss.set(name, []).get(name)!).push(s.rssKiB);
      }
    };
    tick();
    this.timer = setInterval(tick, 250);
  }
  /** The end of the generation (cores are averaged up to here). */
  public mark(): void {
    this.tMark = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const s = procStat(pid) ?? this.last.get(name);
      if (s) this.atMark.set(name, s);
    }
  }
  public stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
  /** Cores used while generating, CPU seconds over the whole step (generation + drain), peak RSS MiB. */
  public figures(name: string): { cores: number; cpuSec: number; peakMiB: number } {
    const a = this.first.get(name);
    const m = this.atMark.get(name);
    const b = this.last.get(name);
    const cpuSec = a && b ? b.cpuSec - a.cpuSec : 0;
    const cores =
      a && m && this.tMark > this.t0 ? (m.cpuSec - a.cpuSec) / ((this.tMark - this.t0) / 1000) : 0;
    return { cores, cpuSec, peakMiB: (this.peak.get(name) ?? 0) / 1024 };
  }
}

interface StepResult {
  /** The generator fell short of the offered rate (below 80 %): going higher would not load the pipeline more. */
  saturated: boolean;
  targetSpansPerSec: number;
  achievedSpansPerSec: number;
  accepted: number;
  delivered: number;
  refused: number;
  ok: boolean;
  why: string;
  tiers: Record<string, { cores: number; cpuSec: number; peakMiB: number }>;
  heapMiB?: number;
  tracesInMemory?: number;
}

async function metricsOf(ip: string, port = 8888): Promise<PromSample[]> {
  const r = await httpGet(`http://${ip}:${port}/metrics`, 5000);
  if (r.status !== 200) throw new Error(`bench: metrics of ${ip}: HTTP ${r.status}`);
  return parseProm(r.body);
}

function accepted(m: PromSample[]): number {
  return metricSum(m, 'otelcol_receiver_accepted_spans');
}
function refused(m: PromSample[]): number {
  return (
    metricSum(m, 'otelcol_receiver_refused_spans') +
    metricSum(m, 'otelcol_exporter_send_failed_spans') +
    metricSum(m, 'otelcol_exporter_enqueue_failed_spans')
  );
}

async function main(): Promise<void> {
  const began = Date.now();
  for (const p of ['otelcol', 'jaeger', 'telemetrygen']) ensureProgram(p);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-bench-pipeline-'));
  // the trace-flow stack, one node, one gateway replica, no apps
  const objects = flowObjects(1200)
    .filter((o) => o.metadata?.namespace !== 'shop' && o.kind !== 'Instrumentation')
    .map((o) =>
      o.kind === 'StatefulSet' && o.metadata.name === 'otel-gateway'
        ? { ...o, spec: { ...o.spec, replicas: 1 } }
        : o,
    );
  const gwConfig = findConfigs(objects).find((c) =>
    /^StatefulSet observability\/otel-gateway /.test(c.where),
  )!.config;
  const decisionWaitSec = parseFloat(String(gwConfig.processors.tail_sampling.decision_wait));
  const cluster = await FlowCluster.create({
    objects,
    prefix: PREFIX,
    subnet: SUBNET,
    nodes: 1,
    deploymentNodes: {},
    work,
    kubeApi: { kind: 'none' },
    nodeApps: {},
    goApps: {},
    extraMembers: [
      { short: 'gen', ip: `${SUBNET}.50` },
      { short: 'pass', ip: `${SUBNET}.51` },
    ],
  });
  let pass: Proc | undefined;
  const results: { pipeline: StepResult[]; passthrough: StepResult[] } = { pipeline: [], passthrough: [] };
  try {
    for (const [kind, name] of [
      ['Deployment', 'jaeger'],
      ['StatefulSet', 'otel-gateway'],
      ['DaemonSet', 'otel-agent'],
    ] as const) {
      for (const p of cluster.podsOf(kind, name)) await cluster.startPod(p.pod.name);
    }
    const agent = cluster.podsOf('DaemonSet', 'otel-agent')[0].pod;
    const gateway = cluster.podsOf('StatefulSet', 'otel-gateway')[0].pod;
    const jaeger = cluster.deploymentPod('jaeger').pod;

    // the yardstick: a bare OTLP pass-through collector in front of the same backend
    const passConfig = {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
      exporters: {
        otlp_grpc: { endpoint: `jaeger.observability.svc.cluster.local:4317`, tls: { insecure: true } },
      },
      service: {
        pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp_grpc'] } },
        telemetry: {
          metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
        },
      },
    };
    const passFile = path.join(work, 'passthrough.yaml');
    fs.writeFileSync(passFile, stringify(passConfig));
    const passIp = `${SUBNET}.51`;
    const cmd = sandboxed(
      {
        files: { '/etc/resolv.conf': podResolvConf(cluster.nodes[0].ip, 'observability') },
        netns: cluster.fabric.ns('pass'),
        hostname: 'passthrough',
      },
      bin('otelcol'),
      [`--config=${passFile}`],
      path.join(work, 'pass-sandbox'),
    );
    pass = start('passthrough', cmd.cmd, cmd.args, {
      logDir: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GOMEMLIMIT: '409MiB' },
      clearEnv: true,
    });
    for (let i = 0; i < 100; i++) {
      if (
        await metricsOf(passIp).then(
          () => true,
          () => false,
        )
      )
        break;
      await sleep(200);
    }

    const pids = (names: Record<string, number | undefined>) =>
      Object.fromEntries(Object.entries(names).filter(([, v]) => v !== undefined)) as Record<string, number>;
    const runStep = async (mode: 'pipeline' | 'passthrough', spansPerSec: number): Promise<StepResult> => {
      const entry = mode === 'pipeline' ? agent.ip : passIp;
      const first = mode === 'pipeline' ? agent.ip : passIp;
      const tiers =
        mode === 'pipeline'
          ? pids({
              agent: cluster.pidOf(agent.name),
              gateway: cluster.pidOf(gateway.name),
              backend: cluster.pidOf(jaeger.name),
            })
          : pids({ passthrough: pass!.child.pid, backend: cluster.pidOf(jaeger.name) });
      const before = {
        entry: await metricsOf(first),
        jaeger: await metricsOf(jaeger.ip),
        gw: mode === 'pipeline' ? await metricsOf(gateway.ip) : [],
      };
      // one worker reaches ~1700 spans/s of 10-span traces (it sleeps each span's duration): spread the rate
      const workers = Math.max(1, Math.min(64, Math.ceil(spansPerSec / 1000)));
      // telemetrygen's --rate is spans per second per worker (measured: it counts every span, children too)
      const spansPerWorker = spansPerSec / workers;
      const dur = STEP_SEC[mode];
      const genArgs = [
        'traces',
        `--otlp-endpoint=${entry}:4317`,
        '--otlp-insecure',
        `--workers=${workers}`,
        `--rate=${spansPerWorker}`,
        `--duration=${dur}s`,
        `--child-spans=${SPANS_PER_TRACE - 1}`,
        '--status-code=Error',
        '--service=bench',
        ...ATTRS.map((a) => `--telemetry-attributes=${a}`),
      ];
      const gen = start(
        `telemetrygen-${mode}-${spansPerSec}`,
        'ip',
        ['netns', 'exec', cluster.fabric.ns('gen'), bin('telemetrygen'), ...genArgs],
        { logDir: work },
      );
      const sampler = new Sampler({ ...tiers, generator: gen.child.pid! });
      sampler.start();
      let heap: number[] = [];
      let inMemory: number[] = [];
      const t0 = Date.now();
      const steadyFrom = t0 + Math.min(dur * 1000 - 4000, (decisionWaitSec + 2) * 1000);
      while (gen.exitCode() === null && Date.now() - t0 < (dur + 15) * 1000) {
        await sleep(1000);
        if (mode === 'pipeline' && Date.now() > steadyFrom && gen.exitCode() === null) {
          const m = await metricsOf(gateway.ip).catch(() => []);
          heap.push(metricSum(m, 'otelcol_process_runtime_heap_alloc_bytes'));
          inMemory.push(metricSum(m, 'otelcol_processor_tail_sampling_sampling_traces_on_memory'));
        }
      }
      sampler.mark();
      if (gen.exitCode() === null) await stop(gen);
      const genSec = (Date.now() - t0) / 1000;
      // drain: the decision wait, then the exports
      let after = { entry: await metricsOf(first), jaeger: await metricsOf(jaeger.ip) };
      const drainUntil = Date.now() + (mode === 'pipeline' ? decisionWaitSec * 1000 + 15_000 : 10_000);
      while (Date.now() < drainUntil) {
        await sleep(1000);
        after = { entry: await metricsOf(first), jaeger: await metricsOf(jaeger.ip) };
        const a = accepted(after.entry) - accepted(before.entry);
        const d = accepted(after.jaeger) - accepted(before.jaeger);
        if (d >= a && Date.now() > t0 + (dur + decisionWaitSec) * 1000) break;
      }
      sampler.stop();
      const gwAfter = mode === 'pipeline' ? await metricsOf(gateway.ip) : [];
      const acc = accepted(after.entry) - accepted(before.entry);
      const del = accepted(after.jaeger) - accepted(before.jaeger);
      const ref =
        refused(after.entry) -
        refused(before.entry) +
        (mode === 'pipeline' ? refused(gwAfter) - refused(before.gw) : 0);
      const achieved = acc / Math.min(genSec, dur);
      const problems: string[] = [];
      if (ref > 0) problems.push(`${ref} spans refused/failed on the way`);
      if (del < acc) problems.push(`backend got ${del} of ${acc} spans`);
      const tierFigures = Object.fromEntries(
        [...Object.keys(tiers), 'generator'].map((t) => [t, sampler.figures(t)]),
      );
      heap = heap.filter((x) => x > 0);
      inMemory = inMemory.filter((x) => x > 0);
      return {
        saturated: achieved < 0.8 * spansPerSec,
        targetSpansPerSec: spansPerSec,
        achievedSpansPerSec: achieved,
        accepted: acc,
        delivered: del,
        refused: ref,
        ok: problems.length === 0,
        why: problems.join('; '),
        tiers: tierFigures,
        heapMiB: heap.length ? heap.reduce((a, b) => a + b, 0) / heap.length / 1048576 : undefined,
        tracesInMemory: inMemory.length ? inMemory.reduce((a, b) => a + b, 0) / inMemory.length : undefined,
      };
    };

    const idleGw = await metricsOf(gateway.ip);
    const idleHeapMiB = metricSum(idleGw, 'otelcol_process_runtime_heap_alloc_bytes') / 1048576;
    const idleRssMiB = (procStat(cluster.pidOf(gateway.name)!)?.rssKiB ?? 0) / 1024;
    const tierText = (r: StepResult) =>
      Object.entries(r.tiers)
        .map(([t, f]) => `${t} ${f.cores.toFixed(2)} cores ${f.peakMiB.toFixed(0)} MiB`)
        .join(', ');
    const say = (mode: string, r: StepResult) =>
      console.log(
        `bench ${mode.padEnd(11)} ${String(r.targetSpansPerSec).padStart(6)} spans/s offered, ${r.achievedSpansPerSec.toFixed(0).padStart(6)} generated: ` +
          `${r.ok ? 'zero loss' : `LOSS (${r.why})`}${r.saturated ? ' [the generator fell short of the offered rate]' : ''}; ${tierText(r)}` +
          (r.tracesInMemory
            ? `; gateway heap ${r.heapMiB!.toFixed(0)} MiB, ${r.tracesInMemory.toFixed(0)} traces in its map`
            : ''),
      );
    /** Doubles the rate until a step loses data or the generator cannot keep up; bisects once after a loss. */
    const search = async (
      mode: 'pipeline' | 'passthrough',
      from: number,
    ): Promise<{ best?: StepResult; limit: string }> => {
      let best: StepResult | undefined;
      let failed: number | undefined;
      let limit = 'time budget';
      for (let rate = from; Date.now() - began < DEADLINE_MS && rate <= 256_000; rate *= 2) {
        const r = await runStep(mode, rate);
        results[mode].push(r);
        say(mode, r);
        if (!r.ok) {
          failed = rate;
          limit = `loss at ${rate} spans/s offered (${r.why})`;
          break;
        }
        best = r;
        if (r.saturated) {
          limit =
            `the generator: offered ${rate} spans/s, it produced ${r.achievedSpansPerSec.toFixed(0)} (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores); ` +
            'no loss: the pipeline kept up with all it got, so its own limit is higher';
          break;
        }
      }
      if (best && failed && Date.now() - began < DEADLINE_MS - 60_000) {
        const mid = Math.round((best.targetSpansPerSec + failed) / 2 / 500) * 500;
        const r = await runStep(mode, mid);
        results[mode].push(r);
        say(mode, r);
        if (r.ok) best = r;
      }
      return { best, limit };
    };
    const pipe = await search('pipeline', 4000);
    const yard = await search('passthrough', 8000);

    console.log(
      `\n== pipeline benchmark on ${os.cpus().length} cores (possibly shared): one agent, one gateway replica, Jaeger v2 memory; traces of ${SPANS_PER_TRACE} spans, all kept (status Error)`,
    );
    const cpuPer1000 = (r: StepResult, t: string) =>
      r.tiers[t] ? (r.tiers[t].cpuSec / r.accepted) * 1000 * 1000 : NaN;
    const line = (label: string, x: { best?: StepResult; limit: string }) => {
      const r = x.best;
      if (!r) return console.log(`${label}: no step without loss (${x.limit})`);
      console.log(
        `${label}: ${r.achievedSpansPerSec.toFixed(0)} spans/s sustained with zero loss; limit: ${x.limit}`,
      );
      for (const [t, f] of Object.entries(r.tiers)) {
        const ms = cpuPer1000(r, t);
        console.log(
          `  ${t.padEnd(12)} ${f.cores.toFixed(2)} cores while generating, peak RSS ${f.peakMiB.toFixed(0)} MiB, ${ms.toFixed(1)} ms CPU per 1000 spans` +
            (t === 'generator'
              ? ''
              : ` (one core would carry ~${(1_000_000 / ms / 1000).toFixed(0)}k spans/s)`),
        );
      }
    };
    line('agent -> gateway (tail_sampling) -> Jaeger', pipe);
    line('pass-through collector -> Jaeger (yardstick)', yard);
    if (pipe.best && yard.best) {
      const p = pipe.best;
      const y = yard.best;
      console.log(
        `throughput ratio pipeline / pass-through (same run): ${(p.achievedSpansPerSec / y.achievedSpansPerSec).toFixed(2)}`,
      );
      const pipeCpu = cpuPer1000(p, 'agent') + cpuPer1000(p, 'gateway');
      console.log(
        `collector CPU per 1000 spans: agent + gateway ${pipeCpu.toFixed(1)} ms vs pass-through ${cpuPer1000(y, 'passthrough').toFixed(1)} ms: ratio ${(pipeCpu / cpuPer1000(y, 'passthrough')).toFixed(2)}`,
      );
    }
    const p = pipe.best;
    if (p?.heapMiB !== undefined) {
      const tracesPerSec = p.achievedSpansPerSec / SPANS_PER_TRACE;
      const inFlight = tracesPerSec * decisionWaitSec; // traces waiting for their decision at steady state
      const heapPerTrace = ((p.heapMiB - idleHeapMiB) * 1048576) / inFlight;
      const rssPerTrace = (((p.tiers.gateway?.peakMiB ?? 0) - idleRssMiB) * 1048576) / inFlight;
      const est = sizeTailSampling({ tracesPerSec, spansPerTrace: SPANS_PER_TRACE, decisionWaitSec });
      const estPerTrace = (SPANS_PER_TRACE * TRACING_DEFAULTS.avgSpanSizeBytes) as number;
      console.log(
        `gateway memory per trace in flight (${tracesPerSec.toFixed(0)} traces/s x decision wait ${decisionWaitSec} s = ${inFlight.toFixed(0)} traces): ` +
          `Go heap ${(heapPerTrace / 1024).toFixed(1)} KiB (heap_alloc ${p.heapMiB.toFixed(0)} MiB at steady state - ${idleHeapMiB.toFixed(0)} MiB idle; heap_alloc includes garbage not yet collected, GOGC 100), ` +
          `peak RSS ${(rssPerTrace / 1024).toFixed(1)} KiB (${(p.tiers.gateway?.peakMiB ?? 0).toFixed(0)} - ${idleRssMiB.toFixed(0)} MiB); ` +
          `library estimate ${(estPerTrace / 1024).toFixed(1)} KiB (${SPANS_PER_TRACE} spans x ${TRACING_DEFAULTS.avgSpanSizeBytes} B, spans of ${ATTRS.length} attributes here): heap ratio ${(heapPerTrace / estPerTrace).toFixed(2)}, RSS ratio ${(rssPerTrace / estPerTrace).toFixed(2)}`,
      );
      console.log(
        `sizeTailSampling for this traffic: num_traces ${est.numTraces}, buffer ${est.bufferMiB} MiB, suggested memory limit ${est.suggestedMemoryLimitMiB} MiB; ` +
          `measured gateway peak RSS ${(p.tiers.gateway?.peakMiB ?? 0).toFixed(0)} MiB. The tail_sampling map held ${p.tracesInMemory?.toFixed(0)} traces: ` +
          'without a decision cache, decided traces stay in it (their spans released) until num_traces evicts them',
      );
      // the gateway sizing's CPU side for one replica carrying this traffic (limits lifted so it only computes)
      const z = sizeGateway(
        { tracesPerSec, spansPerTrace: SPANS_PER_TRACE },
        decisionWaitSec,
        { maxSpansPerSecPerReplica: 1e9, maxMemoryPerReplicaMiB: 1e9, minReplicas: 1 },
        1,
      );
      console.log(
        `sizeGateway for one replica at this traffic: memory limit ${z.memoryLimitMiB} MiB, CPU request ${z.cpuRequestMillis}m (1000m per 10000 spans/s); ` +
          `measured gateway: peak RSS ${(p.tiers.gateway?.peakMiB ?? 0).toFixed(0)} MiB, ${((p.tiers.gateway?.cores ?? 0) * 1000).toFixed(0)}m CPU; ` +
          `the default maxSpansPerSecPerReplica 10000 vs ~${(1_000_000 / cpuPer1000(p, 'gateway') / 1000).toFixed(0)}k spans/s per core measured`,
      );
    }
    console.log(`bench: ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    if (pass) await stop(pass);
    await cluster.shutdown();
    await stopAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
