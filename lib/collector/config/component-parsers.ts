/**
 * Strict parsers for the component types the factories model but that have no class of their own
 * (memory_limiter, batch, k8s_attributes, attributes, resource, probabilistic_sampler, health_check,
 * zpages, pprof, file_storage, forward). Each accepts exactly the keys collector 0.158 accepts for the
 * type (modelled or not), checks their types the way its config decoder does (a string is not a number,
 * a negative number is not an unsigned one, a duration is a Go duration or nanoseconds) and applies the
 * component's own `Validate()` rules; the config is kept verbatim, so rendering it back changes nothing.
 *
 * Sources: the 0.158.0 `Config` structs and `Validate()` methods (internal/memorylimiter,
 * processor/batchprocessor, contrib processor/k8sattributesprocessor, internal/coreinternal/attraction,
 * processor/probabilisticsamplerprocessor, internal/healthcheck, extension/zpagesextension,
 * extension/pprofextension, extension/storage/filestorage).
 */
import { CollectorComponent, ComponentOptions, ConfiguredComponent } from './component';
import { asObject, checkKeys, ConfigObject, opt, parseDuration } from './config-values';
import { EndpointExtension } from './extension';
import { ComponentKind } from './component-types';
import { re2Problem } from '../../common/guards';
import { parseFields } from './fields';
import {
  BATCH_FIELDS,
  checkBatch,
  checkMemoryLimiter,
  MEMORY_LIMITER_FIELDS,
  checkFileStorage,
  checkHealthCheck,
  FILE_STORAGE_FIELDS,
  HEALTH_CHECK_FIELDS,
  PPROF_FIELDS,
  ZPAGES_FIELDS,
} from './component-fields';

type Obj = Record<string, unknown>;

/** A parsed component kept verbatim, with the problems the collector would not report (options that do nothing). */
class ParsedComponent extends ConfiguredComponent {
  constructor(
    kind: ComponentKind,
    type: string,
    config: ConfigObject,
    options: ComponentOptions,
    private readonly found: readonly { rule: string; message: string }[],
  ) {
    super(kind, type, config, options);
  }

  public problems(): { rule: string; message: string }[] {
    return [...this.found];
  }
}

const num = (o: Obj, k: string, w: string) => opt(o, k, 'number', w);
const str = (o: Obj, k: string, w: string) => opt(o, k, 'string', w);
const bool = (o: Obj, k: string, w: string) => opt(o, k, 'boolean', w);

/**
 * An unsigned 32-bit integer. The collector's decoder refuses negative numbers for Go `uint` fields;
 * a number above 2^32-1 it silently wraps around, which is refused here (never what was meant).
 */
function uint(o: Obj, k: string, w: string, max = 4294967295): number | undefined {
  const v = num(o, k, w);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`${w}.${k}: ${v} is not an unsigned integer; the collector cannot decode it`);
  if (v > max)
    throw new Error(
      `${w}.${k}: ${v} does not fit the collector's 32-bit field (it would wrap around); use at most ${max}`,
    );
  return v;
}

/** A signed integer. */
function int(o: Obj, k: string, w: string): number | undefined {
  const v = num(o, k, w);
  if (v !== undefined && !Number.isInteger(v)) throw new Error(`${w}.${k}: ${v} is not an integer`);
  return v;
}

/** A Go duration (string) or a number of nanoseconds, in seconds. */
function dur(o: Obj, k: string, w: string): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  return parseDuration(v, `${w}.${k}`);
}

/** A list (not a map or a scalar). */
function list(o: Obj, k: string, w: string): unknown[] | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Error(`${w}.${k}: expected a list, got ${JSON.stringify(v)}`);
  return v;
}

/** A list of strings. */
function strings(o: Obj, k: string, w: string): string[] | undefined {
  const l = list(o, k, w);
  l?.forEach((x, i) => {
    if (typeof x !== 'string')
      throw new Error(`${w}.${k}[${i}]: expected a string, got ${JSON.stringify(x)}`);
  });
  return l as string[] | undefined;
}

/** A map (null is an empty map, as in YAML). */
function map(o: Obj, k: string, w: string): Obj | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  return asObject(v, `${w}.${k}`);
}

