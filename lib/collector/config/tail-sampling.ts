import { CollectorComponent, ComponentOptions, componentProps } from './component';
import {
  checkOttl,
  checkRe2,
  fail,
  isPlainObject,
  NumberRule,
  optBoolean,
  optInstance,
  optList,
  optNumber,
  optOneOf,
  optProps,
  optString,
  optStringList,
  propsObject,
  reqNumber,
  reqString,
} from '../../common/guards';
import {
  asObject,
  checkInteger,
  checkKeys,
  checkRange,
  compact,
  ConfigObject,
  ConfigValue,
  formatDuration,
  opt,
  optStrings,
  optDuration,
  optEnum,
  cloneConfig, optNum
} from './config-values';

/** Every tail_sampling policy type. */
export type PolicyType =
  | 'always_sample'
  | 'latency'
  | 'numeric_attribute'
  | 'probabilistic'
  | 'status_code'
  | 'string_attribute'
  | 'rate_limiting'
  | 'bytes_limiting'
  | 'span_count'
  | 'trace_state'
  | 'boolean_attribute'
  | 'ottl_condition'
  | 'and'
  | 'composite'
  | 'drop'
  | 'not';

/** Policies that hold sub-policies (allowed only at the top level; `and` also inside `composite`). */
export const COMPOSING_POLICY_TYPES: readonly PolicyType[] = ['and', 'composite', 'drop', 'not'];

/** Span status codes matched by `status_code`. */
export type SpanStatusCode = 'OK' | 'ERROR' | 'UNSET';

/** Common option of every policy. */
export interface PolicyOptions {
  /** Unique, non-empty policy name (shown in metrics and logs). @default - the policy type */
  readonly name?: string;
}

/** Props of `Policy.latency()`. */
export interface LatencyPolicyProps extends PolicyOptions {
  /** Sample traces at least this long (ms, >= 0). */
  readonly thresholdMs: number;
  /** ... and at most this long (ms). @default - no upper bound */
  readonly upperThresholdMs?: number;
}

/** Props of `Policy.numericAttribute()`. */
export interface NumericAttributePolicyProps extends PolicyOptions {
  /** Attribute key. */
  readonly key: string;
  /** Minimum value (inclusive). @default - no lower bound (at least one bound is required) */
  readonly minValue?: number;
  /** Maximum value (inclusive). @default - no upper bound */
  readonly maxValue?: number;
  /** Sample when it does NOT match. @default false */
  readonly invertMatch?: boolean;
}

/** Props of `Policy.probabilistic()`. */
export interface ProbabilisticPolicyProps extends PolicyOptions {
  /** Percentage of traces, 0-100. */
  readonly samplingPercentage: number;
  /** Hash salt; use different salts on different collector layers. @default - collector default salt */
  readonly hashSalt?: string;
}

/** Props of `Policy.stringAttribute()`. */
export interface StringAttributePolicyProps extends PolicyOptions {
  /** Attribute key. */
  readonly key: string;
  /** Values (or regular expressions with `enabledRegexMatching`), at least one. */
  readonly values: readonly string[];
  /** Treat values as regular expressions. @default false */
  readonly enabledRegexMatching?: boolean;
  /** LRU cache size of regex results. @default 128 (collector default) */
  readonly cacheMaxSize?: number;
  /** Sample when it does NOT match. @default false */
  readonly invertMatch?: boolean;
}

/** Props of `Policy.spanCount()`. */
export interface SpanCountPolicyProps extends PolicyOptions {
  /** Minimum spans in the trace (>= 1). */
  readonly minSpans: number;
  /** Maximum spans (>= minSpans). @default - no maximum */
  readonly maxSpans?: number;
}

/** Props of `Policy.ottlCondition()`. */
export interface OttlConditionPolicyProps extends PolicyOptions {
  /** OTTL conditions on spans. @default - none (at least one of span/spanEvent is required) */
  readonly span?: readonly string[];
  /** OTTL conditions on span events. @default - none */
  readonly spanEvent?: readonly string[];
  /** What to do on evaluation errors. @default 'propagate' */
  readonly errorMode?: 'ignore' | 'silent' | 'propagate';
}

/** A `rate_allocation` entry of a composite policy. */
export interface RateAllocation {
  /** Name of a sub-policy. */
  readonly policy: string;
  /** Share of `maxTotalSpansPerSecond`, 0-100 (all entries <= 100 in total). */
  readonly percent: number;
}

/** Props of `Policy.composite()`. */
export interface CompositePolicyProps extends PolicyOptions {
  /** Overall spans/second budget (> 0). */
  readonly maxTotalSpansPerSecond: number;
  /** Sub-policies: leaves or `and` policies. */
  readonly subPolicies: readonly Policy[];
  /** Evaluation order by sub-policy name. @default - the order of subPolicies */
  readonly policyOrder?: readonly string[];
  /** Budget shares per sub-policy. @default - none */
  readonly rateAllocation?: readonly RateAllocation[];
}

type PolicyBody = ConfigObject | undefined;

/**
 * A tail_sampling policy. Enum-like: build with the static factories, e.g.
 * `Policy.statusCode('ERROR')`, `Policy.latency({ thresholdMs: 1000 })`, `Policy.probabilistic(10)`.
 *
 * Nesting rules (as in the collector): `and`, `drop` and `not` take leaf policies only; `composite` takes
 * leaves and `and`; `and`/`composite`/`drop`/`not` may otherwise only appear at the top level.
 */
export class Policy {
  /** Samples every trace. */
  public static alwaysSample(options: PolicyOptions = {}): Policy {
    policyProps('always_sample', options, [], true);
    return new Policy('always_sample', options.name, undefined, []);
  }

