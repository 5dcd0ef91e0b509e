/**
 * Faults in the trace flow of trace-flow.e2e.ts (same cluster: 3 nodes, agents, 3 tail-sampling gateways,
 * Jaeger v2 memory; Node.js frontend on node-1 calling the Go checkout service on node-2), with figures:
 *
 * 1. A gateway replica is deleted mid-run and comes back (StatefulSet): its endpoint leaves the headless
 *    Service's DNS answer at once (as for a terminating pod), it gets SIGTERM; the agents' load_balancing
 *    dns resolver re-resolves (every 5 s) and re-routes. Printed: spans lost and partial traces; asserted:
 *    traces that start once the agents had time to re-resolve are whole again.
 * 2. An agent restarts (node-1's, the Node.js app's): printed what is lost; asserted: traces after it is
 *    back are whole.
 * 3. The backend is down for 30 s with the gateway's persistent sending queue (the library's
 *    `persistentQueue`: file_storage on a PVC per replica; here the replica's own folder that survives its
 *    restarts), and one gateway replica restarts during the outage: once Jaeger is back, nothing the
 *    policy keeps is lost (asserted 0).
 *
 * Error and slow traces are always kept by the policy, so every one of them missing or partial in Jaeger
 * is a loss; healthy traces are sampled and only counted when stored partial.
 */
import { findConfigs } from './harness/emitted';
import { diffValues, FlowCluster, metricSum } from './harness/flow';
import { describeFlowE2E, FLOW_REWRITES, startFlowCluster } from './harness/flow-setup';
import { persistentQueueGatewayObjects } from './harness/flow-stack';
import { cleanupTempDirs, sleep, stopAll, tempDir, waitFor } from './harness/procs';
import { checkAll, drive, JaegerQuery, Kind, mix, Sent, TraceCheck } from './harness/traces';
import * as fs from 'fs';
import * as path from 'path';

const FRONTEND_SPANS = 2;
/** Agents re-resolve the gateway's headless name every 5 s (load_balancing dns resolver default interval), plus margin. */
const RESOLVE_MS = 7_000;
/** How long the restarting agent is away (container stop to start: a DaemonSet rollout replaces the pod in a few seconds). */
const AGENT_DOWN_MS = 5_000;

interface Event {
  readonly atMs: number;
  readonly name: string;
  readonly fn: () => Promise<void>;
}

/** Drives `plan` at `rate`/s and fires `events` at their times; returns answers and when each event ran. */
async function scenario(
  url: string,
  plan: readonly Kind[],
  rate: number,
  events: readonly Event[],
  firstSeq: number,
): Promise<{ sent: Sent[]; at: Record<string, number>; t0: number }> {
  const t0 = Date.now();
  const at: Record<string, number> = {};
  const driving = drive(url, plan, { concurrency: 64, ratePerSec: rate, maxMs: 180_000 }, firstSeq);
  for (const e of [...events].sort((a, b) => a.atMs - b.atMs)) {
    const wait = t0 + e.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    at[`${e.name}:start`] = Date.now();
    await e.fn();
    at[e.name] = Date.now();
  }
  return { sent: await driving, at, t0 };
}

/**
 * Waits (bounded by `maxMs`) until Jaeger holds every trace the policy keeps; with `stallMs`, also stops
 * when the count has not grown for that long (a phase that loses traces for good). Returns how many are held.
 */
async function awaitStored(
  jaeger: JaegerQuery,
  sent: readonly Sent[],
  maxMs: number,
  stallMs?: number,
): Promise<number> {
  const keep = sent.filter((s) => s.kind !== 'ok' && s.traceId);
  const found = new Set<string>();
  let grewAt = Date.now();
  await waitFor(
    'Jaeger to hold the kept traces',
    async () => {
      const before = found.size;
      for (const s of keep)
        if (!found.has(s.traceId) && (await jaeger.trace(s.traceId))) found.add(s.traceId);
      if (found.size > before) grewAt = Date.now();
      if (found.size === keep.length) return true;
      return stallMs !== undefined && Date.now() - grewAt >= stallMs ? true : undefined;
    },
    maxMs,
    2000,
  ).catch(() => undefined);
  return found.size;
}