/** Each element of a list of maps. */
function maps(o: Obj, k: string, w: string): Array<{ value: Obj; where: string }> {
  return (list(o, k, w) ?? []).map((x, i) => ({
    value: asObject(x, `${w}.${k}[${i}]`),
    where: `${w}.${k}[${i}]`,
  }));
}

function idOf(type: string, options: ComponentOptions): string {
  return options.name ? `${type}/${options.name}` : type;
}

// ------------------------------------------------------------------ processors

/** `memory_limiter`: MEMORY_LIMITER_FIELDS, the GC interval rules, the limit rules (internal/memorylimiter Config.Validate). */
export function parseMemoryLimiter(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('memory_limiter', options)}`;
  const { props, config: o } = parseFields(MEMORY_LIMITER_FIELDS, config, w);
  const minSoft = dur(o, 'min_gc_interval_when_soft_limited', w) ?? 10;
  const minHard = dur(o, 'min_gc_interval_when_hard_limited', w) ?? 0;
  const maxSoft = dur(o, 'max_gc_interval_when_soft_limited', w) ?? 0;
  const maxHard = dur(o, 'max_gc_interval_when_hard_limited', w) ?? 0;
  // a missing check_interval is reported first, before the GC interval rules
  if (props.checkIntervalSec === undefined) checkMemoryLimiter(props, w);
  if (minSoft < minHard)
    throw new Error(`${w}: min_gc_interval_when_soft_limited must be >= min_gc_interval_when_hard_limited`);
  if (maxSoft < 0 || maxHard < 0)
    throw new Error(`${w}: max_gc_interval_when_soft/hard_limited must not be negative`);
  if ((maxSoft > 0 && maxSoft < minSoft) || (maxHard > 0 && maxHard < minHard)) {
    throw new Error(`${w}: a max_gc_interval is below its min_gc_interval; raise the max or set it to 0`);
  }
  if (maxSoft > 0 && maxHard > 0 && maxSoft < maxHard)
    throw new Error(`${w}: max_gc_interval_when_soft_limited must be >= max_gc_interval_when_hard_limited`);
  checkMemoryLimiter(props, w);
  return new ConfiguredComponent('processor', 'memory_limiter', o as ConfigObject, options);
}

/** `batch`: the fields declared in component-fields.ts (BATCH_FIELDS), their rules, metadata_cardinality_limit. */
export function parseBatch(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('batch', options)}`;
  const { props, config: o } = parseFields(BATCH_FIELDS, config, w);
  uint(o, 'metadata_cardinality_limit', w);
  checkBatch(props, w);
  return new ConfiguredComponent('processor', 'batch', o as ConfigObject, options);
}

/** Metadata fields `k8s_attributes` can extract (k8sattributesprocessor Config.Validate). */
export const K8S_METADATA_FIELDS: readonly string[] = [
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.hostname',
  'k8s.pod.start_time',
  'k8s.pod.ip',
  'k8s.deployment.name',
  'k8s.deployment.uid',
  'k8s.replicaset.name',
  'k8s.replicaset.uid',
  'k8s.daemonset.name',
  'k8s.daemonset.uid',
  'k8s.statefulset.name',
  'k8s.statefulset.uid',
  'k8s.job.name',
  'k8s.job.uid',
  'k8s.cronjob.name',
  'k8s.cronjob.uid',
  'k8s.node.name',
  'k8s.node.uid',
  'k8s.container.name',
  'container.id',
  'container.image.name',
  'container.image.tag',
  'container.image.tags',
  'service.namespace',
  'service.name',
  'service.version',
  'service.instance.id',
  'container.image.repo_digests',
  'k8s.cluster.uid',
];

