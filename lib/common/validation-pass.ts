/**
 * One synthesis runs the same checks several times: cdk8s validates the whole app again for every
 * chart it turns into JSON (`Chart.toJson()`), `synthLayered` validates once before that to report
 * every message together, and the manifest rules check each collector config the constructs built.
 * Within one pass nothing those checks read changes, so a costly one (a collector's rules over its
 * whole config) is computed once per pass and its result shared; outside a pass it is computed on
 * every call, as cdk8s expects of `node.validate()`.
 */
import type { Node } from 'constructs';

let pass: number | undefined;
let passes = 0;

/** Runs `fn` as one validation pass (a nested call joins the pass it is in). */
export function inValidationPass<T>(fn: () => T): T {
  if (pass !== undefined) return fn();
  pass = ++passes;
  try {
    return fn();
  } finally {
    pass = undefined;
  }
}

const MEMO = new WeakMap<object, Map<unknown, { readonly pass: number; readonly value: unknown }>>();

/**
 * `compute()` for (`owner`, `key`), computed once per validation pass and shared by every caller
 * in it (computed on every call outside a pass). The result is shared: do not change it.
 */
export function oncePerValidationPass<T>(owner: object, key: unknown, compute: () => T): T {
  if (pass === undefined) return compute();
  let byKey = MEMO.get(owner);
  if (!byKey) {
    byKey = new Map();
    MEMO.set(owner, byKey);
  }
  const hit = byKey.get(key);
  if (hit && hit.pass === pass) return hit.value as T;
  const value = compute();
  byKey.set(key, { pass, value });
  return value;
}

/**
 * Adds `check` as a validation of `node` that a validation pass computes once (a check that walks
 * the whole tree, which cdk8s validates again for every chart); outside a pass, on every call.
 */
export function addValidationOncePerPass(node: Node, check: () => readonly string[]): void {
  node.addValidation({ validate: () => [...oncePerValidationPass(check, undefined, check)] });
}
