/**
 * The fuzz harness of the public API: each case names a public factory or construct and a call with
 * valid props; the harness replaces every prop (nested ones included, list items too) by values of
 * the wrong type and by out-of-range values, calls again, and asserts that only the library's own
 * errors come out — an `Error` (never a TypeError or RangeError from deep inside) whose message names
 * the prop — and that a call that succeeds did not emit a silently wrong value (NaN, a string split
 * letter by letter, `undefined` turned into text).
 *
 * A wrong-typed value must be refused: the library coerces nothing. A case lists the paths where a
 * value of another type is legitimately accepted (`accepts`), with the kinds it accepts.
 */

/** The kinds of bad values the harness tries. */
export type BadKind = 'null' | 'nan' | 'infinity' | 'negative' | 'string' | 'numeric-string' | 'number' | 'boolean' | 'list' | 'object' | 'function';

/** One bad value with a label. */
export interface BadValue {
  readonly kind: BadKind;
  readonly value: unknown;
}

const ALL: readonly BadValue[] = [
  { kind: 'null', value: null },
  { kind: 'nan', value: NaN },
  { kind: 'infinity', value: Infinity },
  { kind: 'negative', value: -7 },
  { kind: 'string', value: 'abc' },
  { kind: 'numeric-string', value: '5' },
  { kind: 'number', value: 42.5 },
  { kind: 'boolean', value: true },
  { kind: 'list', value: ['x', 'y'] },
  { kind: 'object', value: { unexpected: 1 } },
  { kind: 'function', value: () => 1 },
];

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

/** The bad values for a slot whose valid value is `valid` (values of the same type are left out, except out-of-range numbers). */
export function badValuesFor(valid: unknown): BadValue[] {
  const t = typeOf(valid);
  return ALL.filter((b) => {
    const bt = typeOf(b.value);
    if (t === 'number') return bt !== 'number' || b.kind === 'nan' || b.kind === 'infinity' || b.kind === 'negative';
    if (t === 'object' && valid !== null && Object.getPrototypeOf(valid) !== Object.prototype) {
      // an instance of one of our classes: a plain object of the same shape is wrong too
      return true;
    }
    return bt !== t;
  });
}

/** Every path of a props value the harness mutates: plain-object keys and list items, recursively. */
export function slotsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      out.push(...slotsOf(v, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      out.push(...slotsOf(v, [...prefix, k]));
    }
  }
  return out;
}

/** A deep copy of plain objects and lists with the value at `path` replaced. */
export function withValue(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = withValue(copy[head as number], rest, replacement);
    return copy;
  }
  const obj = value as Record<string, unknown>;
  return { ...obj, [head]: withValue(obj[head as string], rest, replacement) };
}

/** Reads the value at `path`. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = value;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur;
}

const ENGINE_MESSAGES =
  /Cannot read propert|Cannot set propert|(?:[A-Za-z_$][\w$]*|\))\.[A-Za-z_$][\w$]* is not a function|is not iterable|is not a constructor|Cannot convert|Invalid array length|Maximum call stack|Cannot destructure|of undefined|of null|toString is not|Converting circular/;

/** Why an error is not one of ours (`undefined` when it is). */
export function notOurError(err: unknown, mentions: readonly string[]): string | undefined {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) {
    return `${err.constructor.name} from deep inside: ${err.message}`;
  }
  if (ENGINE_MESSAGES.test(err.message)) return `an engine message, not ours: ${err.message}`;
  if (mentions.length > 0 && !mentions.some((m) => err.message.includes(m))) {
    return `the message names none of ${mentions.map((m) => JSON.stringify(m)).join(', ')}: ${err.message}`;
  }
  return undefined;
}

