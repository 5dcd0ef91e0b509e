/**
 * What of the library's public API a piece of code used: every static factory (and static instance
 * such as `TempoVersion.V3`) of the recorded classes is wrapped while `recordApi` runs, and each call
 * is recorded with the key paths of the plain-object props it was given (`Exporter.otlpGrpc`,
 * `Exporter.otlpGrpc.tls.caFile`, `Processor.k8sAttributes.labels[].from`). Constructors of
 * constructs are recorded through `construct()`, which passes the props on unchanged.
 *
 * The coverage assertion of the option matrix compares these records with the API surface
 * (`api-surface.ts`).
 */

/** A class whose statics are recorded. */
export type RecordedClass = { readonly name: string } & Record<string, unknown>;

let active: Set<string> | undefined;

/** Key paths of a props value: `prefix.key`, arrays as `prefix[]`; class instances are not entered. */
export function propPaths(value: unknown, prefix: string, out: Set<string>, depth = 0): void {
  if (depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) propPaths(v, `${prefix}[]`, out, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out.add(`${prefix}.${k}`);
    propPaths(v, `${prefix}.${k}`, out, depth + 1);
  }
}

/** Records a use (call or props) while a recording is active. */
export function noteUse(name: string, args: readonly unknown[] = []): void {
  if (!active) return;
  active.add(name);
  for (const a of args) propPaths(a, name, active);
}

/** Public static functions of a class (its factories), sorted. */
export function staticFunctions(cls: RecordedClass): string[] {
  return Object.getOwnPropertyNames(cls)
    .filter((n) => !['length', 'name', 'prototype'].includes(n))
    .filter((n) => typeof Object.getOwnPropertyDescriptor(cls, n)?.value === 'function')
    .sort();
}

/** Public static values of a class that are instances of it (enum-like members such as `TempoVersion.V3`). */
export function staticInstances(cls: RecordedClass): string[] {
  return Object.getOwnPropertyNames(cls)
    .filter((n) => !['length', 'name', 'prototype'].includes(n))
    .filter((n) => {
      const d = Object.getOwnPropertyDescriptor(cls, n);
      return d && 'value' in d && d.value instanceof (cls as unknown as new (...a: never[]) => unknown);
    })
    .sort();
}

/**
 * Runs `fn` with the statics of `classes` wrapped, and returns what it used. Not reentrant; the
 * originals are restored even when `fn` throws.
 */
export function recordApi<T>(
  classes: readonly RecordedClass[],
  fn: () => T,
): { result: T; used: Set<string> } {
  if (active) throw new Error('recordApi: already recording');
  const restore: Array<() => void> = [];
  const used = new Set<string>();
  active = used;
  try {
    for (const cls of classes) {
      for (const n of staticFunctions(cls)) {
        const original = cls[n] as (...a: unknown[]) => unknown;
        const name = `${cls.name}.${n}`;
        Object.defineProperty(cls, n, {
          configurable: true,
          writable: true,
          value: function (this: unknown, ...args: unknown[]) {
            noteUse(name, args);
            return original.apply(this, args);
          },
        });
        restore.push(() =>
          Object.defineProperty(cls, n, { configurable: true, writable: true, value: original }),
        );
      }
      for (const n of staticInstances(cls)) {
        const d = Object.getOwnPropertyDescriptor(cls, n)!;
        const name = `${cls.name}.${n}`;
        Object.defineProperty(cls, n, {
          configurable: true,
          get: () => {
            noteUse(name);
            return d.value;
          },
        });
        restore.push(() => Object.defineProperty(cls, n, d));
      }
    }
    return { result: fn(), used };
  } finally {
    for (const r of restore.reverse()) r();
    active = undefined;
  }
}

/** `new C(scope, id, props)` recording `C` and the key paths of `props`. */
export function construct<P, T>(
  C: { readonly name: string; new (scope: any, id: string, props: P): T },
  scope: any,
  id: string,
  props: P,
): T {
  noteUse(C.name, [props]);
  return new C(scope, id, props);
}
