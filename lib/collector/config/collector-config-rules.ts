/**
 * The rules of `CollectorConfig.validate()`, one named function per rule, run in the order of
 * `CONFIG_RULES` (the order of the findings). Config-wide rules see the whole config; pipeline rules
 * run for each pipeline in turn, component rules for each component (in kind order), so a pipeline's
 * or component's findings stay together.
 */
import { CollectorComponent, ListeningPort } from './component';
import { COMPONENT_KINDS, ComponentKind, canonicalComponentType, isDeprecatedAlias } from './component-types';
import { ConfigValue } from './config-values';
import { CollectorDistribution } from './distribution';
import { checkExpansionSyntax } from './env-ref';
import { LoadBalancingExporter } from './load-balancing';
import { Pipeline } from './pipeline';

/** Section names of the component kinds. */
export const SECTION: Record<ComponentKind, string> = {
  receiver: 'receivers',
  processor: 'processors',
  exporter: 'exporters',
  extension: 'extensions',
  connector: 'connectors',
};

/**
 * Routing keys the load_balancing exporter (0.158) builds per signal (trace_exporter.go,
 * metrics_exporter.go, log_exporter.go: anything else is "unsupported routing_key").
 */
const LOAD_BALANCING_ROUTING_KEYS: Partial<Record<string, readonly string[]>> = {
  traces: ['traceID', 'service', 'attributes'],
  metrics: ['service', 'resource', 'metric', 'streamID', 'attributes'],
  logs: ['service', 'traceID', 'resource', 'attributes'],
};

/** What the rules read of a config. */
export interface ConfigView {
  /** Pipelines in insertion order. */
  readonly pipelines: readonly Pipeline[];
  /** Components of a kind in insertion order. */
  components(kind: ComponentKind): CollectorComponent[];
  /** A component by kind and id. */
  component(kind: ComponentKind, id: string): CollectorComponent | undefined;
  /** Ids listed in `service.extensions`, in order. */
  readonly enabledExtensions: readonly string[];
  /** Every port bound (loopback ones included). */
  boundPorts(): ListeningPort[];
  /** The deprecated alias a parsed component was written with, if any. */
  writtenAs(kind: ComponentKind, id: string): string | undefined;
  /** Distinct component types used. */
  componentTypes(): { kind: ComponentKind; type: string }[];
  /** The distribution to check against (validate option). */
  readonly distribution?: CollectorDistribution;
}

/** Reports a finding (warnings of silenced rules are dropped by the caller). */
export type AddFinding = (severity: 'error' | 'warning', rule: string, path: string, message: string) => void;

/** A rule over the whole config. */
export type ConfigRule = (config: ConfigView, add: AddFinding) => void;
/** A rule over one pipeline. */
export type PipelineRule = (config: ConfigView, pipeline: Pipeline, add: AddFinding) => void;
/** A rule over one component. */
export type ComponentRule = (config: ConfigView, kind: ComponentKind, component: CollectorComponent, add: AddFinding) => void;

// ------------------------------------------------------------------ config-wide rules

/** `no-receivers`, `no-exporters`, `no-pipelines`: the collector refuses a config without them. */
export function requiredSections(c: ConfigView, add: AddFinding): void {
  const none = (k: ComponentKind) => c.components(k).length === 0;
  if (none('receiver') && none('connector')) {
    add('error', 'no-receivers', 'receivers', 'no receiver is defined; add one, e.g. Receiver.otlp()');
  }
  if (none('exporter') && none('connector')) {
    add('error', 'no-exporters', 'exporters', 'no exporter is defined; add one, e.g. Exporter.otlpGrpc({...})');
  }
  if (c.pipelines.length === 0) {
    add('error', 'no-pipelines', 'service.pipelines', 'no pipeline is defined; add one with addPipeline("traces", {...})');
  }
}

/** Runs the pipeline rules for each pipeline in turn. */
export function eachPipeline(c: ConfigView, add: AddFinding): void {
  for (const p of c.pipelines) for (const rule of PIPELINE_RULES) rule(c, p, add);
}

