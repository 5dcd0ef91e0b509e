/**
 * Traffic and its accounting for the trace-flow tests: a driver that sends a known mix of requests to
 * the frontend (each answer carries the trace id and the number of spans the Go service produced), the
 * backend's query API (Jaeger's HTTP API on its query port), and the comparison of what was sent with
 * what was stored (whole / partial / missing per trace), plus the binomial bound for a sampled share.
 */
import * as http from 'http';
import { httpGet } from './flow';
import { sleep } from './procs';

/** What a request asks the apps to do. */
export type Kind = 'ok' | 'error' | 'slow';

/** One request and its answer. */
export interface Sent {
  readonly seq: number;
  readonly kind: Kind;
  readonly status: number;
  /** Trace id the Go service saw (hex), '' when the request failed before it. */
  readonly traceId: string;
  /** Spans the Go service produced for it. */
  readonly goSpans: number;
  readonly latencyMs: number;
  readonly sentAt: number;
  readonly error?: string;
}

/** Options of `drive`. */
export interface DriveOptions {
  /** Requests in flight at most. */
  readonly concurrency: number;
  /** Requests started per second at most. @default unlimited */
  readonly ratePerSec?: number;
  /** Per-request timeout. @default 15000 */
  readonly timeoutMs?: number;
  /** Stop starting new requests after this long. @default 5 min */
  readonly maxMs?: number;
  /** Called after each answer. */
  readonly onResult?: (s: Sent) => void;
}

/** Interleaves kinds so that each kind is spread over the run (deterministic). */
export function mix(counts: Readonly<Record<Kind, number>>): Kind[] {
  const out: Array<{ k: Kind; at: number }> = [];
  for (const k of Object.keys(counts) as Kind[]) {
    const n = counts[k];
    for (let i = 0; i < n; i++) out.push({ k, at: (i + 0.5) / n });
  }
  return out.sort((a, b) => a.at - b.at).map((x) => x.k);
}

