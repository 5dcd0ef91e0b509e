import { CollectorConfig } from './config/collector-config';
import { ConfigObject } from './config/config-values';

/**
 * The collector configs the runtimes rendered in this process, with what each rendered: the manifest
 * rule set (collector-rules.ts) checks a config it finds in the manifests with the model instance
 * that rendered it instead of parsing it back (the construct validation checked that instance
 * already; parsing our own configs again is most of the rule set's cost in a first process). A
 * config is found by its content (key order aside: cdk8s sorts the keys of what it synthesizes), and
 * used only while its instance still renders that content, so a config changed after it was rendered
 * is parsed like any other. Bounded: the oldest entries go first.
 */
const RENDERED: { readonly config: CollectorConfig; readonly object: ConfigObject }[] = [];
const MAX_RENDERED = 256;

/**
 * Deep equality of plain data (objects, arrays, strings, numbers, booleans, null); object key order
 * does not count. Compared in place: no copy, no text (a first process pays for every allocation).
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Records that `config` rendered `object` (returns `object`). */
export function rememberRendered(config: CollectorConfig, object: ConfigObject): ConfigObject {
  const at = RENDERED.findIndex((e) => e.config === config);
  if (at >= 0) RENDERED.splice(at, 1);
  RENDERED.push({ config, object });
  if (RENDERED.length > MAX_RENDERED) RENDERED.shift();
  return object;
}

/** The model instance that rendered exactly this config object, if any (and if it still renders it). */
export function renderedConfigFor(object: unknown): CollectorConfig | undefined {
  if (object === null || typeof object !== 'object') return undefined;
  for (let i = RENDERED.length - 1; i >= 0; i--) {
    const e = RENDERED[i];
    if (!sameData(e.object, object)) continue;
    if (sameData(e.config.toObject(), object)) return e.config;
  }
  return undefined;
}
