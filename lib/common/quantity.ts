/**
 * Resource quantities in the canonical form the API server stores (`resource.Quantity`): a value we write
 * as `2048Mi` is stored as `2Gi`, `1000m` as `1`, so a GitOps diff of the stored object against our
 * manifest would show a change that is none. Emitting the canonical form keeps the two equal.
 *
 * Binary amounts take the largest suffix (Ki, Mi, Gi, Ti, Pi, Ei) that keeps the number whole; CPU
 * millicores are whole cores when divisible by 1000.
 */

const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Canonical quantity of `n` units of 1024^`unit` bytes (`n` a non-negative integer). */
function binary(n: number, unit: number, what: string): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`quantity: ${what} ${n} is not a non-negative integer`);
  if (n === 0) return '0';
  let u = unit;
  let v = n;
  while (u < BINARY.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${v}${BINARY[u]}`;
}

/** Canonical form of `mib` MiB, e.g. 512 -> `512Mi`, 2048 -> `2Gi`, 1536 -> `1536Mi`. */
export function mebibytes(mib: number): string {
  return binary(mib, 2, 'MiB');
}

/** Canonical form of `gib` GiB, e.g. 20 -> `20Gi`, 1024 -> `1Ti`. */
export function gibibytes(gib: number): string {
  return binary(gib, 3, 'GiB');
}

/** Canonical form of `millis` millicores, e.g. 250 -> `250m`, 1000 -> `1`, 1500 -> `1500m`. */
export function millicores(millis: number): string {
  if (!Number.isInteger(millis) || millis < 0)
    throw new Error(`quantity: millicores ${millis} is not a non-negative integer`);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a quantity string (`500m` -> 0.5, `2Gi` -> 2147483648), or undefined when malformed. */
export function quantityValue(q: string): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ''];
}
