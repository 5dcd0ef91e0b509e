/** Small helpers shared by the component files: durations, endpoints, range checks, strict parsing. */
import { fail, NumberRule, optNumber, optOneOf } from '../../common/guards';

/** A plain config value. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };
/** A plain config object. */
export type ConfigObject = { [key: string]: ConfigValue };

/** Removes `undefined` entries, keeping the insertion order of the rest. */
export function compact(obj: Record<string, unknown>): ConfigObject {
  const out: ConfigObject = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = v as ConfigValue;
  }
  return out;
}

/** Renders seconds as a Go duration: whole seconds as `10s`, fractions as `200ms`. */
export function formatDuration(seconds: number): string {
  if (Number.isInteger(seconds)) return `${seconds}s`;
  return `${Math.round(seconds * 1000)}ms`;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parses a Go duration (`10s`, `1m30s`, `-5s`, `200ms`) or a number of nanoseconds into seconds. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: duration ${value} is not a finite number of nanoseconds; write it like "10s" or "200ms"`);
    return value / 1e9;
  }
  if (typeof value !== 'string') {
    throw new Error(`${where}: duration ${JSON.stringify(value)} is not a string; write it like "10s" or "200ms"`);
  }
  const m = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|\u00b5s|ms|s|m|h))+|0)$/.exec(value.trim());
  if (!m) {
    throw new Error(`${where}: duration "${value}" is not a Go duration; write it like "10s", "1m30s" or "200ms"`);
  }
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(m[2])) !== null) total += Number(part[1]) * DURATION_UNITS[part[2]];
  total = Math.round(total * 1e6) / 1e6;
  return m[1] === '-' ? -total : total;
}

/** Throws unless `value` is a finite number within [min, max]. */
export function checkRange(value: number | undefined, min: number, max: number, what: string, fix: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new Error(`${what} must be a number, got ${typeof value} ${JSON.stringify(value)}; ${fix}`);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${what} ${value} is out of range; ${fix}`);
  }
}

/** Throws unless `value` is an integer >= min. */
export function checkInteger(value: number | undefined, min: number, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new Error(`${what} must be a number, got ${typeof value} ${JSON.stringify(value)}; use an integer >= ${min}`);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${what} ${value} is invalid; use an integer >= ${min}`);
  }
}

/** True when a string contains a `${...}` expansion (validated separately, not parsed as a literal). */
export function hasExpansion(value: string): boolean {
  return /\$\{/.test(value.replace(/\$\$/g, ''));
}

/** Splits `host:port` (IPv6 in brackets). Returns undefined when there is no valid numeric port. */
export function splitHostPort(hostPort: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]*\]|[^:[\]]*):(\d{1,5})$/.exec(hostPort);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1], port };
}

/** Port of a server endpoint `host:port`; throws with a fix when it has none. */
export function serverPort(endpoint: string, where: string): number | undefined {
  if (hasExpansion(endpoint)) return undefined;
  const hp = splitHostPort(endpoint);
  if (!hp) {
    throw new Error(`${where}: endpoint "${endpoint}" is not host:port with a port between 1 and 65535; write e.g. "0.0.0.0:4317"`);
  }
  return hp.port;
}

/** True for loopback hosts (a port bound there is not reachable from outside the pod). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

/** A plain-object check used by the parsers. */
export function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Strict key check, like the collector's "has invalid keys" error: throws naming the unknown key, where it is,
 * and the closest allowed key.
 */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const close = allowed.find(
      (a) =>
        a.toLowerCase() === key.toLowerCase() ||
        editDistance(a, key) <= 2 ||
        (key.length >= 4 && (a.startsWith(key) || key.startsWith(a))),
    );
    const hint = close ? `did you mean "${close}"?` : `allowed keys: ${allowed.join(', ')}`;
    throw new Error(`${where}: unknown key "${key}"; ${hint}`);
  }
}

function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** Reads an optional value of a given primitive type. */
export function opt<T extends 'string' | 'number' | 'boolean'>(
  obj: Record<string, unknown>,
  key: string,
  type: T,
  where: string,
): (T extends 'string' ? string : T extends 'number' ? number : boolean) | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) {
    throw new Error(`${where}.${key}: expected a ${type}, got ${JSON.stringify(v)}`);
  }
  return v as never;
}

/** Reads an optional string array. */
export function optStrings(obj: Record<string, unknown>, key: string, where: string): string[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new Error(`${where}.${key}: expected a list of strings, got ${JSON.stringify(v)}`);
  }
  return v as string[];
}

/**
 * Deep copy of a config value. Not `structuredClone`: its arrays come from Node's own realm, which
 * fails `instanceof Array` in sandboxes (jest) and in serializers that check it (Pulumi).
 */
export function cloneConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneConfig(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = cloneConfig(v);
    return out as T;
  }
  return value;
}

/**
 * Reads an optional number of a parsed config within a rule (null is unset, as for the collector's
 * decoder); the message names the config key.
 */
export function optNum(obj: Record<string, unknown>, key: string, where: string, rule: NumberRule): number | undefined {
  const v = opt(obj, key, 'number', where);
  return optNumber(where, key, v, rule);
}

/** Reads an optional member of a string union of a parsed config (null is unset); the message names the key. */
export function optEnum<T extends string>(obj: Record<string, unknown>, key: string, where: string, allowed: readonly T[]): T | undefined {
  return optOneOf(where, key, opt(obj, key, 'string', where), allowed);
}

/**
 * Reads an optional Go duration (or nanoseconds) of a parsed config in seconds, within `min` (and
 * above it when `exclusive`); null is unset. The message names the key and the value as written.
 */
export function optDuration(obj: Record<string, unknown>, key: string, where: string, min = 0, exclusive = false): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const seconds = parseDuration(v, `${where}.${key}`);
  if (exclusive ? seconds <= min : seconds < min) {
    fail(where, key, v, 'is out of range', `write a duration ${exclusive ? 'above' : 'of at least'} ${min}s, e.g. "5s"`);
  }
  return seconds;
}
