import { Policy } from '../collector/config';
import { Sampler } from '../instrumentation';

/** Props of `Sampling.tail`. */
export interface TailSamplingOptions {
  /**
   * Tail-sampling policies, evaluated on whole traces at the gateway (or the single-node agent).
   * @default - the seed's: every error, every trace slower than 1000 ms, 10 % of the rest
   */
  readonly policies?: readonly Policy[];
  /**
   * Seconds to wait for a trace's spans before deciding.
   * @default 10
   */
  readonly decisionWaitSec?: number;
}

/**
 * Where and how traces are sampled. Tail sampling decides on whole traces (all errors, all slow
 * traces), which needs every span of a trace at the same sampler: a load-balanced gateway tier,
 * or a single-node cluster. Head sampling decides at trace start, in the SDKs.
 */
export class Sampling {
  /** The seed's tail-sampling policies: errors, latency above 1000 ms, 10 % probabilistic. */
  public static seedPolicies(): Policy[] {
    return [
      Policy.statusCode('ERROR').withName('errors'),
      Policy.latency({ name: 'latency', thresholdMs: 1000 }),
      Policy.probabilistic({ name: 'default', samplingPercentage: 10 }),
    ];
  }

  /** Tail sampling in the collectors; SDKs keep everything (`parentbased_always_on`). */
  public static tail(options: TailSamplingOptions = {}): Sampling {
    const policies = options.policies ?? Sampling.seedPolicies();
    if (policies.length === 0) throw new Error('Sampling.tail: policies is empty; pass at least one Policy or omit it for the seed defaults');
    return new Sampling('tail', Sampler.parentBasedAlwaysOn(), policies, options.decisionWaitSec ?? 10);
  }

  /**
   * Head sampling in the SDKs (`parentbased_traceidratio`): `ratio` of new traces are kept, the
   * decision follows the parent. Cheap, but misses rare slow or failing requests.
   */
  public static head(ratio: number): Sampling {
    if (!(ratio > 0 && ratio <= 1)) {
      throw new Error(`Sampling.head: ratio ${ratio} is out of range; use a value in (0, 1], e.g. 0.1 for 10 %`);
    }
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