  /** Samples traces whose duration is >= thresholdMs (and <= upperThresholdMs). */
  public static latency(props: LatencyPolicyProps): Policy {
    const where = policyProps('latency', props, ['thresholdMs', 'upperThresholdMs']);
    reqNumber(where, 'thresholdMs', props.thresholdMs, { min: 0, integer: true, example: '1000' });
    optNumber(where, 'upperThresholdMs', props.upperThresholdMs, { min: 0, integer: true });
    checkInteger(props.thresholdMs, 0, `${where}: threshold_ms`);
    checkInteger(props.upperThresholdMs, 0, `${where}: upper_threshold_ms`);
    if (props.upperThresholdMs !== undefined && props.upperThresholdMs > 0 && props.upperThresholdMs < props.thresholdMs) {
      throw new Error(
        `${where}: upper_threshold_ms ${props.upperThresholdMs} is below threshold_ms ${props.thresholdMs}; raise upperThresholdMs or drop it`,
      );
    }
    return new Policy(
      'latency',
      props.name,
      compact({ threshold_ms: props.thresholdMs, upper_threshold_ms: props.upperThresholdMs }),
      [],
    );
  }

  /** Samples traces with a numeric attribute in [minValue, maxValue]. */
  public static numericAttribute(props: NumericAttributePolicyProps): Policy {
    const where = policyProps('numeric_attribute', props, ['key', 'minValue', 'maxValue', 'invertMatch']);
    checkKey(props.key, where);
    optNumber(where, 'minValue', props.minValue, { integer: true });
    optNumber(where, 'maxValue', props.maxValue, { integer: true });
    optBoolean(where, 'invertMatch', props.invertMatch);
    if (props.minValue === undefined && props.maxValue === undefined) {
      throw new Error(`${where}: neither min_value nor max_value is set; set at least one bound`);
    }
    if (props.minValue !== undefined && props.maxValue !== undefined && props.minValue > props.maxValue) {
      throw new Error(
        `${where}: min_value ${props.minValue} is greater than max_value ${props.maxValue}; swap them or lower minValue`,
      );
    }
    return new Policy(
      'numeric_attribute',
      props.name,
      compact({ key: props.key, min_value: props.minValue, max_value: props.maxValue, invert_match: props.invertMatch }),
      [],
    );
  }

  /** Samples a percentage of traces (0-100), e.g. `Policy.probabilistic(10)`. */
  public static probabilistic(percentOrProps: number | ProbabilisticPolicyProps): Policy {
    const props = typeof percentOrProps === 'number' ? { samplingPercentage: percentOrProps } : percentOrProps;
    const where = policyProps('probabilistic', props, ['samplingPercentage', 'hashSalt'], false);
    reqNumber(where, typeof percentOrProps === 'number' ? 'percent' : 'samplingPercentage', props.samplingPercentage, { min: 0, max: 100, example: '10' });
    optString(where, 'hashSalt', props.hashSalt, 'pass a salt string');
    checkRange(props.samplingPercentage, 0, 100, `${where}: sampling_percentage`, 'use a value between 0 and 100');
    return new Policy(
      'probabilistic',
      props.name,
      compact({ hash_salt: props.hashSalt, sampling_percentage: props.samplingPercentage }),
      [],
    );
  }

  /** Samples traces with a span in one of the status codes, e.g. `Policy.statusCode('ERROR')`. */
  public static statusCode(...codes: (SpanStatusCode | PolicyOptions)[]): Policy {
    const objects = codes.filter((c): c is PolicyOptions => isPlainObject(c));
    const options = objects[0] ?? {};
    const where = policyProps('status_code', options, []);
    if (objects.length > 1) fail(where, 'options', objects[1], 'is given twice', 'pass one { name } object');
    codes.forEach((c, i) => {
      if (!isPlainObject(c)) optOneOf(where, `codes[${i}]`, c, ['OK', 'ERROR', 'UNSET']);
    });
    const list = codes.filter((c): c is SpanStatusCode => typeof c === 'string');
    if (list.length === 0) {
      throw new Error(`${where}: status_codes is empty; pass at least one of OK, ERROR, UNSET`);
    }
    for (const c of list) {
      if (!['OK', 'ERROR', 'UNSET'].includes(c)) {
        throw new Error(`${where}: status code "${c}" is unknown; use OK, ERROR or UNSET`);
      }
    }
    return new Policy('status_code', options.name, { status_codes: [...list] }, []);
  }

  /** Samples traces with a string attribute matching one of the values. */
  public static stringAttribute(props: StringAttributePolicyProps): Policy {
    const where = policyProps('string_attribute', props, ['key', 'values', 'enabledRegexMatching', 'cacheMaxSize', 'invertMatch']);
    checkKey(props.key, where);
    if (props.values === undefined) fail(where, 'values', undefined, 'is missing', 'list at least one value');
    optStringList(where, 'values', props.values, 'pass a list of values (or regular expressions with enabledRegexMatching)');
    optBoolean(where, 'enabledRegexMatching', props.enabledRegexMatching);
    if (props.enabledRegexMatching) props.values.forEach((v, i) => checkRe2(where, `values[${i}]`, v));
    optNumber(where, 'cacheMaxSize', props.cacheMaxSize, { min: 1, integer: true });
    optBoolean(where, 'invertMatch', props.invertMatch);
    if (props.values.length === 0) {
      throw new Error(`${where}: values is empty; list at least one value`);
    }
    if (props.enabledRegexMatching) {
      props.values.forEach((v, i) => {
        try {
          new RegExp(v);
        } catch {
          throw new Error(`${where}: values[${i}] "${v}" is not a valid regular expression; fix it or disable enabledRegexMatching`);
        }
      });
    }
    checkInteger(props.cacheMaxSize, 1, `${where}: cache_max_size`);
    return new Policy(
      'string_attribute',
      props.name,
      compact({
        key: props.key,
        values: [...props.values],
        enabled_regex_matching: props.enabledRegexMatching,
        cache_max_size: props.cacheMaxSize,
        invert_match: props.invertMatch,
      }),
      [],
    );
  }

