/** Sizing of a tail-sampling collector: num_traces and memory from declared traffic. */
import { optNumber, propsObject, reqNumber } from '../../common/guards';
import { TRACING_DEFAULTS } from './defaults';

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
  /**
   * Average in-memory size of one span in the collector, in bytes (not its wire size).
   * @default TRACING_DEFAULTS.avgSpanSizeBytes (3072: measured by `npm run bench:pipeline`)
   */
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
  optNumber(where, 'avgSpanSizeBytes', props.avgSpanSizeBytes, { min: 1, example: '3072' });
  optNumber(where, 'safetyFactor', props.safetyFactor, { min: 1, example: '1.5' });
  const factor = props.safetyFactor ?? 1.5;
  const numTraces = Math.ceil(props.tracesPerSec * props.decisionWaitSec * factor);
  const spansInMemory = Math.ceil(numTraces * props.spansPerTrace);
  const bufferMiB = Math.ceil((spansInMemory * (props.avgSpanSizeBytes ?? TRACING_DEFAULTS.avgSpanSizeBytes)) / 1048576);
  return {
    numTraces,
    expectedNewTracesPerSec: Math.ceil(props.tracesPerSec),
    spansInMemory,
    bufferMiB,
    suggestedMemoryLimitMiB: Math.ceil(bufferMiB / 0.8) + 128,
  };
}

/** Type checks of declared traffic (`prefix` of the prop paths, e.g. `expectedTraffic.`). */
export function checkTraffic(where: string, prefix: string, t: Record<string, unknown>): void {
  reqNumber(where, `${prefix}tracesPerSec`, t.tracesPerSec, { min: 0, exclusiveMin: true, example: '500' });
  reqNumber(where, `${prefix}spansPerTrace`, t.spansPerTrace, { min: 1, example: '20' });
}
