/**
 * What a GitOps tool would see after our manifests were applied: the stored object against the one we
 * sent.
 *
 * - `visibleDrift`: values we set that the cluster stores differently. This is what every diff shows
 *   (Argo CD's three-way diff, `kubectl diff`, Flux): a field present in our manifest with another
 *   value, or a list that differs. Lists of custom resources are compared whole (JSON merge semantics:
 *   no merge keys), lists of built-in kinds item by item (strategic merge: items keep their order).
 * - `additions`: fields the cluster added that our manifest does not have, with who added them: the
 *   API server's defaulting (`apiserver-default`), a CRD schema `default` (`crd-default`), a mutating
 *   webhook (`webhook`: on a custom resource, added by nobody in `managedFields` and with no schema
 *   default), or a controller (`controller:<manager>` from `managedFields`). Three-way and server-side
 *   diffs hide these; tools that compare whole objects need `ignoreDifferences` for them.
 */

import { quantityValue } from '../../../../lib/common/quantity';

/** A value we set that is stored differently. */
export interface Difference {
  readonly path: string;
  readonly desired: unknown;
  readonly live: unknown;
}

function isZero(v: unknown): boolean {
  return (
    v === false ||
    v === 0 ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObj(v) && Object.keys(v).length === 0)
  );
}

/**
 * True when a difference of a built-in kind is only the stored form of the same value: a zero value
 * the API server omits (Go `omitempty`: false, 0, "", [], {}), a resource quantity in canonical form
 * (2048Mi -> 2Gi, 1000m -> 1), or a namespace on a cluster-scoped object. Argo CD normalizes built-in
 * kinds through their Go types (so it hides these) and server-side diffs never see them; a naive
 * whole-object diff shows them.
 */
export function normalizedAway(d: Difference): boolean {
  if (d.live === undefined && isZero(d.desired)) return true;
  if (d.path === 'metadata.namespace' && d.live === undefined) return true;
  if (typeof d.desired === 'string' && typeof d.live === 'string') {
    const a = quantityValue(d.desired);
    return a !== undefined && a === quantityValue(d.live);
  }
  return false;
}

/** A field the cluster added. */
export interface Addition {
  readonly path: string;
  readonly value: unknown;
  readonly by: string;
}

const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
]);

