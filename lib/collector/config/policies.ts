/**
 * tail_sampling policies: the `Policy` class and its factories (props checked, nesting rules of the
 * collector applied). Parsing a policy from a config is in policy-parsing.ts, the types in policy-types.ts.
 */
import {
  checkOttl,
  checkRe2,
  fail,
  isPlainObject,
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
  checkInteger,
  checkRange,
  cloneConfig,
  compact,
  ConfigObject,
  ConfigValue,
} from './config-values';
import { parsePolicy, parsingPath } from './policy-parsing';
import {
  COMPOSING_POLICY_TYPES,
  LatencyPolicyProps,
  NumericAttributePolicyProps,
  OttlConditionPolicyProps,
  PolicyOptions,
  PolicyType,
  ProbabilisticPolicyProps,
  RateAllocation,
  SpanCountPolicyProps,
  SpanStatusCode,
  StringAttributePolicyProps,
} from './policy-types';

type PolicyBody = ConfigObject | undefined;

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
    return parsePolicy(value, where, Policy);
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
export function policyItem(where: string, path: string, x: unknown): Policy {
  if (x === undefined) fail(where, path, x, 'is missing', "build it with Policy.* (e.g. Policy.statusCode('ERROR'))");
  return optInstance(where, path, x, Policy, "Policy.* (e.g. Policy.statusCode('ERROR'))")!;
}

/** A policy name: a string when given. */
function policyName(type: PolicyType, name: unknown): string | undefined {
  return optString(policyWhere(type, undefined), 'name', name, 'pass a unique, non-empty policy name', true);
}

function policyWhere(type: string, name: string | undefined): string {
  const at = parsingPath();
  return `${at === undefined ? '' : `${at}: `}tail_sampling policy "${name ?? type}"`;
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

export function checkUniqueNames(policies: readonly Policy[], where: string): void {
  checkPolicyInstances(policies, where);
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    if (seen.has(p.name)) {
      throw new Error(`${where}: policy name "${p.name}" at [${i}] is used twice; give each policy a unique name (Policy.withName())`);
    }
    seen.add(p.name);
  });
}
