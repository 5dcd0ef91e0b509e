/**
 * Deterministic (seeded) mutants of collector configs for the differential check: each mutant is one
 * small change of one config, named `<base>|<kind>|<path>[|<variant>]`, of one of the kinds
 *
 * - `unknown-key`: a key the component does not have, next to real ones (a typo of a sibling, or a
 *   made-up name);
 * - `wrong-type`: a value of another type (number for a string, string for a number/bool/map, map for a list);
 * - `out-of-range`: a number below its range or absurdly large, a negative duration, a port above
 *   65535, an enum-like string outside its set;
 * - `undefined-reference`: a pipeline, `service.extensions`, a queue storage, an authenticator or a
 *   policy name that names nothing defined;
 * - `empty-pipeline`: a pipeline without receivers or exporters, or no pipelines at all;
 * - `removed-field`: one key deleted (required ones make the config invalid, optional ones not);
 * - `deprecated-name`: a component type replaced by its deprecated alias (everywhere it is referenced).
 *
 * The same seed gives the same mutants; candidates are enumerated in a stable order and sampled per
 * kind.
 */
import { COMPONENT_TYPES, ComponentKind } from '../../../lib';

/** The kinds of mutation. */
export const MUTATION_KINDS = [
  'unknown-key',
  'wrong-type',
  'out-of-range',
  'undefined-reference',
  'empty-pipeline',
  'removed-field',
  'deprecated-name',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** A config to mutate. */
export interface MutationBase {
  /** Short stable name, e.g. `gateway-operator-dns/otel-agent`. */
  readonly id: string;
  readonly config: any;
}

/** One mutant. */
export interface Mutant {
  /** `<base>|<kind>|<path>[|<variant>]`. */
  readonly id: string;
  readonly base: string;
  readonly kind: MutationKind;
  /** Where the change is, e.g. `exporters.otlp_grpc/tempo.tls.insecure`. */
  readonly path: string;
  /** What was done, for the report. */
  readonly change: string;
  readonly config: any;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string (seeds per base and kind). */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

type Path = readonly (string | number)[];

function pathString(p: Path): string {
  return p
    .map((x) => (typeof x === 'number' ? `[${x}]` : x))
    .join('.')
    .replace(/\.\[/g, '[');
}

function getAt(o: any, p: Path): any {
  return p.reduce((acc, k) => (acc === undefined || acc === null ? undefined : acc[k]), o);
}

function setAt(o: any, p: Path, value: unknown): void {
  const parent = getAt(o, p.slice(0, -1));
  parent[p[p.length - 1]] = value;
}

function deleteAt(o: any, p: Path): void {
  const parent = getAt(o, p.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(Number(p[p.length - 1]), 1);
  else delete parent[p[p.length - 1]];
}

const SECTIONS: Record<string, ComponentKind> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
  connectors: 'connector',
};

/** Every node below a component (not the service section), with its path. */
function componentNodes(config: any): Array<{ path: Path; value: unknown }> {
  const out: Array<{ path: Path; value: unknown }> = [];
  const walk = (v: unknown, p: Path) => {
    out.push({ path: p, value: v });
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  for (const section of Object.keys(SECTIONS)) {
    for (const [id, body] of Object.entries(config?.[section] ?? {})) walk(body, [section, id]);
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A plausible typo of a key (a letter doubled at the end), or a made-up name. */
function unknownKeys(
  map: Record<string, unknown>,
  rnd: () => number,
): Array<{ key: string; variant: string }> {
  const keys = Object.keys(map);
  const out: Array<{ key: string; variant: string }> = [{ key: 'not_a_real_option', variant: 'made-up' }];
  if (keys.length) {
    const k = keys[Math.floor(rnd() * keys.length)];
    const typo = `${k}${k.slice(-1)}`;
    if (!(typo in map)) out.push({ key: typo, variant: `typo-of-${k}` });
  }
  return out;
}

/** Keys whose value the collector allocates memory or goroutines for: no "huge" mutant there. */
const ALLOCATING_KEYS =
  /num_consumers|queue_size|num_traces|cache_size|cache_max_size|expected_new_traces_per_sec|send_batch|min_size|max_size|msg_size|concurrent_streams|cardinality|max_traces|burst_capacity|limit_mib|buffer/;

function candidates(base: MutationBase, kind: MutationKind): Mutant[] {
  const rnd = prng(hash(`${base.id}|${kind}`));
  const out: Mutant[] = [];
  const add = (path: Path, change: string, mutate: (c: any) => void, variant?: string) => {
    const config = clone(base.config);
    mutate(config);
    const ps = pathString(path);
    out.push({
      id: `${base.id}|${kind}|${ps}${variant ? `|${variant}` : ''}`,
      base: base.id,
      kind,
      path: ps,
      change,
      config,
    });
  };
  const nodes = componentNodes(base.config);
  switch (kind) {
    case 'unknown-key': {
      for (const { path, value } of nodes) {
        if (!isMap(value) || path.length < 2) continue;
        for (const { key, variant } of unknownKeys(value, rnd)) {
          add(path, `add key "${key}" = true`, (c) => setAt(c, [...path, key], true), variant);
        }
      }
      add(['service'], 'add key "not_a_real_option" to service', (c) => (c.service.not_a_real_option = true));
      const pipelines = Object.keys(base.config?.service?.pipelines ?? {});
      if (pipelines.length)
        add(
          ['service', 'pipelines', pipelines[0]],
          'add key "not_a_real_option" to a pipeline',
          (c) => (c.service.pipelines[pipelines[0]].not_a_real_option = []),
        );
      add([], 'add top-level key "not_a_real_section"', (c) => (c.not_a_real_section = {}));
      break;
    }
    case 'wrong-type': {
      for (const { path, value } of nodes) {
        if (path.length < 3) continue;
        if (typeof value === 'string') add(path, 'string -> number 12345', (c) => setAt(c, path, 12345));
        else if (typeof value === 'number')
          add(path, 'number -> string "lots"', (c) => setAt(c, path, 'lots'));
        else if (typeof value === 'boolean')
          add(path, 'bool -> string "maybe"', (c) => setAt(c, path, 'maybe'));
        else if (Array.isArray(value))
          add(path, 'list -> map', (c) => setAt(c, path, { item: value[0] ?? 'x' }));
        else if (isMap(value) && Object.keys(value).length)
          add(path, 'map -> string', (c) => setAt(c, path, 'not-a-map'));
      }
      const p = Object.keys(base.config?.service?.pipelines ?? {})[0];
      if (p)
        add(
          ['service', 'pipelines', p, 'receivers'],
          'receivers list -> string',
          (c) => (c.service.pipelines[p].receivers = c.service.pipelines[p].receivers[0]),
        );
      break;
    }
    case 'out-of-range': {
      for (const { path, value } of nodes) {
        if (path.length < 3) continue;
        const key = String(path[path.length - 1]);
        if (typeof value === 'number') {
          add(path, `${value} -> -1`, (c) => setAt(c, path, -1), 'negative');
          add(path, `${value} -> 0`, (c) => setAt(c, path, 0), 'zero');
          // not for sizes and counts the collector allocates or spawns (a trillion queue consumers would exhaust the machine)
          if (!ALLOCATING_KEYS.test(key)) add(path, `${value} -> 1e12`, (c) => setAt(c, path, 1e12), 'huge');
        } else if (typeof value === 'string' && /^\d+(\.\d+)?(ms|s|m|h)$/.test(value)) {
          add(path, `${value} -> -${value}`, (c) => setAt(c, path, `-${value}`), 'negative-duration');
        } else if (typeof value === 'string' && /:\d{1,5}$/.test(value) && key === 'endpoint') {
          add(path, 'port -> 70000', (c) => setAt(c, path, value.replace(/:\d+$/, ':70000')), 'port');
        } else if (
          typeof value === 'string' &&
          /^[A-Za-z][A-Za-z0-9_]{0,20}$/.test(value) &&
          !['name', 'key', 'tag_name', 'job_name'].includes(key)
        ) {
          add(path, `"${value}" -> "not_a_valid_value"`, (c) => setAt(c, path, 'not_a_valid_value'), 'enum');
        }
      }
      break;
    }
    case 'undefined-reference': {
      const pipelines = base.config?.service?.pipelines ?? {};
      for (const [pid, p] of Object.entries<any>(pipelines)) {
        for (const role of ['receivers', 'processors', 'exporters']) {
          (p?.[role] ?? []).forEach((ref: string, i: number) => {
            const missing = `${String(ref).split('/')[0]}/undefined`;
            add(
              ['service', 'pipelines', pid, role, i],
              `"${ref}" -> "${missing}"`,
              (c) => (c.service.pipelines[pid][role][i] = missing),
            );
          });
        }
      }
      if (Array.isArray(base.config?.service?.extensions)) {
        add(['service', 'extensions'], 'enable an undefined extension', (c) =>
          c.service.extensions.push('health_check/undefined'),
        );
      }
      for (const { path, value } of nodes) {
        const key = String(path[path.length - 1]);
        if (typeof value !== 'string') continue;
        if (['storage', 'authenticator', 'trace_storage'].includes(key))
          add(path, `"${value}" -> undefined id`, (c) => setAt(c, path, `${value.split('/')[0]}/undefined`));
        if (key === 'policy' || path[path.length - 2] === 'policy_order')
          add(path, `policy "${value}" -> undefined name`, (c) => setAt(c, path, 'undefined-policy'));
      }
      break;
    }
    case 'empty-pipeline': {
      const pipelines = base.config?.service?.pipelines ?? {};
      for (const pid of Object.keys(pipelines)) {
        add(
          ['service', 'pipelines', pid, 'receivers'],
          'receivers: []',
          (c) => (c.service.pipelines[pid].receivers = []),
        );
        add(
          ['service', 'pipelines', pid, 'exporters'],
          'exporters: []',
          (c) => (c.service.pipelines[pid].exporters = []),
        );
      }
      add(['service', 'pipelines'], 'pipelines: {}', (c) => (c.service.pipelines = {}));
      break;
    }
    case 'removed-field': {
      for (const { path } of nodes) {
        if (path.length < 3) continue;
        add(path, 'delete', (c) => deleteAt(c, path));
      }
      add(['service', 'pipelines'], 'delete service.pipelines', (c) => delete c.service.pipelines);
      break;
    }
    case 'deprecated-name': {
      for (const [section, kindOf] of Object.entries(SECTIONS)) {
        for (const id of Object.keys(base.config?.[section] ?? {})) {
          const [type, ...rest] = id.split('/');
          const row = COMPONENT_TYPES.find((t) => t.kind === kindOf && t.type === type);
          for (const alias of row?.deprecatedAliases ?? []) {
            const newId = [alias, ...rest].join('/');
            add(
              [section, id],
              `type "${type}" -> deprecated alias "${alias}"`,
              (c) => renameComponent(c, section, id, newId),
              alias,
            );
          }
        }
      }
      break;
    }
  }
  return out;
}

/** Renames a component id everywhere it is used (section key, pipelines, service.extensions). */
function renameComponent(c: any, section: string, id: string, newId: string): void {
  const entries = Object.entries(c[section]).map(([k, v]) => [k === id ? newId : k, v] as const);
  c[section] = Object.fromEntries(entries);
  for (const p of Object.values<any>(c.service?.pipelines ?? {})) {
    for (const role of ['receivers', 'processors', 'exporters']) {
      if (Array.isArray(p?.[role])) p[role] = p[role].map((r: string) => (r === id ? newId : r));
    }
  }
  if (section === 'extensions' && Array.isArray(c.service?.extensions))
    c.service.extensions = c.service.extensions.map((e: string) => (e === id ? newId : e));
}

/** How many mutants of each kind `mutants()` draws (over all bases). */
export const QUOTAS: Readonly<Record<MutationKind, number>> = {
  'unknown-key': 140,
  'wrong-type': 130,
  'out-of-range': 130,
  'undefined-reference': 80,
  'empty-pipeline': 40,
  'removed-field': 120,
  'deprecated-name': 40,
};

/** The component a mutant path is in (`processors.batch` for `processors.batch/x.timeout`), or the section. */
export function siteOf(path: string): string {
  const m = /^(receivers|processors|exporters|extensions|connectors)\.([^./[]+)/.exec(path);
  return m ? `${m[1]}.${m[2]}` : path.split('.').slice(0, 2).join('.') || '(top)';
}

/** The same change at the same place of the same component type, whichever base it is in. */
function sameChange(m: Mutant): string {
  const rel = m.path
    .replace(/^(receivers|processors|exporters|extensions|connectors)\.([^./[]+)(\/[^.[]+)?/, '$1.$2')
    .replace(/\[\d+\]/g, '[]');
  return `${rel}|${m.id.split('|')[3] ?? ''}|${m.change}`;
}

function shuffle<T>(items: T[], rnd: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * The mutants of `bases`: per kind, the candidates of all bases without repeats (the same change at the
 * same place of the same component type counts once), sampled with the seed round-robin over the
 * components they touch (so every component type gets its share), at most the kind's quota. Each
 * site's candidates are shuffled with a seed of their own, so adding base configs changes little.
 */
export function mutants(
  bases: readonly MutationBase[],
  seed: number,
  quotas: Readonly<Record<MutationKind, number>> = QUOTAS,
): Mutant[] {
  const out: Mutant[] = [];
  for (const kind of MUTATION_KINDS) {
    const seenIds = new Set<string>();
    const seenChanges = new Set<string>();
    const unique = bases
      .flatMap((b) => candidates(b, kind))
      .filter((m) => {
        const c = sameChange(m);
        if (seenIds.has(m.id) || seenChanges.has(c)) return false;
        seenIds.add(m.id);
        seenChanges.add(c);
        return true;
      });
    const groups = new Map<string, Mutant[]>();
    for (const m of unique) groups.set(siteOf(m.path), [...(groups.get(siteOf(m.path)) ?? []), m]);
    // each site is shuffled with its own seed: a new base config or site leaves the others' order alone
    const queues = [...groups.keys()].sort().map((k) => shuffle(groups.get(k)!, prng(hash(`${seed}|${kind}|${k}`))));
    const picked: Mutant[] = [];
    for (let round = 0; picked.length < quotas[kind] && queues.some((q) => q.length > round); round++) {
      for (const q of queues) if (q.length > round && picked.length < quotas[kind]) picked.push(q[round]);
    }
    out.push(...picked);
  }
  return out;
}