/** `k8s_attributes` (k8sattributesprocessor and k8sconfig Config.Validate). */
export function parseK8sAttributes(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('k8s_attributes', options)}`;
  const o = asObject(config, w);
  checkKeys(
    o,
    [
      'auth_type',
      'context',
      'kube_api_qps',
      'kube_api_burst',
      'passthrough',
      'extract',
      'filter',
      'pod_association',
      'exclude',
      'wait_for_metadata',
      'wait_for_metadata_timeout',
      'watch_sync_period',
      'pod_delete_grace_period',
    ],
    w,
  );
  const auth = str(o, 'auth_type', w);
  if (auth !== undefined && !['none', 'serviceAccount', 'kubeConfig', 'tls'].includes(auth)) {
    throw new Error(
      `${w}: auth_type "${auth}" is invalid; use serviceAccount (in a pod), kubeConfig, tls or none`,
    );
  }
  str(o, 'context', w);
  if ((num(o, 'kube_api_qps', w) ?? 0) < 0) throw new Error(`${w}: kube_api_qps must not be negative`);
  if ((int(o, 'kube_api_burst', w) ?? 0) < 0) throw new Error(`${w}: kube_api_burst must not be negative`);
  bool(o, 'passthrough', w);
  bool(o, 'wait_for_metadata', w);
  dur(o, 'wait_for_metadata_timeout', w);
  for (const k of ['watch_sync_period', 'pod_delete_grace_period']) {
    if ((dur(o, k, w) ?? 0) < 0) throw new Error(`${w}: ${k} must be >= 0`);
  }
  const extract = map(o, 'extract', w);
  if (extract) {
    const ew = `${w}.extract`;
    checkKeys(
      extract,
      ['metadata', 'annotations', 'labels', 'otel_annotations', 'deployment_name_from_replicaset'],
      ew,
    );
    for (const f of strings(extract, 'metadata', ew) ?? []) {
      if (!K8S_METADATA_FIELDS.includes(f))
        throw new Error(
          `${ew}.metadata: "${f}" is not a supported metadata field; use one of ${K8S_METADATA_FIELDS.join(', ')}`,
        );
    }
    bool(extract, 'otel_annotations', ew);
    bool(extract, 'deployment_name_from_replicaset', ew);
    for (const rules of ['annotations', 'labels']) {
      for (const { value: r, where } of maps(extract, rules, ew)) {
        checkKeys(r, ['tag_name', 'key', 'key_regex', 'from'], where);
        str(r, 'tag_name', where);
        const key = str(r, 'key', where);
        const regex = str(r, 'key_regex', where);
        if (key && regex) throw new Error(`${where}: set key or key_regex, not both`);
        const from = str(r, 'from', where);
        if (
          from !== undefined &&
          !['', 'pod', 'namespace', 'deployment', 'statefulset', 'daemonset', 'job', 'node'].includes(from)
        ) {
          throw new Error(
            `${where}.from: "${from}" is not a valid choice; use pod, namespace, deployment, statefulset, daemonset, job or node`,
          );
        }
      }
    }
  }
  const filter = map(o, 'filter', w);
  if (filter) {
    const fw = `${w}.filter`;
    checkKeys(filter, ['node', 'node_from_env_var', 'namespace', 'fields', 'labels'], fw);
    str(filter, 'node', fw);
    const env = str(filter, 'node_from_env_var', fw);
    if (env !== undefined && env !== '' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) {
      throw new Error(`${fw}.node_from_env_var: "${env}" is not an env var name; use e.g. K8S_NODE_NAME`);
    }
    str(filter, 'namespace', fw);
    for (const [k, ops] of [
      ['fields', ['', 'equals', 'not-equals']],
      ['labels', ['', 'equals', 'not-equals', 'exists', 'does-not-exist']],
    ] as const) {
      for (const { value: f, where } of maps(filter, k, fw)) {
        checkKeys(f, ['key', 'value', 'op'], where);
        str(f, 'key', where);
        str(f, 'value', where);
        const op = str(f, 'op', where);
        if (op !== undefined && !(ops as readonly string[]).includes(op))
          throw new Error(
            `${where}.op: "${op}" is not a valid operation; use ${ops.filter(Boolean).join(', ')}`,
          );
      }
    }
  }
  for (const { value: a, where } of maps(o, 'pod_association', w)) {
    checkKeys(a, ['sources'], where);
    const sources = maps(a, 'sources', where);
    if (sources.length > 4)
      throw new Error(`${where}.sources: too many association sources (${sources.length}); the limit is 4`);
    for (const { value: s, where: sw } of sources) {
      checkKeys(s, ['from', 'name'], sw);
      str(s, 'from', sw);
      str(s, 'name', sw);
    }
  }
  const exclude = map(o, 'exclude', w);
  if (exclude) {
    checkKeys(exclude, ['pods'], `${w}.exclude`);
    for (const { value: p, where } of maps(exclude, 'pods', `${w}.exclude`)) {
      checkKeys(p, ['name'], where);
      str(p, 'name', where);
    }
  }
  return new ConfiguredComponent('processor', 'k8s_attributes', o as ConfigObject, options);
}

/** One list of attribute actions (internal/coreinternal/attraction NewAttrProc rules). */
function checkActions(items: Array<{ value: Obj; where: string }>): void {
  for (const { value: a, where } of items) {
    checkKeys(
      a,
      [
        'key',
        'value',
        'default_value',
        'pattern',
        'from_attribute',
        'from_context',
        'converted_type',
        'action',
      ],
      where,
    );
    const key = str(a, 'key', where) ?? '';
    const pattern = str(a, 'pattern', where) ?? '';
    const fromAttribute = str(a, 'from_attribute', where) ?? '';
    const fromContext = str(a, 'from_context', where) ?? '';
    const converted = str(a, 'converted_type', where) ?? '';
    const action = (str(a, 'action', where) ?? '').toLowerCase();
    const sources = [
      a.value !== undefined && a.value !== null,
      fromAttribute !== '',
      fromContext !== '',
    ].filter(Boolean).length;
    const hasDefault = a.default_value !== undefined && a.default_value !== null;
    if (action === 'delete' || action === 'hash') {
      if (!key && !pattern) throw new Error(`${where}: ${action} needs key or pattern`);
    } else if (!key) {
      throw new Error(`${where}: key is required`);
    }
    switch (action) {
      case 'insert':
      case 'update':
      case 'upsert':
        if (sources === 0 && !hasDefault)
          throw new Error(
            `${where}: ${action} "${key}" needs value, from_attribute, from_context or default_value`,
          );
        if (sources > 1)
          throw new Error(
            `${where}: ${action} "${key}" has more than one of value, from_attribute, from_context; keep one`,
          );
        if (pattern || converted)
          throw new Error(`${where}: ${action} "${key}" does not use pattern or converted_type; remove them`);
        break;
      case 'delete':
      case 'hash':
        if ((a.value !== undefined && a.value !== null) || fromAttribute || converted)
          throw new Error(
            `${where}: ${action} does not use value, from_attribute or converted_type; remove them`,
          );
        if (pattern) checkGoRegex(pattern, `${where}.pattern`);
        break;
      case 'extract':
        if (sources > 0 || converted)
          throw new Error(
            `${where}: extract "${key}" does not use a value source or converted_type; remove them`,
          );
        if (!pattern) throw new Error(`${where}: extract "${key}" needs a pattern`);
        checkGoRegex(pattern, `${where}.pattern`);
        checkNamedGroups(pattern, `${where}.pattern`);
        break;
      case 'convert':
        if (sources > 0 || pattern)
          throw new Error(`${where}: convert "${key}" does not use value sources or pattern; remove them`);
        if (!['string', 'int', 'double'].includes(converted))
          throw new Error(`${where}: convert "${key}" needs converted_type string, int or double`);
        break;
      default:
        throw new Error(
          `${where}: action "${action}" is not supported; use insert, update, upsert, delete, hash, extract or convert`,
        );
    }
  }
}

/** Regex constructs JavaScript has and Go's RE2 does not (lookaround, backreferences). */
export function checkGoRegex(pattern: string, where: string): void {
  const problem = re2Problem(pattern);
  if (problem) throw new Error(`${where}: "${pattern}" ${problem}; rewrite it without that construct`);
}

/** Every capturing group must be named (the extract action makes one attribute per group). */
export function checkNamedGroups(pattern: string, where: string): void {
  const unnamed = /(^|[^\\])\((?!\?)/.test(pattern);
  const named = /\(\?P?<[A-Za-z_][A-Za-z0-9_.]*>/.test(pattern);
  if (!named)
    throw new Error(`${where}: "${pattern}" has no named group; use (?P<name>...) to name the new attribute`);
  if (unnamed)
    throw new Error(
      `${where}: "${pattern}" has an unnamed group; name every group (?P<name>...) or make it non-capturing (?:...)`,
    );
}

const MATCH_KEYS = [
  'match_type',
  'regexp',
  'services',
  'span_names',
  'log_bodies',
  'log_severity_texts',
  'log_severity_number',
  'metric_names',
  'attributes',
  'resources',
  'libraries',
  'span_kinds',
];

/** `attributes` (actions plus include/exclude match properties). */
export function parseAttributes(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('attributes', options)}`;
  const o = asObject(config, w);
  checkKeys(o, ['actions', 'include', 'exclude'], w);
  const actions = maps(o, 'actions', w);
  if (actions.length === 0) throw new Error(`${w}: actions is empty; add at least one action`);
  checkActions(actions);
  for (const k of ['include', 'exclude']) {
    const m = map(o, k, w);
    if (m) checkMatch(m, `${w}.${k}`);
  }
  return new ConfiguredComponent('processor', 'attributes', o as ConfigObject, options);
}

