import { AttributeAction } from './attribute-action';
import {
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
} from './component';
import { checkInteger, checkRange, compact, ConfigObject, ConfigValue, formatDuration } from './config-values';
import { TailSamplingProcessor, TailSamplingProps } from './tail-sampling';

/** Props of `Processor.memoryLimiter()`: give either the MiB form or the percentage form. */
export interface MemoryLimiterProps extends ComponentOptions {
  /** How often memory is measured. @default 1 */
  readonly checkIntervalSec?: number;
  /** Hard limit in MiB (fixed-memory form). @default - use limitPercentage */
  readonly limitMiB?: number;
  /** Spike headroom in MiB (soft limit = limit - spike). @default - 20 % of limitMiB (collector default) */
  readonly spikeLimitMiB?: number;
  /** Hard limit as % of the container memory limit (cgroup-aware form). @default 80 when limitMiB is unset */
  readonly limitPercentage?: number;
  /** Spike headroom in %. @default 25 when the percentage form is used */
  readonly spikeLimitPercentage?: number;
}

/** Props of `Processor.batch()`. */
export interface BatchProps extends ComponentOptions {
  /** Send a batch once it has this many items. @default 8192 */
  readonly sendBatchSize?: number;
  /** Upper bound of a batch (0 = no limit). @default 0 */
  readonly sendBatchMaxSize?: number;
  /** Send a batch after this long regardless of size. @default 0.2 */
  readonly timeoutSec?: number;
  /** Batch separately per value of these client metadata keys. @default - none */
  readonly metadataKeys?: readonly string[];
}

/** Where `k8s_attributes` finds the pod of incoming data. */
export interface PodAssociationSource {
  /** `resource_attribute` or `connection` (peer IP). */
  readonly from: 'resource_attribute' | 'connection';
  /** Resource attribute name, required for `resource_attribute` (e.g. `k8s.pod.ip`). @default - none */
  readonly name?: string;
}

/** A label/annotation extraction rule of `k8s_attributes`. */
export interface K8sTagRule {
  /** Attribute to write. @default - `k8s.<from>.labels.<key>` */
  readonly tagName?: string;
  /** Label or annotation key. */
  readonly key: string;
  /** `pod`, `namespace` or `node`. @default 'pod' */
  readonly from?: 'pod' | 'namespace' | 'node';
}

/** Props of `Processor.k8sAttributes()`. */
export interface K8sAttributesProps extends ComponentOptions {
  /** Only add the pod IP (agent mode forwarding to a gateway that enriches). @default false */
  readonly passthrough?: boolean;
  /** Watch only the pods of this node, read from this env var (set via downward API `spec.nodeName`). @default - all nodes */
  readonly filterNodeFromEnvVar?: string;
  /** Watch only this namespace. @default - all namespaces */
  readonly filterNamespace?: string;
  /** Metadata attributes to extract (e.g. `k8s.pod.name`). @default - collector defaults */
  readonly metadata?: readonly string[];
  /** Pod/namespace labels to extract. @default - none */
  readonly labels?: readonly K8sTagRule[];
  /** Pod/namespace annotations to extract. @default - none */
  readonly annotations?: readonly K8sTagRule[];
  /** Association rules, each a list of sources that must all match. @default - collector defaults (pod IP, uid, connection) */
  readonly podAssociation?: readonly (readonly PodAssociationSource[])[];
}

/** Props of `Processor.attributes()` / `Processor.resource()`. */
export interface AttributesProps extends ComponentOptions {
  /** Actions applied in order (at least one). */
  readonly actions: readonly AttributeAction[];
}

/** Props of `Processor.probabilisticSampler()`. */
export interface ProbabilisticSamplerProps extends ComponentOptions {
  /** Percentage of traces kept, 0-100. */
  readonly samplingPercentage: number;
  /** Hash seed; use the same value on every collector layer. @default - none */
  readonly hashSeed?: number;
  /** `hash_seed`, `proportional` or `equalizing`. @default 'proportional' (collector default for traces) */
  readonly mode?: 'hash_seed' | 'proportional' | 'equalizing';
  /** Drop items whose randomness cannot be determined. @default true */
  readonly failClosed?: boolean;
}