/** Which components the pipelines use: `kind:id` of own components, connectors by role. */
function usage(c: ConfigView): { used: Set<string>; connectorAs: { receiver: Set<string>; exporter: Set<string> } } {
  const used = new Set<string>();
  const connectorAs = { receiver: new Set<string>(), exporter: new Set<string>() };
  for (const p of c.pipelines) {
    for (const [ids, role] of [[p.receivers, 'receiver'], [p.processors, 'processor'], [p.exporters, 'exporter']] as const) {
      for (const id of ids) {
        if (c.component(role, id)) used.add(`${role}:${id}`);
        else if (role !== 'processor' && c.component('connector', id)) connectorAs[role].add(id);
      }
    }
  }
  return { used, connectorAs };
}

/** `connector-one-sided` (error) and unused connectors (warning). */
export function connectorUse(c: ConfigView, add: AddFinding): void {
  const { connectorAs } = usage(c);
  for (const { id } of c.components('connector')) {
    const asExp = connectorAs.exporter.has(id);
    const asRec = connectorAs.receiver.has(id);
    if (asExp !== asRec) {
      add('error', 'connector-one-sided', `connectors.${id}`,
        `connector "${id}" is used only as ${asExp ? 'an exporter' : 'a receiver'}; use it as ${asExp ? 'a receiver' : 'an exporter'} of another pipeline too, or remove it`);
    } else if (!asExp) {
      add('warning', 'unused-component', `connectors.${id}`, `connector "${id}" is not used by any pipeline; use it or remove it`);
    }
  }
}

/** `unused-component`: receivers, processors and exporters no pipeline uses. */
export function unusedComponents(c: ConfigView, add: AddFinding): void {
  const { used } = usage(c);
  for (const kind of ['receiver', 'processor', 'exporter'] as const) {
    for (const { id } of c.components(kind)) {
      if (!used.has(`${kind}:${id}`)) {
        add('warning', 'unused-component', `${SECTION[kind]}.${id}`, `${kind} "${id}" is defined but not used by any pipeline; add it to a pipeline or remove it`);
      }
    }
  }
}

/** `undefined-component`: an id in `service.extensions` that is not defined. */
export function enabledExtensionsDefined(c: ConfigView, add: AddFinding): void {
  for (const id of c.enabledExtensions) {
    if (!c.component('extension', id)) {
      add('error', 'undefined-component', 'service.extensions', `extension "${id}" is enabled but not defined; define it under extensions (addExtension() in the model) or remove it from service.extensions`);
    }
  }
}

/** Runs the component rules for each component (kinds in rendering order). */
export function eachComponent(c: ConfigView, add: AddFinding): void {
  for (const kind of COMPONENT_KINDS) {
    for (const component of c.components(kind)) for (const rule of COMPONENT_RULES) rule(c, kind, component, add);
  }
}

/** `port-conflict`: two components bind the same port (the second fails at start). */
export function portConflicts(c: ConfigView, add: AddFinding): void {
  const byPort = new Map<number, ListeningPort>();
  for (const port of c.boundPorts()) {
    const other = byPort.get(port.port);
    if (other) {
      add('error', 'port-conflict', port.componentId, `port ${port.port} is also used by ${other.componentId}; give one of them another endpoint port`);
    } else byPort.set(port.port, port);
  }
}

/** `distribution-missing-component` (error) and `distribution-unverified-component` (warning), with a distribution. */
export function distributionHasComponents(c: ConfigView, add: AddFinding): void {
  const dist = c.distribution;
  if (!dist) return;
  for (const kind of COMPONENT_KINDS) {
    for (const comp of c.components(kind)) {
      const a = dist.availability(kind, comp.type);
      const path = `${SECTION[kind]}.${comp.id}`;
      if (a === 'missing') {
        const options = CollectorDistribution.smallestWith(c.componentTypes());
        const alt = CollectorDistribution.all().filter((d) => d.availability(kind, comp.type) === 'available');
        const suggestion = options[0] ?? alt[0];
        add('error', 'distribution-missing-component', path,
          `${kind} "${comp.type}" is not in the ${dist.id} distribution (${dist.dockerHubRepository}); ${
            suggestion ? `use the ${suggestion.id} image ${suggestion.image()}` : 'build a custom distribution with OCB'
          }`);
      } else if (a === 'unknown') {
        add('warning', 'distribution-unverified-component', path,
          `${kind} "${comp.type}" is not in this library's type table, so its presence in ${dist.binary} could not be checked; verify with "${dist.binary} components"`);
      }
    }
  }
}

