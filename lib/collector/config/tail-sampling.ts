/** The `tail_sampling` processor: policies in evaluation order, decision settings, sizing. */
import { CollectorComponent, ComponentOptions, componentProps } from './component';
import { fail, optBoolean, optList, optNumber, optProps } from '../../common/guards';
import { asObject, checkInteger, checkKeys, checkRange, compact, ConfigObject, formatDuration, opt, optDuration, optNum } from './config-values';
import { checkUniqueNames, Policy, policyItem } from './policies';
import { checkTraffic, sizeTailSampling, TailSamplingSizing, TailSamplingTraffic } from './tail-sampling-sizing';

/** Props of `Processor.tailSampling()`. */
export interface TailSamplingProps extends ComponentOptions {
  /** Policies (at least one, unique names). A trace is sampled when any policy samples it. */
  readonly policies: readonly Policy[];
  /**
   * Wait from the first span until the decision.
   * @default TRACING_DEFAULTS.decisionWaitSec (10) with Processor.tailSampling; 30 (the collector's) when parsed without decision_wait
   */
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

