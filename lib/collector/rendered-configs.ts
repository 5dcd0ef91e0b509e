import { CollectorConfig } from './config/collector-config';
import { ConfigObject } from './config/config-values';

/**
 * The collector configs the runtimes rendered in this process, by their JSON text (keys sorted): the manifest rule
 * set (collector-rules.ts) checks a config it finds in the manifests with the model instance that
 * rendered it instead of parsing it back (the construct validation checked that instance already;
 * parsing our own configs again is most of the rule set's cost in a first process). A config is used
 * only while it still renders the same text, so a config changed after it was rendered is parsed like
 * any other. Bounded: the oldest entries go first.
 */
const RENDERED = new Map<string, CollectorConfig>();
const MAX_RENDERED = 256;

/** JSON with the keys of every object sorted (cdk8s sorts the keys of what it synthesizes). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

/** Records that `config` rendered `object` (returns `object`). */
export function rememberRendered(config: CollectorConfig, object: ConfigObject): ConfigObject {
  const key = canonical(object);
  RENDERED.delete(key);
  RENDERED.set(key, config);
  if (RENDERED.size > MAX_RENDERED) RENDERED.delete(RENDERED.keys().next().value as string);
  return object;
}

/** The model instance that rendered exactly this config object, if any (and if it still renders it). */
export function renderedConfigFor(object: unknown): CollectorConfig | undefined {
  if (object === null || typeof object !== 'object') return undefined;
  const key = canonical(object);
  const config = RENDERED.get(key);
  if (!config) return undefined;
  if (canonical(config.toObject()) !== key) {
    RENDERED.delete(key);
    return undefined;
  }
  return config;
}
