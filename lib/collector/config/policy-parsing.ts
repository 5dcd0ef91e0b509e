/**
 * Parsing tail_sampling policies from a collector config (strict keys, the collector's types and
 * ranges named by their config keys). The factories are passed in (`Policy`), so this module depends
 * on the policy types only, and the policy module on it (no import back).
 */
import { NumberRule } from '../../common/guards';
import { asObject, checkKeys, opt, optEnum, optNum, optStrings } from './config-values';
import { COMPOSING_POLICY_TYPES, PolicyType, SpanStatusCode } from './policy-types';

/** The names of the policy factories the parser calls. */
type FactoryName =
  | 'alwaysSample'
  | 'latency'
  | 'numericAttribute'
  | 'probabilistic'
  | 'statusCode'
  | 'stringAttribute'
  | 'rateLimiting'
  | 'bytesLimiting'
  | 'spanCount'
  | 'traceState'
  | 'booleanAttribute'
  | 'ottlCondition'
  | 'and'
  | 'drop'
  | 'not'
  | 'composite';

/**
 * The policy factories the parser calls (the static side of `Policy`), making policies of type `P`.
 * Their props are checked by the factories themselves.
 */
export type PolicyFactories<P> = Record<FactoryName, (...args: any[]) => P>;

/**
 * The config path of the policy being parsed (set by the parser around each factory call, so that a
 * factory's message names where the policy is written; never set for direct factory calls).
 */
let parsingAt: string | undefined;

/** The config path of the policy being parsed, if a parse is under way. */
export function parsingPath(): string | undefined {
  return parsingAt;
}

const LEAF_KEYS: Record<string, readonly string[]> = {
  latency: ['threshold_ms', 'upper_threshold_ms'],
  numeric_attribute: ['key', 'min_value', 'max_value', 'invert_match'],
  probabilistic: ['hash_salt', 'sampling_percentage'],
  status_code: ['status_codes'],
  string_attribute: ['key', 'values', 'enabled_regex_matching', 'cache_max_size', 'invert_match'],
  rate_limiting: ['spans_per_second'],
  bytes_limiting: ['bytes_per_second', 'burst_capacity'],
  span_count: ['min_spans', 'max_spans'],
  trace_state: ['key', 'values'],
  boolean_attribute: ['key', 'value', 'invert_match'],
  ottl_condition: ['error_mode', 'span', 'spanevent'],
};
const ALL_TYPES: readonly string[] = ['always_sample', ...Object.keys(LEAF_KEYS), ...COMPOSING_POLICY_TYPES];

/** Ranges of the numeric policy fields (the parser names the config key, the factories their prop). */
const POLICY_NUMBERS: Record<string, NumberRule> = {
  threshold_ms: { min: 0, integer: true },
  upper_threshold_ms: { min: 0, integer: true },
  min_value: { integer: true },
  max_value: { integer: true },
  sampling_percentage: { min: 0, max: 100 },
  cache_max_size: { min: 1, integer: true },
  spans_per_second: { min: 1, integer: true },
  bytes_per_second: { min: 1, integer: true },
  burst_capacity: { min: 1, integer: true },
  min_spans: { min: 1, integer: true },
  max_spans: { min: 1, integer: true },
  max_total_spans_per_second: { min: 1, integer: true },
};

export function parsePolicy<T>(value: unknown, where: string, P: PolicyFactories<T>): T {
  const outer = parsingAt;
  try {
    return parsePolicyAt(value, where, P);
  } finally {
    parsingAt = outer;
  }
}