// ------------------------------------------------------------------ pipeline rules

/** `pipeline-missing-receiver`, `pipeline-missing-exporter`. */
export function pipelineEnds(_c: ConfigView, p: Pipeline, add: AddFinding): void {
  const base = `service.pipelines.${p.id}`;
  if (p.receivers.length === 0) add('error', 'pipeline-missing-receiver', `${base}.receivers`, `pipeline "${p.id}" has no receiver; add at least one`);
  if (p.exporters.length === 0) add('error', 'pipeline-missing-exporter', `${base}.exporters`, `pipeline "${p.id}" has no exporter; add at least one`);
}

/** `duplicate-processor`, `duplicate-reference`, `undefined-component`: every id listed once and defined in its role. */
export function pipelineReferences(c: ConfigView, p: Pipeline, add: AddFinding): void {
  const base = `service.pipelines.${p.id}`;
  for (const [ids, role] of [[p.receivers, 'receiver'], [p.processors, 'processor'], [p.exporters, 'exporter']] as const) {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      const path = `${base}.${SECTION[role]}[${i}]`;
      if (seen.has(id)) {
        add('error', role === 'processor' ? 'duplicate-processor' : 'duplicate-reference', path,
          `"${id}" is listed twice in pipeline "${p.id}"; remove the duplicate (use a second named instance such as ${id.split('/')[0]}/2 if you need it twice)`);
      }
      seen.add(id);
      if (c.component(role, id) || (role !== 'processor' && c.component('connector', id))) return;
      const elsewhere = COMPONENT_KINDS.find((k) => c.component(k, id));
      add('error', 'undefined-component', path,
        elsewhere
          ? `"${id}" is a ${elsewhere}, not a ${role}; move it to the ${SECTION[elsewhere]} list of the pipeline`
          : `${role} "${id}" is not defined; define it under ${SECTION[role]} (add${role[0].toUpperCase()}${role.slice(1)}() in the model) or fix the id`);
    });
  }
}

/** `signal-mismatch`: tail_sampling outside traces, a load_balancing routing key the signal does not support. */
export function pipelineSignals(c: ConfigView, p: Pipeline, add: AddFinding): void {
  p.processors.forEach((id, i) => {
    const comp = c.component('processor', id);
    if (comp && comp.type === 'tail_sampling' && p.signal !== 'traces') {
      add('error', 'signal-mismatch', `service.pipelines.${p.id}.processors[${i}]`, `tail_sampling only supports traces; remove it from the ${p.signal} pipeline`);
    }
  });
  p.exporters.forEach((id, i) => {
    const comp = c.component('exporter', id);
    if (!(comp instanceof LoadBalancingExporter) || comp.props.routingKey === undefined) return;
    const supported = LOAD_BALANCING_ROUTING_KEYS[p.signal];
    if (supported && !supported.includes(comp.props.routingKey)) {
      add('error', 'signal-mismatch', `service.pipelines.${p.id}.exporters[${i}]`,
        `load_balancing routing_key "${comp.props.routingKey}" is not supported for ${p.signal} (the collector refuses to build the exporter); use one of ${supported.join(', ')}`);
    }
  });
}

/** `memory-limiter-first`, `batch-last`, `k8s-attributes-before-sampling` (best-practice warnings). */
export function pipelineOrder(c: ConfigView, p: Pipeline, add: AddFinding): void {
  const base = `service.pipelines.${p.id}.processors`;
  const types = p.processors.map((id) => c.component('processor', id)?.type);
  const ml = types.indexOf('memory_limiter');
  if (ml < 0) {
    add('warning', 'memory-limiter-first', base, `pipeline "${p.id}" has no memory_limiter; add Processor.memoryLimiter() as the first processor`);
  } else if (ml > 0) {
    add('warning', 'memory-limiter-first', `${base}[${ml}]`, `memory_limiter is at position ${ml} in pipeline "${p.id}"; move it first so it can refuse data before other processors use memory`);
  }
  const batch = types.lastIndexOf('batch');
  if (batch >= 0 && batch !== types.length - 1) {
    add('warning', 'batch-last', `${base}[${batch}]`, `batch is not the last processor of pipeline "${p.id}"; move it last (after sampling and filtering)`);
  }
  const k8s = types.findIndex((t) => t === 'k8s_attributes' || t === 'k8sattributes');
  const sampling = types.findIndex((t) => t === 'tail_sampling' || t === 'probabilistic_sampler');
  if (k8s >= 0 && sampling >= 0 && k8s > sampling) {
    add('warning', 'k8s-attributes-before-sampling', `${base}[${k8s}]`,
      `k8s_attributes runs after ${types[sampling]} in pipeline "${p.id}"; move it before sampling so policies can use k8s metadata`);
  }
}