/**
 * An include/exclude block (filterconfig MatchProperties, the rules filterspan.newExpr applies to spans:
 * a known match_type, RE2 patterns with regexp, string values with regexp, non-empty attribute keys,
 * no log or metric fields).
 */
function checkMatch(m: Obj, w: string): void {
  checkKeys(m, MATCH_KEYS, w);
  for (const k of ['log_bodies', 'log_severity_texts', 'log_severity_number', 'metric_names']) {
    if (m[k] !== undefined && m[k] !== null) throw new Error(`${w}: ${k} should not be specified for trace spans; remove it`);
  }
  const type = str(m, 'match_type', w);
  // the collector needs a match type to build a name filter or an attribute value comparison
  const needsType =
    ['services', 'span_names', 'span_kinds'].some((k) => Array.isArray(m[k]) && (m[k] as unknown[]).length > 0) ||
    ['attributes', 'resources'].some((k) => Array.isArray(m[k]) && (m[k] as Obj[]).some((a) => a?.value !== undefined && a?.value !== null));
  if ((type !== undefined || needsType) && type !== 'strict' && type !== 'regexp') {
    throw new Error(`${w}.match_type: ${JSON.stringify(type ?? null)} is not a match type; use strict or regexp`);
  }
  map(m, 'regexp', w);
  for (const k of ['services', 'span_names', 'span_kinds']) {
    strings(m, k, w)?.forEach((x, i) => {
      if (type === 'regexp') checkGoRegex(x, `${w}.${k}[${i}]`);
    });
  }
  for (const k of ['attributes', 'resources']) {
    for (const { value: a, where } of maps(m, k, w)) {
      checkKeys(a, ['key', 'value'], where);
      if (!str(a, 'key', where)) throw new Error(`${where}.key: an attribute key is required (it can't be empty)`);
      const v = a.value;
      if (v === undefined || v === null) continue;
      if (type === 'regexp') {
        if (typeof v !== 'string') throw new Error(`${where}.value: match_type regexp only supports string values, found ${JSON.stringify(v)}`);
        checkGoRegex(v, `${where}.value`);
      } else if (typeof v === 'object') {
        throw new Error(`${where}.value: ${JSON.stringify(v)} is not a scalar; compare with a string, a number or a boolean`);
      }
    }
  }
  for (const { value: l, where } of maps(m, 'libraries', w)) {
    checkKeys(l, ['name', 'version'], where);
    str(l, 'name', where);
    str(l, 'version', where);
  }
}