function parsePolicyAt<T>(value: unknown, where: string, P: PolicyFactories<T>): T {
  const o = asObject(value, where);
  const type = opt(o, 'type', 'string', where);
  const name = opt(o, 'name', 'string', where);
  if (type === undefined)
    throw new Error(`${where}: policy has no type; set type to one of ${ALL_TYPES.join(', ')}`);
  if (!ALL_TYPES.includes(type)) {
    throw new Error(`${where}: unknown policy type "${type}"; use one of ${ALL_TYPES.join(', ')}`);
  }
  if (name === undefined || name.trim() === '') {
    throw new Error(
      `${where}: policy of type ${type} has no name; give every policy a unique, non-empty name`,
    );
  }
  checkKeys(o, type === 'always_sample' ? ['name', 'type'] : ['name', 'type', type], where);
  const body = asObject(o[type], `${where}.${type}`);
  const bw = `${where}.${type}`;
  if (LEAF_KEYS[type]) checkKeys(body, LEAF_KEYS[type], bw);
  const num = (k: string) => optNum(body, k, bw, POLICY_NUMBERS[k] ?? {});
  const bool = (k: string) => opt(body, k, 'boolean', bw);
  const str = (k: string) => opt(body, k, 'string', bw) ?? '';
  const subs = (key: string): T[] => {
    const list = body[key];
    if (!Array.isArray(list)) throw new Error(`${bw}.${key}: expected a list of policies`);
    const parsed = list.map((p, i) => parsePolicy(p, `${bw}.${key}[${i}]`, P));
    parsingAt = where;
    return parsed;
  };
  parsingAt = where;
  switch (type as PolicyType) {
    case 'always_sample':
      return P.alwaysSample({ name });
    case 'latency':
      return P.latency({
        name,
        thresholdMs: num('threshold_ms') ?? 0,
        upperThresholdMs: num('upper_threshold_ms'),
      });
    case 'numeric_attribute':
      return P.numericAttribute({
        name,
        key: str('key'),
        minValue: num('min_value'),
        maxValue: num('max_value'),
        invertMatch: bool('invert_match'),
      });
    case 'probabilistic':
      return P.probabilistic({
        name,
        samplingPercentage: num('sampling_percentage') ?? 0,
        hashSalt: opt(body, 'hash_salt', 'string', bw),
      });
    case 'status_code':
      return P.statusCode(...((optStrings(body, 'status_codes', bw) ?? []) as SpanStatusCode[]), { name });
    case 'string_attribute':
      return P.stringAttribute({
        name,
        key: str('key'),
        values: optStrings(body, 'values', bw) ?? [],
        enabledRegexMatching: bool('enabled_regex_matching'),
        cacheMaxSize: num('cache_max_size'),
        invertMatch: bool('invert_match'),
      });
    case 'rate_limiting':
      return P.rateLimiting({ name, spansPerSecond: num('spans_per_second') ?? 0 });
    case 'bytes_limiting':
      return P.bytesLimiting({
        name,
        bytesPerSecond: num('bytes_per_second') ?? 0,
        burstCapacity: num('burst_capacity'),
      });
    case 'span_count':
      return P.spanCount({ name, minSpans: num('min_spans') ?? 0, maxSpans: num('max_spans') });
    case 'trace_state':
      return P.traceState({ name, key: str('key'), values: optStrings(body, 'values', bw) ?? [] });
    case 'boolean_attribute':
      return P.booleanAttribute({
        name,
        key: str('key'),
        value: bool('value') as boolean,
        invertMatch: bool('invert_match'),
      });
    case 'ottl_condition':
      return P.ottlCondition({
        name,
        errorMode: optEnum(body, 'error_mode', bw, ['ignore', 'silent', 'propagate'] as const),
        span: optStrings(body, 'span', bw),
        spanEvent: optStrings(body, 'spanevent', bw),
      });
    case 'and':
      checkKeys(body, ['and_sub_policy'], bw);
      return P.and(name, ...subs('and_sub_policy'));
    case 'drop':
      checkKeys(body, ['drop_sub_policy'], bw);
      return P.drop(name, ...subs('drop_sub_policy'));
    case 'not':
      checkKeys(body, ['not_sub_policy'], bw);
      return P.not(
        name,
        ((sub) => ((parsingAt = where), sub))(parsePolicy(body.not_sub_policy, `${bw}.not_sub_policy`, P)),
      );
    case 'composite': {
      checkKeys(
        body,
        ['max_total_spans_per_second', 'policy_order', 'composite_sub_policy', 'rate_allocation'],
        bw,
      );
      const alloc = body.rate_allocation;
      if (alloc !== undefined && !Array.isArray(alloc))
        throw new Error(`${bw}.rate_allocation: expected a list`);
      return P.composite({
        name,
        maxTotalSpansPerSecond: num('max_total_spans_per_second') ?? 0,
        policyOrder: optStrings(body, 'policy_order', bw),
        subPolicies: subs('composite_sub_policy'),
        rateAllocation: (alloc as unknown[] | undefined)?.map((a, i) => {
          const ao = asObject(a, `${bw}.rate_allocation[${i}]`);
          checkKeys(ao, ['policy', 'percent'], `${bw}.rate_allocation[${i}]`);
          return {
            policy: opt(ao, 'policy', 'string', `${bw}.rate_allocation[${i}]`) ?? '',
            percent: optNum(ao, 'percent', `${bw}.rate_allocation[${i}]`, { min: 0, max: 100 }) ?? 0,
          };
        }),
      });
    }
  }
}