interface Figures {
  keepSent: number;
  keepWhole: number;
  keepPartial: number;
  keepMissing: number;
  keepSpansExpected: number;
  keepSpansLost: number;
  frontendSpansLost: number;
  checkoutSpansLost: number;
  healthyStored: number;
  healthyPartial: number;
  failedRequests: number;
}

function figures(
  checks: readonly TraceCheck[],
  spansOf: (c: TraceCheck, service: string) => number,
): Figures {
  const keep = checks.filter((c) => c.sent.kind !== 'ok');
  const healthy = checks.filter((c) => c.sent.kind === 'ok');
  return {
    keepSent: keep.length,
    keepWhole: keep.filter((c) => c.state === 'whole').length,
    keepPartial: keep.filter((c) => c.state === 'partial').length,
    keepMissing: keep.filter((c) => c.state === 'missing').length,
    keepSpansExpected: keep.reduce((a, c) => a + c.expectedSpans, 0),
    keepSpansLost: keep.reduce((a, c) => a + c.expectedSpans - c.stored, 0),
    frontendSpansLost: keep.reduce((a, c) => a + FRONTEND_SPANS - spansOf(c, 'frontend'), 0),
    checkoutSpansLost: keep.reduce((a, c) => a + c.sent.goSpans - spansOf(c, 'checkout'), 0),
    healthyStored: healthy.filter((c) => c.state !== 'missing').length,
    healthyPartial: healthy.filter((c) => c.state === 'partial').length,
    failedRequests: checks.filter((c) => c.sent.status !== (c.sent.kind === 'error' ? 500 : 200)).length,
  };
}

function say(name: string, f: Figures, extra = ''): void {
  console.log(
    `${name}: kept-by-policy traces sent ${f.keepSent}: whole ${f.keepWhole}, partial ${f.keepPartial}, missing ${f.keepMissing}; ` +
      `spans lost ${f.keepSpansLost} of ${f.keepSpansExpected} (frontend ${f.frontendSpansLost}, checkout ${f.checkoutSpansLost}); ` +
      `healthy stored ${f.healthyStored}, of them partial ${f.healthyPartial}; failed requests ${f.failedRequests}${extra}`,
  );
}