/** `resource` (a list of actions under `attributes`). */
export function parseResource(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('resource', options)}`;
  const o = asObject(config, w);
  checkKeys(o, ['attributes'], w);
  const actions = maps(o, 'attributes', w);
  if (actions.length === 0) throw new Error(`${w}: attributes is empty; add at least one action`);
  checkActions(actions);
  return new ConfiguredComponent('processor', 'resource', o as ConfigObject, options);
}

/** Why `hash_seed` does nothing with a mode (collector 0.158: only the hash_seed sampler reads it), if it does nothing. */
export function ignoredHashSeed(hashSeedSet: boolean, mode: string | undefined): string | undefined {
  if (!hashSeedSet || (mode !== 'proportional' && mode !== 'equalizing')) return undefined;
  return `is ignored with mode "${mode}" (only the hash_seed mode hashes with a seed; the ${mode} sampler uses the trace's randomness)`;
}

/** `probabilistic_sampler` (probabilisticsamplerprocessor Config.Validate and its mode decoder). */
export function parseProbabilisticSampler(
  config: unknown,
  options: ComponentOptions = {},
): CollectorComponent {
  const w = `processors.${idOf('probabilistic_sampler', options)}`;
  const o = asObject(config, w);
  checkKeys(
    o,
    [
      'sampling_percentage',
      'hash_seed',
      'mode',
      'fail_closed',
      'sampling_precision',
      'attribute_source',
      'from_attribute',
      'sampling_priority',
    ],
    w,
  );
  const pct = num(o, 'sampling_percentage', w) ?? 0;
  if (pct < 0) throw new Error(`${w}: sampling_percentage ${pct} is negative; use a value between 0 and 100`);
  if (pct > 0 && pct / 100 < 2 ** -56)
    throw new Error(`${w}: sampling_percentage ${pct} is too small to be represented`);
  if (pct > 100) {
    // the collector samples everything above 100: refused here as in Processor.probabilisticSampler()
    throw new Error(`${w}: sampling_percentage ${pct} is above 100; use a value between 0 and 100`);
  }
  uint(o, 'hash_seed', w);
  const mode = str(o, 'mode', w);
  if (mode !== undefined && !['', 'hash_seed', 'proportional', 'equalizing'].includes(mode)) {
    throw new Error(`${w}: mode "${mode}" is invalid; use hash_seed, proportional or equalizing`);
  }
  bool(o, 'fail_closed', w);
  const precision = int(o, 'sampling_precision', w);
  if (precision !== undefined && (precision < 1 || precision > 14))
    throw new Error(`${w}: sampling_precision ${precision} is out of range; use 1-14 (default 4)`);
  const source = str(o, 'attribute_source', w);
  if (source !== undefined && !['', 'traceID', 'record'].includes(source))
    throw new Error(`${w}: attribute_source "${source}" is invalid; use traceID or record`);
  str(o, 'from_attribute', w);
  str(o, 'sampling_priority', w);
  // an option that does nothing is a finding (the collector accepts it silently): hash_seed with a
  // mode other than hash_seed (sampler_mode.go makeSampler: only the hashing sampler reads it)
  const ignored = ignoredHashSeed(o.hash_seed !== undefined && o.hash_seed !== null, mode);
  const problems = ignored
    ? [{ rule: 'ignored-option', message: `hash_seed ${String(o.hash_seed)} ${ignored}; remove hash_seed, or set mode: hash_seed to sample by hash seed` }]
    : [];
  return new ParsedComponent('processor', 'probabilistic_sampler', o as ConfigObject, options, problems);
}