function isObj(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

function itemKey(item: unknown, i: number): string {
  if (isObj(item) && typeof item.name === 'string') return `[name=${item.name}]`;
  return `[${i}]`;
}

function join(path: string, key: string): string {
  return key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
}

/** Values of `desired` that `live` stores differently (see the module comment). */
export function visibleDrift(desired: unknown, live: unknown, atomicLists: boolean, path = ''): Difference[] {
  if (isObj(desired)) {
    if (!isObj(live)) return [{ path, desired, live }];
    return Object.keys(desired).flatMap((k) =>
      path === '' && k === 'status' ? [] : visibleDrift(desired[k], live[k], atomicLists, join(path, k)),
    );
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return [{ path, desired, live }];
    const scalars = desired.every((x) => !isObj(x) && !Array.isArray(x));
    if (atomicLists || scalars || desired.length !== live.length)
      return jsonEqual(desired, live) ? [] : [{ path, desired, live }];
    return desired.flatMap((d, i) => visibleDrift(d, live[i], atomicLists, join(path, itemKey(d, i))));
  }
  return desired === live ? [] : [{ path, desired, live }];
}

/** A managedFields entry. */
interface ManagedEntry {
  manager: string;
  fieldsV1?: Record<string, any>;
}

/** True when `fields` (FieldsV1) covers the path given as live segments. */
function owns(
  fields: Record<string, any> | undefined,
  segments: Array<{ key?: string; item?: unknown; index?: number }>,
): boolean {
  let node: Record<string, any> | undefined = fields;
  for (const s of segments) {
    if (!node) return false;
    if (Object.keys(node).length === 0) return true; // an atomic subtree owned whole
    if (s.key !== undefined) {
      node = node[`f:${s.key}`];
      continue;
    }
    const item = s.item;
    const next = Object.entries(node).find(([k]) => {
      if (k.startsWith('k:')) {
        const keys = JSON.parse(k.slice(2)) as Record<string, unknown>;
        return isObj(item) && Object.entries(keys).every(([kk, kv]) => jsonEqual(item[kk], kv));
      }
      if (k.startsWith('v:')) return jsonEqual(JSON.parse(k.slice(2)), item);
      if (k.startsWith('i:')) return Number(k.slice(2)) === s.index;
      return false;
    });
    node = next?.[1];
  }
  return node !== undefined;
}

/** The schema node of `segments` in an openAPIV3Schema, or undefined. */
function schemaAt(schema: any, segments: Array<{ key?: string }>): any {
  let node = schema;
  for (const s of segments) {
    if (!node) return undefined;
    if (s.key !== undefined)
      node =
        node.properties?.[s.key] ??
        (isObj(node.additionalProperties) ? node.additionalProperties : undefined);
    else node = node.items;
  }
  return node;
}

/** Options of `additions`. */
export interface AdditionOptions {
  /** Our field manager. */
  readonly fieldManager: string;
  /** The openAPIV3Schema of a custom resource's version (undefined for built-in kinds). */
  readonly crdSchema?: any;
}

/** Fields `live` has that `desired` has not, with who added them (see the module comment). */
export function additions(desired: any, live: any, opts: AdditionOptions): Addition[] {
  const managed: ManagedEntry[] = live?.metadata?.managedFields ?? [];
  const out: Addition[] = [];
  const attribute = (segments: Array<{ key?: string; item?: unknown; index?: number }>): string => {
    const other = managed.find((m) => m.manager !== opts.fieldManager && owns(m.fieldsV1, segments));
    if (other) return `controller:${other.manager}`;
    if (!opts.crdSchema) return 'apiserver-default';
    return schemaAt(opts.crdSchema, segments)?.default !== undefined ? 'crd-default' : 'webhook';
  };
  const walk = (
    d: unknown,
    l: unknown,
    path: string,
    segments: Array<{ key?: string; item?: unknown; index?: number }>,
  ) => {
    if (isObj(l)) {
      for (const [k, v] of Object.entries(l)) {
        if (segments.length === 0 && k === 'status') continue;
        if (segments.length === 1 && segments[0].key === 'metadata' && SERVER_METADATA.has(k)) continue;
        const seg = [...segments, { key: k }];
        const labelsOrAnnotations =
          segments.length === 1 && segments[0].key === 'metadata' && (k === 'labels' || k === 'annotations');
        if ((!isObj(d) || !(k in d)) && !labelsOrAnnotations)
          out.push({ path: join(path, k), value: v, by: attribute(seg) });
        else if (labelsOrAnnotations && isObj(v)) {
          // one entry per key: ignoring a whole annotations map would hide the user's own
          const dk = isObj(d) ? d[k] : undefined;
          const dm: Record<string, unknown> = isObj(dk) ? dk : {};
          for (const [key, value] of Object.entries(v)) {
            if (!(key in dm))
              out.push({ path: `${join(path, k)}[${key}]`, value, by: attribute([...seg, { key }]) });
          }
        } else walk(isObj(d) ? d[k] : undefined, v, join(path, k), seg);
      }
    } else if (Array.isArray(l) && Array.isArray(d) && d.length === l.length) {
      l.forEach((item, i) =>
        walk(d[i], item, join(path, itemKey(item, i)), [...segments, { item, index: i }]),
      );
    }
  };
  walk(desired, live, '', []);
  return out;
}

/** The openAPIV3Schema of `version` in a CRD object. */
export function crdVersionSchema(crd: any, version: string): any {
  return crd?.spec?.versions?.find((v: any) => v.name === version)?.schema?.openAPIV3Schema;
}
