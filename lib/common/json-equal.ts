/**
 * Deep equality of JSON values (objects, arrays, strings, numbers, booleans, null), as ajv compares
 * them: object key order does not count, and NaN equals NaN. Compared in place: no copy, no text.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      if (a.length !== bb.length) return false;
      for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
      return true;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual((a as any)[k], (b as any)[k])) return false;
    }
    return true;
  }
  return a !== a && b !== b; // NaN
}