/** Why an output value is silently wrong (`undefined` when it looks right). */
export function silentlyWrong(output: unknown): string | undefined {
  const seen = new Set<unknown>();
  const walk = (v: unknown, where: string): string | undefined => {
    if (typeof v === 'number' && !Number.isFinite(v)) return `${v} at ${where}`;
    if (typeof v === 'string' && /\b(NaN|undefined|\[object Object\]|function \(|=> )/.test(v) && !/^\$\{/.test(v)) {
      return `${JSON.stringify(v)} at ${where}`;
    }
    if (typeof v === 'function') return `a function at ${where}`;
    if (v === null || typeof v !== 'object' || seen.has(v)) return undefined;
    seen.add(v);
    if (Array.isArray(v)) {
      if (v.length > 1 && v.every((x) => typeof x === 'string' && x.length === 1)) return `a string split letter by letter at ${where}`;
      for (let i = 0; i < v.length; i++) {
        const r = walk(v[i], `${where}[${i}]`);
        if (r) return r;
      }
      return undefined;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const r = walk(x, `${where}.${k}`);
      if (r) return r;
    }
    return undefined;
  };
  return walk(output, '$');
}

/** One fuzz case: a public entry point called with valid arguments. */
export interface FuzzCase {
  /** What is called (`Processor.batch`, `new CollectorAgent`). */
  readonly name: string;
  /** Valid arguments; each plain-object/list slot of each is mutated. */
  readonly args: readonly unknown[];
  /**
   * Calls the entry point and returns what it produced in a form to inspect (rendered config,
   * synthesized manifests); throws what the library throws.
   */
  readonly call: (...args: unknown[]) => unknown;
  /**
   * Paths (`0.timeoutSec`, `1`) where other kinds are accepted on purpose, with the kinds; `*` accepts
   * every kind (a free-form value such as an attribute value or a custom component's config).
   */
  readonly accepts?: Readonly<Record<string, readonly (BadKind | '*')[]>>;
  /** Also mutate the top-level arguments themselves (default true). */
  readonly mutateArgs?: boolean;
}

/** One finding of the harness. */
export interface FuzzProblem {
  readonly case: string;
  readonly path: string;
  readonly kind: BadKind;
  readonly problem: string;
}

/** How many calls a case made (for the coverage assertions). */
export interface FuzzRun {
  readonly calls: number;
  readonly problems: FuzzProblem[];
}

/** Runs a case: the valid call must succeed cleanly; every mutant must be refused with our error. */
export function runFuzzCase(c: FuzzCase): FuzzRun {
  const problems: FuzzProblem[] = [];
  let calls = 0;
  const valid = c.call(...c.args);
  calls++;
  const wrongValid = silentlyWrong(valid);
  if (wrongValid) problems.push({ case: c.name, path: '(valid call)', kind: 'object', problem: `valid call emitted ${wrongValid}` });
  const slots: (string | number)[][] = [];
  c.args.forEach((a, i) => {
    if (c.mutateArgs !== false) slots.push([i]);
    for (const s of slotsOf(a)) slots.push([i, ...s]);
  });
  for (const slot of slots) {
    const key = slot.join('.');
    const accepted = c.accepts?.[key] ?? [];
    if (accepted.includes('*')) continue;
    const current = valueAt(c.args, slot);
    for (const bad of badValuesFor(current)) {
      if (accepted.includes(bad.kind)) continue;
      const args = withValue(c.args, slot, bad.value) as unknown[];
      calls++;
      let out: unknown;
      try {
        out = c.call(...args);
      } catch (err) {
        const last = slot[slot.length - 1];
        const mentions = typeof last === 'string' ? [last] : typeof slot[slot.length - 2] === 'string' ? [String(slot[slot.length - 2])] : [];
        const why = notOurError(err, slot.length > 1 ? mentions : []);
        if (why) problems.push({ case: c.name, path: key, kind: bad.kind, problem: why });
        continue;
      }
      const wrong = silentlyWrong(out);
      problems.push({
        case: c.name,
        path: key,
        kind: bad.kind,
        problem: wrong ? `accepted and emitted ${wrong}` : `accepted ${bad.kind} ${describe(bad.value)} without an error`,
      });
    }
  }
  return { calls, problems };
}

function describe(v: unknown): string {
  if (typeof v === 'function') return '(a function)';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * The public entry points of a room's index: `Class.factory` for static methods, `new Class` for
 * constructible classes, `Class#method` for public methods of constructs, `fn` for functions.
 */
export function publicEntryPoints(roomIndex: Record<string, unknown>): string[] {
  const { Construct } = require('constructs') as typeof import('constructs');
  const out: string[] = [];
  for (const [name, v] of Object.entries(roomIndex)) {
    if (typeof v !== 'function') continue;
    const isClass = /^class\b/.test(Function.prototype.toString.call(v));
    if (!isClass) {
      out.push(name);
      continue;
    }
    for (const m of Object.getOwnPropertyNames(v)) {
      if (['length', 'name', 'prototype'].includes(m) || m.startsWith('_')) continue;
      const d = Object.getOwnPropertyDescriptor(v, m);
      if (d && typeof d.value === 'function') out.push(`${name}.${m}`);
    }
    if (v.prototype instanceof Construct) {
      out.push(`new ${name}`);
      for (const m of Object.getOwnPropertyNames(v.prototype)) {
        if (m === 'constructor' || m.startsWith('_')) continue;
        const d = Object.getOwnPropertyDescriptor(v.prototype, m);
        if (d && typeof d.value === 'function') out.push(`${name}#${m}`);
      }
    }
  }
  return out.sort();
}

/** Entry points of a room with neither a case nor a stated reason to skip. */
export function uncovered(roomIndex: Record<string, unknown>, cases: readonly FuzzCase[], exempt: Readonly<Record<string, string>>): string[] {
  const named = new Set(cases.map((c) => c.name.split(' (')[0]));
  return publicEntryPoints(roomIndex).filter((n) => !named.has(n) && !(n in exempt));
}

/** Entries of `exempt` that are not entry points (so the list cannot go stale). */
export function staleExemptions(roomIndex: Record<string, unknown>, exempt: Readonly<Record<string, string>>): string[] {
  const all = new Set(publicEntryPoints(roomIndex));
  return Object.keys(exempt).filter((n) => !all.has(n));
}

/** Formats problems for a failing expectation. */
export function formatProblems(problems: readonly FuzzProblem[]): string[] {
  return problems.map((p) => `${p.case} ${p.path} <- ${p.kind}: ${p.problem}`);
}
