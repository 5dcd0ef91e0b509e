/** The types of tail_sampling policies: their type names and the props of their factories. */

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