  /** Samples up to `spansPerSecond` spans per second. */
  public static rateLimiting(props: { readonly spansPerSecond: number } & PolicyOptions): Policy {
    const where = policyProps('rate_limiting', props, ['spansPerSecond'], false);
    reqNumber(where, 'spansPerSecond', props.spansPerSecond, { min: 1, integer: true });
    checkInteger(props.spansPerSecond, 1, `${where}: spans_per_second`);
    return new Policy('rate_limiting', props.name, { spans_per_second: props.spansPerSecond }, []);
  }

  /** Samples up to `bytesPerSecond` (token bucket with `burstCapacity`). */
  public static bytesLimiting(
    props: { readonly bytesPerSecond: number; readonly burstCapacity?: number } & PolicyOptions,
  ): Policy {
    const where = policyProps('bytes_limiting', props, ['bytesPerSecond', 'burstCapacity'], false);
    reqNumber(where, 'bytesPerSecond', props.bytesPerSecond, { min: 1, integer: true });
    optNumber(where, 'burstCapacity', props.burstCapacity, { min: 1, integer: true });
    checkInteger(props.bytesPerSecond, 1, `${where}: bytes_per_second`);
    checkInteger(props.burstCapacity, 1, `${where}: burst_capacity`);
    return new Policy(
      'bytes_limiting',
      props.name,
      compact({ bytes_per_second: props.bytesPerSecond, burst_capacity: props.burstCapacity }),
      [],
    );
  }

  /** Samples traces with a span count in [minSpans, maxSpans]. */
  public static spanCount(props: SpanCountPolicyProps): Policy {
    const where = policyProps('span_count', props, ['minSpans', 'maxSpans'], false);
    reqNumber(where, 'minSpans', props.minSpans, { min: 1, integer: true });
    optNumber(where, 'maxSpans', props.maxSpans, { min: 1, integer: true });
    checkInteger(props.minSpans, 1, `${where}: min_spans`);
    checkInteger(props.maxSpans, 1, `${where}: max_spans`);
    if (props.maxSpans !== undefined && props.maxSpans < props.minSpans) {
      throw new Error(`${where}: min_spans ${props.minSpans} is greater than max_spans ${props.maxSpans}; raise maxSpans`);
    }
    return new Policy('span_count', props.name, compact({ min_spans: props.minSpans, max_spans: props.maxSpans }), []);
  }

  /** Samples traces whose W3C trace state has `key` with one of `values`. */
  public static traceState(props: { readonly key: string; readonly values: readonly string[] } & PolicyOptions): Policy {
    const where = policyProps('trace_state', props, ['key', 'values'], false);
    checkKey(props.key, where);
    if (props.values === undefined) fail(where, 'values', undefined, 'is missing', 'list at least one value');
    optStringList(where, 'values', props.values);
    if (props.values.length === 0) throw new Error(`${where}: values is empty; list at least one value`);
    return new Policy('trace_state', props.name, { key: props.key, values: [...props.values] }, []);
  }

  /** Samples traces with a boolean attribute equal to `value`. */
  public static booleanAttribute(
    props: { readonly key: string; readonly value: boolean; readonly invertMatch?: boolean } & PolicyOptions,
  ): Policy {
    const where = policyProps('boolean_attribute', props, ['key', 'value', 'invertMatch'], false);
    checkKey(props.key, where);
    optBoolean(where, 'invertMatch', props.invertMatch);
    if (typeof props.value !== 'boolean') {
      throw new Error(`${where}: value ${JSON.stringify(props.value)} is not a boolean; use true or false`);
    }
    return new Policy(
      'boolean_attribute',
      props.name,
      compact({ key: props.key, value: props.value, invert_match: props.invertMatch }),
      [],
    );
  }

  /** Samples traces matching OTTL conditions. */
  public static ottlCondition(props: OttlConditionPolicyProps): Policy {
    const where = policyProps('ottl_condition', props, ['span', 'spanEvent', 'errorMode'], false);
    optOneOf(where, 'errorMode', props.errorMode, ['ignore', 'silent', 'propagate']);
    for (const k of ['span', 'spanEvent'] as const) {
      optList(where, k, props[k], (c, path) => (typeof c === 'string' && c.trim() === '' ? c : checkOttl(where, path, c)), 'pass a list of OTTL conditions');
    }
    if (!props.span?.length && !props.spanEvent?.length) {
      throw new Error(`${where}: no condition; set span and/or spanEvent conditions`);
    }
    if (props.errorMode !== undefined && !['ignore', 'silent', 'propagate'].includes(props.errorMode)) {
      throw new Error(`${where}: error_mode "${props.errorMode}" is invalid; use ignore, silent or propagate`);
    }
    [...(props.span ?? []), ...(props.spanEvent ?? [])].forEach((c) => {
      if (c.trim().length === 0) throw new Error(`${where}: an OTTL condition is empty; remove it or write the condition`);
    });
    return new Policy(
      'ottl_condition',
      props.name,
      compact({
        error_mode: props.errorMode,
        span: props.span ? [...props.span] : undefined,
        spanevent: props.spanEvent ? [...props.spanEvent] : undefined,
      }),
      [],
    );
  }

  /** Samples when ALL leaf sub-policies sample. */
  public static and(name: string, ...subPolicies: Policy[]): Policy {
    policyName('and', name);
    checkSubPolicies('and', name, subPolicies, false);
    return new Policy('and', name, undefined, subPolicies);
  }

  /** Drops traces matching ALL leaf sub-policies (evaluated before the others). */
  public static drop(name: string, ...subPolicies: Policy[]): Policy {
    policyName('drop', name);
    checkSubPolicies('drop', name, subPolicies, false);
    return new Policy('drop', name, undefined, subPolicies);
  }