/**
 * `redaction` (contrib redactionprocessor v0.158.0 Config, HashFunction.UnmarshalText and Validate; the
 * pattern lists are compiled with Go regexp at start). `hmac_key` must be a `${...}` reference (a
 * Secret-backed env var): a literal key would put a credential into the manifest. Options that do
 * nothing are findings: `allowed_keys` with `allow_all_keys: true`, `hmac_key` without an hmac-* hash
 * function, a `summary` other than debug, info or silent (the collector then writes no summary).
 */
export function parseRedaction(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `processors.${idOf('redaction', options)}`;
  const o = asObject(config, w);
  checkKeys(
    o,
    [
      'allow_all_keys',
      'allowed_keys',
      'blocked_key_patterns',
      'hash_function',
      'hmac_key',
      'ignored_keys',
      'ignored_key_patterns',
      'redact_all_types',
      'blocked_values',
      'allowed_values',
      'db_sanitizer',
      'summary',
      'url_sanitizer',
    ],
    w,
  );
  const allowAll = bool(o, 'allow_all_keys', w);
  const allowedKeys = strings(o, 'allowed_keys', w);
  strings(o, 'ignored_keys', w);
  bool(o, 'redact_all_types', w);
  for (const k of ['blocked_key_patterns', 'ignored_key_patterns', 'blocked_values', 'allowed_values']) {
    strings(o, k, w)?.forEach((p, i) => checkGoRegex(p, `${w}.${k}[${i}]`));
  }
  const hash = (str(o, 'hash_function', w) ?? '').toLowerCase();
  if (!['', 'sha1', 'sha3', 'md5', 'hmac-sha256', 'hmac-sha512'].includes(hash)) {
    throw new Error(`${w}.hash_function: "${hash}" is not a hash function; use sha1, sha3, md5, hmac-sha256 or hmac-sha512`);
  }
  const hmac = hash.startsWith('hmac-');
  const key = str(o, 'hmac_key', w);
  if (hmac && !key) throw new Error(`${w}: hmac_key must not be empty when hash_function is "${hash}"; set it to \${env:VAR} with VAR from a Secret`);
  if (key !== undefined && key !== '' && !/\$\{[^}]+\}/.test(key.replace(/\$\$/g, ''))) {
    throw new Error(`${w}.hmac_key: a literal key would put a credential into the manifest; write \${env:VAR} and set VAR from a Secret`);
  }
  const db = map(o, 'db_sanitizer', w);
  if (db) {
    const dw = `${w}.db_sanitizer`;
    const kinds = ['sql', 'redis', 'valkey', 'memcached', 'mongo', 'opensearch', 'es'];
    checkKeys(db, [...kinds, 'sanitize_span_name'], dw);
    bool(db, 'sanitize_span_name', dw);
    for (const k of kinds) {
      const s = map(db, k, dw);
      if (!s) continue;
      checkKeys(s, ['enabled', 'attributes'], `${dw}.${k}`);
      bool(s, 'enabled', `${dw}.${k}`);
      strings(s, 'attributes', `${dw}.${k}`);
    }
  }
  const url = map(o, 'url_sanitizer', w);
  if (url) {
    checkKeys(url, ['enabled', 'attributes', 'sanitize_span_name'], `${w}.url_sanitizer`);
    bool(url, 'enabled', `${w}.url_sanitizer`);
    bool(url, 'sanitize_span_name', `${w}.url_sanitizer`);
    strings(url, 'attributes', `${w}.url_sanitizer`);
  }
  const summary = str(o, 'summary', w);
  const problems: { rule: string; message: string }[] = [];
  if (allowAll && allowedKeys !== undefined) {
    problems.push({ rule: 'ignored-option', message: 'allowed_keys is not read when allow_all_keys is true (every key is kept); remove allowed_keys or set allow_all_keys: false' });
  }
  if (!hmac && key !== undefined) {
    problems.push({ rule: 'ignored-option', message: `hmac_key is not read ${hash ? `with hash_function "${hash}"` : 'without an hmac-* hash_function'}; remove it or use hash_function hmac-sha256 or hmac-sha512` });
  }
  if (summary !== undefined && !['debug', 'info', 'silent'].includes(summary)) {
    problems.push({ rule: 'ignored-option', message: `summary "${summary}" writes no summary attributes (the collector reads only debug and info); use debug, info or silent` });
  }
  return new ParsedComponent('processor', 'redaction', o as ConfigObject, options, problems);
}

