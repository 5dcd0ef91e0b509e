import { CollectorComponent, NAME_PATTERN } from './component';

/** Signals a pipeline can carry. */
export const PIPELINE_SIGNALS = ['traces', 'metrics', 'logs', 'profiles'] as const;
/** A pipeline signal. */
export type PipelineSignal = (typeof PIPELINE_SIGNALS)[number];

/** A component in a pipeline: the component itself (registered automatically) or its id. */
export type ComponentRef = CollectorComponent | string;

/** Props of `CollectorConfig.addPipeline()`. */
export interface PipelineProps {
  /** Receivers (or connectors used as receivers). */
  readonly receivers: readonly ComponentRef[];
  /** Processors in order. @default - none */
  readonly processors?: readonly ComponentRef[];
  /** Exporters (or connectors used as exporters). */
  readonly exporters: readonly ComponentRef[];
}

/** Throws unless `id` is `signal` or `signal/name`. */
export function checkPipelineId(id: string): PipelineSignal {
  const slash = id.indexOf('/');
  const signal = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? undefined : id.slice(slash + 1);
  if (!(PIPELINE_SIGNALS as readonly string[]).includes(signal)) {
    throw new Error(`pipeline id "${id}" is invalid; it must be traces, metrics, logs or profiles, optionally followed by /name`);
  }
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    throw new Error(`pipeline id "${id}" has an invalid name; use 1-1024 characters without spaces or symbols`);
  }
  return signal as PipelineSignal;
}

/** A service pipeline: ids of its receivers, processors and exporters (mutable for composition). */
export class Pipeline {
  /** Pipeline id, e.g. `traces` or `traces/sampling`. */
  public readonly id: string;
  /** Signal of the pipeline. */
  public readonly signal: PipelineSignal;
  /** Receiver ids. */
  public readonly receivers: string[] = [];
  /** Processor ids in order. */
  public readonly processors: string[] = [];
  /** Exporter ids. */
  public readonly exporters: string[] = [];

  constructor(id: string) {
    this.signal = checkPipelineId(id);
    this.id = id;
  }

  /** Rendered pipeline. */
  public toObject(): { receivers: string[]; processors?: string[]; exporters: string[] } {
    const out: { receivers: string[]; processors?: string[]; exporters: string[] } = {
      receivers: [...this.receivers],
      exporters: [...this.exporters],
    };
    if (this.processors.length > 0) {
      return { receivers: out.receivers, processors: [...this.processors], exporters: out.exporters };
    }
    return out;
  }
}