  /** Inverts a leaf policy. */
  public static not(name: string, subPolicy: Policy): Policy {
    policyName('not', name);
    checkSubPolicies('not', name, [subPolicy], false);
    return new Policy('not', name, undefined, [subPolicy]);
  }

  /** Rate-allocating combination of leaves and `and` policies. */
  public static composite(props: CompositePolicyProps): Policy {
    const where = policyProps('composite', props, ['maxTotalSpansPerSecond', 'subPolicies', 'policyOrder', 'rateAllocation'], false);
    const name = props.name ?? 'composite';
    reqNumber(where, 'maxTotalSpansPerSecond', props.maxTotalSpansPerSecond, { min: 1, integer: true });
    if (props.subPolicies === undefined) fail(where, 'subPolicies', undefined, 'is missing', 'pass a list of Policy');
    optList(where, 'subPolicies', props.subPolicies, (x, path) => policyItem(where, path, x), 'pass a list of Policy');
    optStringList(where, 'policyOrder', props.policyOrder, 'pass a list of sub-policy names');
    optList(where, 'rateAllocation', props.rateAllocation, (x, path) => {
      const a = optProps<RateAllocation>(where, path, x, ['policy', 'percent']);
      if (!a) fail(where, path, x, 'is missing', "pass { policy: 'name', percent: 50 }");
      reqString(where, `${path}.policy`, a.policy, 'pass a sub-policy name');
      reqNumber(where, `${path}.percent`, a.percent, { min: 0, max: 100 });
      return a;
    }, 'pass a list of { policy, percent }');
    checkSubPolicies('composite', name, props.subPolicies, true);
    checkInteger(props.maxTotalSpansPerSecond, 1, `${where}: max_total_spans_per_second`);
    const names = props.subPolicies.map((p) => p.name);
    const order = props.policyOrder ?? names;
    const seen = new Set<string>();
    order.forEach((n, i) => {
      if (!names.includes(n)) {
        throw new Error(`${where}: policy_order[${i}] "${n}" is not a sub-policy; use one of ${names.join(', ')}`);
      }
      if (seen.has(n)) throw new Error(`${where}: policy_order[${i}] "${n}" is listed twice; list each sub-policy once`);
      seen.add(n);
    });
    let total = 0;
    (props.rateAllocation ?? []).forEach((a, i) => {
      if (!names.includes(a.policy)) {
        throw new Error(`${where}: rate_allocation[${i}] policy "${a.policy}" is not a sub-policy; use one of ${names.join(', ')}`);
      }
      checkRange(a.percent, 0, 100, `${where}: rate_allocation[${i}] percent`, 'use a value between 0 and 100');
      total += a.percent;
    });
    if (total > 100) {
      throw new Error(`${where}: rate_allocation percents add up to ${total} %; reduce them to 100 % or less in total`);
    }
    const policy = new Policy('composite', name, undefined, props.subPolicies);
    policy.compositeExtras = compact({
      max_total_spans_per_second: props.maxTotalSpansPerSecond,
      policy_order: props.policyOrder ? [...props.policyOrder] : names,
      rate_allocation: props.rateAllocation?.map((a) => ({ policy: a.policy, percent: a.percent })),
    });
    return policy;
  }

  /** Parses a policy object as found in a collector config (strict keys). */
  public static fromObject(value: unknown, where: string = 'policy'): Policy {
    reqString('Policy.fromObject', 'where', where, 'pass the config path of the policy, e.g. "policies[0]"');
    return parsePolicy(value, where);
  }

  /** Policy type. */
  public readonly type: PolicyType;
  /** Policy name (unique within the processor). */
  public readonly name: string;
  /** Sub-policies (composing policies only). */
  public readonly subPolicies: readonly Policy[];
  private readonly body: PolicyBody;
  private compositeExtras?: ConfigObject;

  private constructor(type: PolicyType, name: string | undefined, body: PolicyBody, subPolicies: readonly Policy[]) {
    const n = name ?? type;
    if (n.trim().length === 0) {
      throw new Error(`tail_sampling ${type} policy: name is empty; give every policy a unique, non-empty name`);
    }
    this.type = type;
    this.name = n;
    this.body = body;
    this.subPolicies = subPolicies;
  }

  /** True for policies without sub-policies. */
  public get isLeaf(): boolean {
    return !COMPOSING_POLICY_TYPES.includes(this.type);
  }

  /** A copy with another name. */
  public withName(name: string): Policy {
    const copy = new Policy(this.type, name, this.body, this.subPolicies);
    copy.compositeExtras = this.compositeExtras;
    return copy;
  }

  /** The policy as rendered in `tail_sampling.policies`. */
  public toObject(): ConfigObject {
    const out: ConfigObject = { name: this.name, type: this.type };
    const subs = (): ConfigValue[] => this.subPolicies.map((p) => p.toObject());
    switch (this.type) {
      case 'always_sample':
        break;
      case 'and':
        out.and = { and_sub_policy: subs() };
        break;
      case 'drop':
        out.drop = { drop_sub_policy: subs() };
        break;
      case 'not':
        out.not = { not_sub_policy: this.subPolicies[0].toObject() };
        break;
      case 'composite': {
        const extras = this.compositeExtras ?? {};
        out.composite = compact({
          max_total_spans_per_second: extras.max_total_spans_per_second,
          policy_order: extras.policy_order,
          composite_sub_policy: subs(),
          rate_allocation: extras.rate_allocation,
        });
        break;
      }
      default:
        out[this.type] = cloneConfig(this.body ?? {});
    }
    return out;
  }
}

/** Checks the props of a policy factory (a plain object with known keys and a string name); returns the message prefix. */
function policyProps(type: PolicyType, props: unknown, known: readonly string[], optional = false): string {
  const base = policyWhere(type, undefined);
  const p = propsObject<PolicyOptions>(base, props, ['name', ...known], optional);
  return policyWhere(type, policyName(type, p.name));
}