/** Processor factories. */
export class Processor {
  /**
   * `memory_limiter`: refuses data before the collector runs out of memory. Put it first in every pipeline.
   * @example Processor.memoryLimiter({ limitPercentage: 80, spikeLimitPercentage: 25 })
   */
  public static memoryLimiter(props: MemoryLimiterProps = {}): CollectorComponent {
    const where = `processors.${props.name ? `memory_limiter/${props.name}` : 'memory_limiter'}`;
    const mib = props.limitMiB !== undefined || props.spikeLimitMiB !== undefined;
    const pct = props.limitPercentage !== undefined || props.spikeLimitPercentage !== undefined;
    if (mib && pct) {
      throw new Error(`${where}: both limit_mib and limit_percentage are set; use either the MiB form or the percentage form`);
    }
    checkRange(props.checkIntervalSec, 0.001, Infinity, `${where}: check_interval`, 'use a value > 0 seconds (1 is typical)');
    let limits: Record<string, number | undefined>;
    if (mib) {
      if (props.limitMiB === undefined) {
        throw new Error(`${where}: spike_limit_mib is set without limit_mib; set limitMiB too`);
      }
      checkInteger(props.limitMiB, 1, `${where}: limit_mib`);
      checkInteger(props.spikeLimitMiB, 0, `${where}: spike_limit_mib`);
      if (props.spikeLimitMiB !== undefined && props.spikeLimitMiB >= props.limitMiB) {
        throw new Error(`${where}: spike_limit_mib ${props.spikeLimitMiB} must be below limit_mib ${props.limitMiB}; use about 20 % of the limit`);
      }
      limits = { limit_mib: props.limitMiB, spike_limit_mib: props.spikeLimitMiB };
    } else {
      const limit = props.limitPercentage ?? 80;
      const spike = props.spikeLimitPercentage ?? 25;
      checkRange(limit, 1, 100, `${where}: limit_percentage`, 'use a value between 1 and 100');
      checkRange(spike, 0, 100, `${where}: spike_limit_percentage`, 'use a value between 0 and 100');
      if (spike >= limit) {
        throw new Error(`${where}: spike_limit_percentage ${spike} must be below limit_percentage ${limit}; lower the spike limit`);
      }
      limits = { limit_percentage: limit, spike_limit_percentage: spike };
    }
    return new ConfiguredComponent(
      'processor',
      'memory_limiter',
      compact({ check_interval: formatDuration(props.checkIntervalSec ?? 1), ...limits }),
      props,
    );
  }

  /** `batch`: groups data before export. Put it last in the pipeline. */
  public static batch(props: BatchProps = {}): CollectorComponent {
    const where = `processors.${props.name ? `batch/${props.name}` : 'batch'}`;
    checkInteger(props.sendBatchSize, 0, `${where}: send_batch_size`);
    checkInteger(props.sendBatchMaxSize, 0, `${where}: send_batch_max_size`);
    checkRange(props.timeoutSec, 0, Infinity, `${where}: timeout`, 'use a value >= 0 seconds');
    if (
      props.sendBatchMaxSize !== undefined &&
      props.sendBatchMaxSize > 0 &&
      props.sendBatchMaxSize < (props.sendBatchSize ?? 8192)
    ) {
      throw new Error(
        `${where}: send_batch_max_size ${props.sendBatchMaxSize} is below send_batch_size ${props.sendBatchSize ?? 8192}; raise sendBatchMaxSize or set it to 0`,
      );
    }
    return new ConfiguredComponent(
      'processor',
      'batch',
      compact({
        send_batch_size: props.sendBatchSize,
        send_batch_max_size: props.sendBatchMaxSize,
        timeout: props.timeoutSec === undefined ? undefined : formatDuration(props.timeoutSec),
        metadata_keys: props.metadataKeys ? [...props.metadataKeys] : undefined,
      }),
      props,
    );
  }

