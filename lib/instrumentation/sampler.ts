/** The `spec.sampler` block of an Instrumentation. */
export interface SamplerSpec {
  /** Sampler name, e.g. `parentbased_traceidratio`. */
  readonly type: string;
  /** Sampler argument, e.g. the ratio `0.25`. */
  readonly argument?: string;
}

/** Options for `Sampler.jaegerRemote()`. */
export interface JaegerRemoteSamplerOptions {
  /**
   * Sampling-strategy endpoint (gRPC, as the SDKs poll it), e.g. `http://jaeger.observability.svc.cluster.local:5779`
   * for the Jaeger v2 `remote_sampling` extension (Jaeger v1 collectors served it on 14250).
   */
  readonly endpoint: string;
  /**
   * How often the SDK polls the endpoint, in milliseconds.
   * @default - SDK default (60000)
   */
  readonly pollingIntervalMs?: number;
  /**
   * Ratio used until the first strategy arrives, in [0, 1].
   * @default - SDK default (0.001)
   */
  readonly initialSamplingRate?: number;
}

function checkRatio(ratio: number, what: string): string {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(
      `instrumentation sampler: ${what} ${ratio} is out of range; use a ratio between 0 and 1 (0.1 = 10% of traces)`,
    );
  }
  return String(ratio);
}

/**
 * Head sampler of the SDKs the operator injects (`OTEL_TRACES_SAMPLER` / `_ARG`). The factories
 * apply the operator webhook's rules: ratios in [0, 1], jaeger_remote arguments as
 * `endpoint=...,pollingIntervalMs=...,initialSamplingRate=...`.
 */
export class Sampler {
  /** Sample every trace. */
  public static alwaysOn(): Sampler {
    return new Sampler('always_on');
  }
  /** Sample no trace. */
  public static alwaysOff(): Sampler {
    return new Sampler('always_off');
  }
  /** Sample `ratio` of root spans and of child spans, ignoring the parent's decision. */
  public static traceIdRatio(ratio: number): Sampler {
    return new Sampler('traceidratio', checkRatio(ratio, 'traceidratio ratio'));
  }
  /** Follow the parent's decision; root spans always sampled. */
  public static parentBasedAlwaysOn(): Sampler {
    return new Sampler('parentbased_always_on');
  }
  /** Follow the parent's decision; root spans never sampled. */
  public static parentBasedAlwaysOff(): Sampler {
    return new Sampler('parentbased_always_off');
  }
  /** Follow the parent's decision; sample `ratio` of root spans (the usual head sampler). */
  public static parentBasedTraceIdRatio(ratio: number): Sampler {
    return new Sampler('parentbased_traceidratio', checkRatio(ratio, 'parentbased_traceidratio ratio'));
  }
  /** Strategies polled from a Jaeger remote-sampling endpoint. */
  public static jaegerRemote(options: JaegerRemoteSamplerOptions): Sampler {
    const endpoint = options.endpoint?.trim() ?? '';
    if (!/^https?:\/\/[^\s,=]+$/.test(endpoint)) {
      throw new Error(
        `instrumentation sampler: jaeger_remote endpoint "${options.endpoint}" is invalid; use an http(s) URL without "," or "=", e.g. http://jaeger.observability.svc.cluster.local:5779`,
      );
    }
    const parts = [`endpoint=${endpoint}`];
    if (options.pollingIntervalMs !== undefined) {
      if (!Number.isInteger(options.pollingIntervalMs) || options.pollingIntervalMs <= 0) {
        throw new Error(
          `instrumentation sampler: jaeger_remote pollingIntervalMs ${options.pollingIntervalMs} is invalid; use a positive integer number of milliseconds`,
        );
      }
      parts.push(`pollingIntervalMs=${options.pollingIntervalMs}`);
    }
    if (options.initialSamplingRate !== undefined) {
      parts.push(`initialSamplingRate=${checkRatio(options.initialSamplingRate, 'jaeger_remote initialSamplingRate')}`);
    }
    return new Sampler('jaeger_remote', parts.join(','));
  }
  /** AWS X-Ray centralized sampling. */
  public static xray(): Sampler {
    return new Sampler('xray');
  }

  private constructor(
    /** Sampler type (`spec.sampler.type`). */
    public readonly type: string,
    /** Sampler argument (`spec.sampler.argument`). */
    public readonly argument?: string,
  ) {}

  /** The `spec.sampler` block. */
  public toSpec(): SamplerSpec {
    return this.argument === undefined ? { type: this.type } : { type: this.type, argument: this.argument };
  }
}