describeFlowE2E(
  'trace flow faults: gateway replica lost, agent restart, backend down with the persistent queue',
  () => {
    const work = tempDir('trace-faults');
    let cluster: FlowCluster;
    let jaeger: JaegerQuery;
    let url: string;
    let seq = 0;
    const started = Date.now();
    const check = (sent: readonly Sent[]) => checkAll(jaeger, sent, FRONTEND_SPANS);
    const spansOf = (c: TraceCheck, service: string) => c.spansByService[service] ?? 0;

    beforeAll(async () => {
      const up = await startFlowCluster(work);
      cluster = up.cluster;
      jaeger = new JaegerQuery(`http://${cluster.deploymentPod('jaeger').pod.ip}:16686`);
      url = `http://${cluster.deploymentPod('frontend').pod.ip}:8080`;
    }, 240_000);

    afterAll(async () => {
      await cluster?.shutdown();
      await stopAll();
      cleanupTempDirs();
      console.log(`trace faults: total ${((Date.now() - started) / 1000).toFixed(0)} s`);
    });

    test('a gateway replica is deleted mid-run and comes back: agents re-route; spans lost and partial traces printed', async () => {
      const victim = 'otel-gateway-1';
      const plan = mix({ ok: 1400, error: 980, slow: 420 }); // 35 s at 80/s
      const run = await scenario(
        url,
        plan,
        80,
        [
          { atMs: 12_000, name: 'stop', fn: () => cluster.stopPod(victim) },
          { atMs: 22_000, name: 'back', fn: () => cluster.startPod(victim) },
        ],
        seq,
      );
      seq += plan.length;
      await sleep(12_000);
      await awaitStored(jaeger, run.sent, 60_000, 15_000);
      const checks = await check(run.sent);
      const stopAt = run.at['stop:start'];
      const backAt = run.at.back;
      const phase = (c: TraceCheck) =>
        c.sent.sentAt < stopAt - 11_000
          ? 'before'
          : c.sent.sentAt < stopAt + RESOLVE_MS
            ? 'around the stop'
            : c.sent.sentAt < backAt
              ? 'replica gone'
              : c.sent.sentAt < backAt + RESOLVE_MS
                ? 'around the return'
                : 'after';
      for (const p of ['before', 'around the stop', 'replica gone', 'around the return', 'after']) {
        say(
          `gateway stop [${p}]`,
          figures(
            checks.filter((c) => phase(c) === p),
            spansOf,
          ),
        );
      }
      const all = figures(checks, spansOf);
      say('gateway stop [whole run]', all, `; replica down ${((backAt - stopAt) / 1000).toFixed(1)} s`);
      const gone = checks.filter((c) => phase(c) === 'replica gone' && c.sent.kind !== 'ok');
      const after = checks.filter((c) => phase(c) === 'after' && c.sent.kind !== 'ok');
      expect(all.failedRequests).toBe(0);
      expect(gone.length).toBeGreaterThan(100);
      expect(after.length).toBeGreaterThan(100);
      // re-routed: once the agents re-resolved, every kept trace is whole on the two remaining replicas
      expect(gone.filter((c) => c.state !== 'whole').map((c) => c.sent.seq)).toEqual([]);
      expect(after.filter((c) => c.state !== 'whole').map((c) => c.sent.seq)).toEqual([]);
    }, 300_000);

    test(`an agent restarts (node-1, the Node.js app's; away ${AGENT_DOWN_MS / 1000} s): what is lost is printed; traces after it is back are whole`, async () => {
      const agent = cluster.podsOf('DaemonSet', 'otel-agent').find((a) => a.pod.node.name === 'node-1')!.pod
        .name;
      const plan = mix({ ok: 800, error: 560, slow: 240 }); // 20 s at 80/s
      const run = await scenario(
        url,
        plan,
        80,
        [
          {
            atMs: 7_000,
            name: 'restart',
            fn: async () => {
              await cluster.stopPod(agent);
              await sleep(AGENT_DOWN_MS);
              await cluster.startPod(agent);
            },
          },
        ],
        seq,
      );
      seq += plan.length;
      await sleep(12_000);
      await awaitStored(jaeger, run.sent, 60_000, 15_000);
      const checks = await check(run.sent);
      const downAt = run.at['restart:start'];
      const upAt = run.at.restart;
      const phase = (c: TraceCheck) =>
        c.sent.sentAt < downAt - 11_000
          ? 'before'
          : c.sent.sentAt < upAt + 5_000
            ? 'around the restart'
            : 'after';
      for (const p of ['before', 'around the restart', 'after'])
        say(
          `agent restart [${p}]`,
          figures(
            checks.filter((c) => phase(c) === p),
            spansOf,
          ),
        );
      const all = figures(checks, spansOf);
      say('agent restart [whole run]', all, `; agent down ${((upAt - downAt) / 1000).toFixed(1)} s`);
      expect(all.failedRequests).toBe(0);
      const after = checks.filter((c) => phase(c) === 'after' && c.sent.kind !== 'ok');
      expect(after.length).toBeGreaterThan(100);
      expect(after.filter((c) => c.state !== 'whole').map((c) => c.sent.seq)).toEqual([]);
    }, 300_000);

    test('the backend is down for 30 s with the persistent queue (and a gateway restarts meanwhile): nothing kept is lost', async () => {
      // the library's persistentQueue option: the only change to the gateway config
      const emitted = findConfigs(cluster.objects).find((c) =>
        /^StatefulSet observability\/otel-gateway /.test(c.where),
      )!.config;
      const pq = findConfigs(persistentQueueGatewayObjects()).find((c) =>
        /^StatefulSet observability\/otel-gateway /.test(c.where),
      )!.config;
      const diff = diffValues(emitted, pq);
      console.log(`persistent queue: the gateway config differs in ${diff.map((d) => d.key).join(', ')}`);
      expect(diff).toEqual([
        {
          key: 'exporters.otlp_grpc/jaeger.sending_queue.storage',
          from: undefined,
          to: 'file_storage/queue',
        },
        {
          key: 'extensions.file_storage/queue',
          from: undefined,
          to: { directory: '/var/lib/otelcol/queue' },
        },
        { key: 'service.extensions', from: ['health_check'], to: ['health_check', 'file_storage/queue'] },
      ]);
      // rolling update of the StatefulSet to the persistent-queue config (one replica at a time)
      cluster.overrideConfig('StatefulSet', 'otel-gateway', pq);
      for (const gw of cluster.podsOf('StatefulSet', 'otel-gateway')) {
        await cluster.stopPod(gw.pod.name);
        await cluster.startPod(gw.pod.name);
      }
      await sleep(RESOLVE_MS + 11_000); // agents re-resolved; traces of the rollout decided
      const queueBytes = (pod: string) => dirBytes(cluster.sandboxDir(pod), /otelcol\/queue\//);

      const plan = mix({ ok: 320, error: 224, slow: 96 }); // 8 s at 80/s
      let queued = 0;
      let queuedGw0 = 0;
      let queueFiles = 0;
      const run = await scenario(
        url,
        plan,
        80,
        [
          {
            atMs: 0,
            name: 'backend down',
            fn: () => cluster.stopPod(cluster.deploymentPod('jaeger').pod.name),
          },
          {
            atMs: 21_000,
            name: 'gateway restart',
            fn: async () => {
              for (const gw of cluster.podsOf('StatefulSet', 'otel-gateway')) {
                const n = metricSum(await cluster.metrics(gw.pod.name), 'otelcol_exporter_queue_size');
                queued += n;
                if (gw.pod.name === 'otel-gateway-0') queuedGw0 = n;
              }
              queueFiles = queueBytes('otel-gateway-0');
              await cluster.stopPod('otel-gateway-0');
              await cluster.startPod('otel-gateway-0');
            },
          },
          {
            atMs: 30_000,
            name: 'backend up',
            fn: () => cluster.startPod(cluster.deploymentPod('jaeger').pod.name),
          },
        ],
        seq,
      );
      seq += plan.length;
      const down = (run.at['backend up'] - run.at['backend down:start']) / 1000;
      const t = Date.now();
      await awaitStored(jaeger, run.sent, 150_000);
      const recovered = (Date.now() - t) / 1000;
      const checks = await check(run.sent);
      const f = figures(checks, spansOf);
      say(
        'backend down',
        f,
        `; backend down ${down.toFixed(1)} s, queued batches at the gateway restart ${queued} (otel-gateway-0: ${queuedGw0}), its queue files ${queueFiles} bytes; all stored ${recovered.toFixed(0)} s after it returned`,
      );
      expect(down).toBeGreaterThanOrEqual(29);
      expect(f.failedRequests).toBe(0);
      // the restarted replica had batches queued: without the persistent queue they would be lost
      expect(queuedGw0).toBeGreaterThan(0);
      expect(queueFiles).toBeGreaterThan(0);
      expect(f.keepSent).toBe(320);
      expect({ missing: f.keepMissing, partial: f.keepPartial, spansLost: f.keepSpansLost }).toEqual({
        missing: 0,
        partial: 0,
        spansLost: 0,
      });
      // the harness changed nothing else (the persistent-queue config is the library's, compared above)
      expect(cluster.rewrites.map(({ why: _why, ...r }) => r)).toEqual(FLOW_REWRITES);
    }, 400_000);
  },
);

/** Bytes of the files under `dir` whose path matches `re`. */
function dirBytes(dir: string, re: RegExp): number {
  if (!fs.existsSync(dir)) return 0;
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p, re);
    else if (e.isFile() && re.test(p)) n += fs.statSync(p).size;
  }
  return n;
}