// ------------------------------------------------------------------ extensions and connectors

function checkHttpServer(o: Obj, w: string): void {
  for (const k of ['tls', 'cors', 'auth', 'dialer']) map(o, k, w);
  for (const k of ['read_timeout', 'read_header_timeout', 'write_timeout', 'idle_timeout']) dur(o, k, w);
  int(o, 'max_request_body_size', w);
  bool(o, 'include_metadata', w);
  bool(o, 'keep_alives_enabled', w);
  str(o, 'transport', w);
  strings(o, 'compression_algorithms', w);
  list(o, 'middlewares', w);
}

/** `health_check`: HEALTH_CHECK_FIELDS, the HTTP server keys, the legacy-mode rules unless use_v2. */
export function parseHealthCheck(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `extensions.${idOf('health_check', options)}`;
  const { props, config: o } = parseFields(HEALTH_CHECK_FIELDS, config, w);
  checkHttpServer(o, w);
  for (const k of ['response_body', 'check_collector_pipeline', 'grpc', 'http', 'component_health']) map(o, k, w);
  if (!bool(o, 'use_v2', w)) checkHealthCheck(props, w);
  return new EndpointExtension('health_check', o as ConfigObject, options, props.endpoint ?? 'localhost:13133', 'health');
}

/** `zpages`: ZPAGES_FIELDS, the HTTP server keys, `expvar`. */
export function parseZpages(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `extensions.${idOf('zpages', options)}`;
  const { props, config: o } = parseFields(ZPAGES_FIELDS, config, w);
  checkHttpServer(o, w);
  const expvar = map(o, 'expvar', w);
  if (expvar) {
    checkKeys(expvar, ['enabled'], `${w}.expvar`);
    bool(expvar, 'enabled', `${w}.expvar`);
  }
  return new EndpointExtension('zpages', o as ConfigObject, options, props.endpoint ?? 'localhost:55679', 'zpages');
}