// ------------------------------------------------------------------ component rules

/** `undefined-component`: a referenced extension (auth, storage) that is not defined or not enabled. */
export function referencedExtensions(c: ConfigView, kind: ComponentKind, comp: CollectorComponent, add: AddFinding): void {
  const path = `${SECTION[kind]}.${comp.id}`;
  for (const ext of comp.referencedExtensions()) {
    if (!c.component('extension', ext)) {
      add('error', 'undefined-component', path, `references extension "${ext}" which is not defined; define it under extensions (addExtension() in the model)`);
    } else if (!c.enabledExtensions.includes(ext)) {
      add('error', 'undefined-component', path, `references extension "${ext}" which is not enabled in service.extensions; enable it`);
    }
  }
}

/** `deprecated-type`: a type written with a deprecated alias. */
export function deprecatedType(c: ConfigView, kind: ComponentKind, comp: CollectorComponent, add: AddFinding): void {
  const alias = isDeprecatedAlias(kind, comp.type) ? comp.type : c.writtenAs(kind, comp.id);
  if (alias) {
    add('warning', 'deprecated-type', `${SECTION[kind]}.${comp.id}`,
      `type "${alias}" is a deprecated alias in collector 0.158 (the collector logs a deprecation warning); use "${canonicalComponentType(kind, alias)}"`);
  }
}

/**
 * The component's own problems: errors the collector reports at start, and options that do nothing
 * (`ignored-option`, a warning: the collector accepts them silently; the factories refuse them).
 */
export function componentProblems(_c: ConfigView, kind: ComponentKind, comp: CollectorComponent, add: AddFinding): void {
  for (const problem of comp.problems()) {
    add(problem.rule === 'ignored-option' ? 'warning' : 'error', problem.rule, `${SECTION[kind]}.${comp.id}`, problem.message);
  }
}

/** `exporter-without-retry-queue`: an exporter with retry or the sending queue disabled. */
export function exporterResilience(_c: ConfigView, kind: ComponentKind, comp: CollectorComponent, add: AddFinding): void {
  const res = kind === 'exporter' ? comp.resilience() : undefined;
  if (res && (!res.retry || !res.queue)) {
    add('warning', 'exporter-without-retry-queue', `${SECTION[kind]}.${comp.id}`,
      `${[!res.retry ? 'retry_on_failure' : '', !res.queue ? 'sending_queue' : ''].filter(Boolean).join(' and ')} disabled; data is lost when the backend is briefly unavailable, keep them enabled`);
  }
}

/** `env-syntax`: `$` syntax the collector refuses or keeps literally, in every string of the config. */
export function envSyntax(_c: ConfigView, kind: ComponentKind, comp: CollectorComponent, add: AddFinding): void {
  walkStrings(comp.toConfig(), `${SECTION[kind]}.${comp.id}`, (value, where) => {
    for (const problem of checkExpansionSyntax(value)) add(problem.severity, 'env-syntax', where, problem.message);
  });
}

function walkStrings(value: ConfigValue, path: string, visit: (s: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, `${path}.${k}`, visit);
  }
}

/** Pipeline rules in the order they run for each pipeline. */
export const PIPELINE_RULES: readonly PipelineRule[] = [pipelineEnds, pipelineReferences, pipelineSignals, pipelineOrder];

/** Component rules in the order they run for each component. */
export const COMPONENT_RULES: readonly ComponentRule[] = [referencedExtensions, deprecatedType, componentProblems, exporterResilience, envSyntax];

/** The rules of `validate()`, in order. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  requiredSections,
  eachPipeline,
  connectorUse,
  unusedComponents,
  enabledExtensionsDefined,
  eachComponent,
  portConflicts,
  distributionHasComponents,
];
