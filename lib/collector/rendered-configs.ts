import { jsonEqual } from '../common/json-equal';
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
    if (!jsonEqual(e.object, object)) continue;
    if (jsonEqual(e.config.toObject(), object)) return e.config;
  }
  return undefined;
}