/** `pprof` (contrib pprofextension): PPROF_FIELDS and the profiling keys. */
export function parsePprof(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `extensions.${idOf('pprof', options)}`;
  const { props, config: o } = parseFields(PPROF_FIELDS, config, w);
  map(o, 'dialer', w);
  int(o, 'block_profile_fraction', w);
  int(o, 'mutex_profile_fraction', w);
  str(o, 'save_to_file', w);
  return new EndpointExtension('pprof', o as ConfigObject, options, props.endpoint ?? 'localhost:1777', 'pprof');
}

/** `file_storage`: FILE_STORAGE_FIELDS, the directory rules, the unmodelled keys (filestorage Config.Validate, without the filesystem checks). */
export function parseFileStorage(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `extensions.${idOf('file_storage', options)}`;
  const { props, config: o } = parseFields(FILE_STORAGE_FIELDS, config, w);
  checkFileStorage(props, w);
  const maxSize = int(o, 'max_size', w) ?? 0;
  if (maxSize < 0) throw new Error(`${w}: max_size cannot be negative`);
  bool(o, 'fsync', w);
  bool(o, 'recreate', w);
  const create = props.createDirectory;
  const perms = str(o, 'directory_permissions', w);
  if (create && perms !== undefined && !/^0?[0-7]{1,3}$/.test(perms))
    throw new Error(`${w}: directory_permissions "${perms}" is not octal permission bits such as "0750"`);
  const c = map(o, 'compaction', w);
  if (c) {
    const cw = `${w}.compaction`;
    checkKeys(
      c,
      [
        'on_start',
        'on_rebound',
        'directory',
        'rebound_needed_threshold_mib',
        'rebound_trigger_threshold_mib',
        'max_transaction_size',
        'check_interval',
        'cleanup_on_start',
      ],
      cw,
    );
    bool(c, 'on_start', cw);
    const rebound = bool(c, 'on_rebound', cw);
    bool(c, 'cleanup_on_start', cw);
    str(c, 'directory', cw);
    const needed = int(c, 'rebound_needed_threshold_mib', cw) ?? 100;
    const trigger = int(c, 'rebound_trigger_threshold_mib', cw) ?? 10;
    if ((int(c, 'max_transaction_size', cw) ?? 0) < 0)
      throw new Error(`${cw}: max_transaction_size cannot be negative`);
    const interval = dur(c, 'check_interval', cw) ?? 5;
    if (rebound && maxSize > 0 && (needed * 1048576 > maxSize || trigger * 1048576 > maxSize))
      throw new Error(`${cw}: a rebound threshold is above max_size`);
    if (rebound && !(interval > 0)) throw new Error(`${cw}: check_interval must be positive with on_rebound`);
  }
  return new ConfiguredComponent('extension', 'file_storage', o as ConfigObject, options);
}

/** `forward` (no settings). */
export function parseForward(config: unknown, options: ComponentOptions = {}): CollectorComponent {
  const w = `connectors.${idOf('forward', options)}`;
  const key = Object.keys(asObject(config, w))[0];
  if (key !== undefined) throw new Error(`${w}: unknown key "${key}"; forward takes no settings, remove it`);
  return new ConfiguredComponent('connector', 'forward', {}, options);
}