/** Sends `plan` to `baseUrl/checkout?kind=..&id=..` and returns every answer (bounded in time). */
export async function drive(
  baseUrl: string,
  plan: readonly Kind[],
  opts: DriveOptions,
  firstSeq = 0,
): Promise<Sent[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const out: Sent[] = [];
  const started = Date.now();
  const maxMs = opts.maxMs ?? 300_000;
  let next = 0;
  const gap = opts.ratePerSec ? 1000 / opts.ratePerSec : 0;
  let slot = Date.now();
  const worker = async () => {
    while (next < plan.length && Date.now() - started < maxMs) {
      const i = next++;
      if (gap) {
        const wait = slot - Date.now();
        slot = Math.max(slot, Date.now()) + gap;
        if (wait > 0) await sleep(wait);
      }
      const seq = firstSeq + i;
      const kind = plan[i];
      const t0 = Date.now();
      let s: Sent;
      try {
        const r = await httpGet(
          `${baseUrl}/checkout?kind=${kind}&id=${seq}`,
          opts.timeoutMs ?? 15_000,
          agent,
        );
        let body: any = {};
        try {
          body = JSON.parse(r.body);
        } catch {
          body = { error: r.body.slice(0, 200) };
        }
        s = {
          seq,
          kind,
          status: r.status,
          traceId: String(body.traceId ?? ''),
          goSpans: Number(body.spans ?? 0),
          latencyMs: Date.now() - t0,
          sentAt: t0,
          error: body.error,
        };
      } catch (e) {
        s = {
          seq,
          kind,
          status: 0,
          traceId: '',
          goSpans: 0,
          latencyMs: Date.now() - t0,
          sentAt: t0,
          error: (e as Error).message,
        };
      }
      out.push(s);
      opts.onResult?.(s);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();
  return out.sort((a, b) => a.seq - b.seq);
}

/** A stored span (Jaeger's query API, flattened). */
export interface StoredSpan {
  readonly spanId: string;
  readonly parentIds: readonly string[];
  readonly name: string;
  readonly service: string;
  readonly resource: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, unknown>>;
  readonly startUs: number;
  readonly durationUs: number;
}

/** Jaeger's HTTP query API (the UI's `/api/...`). */
export class JaegerQuery {
  constructor(public readonly baseUrl: string) {}

  /** The spans of a trace, or undefined when Jaeger has none. */
  public async trace(traceId: string): Promise<StoredSpan[] | undefined> {
    const r = await httpGet(`${this.baseUrl}/api/traces/${traceId}`, 10_000);
    if (r.status === 404) return undefined;
    if (r.status !== 200)
      throw new Error(`jaeger: GET /api/traces/${traceId}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    const data = JSON.parse(r.body).data ?? [];
    if (data.length === 0) return undefined;
    return flatten(data[0]);
  }

  /** Trace ids with a span of `service` that started in [startMs, endMs]. */
  public async search(service: string, startMs: number, endMs: number, limit = 20_000): Promise<string[]> {
    const q = `service=${encodeURIComponent(service)}&start=${startMs * 1000}&end=${endMs * 1000}&limit=${limit}`;
    const r = await httpGet(`${this.baseUrl}/api/traces?${q}`, 60_000);
    if (r.status !== 200)
      throw new Error(`jaeger: search ${service}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    return (JSON.parse(r.body).data ?? []).map((t: any) => String(t.traceID));
  }
}

function tagMap(tags: any[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of tags ?? []) out[t.key] = t.value;
  return out;
}

function flatten(trace: any): StoredSpan[] {
  const processes = trace.processes ?? {};
  return (trace.spans ?? []).map((s: any) => {
    const p = processes[s.processID] ?? {};
    return {
      spanId: s.spanID,
      parentIds: (s.references ?? [])
        .filter((r: any) => r.refType === 'CHILD_OF' && r.traceID === s.traceID)
        .map((r: any) => r.spanID),
      name: s.operationName,
      service: p.serviceName,
      resource: Object.fromEntries(Object.entries(tagMap(p.tags)).map(([k, v]) => [k, String(v)])),
      tags: tagMap(s.tags),
      startUs: s.startTime,
      durationUs: s.duration,
    };
  });
}

/** Verdict on one sent trace. */
export interface TraceCheck {
  readonly sent: Sent;
  readonly expectedSpans: number;
  readonly stored: number;
  /** whole: every span; partial: some; missing: none stored. */
  readonly state: 'whole' | 'partial' | 'missing';
  readonly services: readonly string[];
  /** Stored spans per service. */
  readonly spansByService: Readonly<Record<string, number>>;
  /** The resource attributes of each service's first span. */
  readonly resources: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly nodes: readonly string[];
  /** Roots (no parent in the trace) and spans whose parent is missing. */
  readonly roots: number;
  readonly orphans: number;
  readonly durationMs: number;
}

/** Compares a stored trace with what the apps produced (`frontendSpans` + the Go service's count). */
export function checkTrace(
  sent: Sent,
  spans: readonly StoredSpan[] | undefined,
  frontendSpans: number,
): TraceCheck {
  const expectedSpans = frontendSpans + sent.goSpans;
  const list = spans ?? [];
  const ids = new Set(list.map((s) => s.spanId));
  const roots = list.filter((s) => s.parentIds.length === 0).length;
  const orphans = list.filter((s) => s.parentIds.some((p) => !ids.has(p))).length;
  const unique = ids.size;
  const state =
    unique === 0 ? 'missing' : unique === expectedSpans && roots === 1 && orphans === 0 ? 'whole' : 'partial';
  const spansByService: Record<string, number> = {};
  const resources: Record<string, Record<string, string>> = {};
  for (const s of list) {
    spansByService[s.service] = (spansByService[s.service] ?? 0) + 1;
    resources[s.service] ??= { ...s.resource };
  }
  const start = Math.min(...list.map((s) => s.startUs));
  const end = Math.max(...list.map((s) => s.startUs + s.durationUs));
  return {
    sent,
    expectedSpans,
    stored: unique,
    state,
    services: [...new Set(list.map((s) => s.service))].sort(),
    spansByService,
    resources,
    nodes: [...new Set(list.map((s) => s.resource['k8s.node.name']).filter(Boolean))].sort(),
    roots,
    orphans,
    durationMs: list.length ? (end - start) / 1000 : 0,
  };
}

/** Fetches and checks every sent trace (sequentially; bounded by the count). */
export async function checkAll(
  q: JaegerQuery,
  sent: readonly Sent[],
  frontendSpans: number,
): Promise<TraceCheck[]> {
  const out: TraceCheck[] = [];
  for (const s of sent)
    out.push(checkTrace(s, s.traceId ? await q.trace(s.traceId) : undefined, frontendSpans));
  return out;
}

/** `k ± z·sqrt(n p (1-p))`: the bounds of a binomial count at `z` standard deviations. */
export function binomialBounds(
  n: number,
  p: number,
  z: number,
): { expected: number; sigma: number; low: number; high: number } {
  const sigma = Math.sqrt(n * p * (1 - p));
  return {
    expected: n * p,
    sigma,
    low: Math.max(0, n * p - z * sigma),
    high: Math.min(n, n * p + z * sigma),
  };
}

/** Counts of a list of checks. */
export function tally(checks: readonly TraceCheck[]): {
  sent: number;
  whole: number;
  partial: number;
  missing: number;
  spansExpected: number;
  spansStored: number;
} {
  return {
    sent: checks.length,
    whole: checks.filter((c) => c.state === 'whole').length,
    partial: checks.filter((c) => c.state === 'partial').length,
    missing: checks.filter((c) => c.state === 'missing').length,
    spansExpected: checks.reduce((a, c) => a + c.expectedSpans, 0),
    spansStored: checks.reduce((a, c) => a + c.stored, 0),
  };
}
