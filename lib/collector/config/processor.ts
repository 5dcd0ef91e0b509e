import type { MemoryLimiterProps, BatchProps } from './component-fields';
import { AttributeAction } from './attribute-action';
import { checkRe2, fail, isPlainObject, optBoolean, optInstance, optList, optNumber, optOneOf, optProps, optString, optStringList, reqNumber, reqString } from '../../common/guards';
import { redaction, RedactionProps } from './redaction';
import { TRACING_DEFAULTS } from './defaults';
import { BATCH_FIELDS, checkBatch, checkMemoryLimiter, MEMORY_LIMITER_FIELDS } from './component-fields';
import { checkFieldProps, propNames, renderFields } from './fields';
import { ignoredHashSeed, K8S_METADATA_FIELDS } from './component-parsers';
import {
  checkCustomArgs,
  componentProps,
  CollectorComponent,
  ComponentOptions,
  ConfiguredComponent,
  CustomComponentOptions,
} from './component';
import { checkInteger, checkRange, compact, ConfigObject, ConfigValue } from './config-values';
import { TailSamplingProcessor, TailSamplingProps } from './tail-sampling';

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

/** An attribute condition of an `include`/`exclude` match of the attributes processor. */
export interface AttributeMatch {
  /** Attribute key (non-empty). */
  readonly key: string;
  /**
   * The value it must have: equal with `strict`, a Go RE2 regular expression (a string) with `regexp`.
   * @default - the attribute only has to exist
   */
  readonly value?: string | number | boolean;
}

/**
 * Which spans an attributes processor acts on (`include`) or skips (`exclude`); filterconfig
 * MatchProperties of collector 0.158, the span fields only. A span matches when every given criterion
 * matches: its service is one of `services`, its name one of `spanNames`, and it has all `attributes`.
 */
export interface AttributesMatchProps {
  /** How names and values are compared: `strict` (equal) or `regexp` (Go RE2 regular expressions). */
  readonly matchType: 'strict' | 'regexp';
  /** Service names (or patterns with `regexp`); one must match. @default - any service */
  readonly services?: readonly string[];
  /** Span names (or patterns with `regexp`); one must match. @default - any span name */
  readonly spanNames?: readonly string[];
  /** Attributes that must all match. @default - none */
  readonly attributes?: readonly AttributeMatch[];
}

/** Props of `Processor.attributes()`: actions, and which spans they apply to. */
export interface AttributesProcessorProps extends AttributesProps {
  /** Apply the actions only to matching spans. @default - every span */
  readonly include?: AttributesMatchProps;
  /** Do not apply the actions to matching spans (checked after `include`). @default - no span is skipped */
  readonly exclude?: AttributesMatchProps;
}

/** Checks and renders an include/exclude match (`path` is `include` or `exclude`). */
function renderMatch(where: string, path: string, v: unknown): ConfigObject | undefined {
  const m = optProps<AttributesMatchProps>(where, path, v, ['matchType', 'services', 'spanNames', 'attributes']);
  if (!m) return undefined;
  if (m.matchType === undefined) fail(where, `${path}.matchType`, undefined, 'is missing', 'use "strict" or "regexp"');
  const matchType = optOneOf(where, `${path}.matchType`, m.matchType, ['strict', 'regexp'] as const)!;
  const names = (k: 'services' | 'spanNames') => {
    const l = optStringList(where, `${path}.${k}`, m[k], `pass a list of ${k === 'services' ? 'service' : 'span'} names`);
    if (matchType === 'regexp') l?.forEach((x, i) => checkRe2(where, `${path}.${k}[${i}]`, x));
    return l;
  };
  const services = names('services');
  const spanNames = names('spanNames');
  const attributes = optList(where, `${path}.attributes`, m.attributes, (x, ap) => {
    const a = optProps<AttributeMatch>(where, ap, x, ['key', 'value']);
    if (!a) fail(where, ap, x, 'is missing', "pass { key: 'http.route' }");
    reqString(where, `${ap}.key`, a.key, 'pass the attribute key');
    const value = a.value;
    if (value !== undefined) {
      if (matchType === 'regexp') checkRe2(where, `${ap}.value`, value);
      else if (!(typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))) {
        fail(where, `${ap}.value`, value, 'is not a string, a finite number or a boolean', 'pass the value the attribute must have');
      }
    }
    return compact({ key: a.key, value });
  }, 'pass a list of { key, value? }');
  if (!services?.length && !spanNames?.length && !attributes?.length) {
    fail(where, path, v, 'has no criterion', 'set services, spanNames or attributes (an empty match would select every span)');
  }
  return compact({ match_type: matchType, services, span_names: spanNames, attributes });
}