/** One `Policy` of a list. */
function policyItem(where: string, path: string, x: unknown): Policy {
  if (x === undefined) fail(where, path, x, 'is missing', "build it with Policy.* (e.g. Policy.statusCode('ERROR'))");
  return optInstance(where, path, x, Policy, "Policy.* (e.g. Policy.statusCode('ERROR'))")!;
}

/** A policy name: a string when given. */
function policyName(type: PolicyType, name: unknown): string | undefined {
  return optString(policyWhere(type, undefined), 'name', name, 'pass a unique, non-empty policy name', true);
}

/**
 * The config path of the policy being parsed (set by the parser around each factory call, so that a
 * factory's message names where the policy is written; never set for direct factory calls).
 */
let parsingAt: string | undefined;

function policyWhere(type: string, name: string | undefined): string {
  return `${parsingAt === undefined ? '' : `${parsingAt}: `}tail_sampling policy "${name ?? type}"`;
}

function checkKey(key: string, where: string): void {
  if (key !== undefined && key !== null && typeof key !== 'string') fail(where, 'key', key, 'is not a string', 'pass the attribute key to match');
  if (typeof key !== 'string' || key.trim().length === 0) {
    throw new Error(`${where}: key is empty; set the attribute key to match`);
  }
}

function checkSubPolicies(type: PolicyType, name: string, subs: readonly Policy[], allowAnd: boolean): void {
  const where = policyWhere(type, name);
  if (subs.length === 0) {
    throw new Error(`${where}: no sub-policies; add at least one leaf policy`);
  }
  checkPolicyInstances(subs, where);
  subs.forEach((p, i) => {
    if (!p.isLeaf && !(allowAnd && p.type === 'and')) {
      throw new Error(
        `${where}: sub-policy [${i}] "${p.name}" is a ${p.type} policy; ${type} accepts ${allowAnd ? 'leaf and "and" policies' : 'leaf policies'} only, move it to the top level`,
      );
    }
  });
  checkUniqueNames(subs, where);
}

/** Throws when an entry is not a Policy (undefined, a plain object, ...): a clear error, not a TypeError later. */
function checkPolicyInstances(policies: readonly Policy[], where: string): void {
  policies.forEach((p, i) => {
    if (!(p instanceof Policy)) {
      throw new Error(`${where}: policies[${i}] is ${p === null ? 'null' : typeof p === 'object' ? 'a plain object' : typeof p}; build each policy with Policy.* (e.g. Policy.statusCode('ERROR'))`);
    }
  });
}

function checkUniqueNames(policies: readonly Policy[], where: string): void {
  checkPolicyInstances(policies, where);
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    if (seen.has(p.name)) {
      throw new Error(`${where}: policy name "${p.name}" at [${i}] is used twice; give each policy a unique name (Policy.withName())`);
    }
    seen.add(p.name);
  });
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

function parsePolicy(value: unknown, where: string): Policy {
  const outer = parsingAt;
  try {
    return parsePolicyAt(value, where);
  } finally {
    parsingAt = outer;
  }
}