  /**
   * `k8s_attributes` (0.158 name, see component-types.ts): adds pod/namespace/node metadata.
   * Needs RBAC to get/watch/list pods, namespaces, nodes and apps/replicasets.
   */
  public static k8sAttributes(props: K8sAttributesProps = {}): CollectorComponent {
    const where = `processors.${props.name ? `k8s_attributes/${props.name}` : 'k8s_attributes'}`;
    const rules = (list: readonly K8sTagRule[] | undefined, what: string): ConfigValue[] | undefined =>
      list?.map((r, i) => {
        if (!r.key) throw new Error(`${where}: extract.${what}[${i}] has an empty key; set the label/annotation key`);
        return compact({ tag_name: r.tagName, key: r.key, from: r.from ?? 'pod' });
      });
    const assoc = props.podAssociation?.map((sources, i) => {
      if (sources.length === 0) {
        throw new Error(`${where}: pod_association[${i}] has no sources; add e.g. { from: 'resource_attribute', name: 'k8s.pod.ip' }`);
      }
      return {
        sources: sources.map((s, j) => {
          if (s.from === 'resource_attribute' && !s.name) {
            throw new Error(`${where}: pod_association[${i}].sources[${j}] from resource_attribute needs a name (e.g. k8s.pod.ip)`);
          }
          if (s.from !== 'resource_attribute' && s.from !== 'connection') {
            throw new Error(`${where}: pod_association[${i}].sources[${j}] from "${String(s.from)}" is invalid; use resource_attribute or connection`);
          }
          return compact({ from: s.from, name: s.name });
        }),
      };
    });
    if (props.filterNodeFromEnvVar !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.filterNodeFromEnvVar)) {
      throw new Error(`${where}: filter.node_from_env_var "${props.filterNodeFromEnvVar}" is not an env var name; use e.g. K8S_NODE_NAME`);
    }
    const filter = compact({ node_from_env_var: props.filterNodeFromEnvVar, namespace: props.filterNamespace });
    const extract = compact({
      metadata: props.metadata ? [...props.metadata] : undefined,
      labels: rules(props.labels, 'labels'),
      annotations: rules(props.annotations, 'annotations'),
    });
    return new ConfiguredComponent(
      'processor',
      'k8s_attributes',
      compact({
        passthrough: props.passthrough,
        filter: Object.keys(filter).length ? filter : undefined,
        extract: Object.keys(extract).length ? extract : undefined,
        pod_association: assoc,
      }),
      props,
    );
  }

  /** `resource`: actions on resource attributes. */
  public static resource(props: AttributesProps): CollectorComponent {
    const where = `processors.${props.name ? `resource/${props.name}` : 'resource'}`;
    if (props.actions.length === 0) {
      throw new Error(`${where}: attributes is empty; add at least one AttributeAction`);
    }
    return new ConfiguredComponent('processor', 'resource', { attributes: props.actions.map((a) => a.toConfig()) }, props);
  }

  /** `attributes`: actions on span attributes, e.g. `AttributeAction.hash('user.id')`. */
  public static attributes(props: AttributesProps): CollectorComponent {
    const where = `processors.${props.name ? `attributes/${props.name}` : 'attributes'}`;
    if (props.actions.length === 0) {
      throw new Error(`${where}: actions is empty; add at least one AttributeAction`);
    }
    return new ConfiguredComponent('processor', 'attributes', { actions: props.actions.map((a) => a.toConfig()) }, props);
  }

  /** `probabilistic_sampler`: head-style sampling of a fixed percentage. */
  public static probabilisticSampler(props: ProbabilisticSamplerProps): CollectorComponent {
    const where = `processors.${props.name ? `probabilistic_sampler/${props.name}` : 'probabilistic_sampler'}`;
    checkRange(props.samplingPercentage, 0, 100, `${where}: sampling_percentage`, 'use a value between 0 and 100');
    checkInteger(props.hashSeed, 0, `${where}: hash_seed`);
    if (props.mode !== undefined && !['hash_seed', 'proportional', 'equalizing'].includes(props.mode)) {
      throw new Error(`${where}: mode "${props.mode}" is invalid; use hash_seed, proportional or equalizing`);
    }
    return new ConfiguredComponent(
      'processor',
      'probabilistic_sampler',
      compact({
        sampling_percentage: props.samplingPercentage,
        hash_seed: props.hashSeed,
        mode: props.mode,
        fail_closed: props.failClosed,
      }),
      props,
    );
  }

  /**
   * `tail_sampling`: decides per trace after `decisionWaitSec`.
   * @example Processor.tailSampling({ decisionWaitSec: 10, policies: [Policy.statusCode('ERROR'), Policy.latency({ thresholdMs: 1000 })] })
   */
  public static tailSampling(props: TailSamplingProps): TailSamplingProcessor {
    return new TailSamplingProcessor(props);
  }

  /** Escape hatch: any processor type with a free config. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    return new ConfiguredComponent('processor', type, config, options);
  }
}