/** Props of `Processor.probabilisticSampler()`. */
export interface ProbabilisticSamplerProps extends ComponentOptions {
  /** Percentage of traces kept, 0-100. */
  readonly samplingPercentage: number;
  /** Hash seed; use the same value on every collector layer. @default - none */
  readonly hashSeed?: number;
  /**
   * `hash_seed`, `proportional` or `equalizing`. `hashSeed` is refused with `proportional` and
   * `equalizing`: only the hash_seed sampler reads it (collector 0.158 sampler_mode.go).
   * @default - collector default: 'hash_seed' (the mode when none is set)
   */
  readonly mode?: 'hash_seed' | 'proportional' | 'equalizing';
  /** Drop items whose randomness cannot be determined. @default true */
  readonly failClosed?: boolean;
}

/** The actions of `attributes`/`resource`: a non-empty list of `AttributeAction`s. */
function checkActions(where: string, actions: unknown): void {
  if (actions === undefined) fail(where, 'actions', actions, 'is missing', "pass a list of AttributeAction, e.g. [AttributeAction.hash('user.id')]");
  optList(where, 'actions', actions, (a, path) => {
    if (a === undefined) fail(where, path, a, 'is missing', 'build it with AttributeAction.*');
    return optInstance(where, path, a, AttributeAction, "AttributeAction.* (e.g. AttributeAction.hash('user.id'))");
  }, "pass a list of AttributeAction, e.g. [AttributeAction.hash('user.id')]");
}

/** Processor factories. */
export class Processor {
  /**
   * `memory_limiter`: refuses data before the collector runs out of memory. Put it first in every pipeline.
   * @example Processor.memoryLimiter({ limitPercentage: 80, spikeLimitPercentage: 25 })
   */
  public static memoryLimiter(props: MemoryLimiterProps = {}): CollectorComponent {
    // declared once in component-fields.ts (MEMORY_LIMITER_FIELDS); the defaults are the factory's
    const { p, where } = componentProps<MemoryLimiterProps>('processor', 'memory_limiter', props, propNames(MEMORY_LIMITER_FIELDS));
    checkFieldProps(MEMORY_LIMITER_FIELDS, p, where);
    const mib = p.limitMiB !== undefined || p.spikeLimitMiB !== undefined;
    const pct = p.limitPercentage !== undefined || p.spikeLimitPercentage !== undefined;
    if (mib && pct) {
      throw new Error(`${where}: both limit_mib and limit_percentage are set; use either the MiB form or the percentage form`);
    }
    if (mib && p.limitMiB === undefined) {
      throw new Error(`${where}: spike_limit_mib is set without limit_mib; set limitMiB too`);
    }
    const values: MemoryLimiterProps = {
      checkIntervalSec: p.checkIntervalSec ?? 1,
      ...(mib
        ? { limitMiB: p.limitMiB, spikeLimitMiB: p.spikeLimitMiB }
        : { limitPercentage: p.limitPercentage ?? 80, spikeLimitPercentage: p.spikeLimitPercentage ?? 25 }),
    };
    checkMemoryLimiter(values, where);
    return new ConfiguredComponent('processor', 'memory_limiter', renderFields(MEMORY_LIMITER_FIELDS, values), p);
  }

  /** `batch`: groups data before export. Put it last in the pipeline. */
  public static batch(props: BatchProps = {}): CollectorComponent {
    // declared once in component-fields.ts: prop checks, rendering and parsing derive from BATCH_FIELDS
    const { p, where } = componentProps<BatchProps>('processor', 'batch', props, propNames(BATCH_FIELDS));
    checkFieldProps(BATCH_FIELDS, p, where);
    checkBatch(p, where);
    return new ConfiguredComponent('processor', 'batch', renderFields(BATCH_FIELDS, p), p);
  }

  /**
   * `k8s_attributes` (0.158 name, see component-types.ts): adds pod/namespace/node metadata.
   * Needs RBAC to get/watch/list pods, namespaces, nodes and apps/replicasets.
   */
  public static k8sAttributes(props: K8sAttributesProps = {}): CollectorComponent {
    const { where } = componentProps<K8sAttributesProps>('processor', 'k8s_attributes', props, [
      'passthrough', 'filterNodeFromEnvVar', 'filterNamespace', 'metadata', 'labels', 'annotations', 'podAssociation',
    ]);
    optBoolean(where, 'passthrough', props.passthrough);
    optString(where, 'filterNodeFromEnvVar', props.filterNodeFromEnvVar, 'pass an env var name such as K8S_NODE_NAME');
    optString(where, 'filterNamespace', props.filterNamespace, 'pass a namespace name');
    optList(where, 'metadata', props.metadata, (x, path) => {
      if (x === undefined) fail(where, path, x, 'is missing', `use one of ${K8S_METADATA_FIELDS.join(', ')}`);
      return optOneOf(where, path, x, K8S_METADATA_FIELDS);
    }, 'pass a list of metadata fields, e.g. ["k8s.pod.name"]');
    for (const what of ['labels', 'annotations'] as const) {
      optList(where, what, props[what], (x, path) => {
        const r = optProps<K8sTagRule>(where, path, x, ['tagName', 'key', 'from']);
        if (!r) fail(where, path, x, 'is missing', "pass { key: 'app' }");
        optString(where, `${path}.tagName`, r.tagName, 'pass an attribute name');
        if (r.key === undefined) fail(where, `${path}.key`, r.key, 'is missing', 'pass the label/annotation key');
        optString(where, `${path}.key`, r.key, 'pass the label/annotation key');
        optOneOf(where, `${path}.from`, r.from, ['pod', 'namespace', 'node']);
        return r;
      }, 'pass a list of { key, tagName?, from? } rules');
    }
    optList(where, 'podAssociation', props.podAssociation, (rule, path) =>
      optList(where, path, rule, (x, sp) => {
        const src = optProps<PodAssociationSource>(where, sp, x, ['from', 'name']);
        if (!src) fail(where, sp, x, 'is missing', "pass { from: 'connection' }");
        if (src.from === undefined) fail(where, `${sp}.from`, src.from, 'is missing', 'use "resource_attribute" or "connection"');
        optOneOf(where, `${sp}.from`, src.from, ['resource_attribute', 'connection']);
        optString(where, `${sp}.name`, src.name, 'pass a resource attribute name such as k8s.pod.ip');
        return src;
      }, 'pass a list of sources'),
    'pass a list of association rules, each a list of sources');
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
    const { where } = componentProps<AttributesProps>('processor', 'resource', props, ['actions'], false);
    checkActions(where, props.actions);
    if (props.actions.length === 0) {
      throw new Error(`${where}: attributes is empty; add at least one AttributeAction`);
    }
    return new ConfiguredComponent('processor', 'resource', { attributes: props.actions.map((a) => a.toConfig()) }, props);
  }