function parsePolicyAt(value: unknown, where: string): Policy {
  const o = asObject(value, where);
  const type = opt(o, 'type', 'string', where);
  const name = opt(o, 'name', 'string', where);
  if (type === undefined) throw new Error(`${where}: policy has no type; set type to one of ${ALL_TYPES.join(', ')}`);
  if (!ALL_TYPES.includes(type)) {
    throw new Error(`${where}: unknown policy type "${type}"; use one of ${ALL_TYPES.join(', ')}`);
  }
  if (name === undefined || name.trim() === '') {
    throw new Error(`${where}: policy of type ${type} has no name; give every policy a unique, non-empty name`);
  }
  checkKeys(o, type === 'always_sample' ? ['name', 'type'] : ['name', 'type', type], where);
  const body = asObject(o[type], `${where}.${type}`);
  const bw = `${where}.${type}`;
  if (LEAF_KEYS[type]) checkKeys(body, LEAF_KEYS[type], bw);
  const num = (k: string) => optNum(body, k, bw, POLICY_NUMBERS[k] ?? {});
  const bool = (k: string) => opt(body, k, 'boolean', bw);
  const str = (k: string) => opt(body, k, 'string', bw) ?? '';
  const subs = (key: string): Policy[] => {
    const list = body[key];
    if (!Array.isArray(list)) throw new Error(`${bw}.${key}: expected a list of policies`);
    const parsed = list.map((p, i) => parsePolicy(p, `${bw}.${key}[${i}]`));
    parsingAt = where;
    return parsed;
  };
  parsingAt = where;
  switch (type as PolicyType) {
    case 'always_sample':
      return Policy.alwaysSample({ name });
    case 'latency':
      return Policy.latency({ name, thresholdMs: num('threshold_ms') ?? 0, upperThresholdMs: num('upper_threshold_ms') });
    case 'numeric_attribute':
      return Policy.numericAttribute({
        name,
        key: str('key'),
        minValue: num('min_value'),
        maxValue: num('max_value'),
        invertMatch: bool('invert_match'),
      });
    case 'probabilistic':
      return Policy.probabilistic({
        name,
        samplingPercentage: num('sampling_percentage') ?? 0,
        hashSalt: opt(body, 'hash_salt', 'string', bw),
      });
    case 'status_code':
      return Policy.statusCode(...((optStrings(body, 'status_codes', bw) ?? []) as SpanStatusCode[]), { name });
    case 'string_attribute':
      return Policy.stringAttribute({
        name,
        key: str('key'),
        values: optStrings(body, 'values', bw) ?? [],
        enabledRegexMatching: bool('enabled_regex_matching'),
        cacheMaxSize: num('cache_max_size'),
        invertMatch: bool('invert_match'),
      });
    case 'rate_limiting':
      return Policy.rateLimiting({ name, spansPerSecond: num('spans_per_second') ?? 0 });
    case 'bytes_limiting':
      return Policy.bytesLimiting({ name, bytesPerSecond: num('bytes_per_second') ?? 0, burstCapacity: num('burst_capacity') });
    case 'span_count':
      return Policy.spanCount({ name, minSpans: num('min_spans') ?? 0, maxSpans: num('max_spans') });
    case 'trace_state':
      return Policy.traceState({ name, key: str('key'), values: optStrings(body, 'values', bw) ?? [] });
    case 'boolean_attribute':
      return Policy.booleanAttribute({ name, key: str('key'), value: bool('value') as boolean, invertMatch: bool('invert_match') });
    case 'ottl_condition':
      return Policy.ottlCondition({
        name,
        errorMode: optEnum(body, 'error_mode', bw, ['ignore', 'silent', 'propagate'] as const),
        span: optStrings(body, 'span', bw),
        spanEvent: optStrings(body, 'spanevent', bw),
      });
    case 'and':
      checkKeys(body, ['and_sub_policy'], bw);
      return Policy.and(name, ...subs('and_sub_policy'));
    case 'drop':
      checkKeys(body, ['drop_sub_policy'], bw);
      return Policy.drop(name, ...subs('drop_sub_policy'));
    case 'not':
      checkKeys(body, ['not_sub_policy'], bw);
      return Policy.not(name, ((sub) => ((parsingAt = where), sub))(parsePolicy(body.not_sub_policy, `${bw}.not_sub_policy`)));
    case 'composite': {
      checkKeys(body, ['max_total_spans_per_second', 'policy_order', 'composite_sub_policy', 'rate_allocation'], bw);
      const alloc = body.rate_allocation;
      if (alloc !== undefined && !Array.isArray(alloc)) throw new Error(`${bw}.rate_allocation: expected a list`);
      return Policy.composite({
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

/** Declared traffic of a tail-sampling collector (all replicas together unless noted). */
export interface TailSamplingTraffic {
  /** New traces per second reaching this processor. */
  readonly tracesPerSec: number;
  /** Average spans per trace. */
  readonly spansPerTrace: number;
}

/** Input of `sizeTailSampling()`. */
export interface TailSamplingSizingProps extends TailSamplingTraffic {
  /** Decision wait in seconds. */
  readonly decisionWaitSec: number;
  /** Average in-memory size of one span, in bytes. @default 1024 */
  readonly avgSpanSizeBytes?: number;
  /** Safety factor applied to rate x decision wait. @default 1.5 */
  readonly safetyFactor?: number;
}

/** Output of `sizeTailSampling()`. */
export interface TailSamplingSizing {
  /** `num_traces` to configure: ceil(tracesPerSec x decisionWaitSec x safetyFactor). */
  readonly numTraces: number;
  /** `expected_new_traces_per_sec` to configure. */
  readonly expectedNewTracesPerSec: number;
  /** Spans held in memory at the limit: numTraces x spansPerTrace. */
  readonly spansInMemory: number;
  /** Heap needed for buffered spans, MiB: spansInMemory x avgSpanSizeBytes / 2^20, rounded up. */
  readonly bufferMiB: number;
  /** Suggested container memory limit, MiB: bufferMiB / 0.8 (memory_limiter at 80 %) + 128 MiB baseline. */
  readonly suggestedMemoryLimitMiB: number;
}

/**
 * Sizes a tail-sampling collector: `num_traces >= rate x decision_wait x 1.5` and a memory estimate
 * (the gateway reuses this for replicas and memory limits).
 */
export function sizeTailSampling(props: TailSamplingSizingProps): TailSamplingSizing {
  const where = 'sizeTailSampling';
  propsObject(where, props, ['tracesPerSec', 'spansPerTrace', 'decisionWaitSec', 'avgSpanSizeBytes', 'safetyFactor'], false);
  checkTraffic(where, '', props as unknown as Record<string, unknown>);
  reqNumber(where, 'decisionWaitSec', props.decisionWaitSec, { min: 0, exclusiveMin: true, example: '10' });
  optNumber(where, 'avgSpanSizeBytes', props.avgSpanSizeBytes, { min: 1, example: '1024' });
  optNumber(where, 'safetyFactor', props.safetyFactor, { min: 1, example: '1.5' });
  checkRange(props.tracesPerSec, Number.MIN_VALUE, Infinity, `${where}: tracesPerSec`, 'use a value > 0');
  checkRange(props.spansPerTrace, 1, Infinity, `${where}: spansPerTrace`, 'use a value >= 1');
  checkRange(props.decisionWaitSec, Number.MIN_VALUE, Infinity, `${where}: decisionWaitSec`, 'use a value > 0 seconds');
  checkRange(props.avgSpanSizeBytes, 1, Infinity, `${where}: avgSpanSizeBytes`, 'use a value >= 1');
  checkRange(props.safetyFactor, 1, Infinity, `${where}: safetyFactor`, 'use a value >= 1');
  const factor = props.safetyFactor ?? 1.5;
  const numTraces = Math.ceil(props.tracesPerSec * props.decisionWaitSec * factor);
  const spansInMemory = Math.ceil(numTraces * props.spansPerTrace);
  const bufferMiB = Math.ceil((spansInMemory * (props.avgSpanSizeBytes ?? 1024)) / 1048576);
  return {
    numTraces,
    expectedNewTracesPerSec: Math.ceil(props.tracesPerSec),
    spansInMemory,
    bufferMiB,
    suggestedMemoryLimitMiB: Math.ceil(bufferMiB / 0.8) + 128,
  };
}

/** Props of `Processor.tailSampling()`. */
export interface TailSamplingProps extends ComponentOptions {
  /** Policies (at least one, unique names). A trace is sampled when any policy samples it. */
  readonly policies: readonly Policy[];
  /** Wait from the first span until the decision. @default 30 (collector default) */
  readonly decisionWaitSec?: number;
  /** Traces kept in memory. @default - from expectedTraffic via sizeTailSampling(), else collector default 50000 */
  readonly numTraces?: number;
  /** Expected new traces per second (allocation hint). @default - from expectedTraffic, else collector default */
  readonly expectedNewTracesPerSec?: number;
  /** Decision caches (should be >= 10x numTraces). @default - no caches */
  readonly decisionCache?: { readonly sampledCacheSize?: number; readonly nonSampledCacheSize?: number };
  /** Decide as soon as one policy matches. @default false */
  readonly sampleOnFirstMatch?: boolean;
  /** Block instead of evicting when numTraces is reached. @default false */
  readonly blockOnOverflow?: boolean;
  /** Wait after the root span arrived before deciding (shortens decisions of finished traces). @default - not set (only decisionWaitSec) */
  readonly decisionWaitAfterRootReceivedSec?: number;
  /** Drop traces larger than this many bytes before the decision (0 disables). @default - not set (collector default 0) */
  readonly maximumTraceSizeBytes?: number;
  /** On shutdown, drop traces still waiting for their decision instead of deciding early. @default false */
  readonly dropPendingTracesOnShutdown?: boolean;
  /** Declared traffic: sizes numTraces, and an explicit numTraces that is too small is an error. @default - none */
  readonly expectedTraffic?: TailSamplingTraffic;
}

/** Type checks of `TailSamplingProps` (each prop named by its path). Returns the props. */
function checkTailSamplingProps(props: unknown): TailSamplingProps {
  const known = [
    'policies', 'decisionWaitSec', 'numTraces', 'expectedNewTracesPerSec', 'decisionCache', 'sampleOnFirstMatch', 'blockOnOverflow',
    'decisionWaitAfterRootReceivedSec', 'maximumTraceSizeBytes', 'dropPendingTracesOnShutdown', 'expectedTraffic',
  ];
  const { p, where } = componentProps<TailSamplingProps>('processor', 'tail_sampling', props, known, false);
  if (p.policies === undefined) fail(where, 'policies', undefined, 'is missing', "pass a list of Policy, e.g. [Policy.statusCode('ERROR')]");
  optList(where, 'policies', p.policies, (x, path) => policyItem(where, path, x), "pass a list of Policy, e.g. [Policy.statusCode('ERROR')]");
  optNumber(where, 'decisionWaitSec', p.decisionWaitSec, { min: 0, exclusiveMin: true, example: '10' });
  optNumber(where, 'numTraces', p.numTraces, { min: 1, integer: true });
  optNumber(where, 'expectedNewTracesPerSec', p.expectedNewTracesPerSec, { min: 0, integer: true });
  const cache = optProps<NonNullable<TailSamplingProps['decisionCache']>>(where, 'decisionCache', p.decisionCache, ['sampledCacheSize', 'nonSampledCacheSize']);
  optNumber(where, 'decisionCache.sampledCacheSize', cache?.sampledCacheSize, { min: 0, integer: true });
  optNumber(where, 'decisionCache.nonSampledCacheSize', cache?.nonSampledCacheSize, { min: 0, integer: true });
  optBoolean(where, 'sampleOnFirstMatch', p.sampleOnFirstMatch);
  optBoolean(where, 'blockOnOverflow', p.blockOnOverflow);
  optNumber(where, 'decisionWaitAfterRootReceivedSec', p.decisionWaitAfterRootReceivedSec, { min: 0, exclusiveMin: true });
  optNumber(where, 'maximumTraceSizeBytes', p.maximumTraceSizeBytes, { min: 0, integer: true });
  optBoolean(where, 'dropPendingTracesOnShutdown', p.dropPendingTracesOnShutdown);
  const traffic = optProps<TailSamplingTraffic>(where, 'expectedTraffic', p.expectedTraffic, ['tracesPerSec', 'spansPerTrace']);
  if (traffic) checkTraffic(where, 'expectedTraffic.', traffic as unknown as Record<string, unknown>);
  return p;
}

/** Type checks of declared traffic. */
function checkTraffic(where: string, prefix: string, t: Record<string, unknown>): void {
  reqNumber(where, `${prefix}tracesPerSec`, t.tracesPerSec, { min: 0, exclusiveMin: true, example: '500' });
  reqNumber(where, `${prefix}spansPerTrace`, t.spansPerTrace, { min: 1, example: '20' });
}

/** The `tail_sampling` processor. */
export class TailSamplingProcessor extends CollectorComponent {
  /** Policies in evaluation order (`addPolicy` appends; read at render). */
  public get policies(): readonly Policy[] {
    return [...this._policies];
  }
  private readonly _policies: Policy[];
  /** Sizing derived from `expectedTraffic` (undefined without declared traffic). */
  public readonly sizing?: TailSamplingSizing;
  private readonly props: TailSamplingProps;

  constructor(props: TailSamplingProps) {
    super('processor', 'tail_sampling', checkTailSamplingProps(props));
    const where = `processors.${this.id}`;
    if (props.policies.length === 0) {
      throw new Error(`${where}: policies is empty; add at least one Policy (e.g. Policy.statusCode('ERROR'))`);
    }
    checkUniqueNames(props.policies, where);
    checkRange(props.decisionWaitSec, 0.001, Infinity, `${where}: decision_wait`, 'use a value > 0 seconds (10-30 is typical)');
    checkInteger(props.numTraces, 1, `${where}: num_traces`);
    checkInteger(props.maximumTraceSizeBytes, 0, `${where}: maximum_trace_size_bytes`);
    checkRange(props.decisionWaitAfterRootReceivedSec, 0.001, Infinity, `${where}: decision_wait_after_root_received`, 'use a value > 0 seconds, below decision_wait');
    if (props.decisionWaitAfterRootReceivedSec !== undefined && props.decisionWaitSec !== undefined && props.decisionWaitAfterRootReceivedSec > props.decisionWaitSec) {
      throw new Error(
        `${where}: decision_wait_after_root_received ${props.decisionWaitAfterRootReceivedSec}s is longer than decision_wait ${props.decisionWaitSec}s; it can only shorten the wait, use a smaller value`,
      );
    }
    checkInteger(props.expectedNewTracesPerSec, 0, `${where}: expected_new_traces_per_sec`);
    checkInteger(props.decisionCache?.sampledCacheSize, 0, `${where}: decision_cache.sampled_cache_size`);
    checkInteger(props.decisionCache?.nonSampledCacheSize, 0, `${where}: decision_cache.non_sampled_cache_size`);
    if (props.expectedTraffic) {
      const sizing = sizeTailSampling({ ...props.expectedTraffic, decisionWaitSec: props.decisionWaitSec ?? 30 });
      if (props.numTraces !== undefined && props.numTraces < sizing.numTraces) {
        throw new Error(
          `${where}: num_traces ${props.numTraces} overflows with ${props.expectedTraffic.tracesPerSec} traces/s x ${props.decisionWaitSec ?? 30}s decision_wait; set numTraces to at least ${sizing.numTraces} (rate x decision_wait x 1.5) or omit it to size automatically`,
        );
      }
      this.sizing = sizing;
    }
    this._policies = [...props.policies];
    this.props = props;
  }

  /**
   * Adds a policy after the existing ones (a trace is kept when any policy samples it). Its name must
   * differ from the others'; the config renders it wherever it is added before synthesis.
   */
  public addPolicy(policy: Policy): this {
    const where = `processors.${this.id}`;
    if (!(policy instanceof Policy)) {
      throw new Error(`${where}: addPolicy(${policy === null ? 'null' : typeof policy}) needs a Policy; build it with Policy.* (e.g. Policy.statusCode('ERROR'))`);
    }
    checkUniqueNames([...this._policies, policy], where);
    this._policies.push(policy);
    return this;
  }

  /** Effective `num_traces` (undefined = collector default). */
  public get numTraces(): number | undefined {
    return this.props.numTraces ?? this.sizing?.numTraces;
  }

  /** Effective decision wait in seconds (collector default 30). */
  public get decisionWaitSec(): number {
    return this.props.decisionWaitSec ?? 30;
  }

  public toConfig(): ConfigObject {
    const p = this.props;
    const cache = p.decisionCache
      ? compact({ sampled_cache_size: p.decisionCache.sampledCacheSize, non_sampled_cache_size: p.decisionCache.nonSampledCacheSize })
      : undefined;
    return compact({
      decision_wait: p.decisionWaitSec === undefined ? undefined : formatDuration(p.decisionWaitSec),
      decision_wait_after_root_received:
        p.decisionWaitAfterRootReceivedSec === undefined ? undefined : formatDuration(p.decisionWaitAfterRootReceivedSec),
      num_traces: this.numTraces,
      maximum_trace_size_bytes: p.maximumTraceSizeBytes,
      drop_pending_traces_on_shutdown: p.dropPendingTracesOnShutdown,
      expected_new_traces_per_sec: p.expectedNewTracesPerSec ?? this.sizing?.expectedNewTracesPerSec,
      decision_cache: cache,
      sample_on_first_match: p.sampleOnFirstMatch,
      block_on_overflow: p.blockOnOverflow,
      policies: this.policies.map((x) => x.toObject()),
    });
  }

  /** Parses a `tail_sampling` config (strict keys). */
  public static fromConfig(config: unknown, options: ComponentOptions = {}): TailSamplingProcessor {
    const { where } = componentProps('processor', 'tail_sampling', options, []);
    const o = asObject(config, where);
    checkKeys(
      o,
      [
        'decision_wait',
        'decision_wait_after_root_received',
        'num_traces',
        'expected_new_traces_per_sec',
        'maximum_trace_size_bytes',
        'drop_pending_traces_on_shutdown',
        'decision_cache',
        'sample_on_first_match',
        'block_on_overflow',
        'policies',
      ],
      where,
    );
    const cache = o.decision_cache === undefined ? undefined : asObject(o.decision_cache, `${where}.decision_cache`);
    if (cache) checkKeys(cache, ['sampled_cache_size', 'non_sampled_cache_size'], `${where}.decision_cache`);
    if (!Array.isArray(o.policies)) throw new Error(`${where}.policies: expected a list of policies`);
    return new TailSamplingProcessor({
      name: options.name,
      decisionWaitSec: optDuration(o, 'decision_wait', where, 0, true),
      decisionWaitAfterRootReceivedSec: optDuration(o, 'decision_wait_after_root_received', where, 0, true),
      numTraces: optNum(o, 'num_traces', where, { min: 1, integer: true }),
      maximumTraceSizeBytes: optNum(o, 'maximum_trace_size_bytes', where, { min: 0, integer: true }),
      dropPendingTracesOnShutdown: opt(o, 'drop_pending_traces_on_shutdown', 'boolean', where),
      expectedNewTracesPerSec: optNum(o, 'expected_new_traces_per_sec', where, { min: 0, integer: true }),
      decisionCache: cache
        ? {
            sampledCacheSize: optNum(cache, 'sampled_cache_size', `${where}.decision_cache`, { min: 0, integer: true }),
            nonSampledCacheSize: optNum(cache, 'non_sampled_cache_size', `${where}.decision_cache`, { min: 0, integer: true }),
          }
        : undefined,
      sampleOnFirstMatch: opt(o, 'sample_on_first_match', 'boolean', where),
      blockOnOverflow: opt(o, 'block_on_overflow', 'boolean', where),
      policies: o.policies.map((p, i) => Policy.fromObject(p, `${where}.policies[${i}]`)),
    });
  }
}
