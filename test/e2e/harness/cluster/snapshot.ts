/**
 * Every object in the cluster (all served, listable resources of the preferred version of each group),
 * by identity, uid and finalizers: two snapshots show what an apply-then-delete left behind.
 */
import { ApiClient } from './client';

/** One object in a snapshot. */
export interface SnapshotEntry {
  readonly uid: string;
  readonly finalizers: readonly string[];
  readonly deleting: boolean;
}

/** `group/version Kind ns/name` -> entry. */
export type ClusterSnapshot = Map<string, SnapshotEntry>;

/** Kinds not compared, with the reason. */
export const SNAPSHOT_IGNORED: Readonly<Record<string, string>> = {
  'v1 Event': 'records of what controllers did (kept for an hour by design, deleted with their namespace)',
  'events.k8s.io/v1 Event': 'the same events through the events.k8s.io API',
};

/** Lists every object. */
export async function snapshot(client: ApiClient): Promise<ClusterSnapshot> {
  const gvs: string[] = ['v1'];
  const groups = await client.ok('GET', '/apis');
  for (const g of groups.body.groups ?? []) gvs.push(g.preferredVersion.groupVersion);
  const out: ClusterSnapshot = new Map();
  for (const gv of gvs) {
    const r = await client.request('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    if (r.status !== 200) continue;
    for (const res of r.body.resources ?? []) {
      if (String(res.name).includes('/') || !(res.verbs ?? []).includes('list')) continue;
      if (SNAPSHOT_IGNORED[`${gv} ${res.kind}`]) continue;
      const list = await client.request('GET', `${gv === 'v1' ? '/api/v1' : `/apis/${gv}`}/${res.name}`);
      if (list.status !== 200) continue;
      for (const o of list.body.items ?? []) {
        const m = o.metadata ?? {};
        out.set(`${gv} ${res.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`, {
          uid: m.uid,
          finalizers: m.finalizers ?? [],
          deleting: !!m.deletionTimestamp,
        });
      }
    }
  }
  return out;
}

/** What `after` has that `before` had not (or has changed): objects left, finalizers added, deletions stuck. */
export function leftovers(before: ClusterSnapshot, after: ClusterSnapshot): string[] {
  const out: string[] = [];
  for (const [k, a] of after) {
    const b = before.get(k);
    if (!b || b.uid !== a.uid) out.push(`left behind: ${k}`);
    else if (JSON.stringify(b.finalizers) !== JSON.stringify(a.finalizers))
      out.push(`finalizers changed: ${k} ${JSON.stringify(b.finalizers)} -> ${JSON.stringify(a.finalizers)}`);
    if (a.deleting) out.push(`still being deleted: ${k} finalizers=${JSON.stringify(a.finalizers)}`);
  }
  return out.sort();
}

/**
 * `leftovers(before, now)` once the garbage collector and the namespace controller are done: polled
 * until empty, at most `timeoutMs`; returns what is still left then (empty when clean).
 */
export async function settledLeftovers(
  client: ApiClient,
  before: ClusterSnapshot,
  timeoutMs = 90_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left: string[] = [];
  for (let i = 0; i < Math.ceil(timeoutMs / 500) + 1; i++) {
    left = leftovers(before, await snapshot(client));
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 500));
  }
  return left;
}