  /**
   * `attributes`: actions on span attributes, e.g. `AttributeAction.hash('user.id')`, optionally only on
   * the spans matching `include` and not `exclude`.
   * @example Processor.attributes({ actions: [AttributeAction.delete('http.request.header.authorization')], include: { matchType: 'strict', services: ['checkout'] } })
   */
  public static attributes(props: AttributesProcessorProps): CollectorComponent {
    const { where } = componentProps<AttributesProps>('processor', 'attributes', props, ['actions', 'include', 'exclude'], false);
    checkActions(where, props.actions);
    if (props.actions.length === 0) {
      throw new Error(`${where}: actions is empty; add at least one AttributeAction`);
    }
    const include = renderMatch(where, 'include', props.include);
    const exclude = renderMatch(where, 'exclude', props.exclude);
    return new ConfiguredComponent(
      'processor',
      'attributes',
      compact({ actions: props.actions.map((a) => a.toConfig()), include, exclude }),
      props,
    );
  }

  /** `probabilistic_sampler`: head-style sampling of a fixed percentage. */
  public static probabilisticSampler(props: ProbabilisticSamplerProps): CollectorComponent {
    const { where } = componentProps<ProbabilisticSamplerProps>('processor', 'probabilistic_sampler', props, ['samplingPercentage', 'hashSeed', 'mode', 'failClosed'], false);
    reqNumber(where, 'samplingPercentage', props.samplingPercentage, { min: 0, max: 100, example: '10' });
    optNumber(where, 'hashSeed', props.hashSeed, { min: 0, max: 4294967295, integer: true });
    optOneOf(where, 'mode', props.mode, ['hash_seed', 'proportional', 'equalizing']);
    optBoolean(where, 'failClosed', props.failClosed);
    const ignored = ignoredHashSeed(props.hashSeed !== undefined, props.mode);
    if (ignored) fail(where, 'hashSeed', props.hashSeed, ignored, "remove hashSeed, or use mode 'hash_seed' (the default) to sample by hash seed");
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
   * `redaction` (otelcol-k8s, otelcol-contrib): deletes attributes that are not allowed and masks or
   * hashes values matching blocked patterns (PII such as card numbers or e-mail addresses).
   * @example Processor.redaction({ allowAllKeys: true, blockedValues: ['4[0-9]{12}(?:[0-9]{3})?'], hashFunction: 'hmac-sha256', hmacKeyFrom: { name: 'redaction', key: 'hmac-key' } })
   */
  public static redaction(props: RedactionProps): CollectorComponent {
    return redaction(props);
  }

  /**
   * `tail_sampling`: decides per trace after `decisionWaitSec` (default `TRACING_DEFAULTS.decisionWaitSec`,
   * 10 s, written to the config: the same wait as the stack and the gateway; the collector's own
   * default, used for a parsed config without `decision_wait`, is 30 s).
   * @example Processor.tailSampling({ decisionWaitSec: 10, policies: [Policy.statusCode('ERROR'), Policy.latency({ thresholdMs: 1000 })] })
   */
  public static tailSampling(props: TailSamplingProps): TailSamplingProcessor {
    const withDefault =
      isPlainObject(props) && props.decisionWaitSec === undefined ? { ...props, decisionWaitSec: TRACING_DEFAULTS.decisionWaitSec } : props;
    return new TailSamplingProcessor(withDefault);
  }

  /** Escape hatch: any processor type with a free config. */
  public static custom(type: string, config: ConfigObject = {}, options: CustomComponentOptions = {}): CollectorComponent {
    checkCustomArgs('processor', type, config, options);
    return new ConfiguredComponent('processor', type, config, options);
  }
}
