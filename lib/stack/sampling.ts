import { optInstance, optList, optNumber, propsObject, reqNumber } from '../common/guards';
import { Policy } from '../collector/config';
import { TRACING_DEFAULTS } from '../collector/config/defaults';
import { Sampler } from '../instrumentation';

/** Props of `Sampling.tail`. */
export interface TailSamplingOptions {
  /**
   * Tail-sampling policies, evaluated on whole traces at the gateway (or the single-node agent).
   * @default Sampling.defaultPolicies(): every error, every trace slower than 1000 ms, 10 % of the rest
   */
  readonly policies?: readonly Policy[];
  /**
   * Seconds to wait for a trace's spans before deciding.
   * @default TRACING_DEFAULTS.decisionWaitSec (10)
   */
  readonly decisionWaitSec?: number;
}

/**
 * Where and how traces are sampled. Tail sampling decides on whole traces (all errors, all slow
 * traces), which needs every span of a trace at the same sampler: a load-balanced gateway tier,
 * or a single-node cluster. Head sampling decides at trace start, in the SDKs.
 */
export class Sampling {
  /** The default tail-sampling policies: every error, every trace slower than 1000 ms, 10 % of the rest. */
  public static defaultPolicies(): Policy[] {
    return [
      Policy.statusCode('ERROR').withName('errors'),
      Policy.latency({ name: 'latency', thresholdMs: 1000 }),
      Policy.probabilistic({ name: 'default', samplingPercentage: 10 }),
    ];
  }

  /** Tail sampling in the collectors; SDKs keep everything (`parentbased_always_on`). */
  public static tail(options: TailSamplingOptions = {}): Sampling {
    const o = propsObject<TailSamplingOptions>('Sampling.tail', options, ['policies', 'decisionWaitSec']);
    const policies =
      optList(
        'Sampling.tail',
        'policies',
        o.policies,
        (p, path) =>
          optInstance('Sampling.tail', path, p, Policy, "Policy.* (e.g. Policy.statusCode('ERROR'))")!,
        'pass a list of Policy',
      ) ?? Sampling.defaultPolicies();
    if (policies.length === 0)
      throw new Error(
        'Sampling.tail: policies is empty; pass at least one Policy or omit it for the default policies',
      );
    const wait = optNumber('Sampling.tail', 'decisionWaitSec', o.decisionWaitSec, {
      min: 0,
      exclusiveMin: true,
      example: '10',
    });
    return new Sampling(
      'tail',
      Sampler.parentBasedAlwaysOn(),
      policies,
      wait ?? TRACING_DEFAULTS.decisionWaitSec,
    );
  }

  /**
   * Head sampling in the SDKs (`parentbased_traceidratio`): `ratio` of new traces are kept, the
   * decision follows the parent. Cheap, but misses rare slow or failing requests.
   */
  public static head(ratio: number): Sampling {
    reqNumber('Sampling.head', 'ratio', ratio, {
      min: 0,
      exclusiveMin: true,
      max: 1,
      example: '0.1 for 10 %',
    });
    return new Sampling('head', Sampler.parentBasedTraceIdRatio(ratio), [], undefined);
  }

  /** No sampling: every trace is kept. */
  public static none(): Sampling {
    return new Sampling('none', Sampler.parentBasedAlwaysOn(), [], undefined);
  }

  private constructor(
    /** `tail`, `head` or `none`. */
    public readonly kind: 'tail' | 'head' | 'none',
    /** The SDK sampler the Instrumentation gets. */
    public readonly sdkSampler: Sampler,
    /** Tail-sampling policies (tail only). */
    public readonly policies: readonly Policy[],
    /** Decision wait in seconds (tail only). */
    public readonly decisionWaitSec: number | undefined,
  ) {}
}
