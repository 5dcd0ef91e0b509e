/**
 * THE table of collector component type names used by this library (one place, on purpose).
 *
 * Pinned version: the OpenTelemetry Operator v0.158.0 ships collector 0.158.0 (this repository's
 * collector reference data is for 0.159.0). Type-name choices for 0.158.0:
 *
 * - `otlp_grpc` / `otlp_http` (exporters): core renamed `otlp` -> `otlp_grpc` and `otlphttp` -> `otlp_http`
 *   in v0.144.0; the old names remain deprecated aliases that log a warning (reference README).
 * - `load_balancing` (exporter): renamed from `loadbalancing` in v0.153.0, old name is a deprecated alias.
 * - `k8s_attributes` (processor): renamed from `k8sattributes` in contrib PR #45901 (merged 2026-02-05,
 *   so in every release from early 2026 on, long before 0.158.0); old name is a deprecated alias
 *   ("k8sattributes alias is deprecated; use k8s_attributes instead").
 * - `span_metrics`, `file_log`, `host_metrics`: lower_snake_case renames of 2026 releases (reference README),
 *   old names are deprecated aliases. We only use them through `custom(...)`, but keep them here so that the
 *   distribution check and the deprecation warning know about them.
 * - The OTLP *receiver* keeps its type `otlp` (only the exporters were split by transport).
 * - `memory_limiter`, `batch`, `tail_sampling`, `probabilistic_sampler`, `health_check`, `file_storage`,
 *   `pprof`, `zpages`, `debug`, `resource`, `attributes` were never renamed.
 *
 * Parsing accepts the deprecated aliases and renders the canonical name (a documented rename);
 * `validate()` reports a `deprecated-type` warning for components created with an alias via `custom()`.
 */

/** The five component kinds of a collector configuration. */
export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'extension' | 'connector';

/** All component kinds in rendering order. */
export const COMPONENT_KINDS: readonly ComponentKind[] = [
  'receiver',
  'processor',
  'exporter',
  'connector',
  'extension',
];

/** One row of the type-name table. */
export interface ComponentTypeInfo {
  /** Component kind. */
  readonly kind: ComponentKind;
  /** Canonical type name accepted by collector 0.158.0. */
  readonly type: string;
  /** Last path segment of the Go module that implements it (as listed in the OCB distribution manifests). */
  readonly module: string;
  /** Older names that 0.158.0 still accepts with a deprecation warning. */
  readonly deprecatedAliases: readonly string[];
  /** Where the rename happened (documentation only). */
  readonly renamedIn?: string;
}

function row(
  kind: ComponentKind,
  type: string,
  module: string,
  deprecatedAliases: readonly string[] = [],
  renamedIn?: string,
): ComponentTypeInfo {
  return { kind, type, module, deprecatedAliases, renamedIn };
}

/** The type-name table (see the file comment for the reasoning behind each name). */
export const COMPONENT_TYPES: readonly ComponentTypeInfo[] = [
  row('receiver', 'otlp', 'otlpreceiver'),
  row('receiver', 'file_log', 'filelogreceiver', ['filelog'], '2026 lower_snake_case renames'),
  row('receiver', 'host_metrics', 'hostmetricsreceiver', ['hostmetrics'], '2026 lower_snake_case renames'),
  row('receiver', 'jaeger', 'jaegerreceiver'),
  row('receiver', 'zipkin', 'zipkinreceiver'),
  row('receiver', 'prometheus', 'prometheusreceiver'),
  row('receiver', 'receiver_creator', 'receivercreator'),
  row('processor', 'memory_limiter', 'memorylimiterprocessor'),
  row('processor', 'batch', 'batchprocessor'),
  row('processor', 'k8s_attributes', 'k8sattributesprocessor', ['k8sattributes'], 'contrib PR #45901 (2026-02)'),
  row('processor', 'resource', 'resourceprocessor'),
  row('processor', 'attributes', 'attributesprocessor'),
  row('processor', 'probabilistic_sampler', 'probabilisticsamplerprocessor'),
  row('processor', 'tail_sampling', 'tailsamplingprocessor'),
  row('processor', 'filter', 'filterprocessor'),
  row('processor', 'transform', 'transformprocessor'),
  row('processor', 'span', 'spanprocessor'),
  row('exporter', 'otlp_grpc', 'otlpexporter', ['otlp'], 'v0.144.0'),
  row('exporter', 'otlp_http', 'otlphttpexporter', ['otlphttp'], 'v0.144.0'),
  row('exporter', 'load_balancing', 'loadbalancingexporter', ['loadbalancing'], 'v0.153.0'),
  row('exporter', 'debug', 'debugexporter'),
  row('exporter', 'nop', 'nopexporter'),
  row('extension', 'health_check', 'healthcheckextension'),
  row('extension', 'pprof', 'pprofextension'),
  row('extension', 'zpages', 'zpagesextension'),
  row('extension', 'file_storage', 'filestorage'),
  row('extension', 'k8s_observer', 'k8sobserver'),
  row('extension', 'bearertokenauth', 'bearertokenauthextension'),
  row('extension', 'basicauth', 'basicauthextension'),
  row('extension', 'headers_setter', 'headerssetterextension'),
  row('connector', 'forward', 'forwardconnector'),
  row('connector', 'span_metrics', 'spanmetricsconnector', ['spanmetrics'], '2026 lower_snake_case renames'),
  row('connector', 'routing', 'routingconnector'),
];

/** Looks a type (canonical or deprecated alias) up in the table. */
export function lookupComponentType(kind: ComponentKind, type: string): ComponentTypeInfo | undefined {
  return COMPONENT_TYPES.find((t) => t.kind === kind && (t.type === type || t.deprecatedAliases.includes(type)));
}

/** The canonical (0.158.0) name of a type; unknown types are returned unchanged. */
export function canonicalComponentType(kind: ComponentKind, type: string): string {
  return lookupComponentType(kind, type)?.type ?? type;
}

/** True when `type` is a deprecated alias of a canonical name. */
export function isDeprecatedAlias(kind: ComponentKind, type: string): boolean {
  const info = lookupComponentType(kind, type);
  return info !== undefined && info.type !== type;
}

/**
 * The Go module (last path segment) implementing a type. For types outside the table this is a guess
 * following the upstream convention (`type` without underscores + kind, e.g. `span_metrics` ->
 * `spanmetricsconnector`), flagged by `guessed: true`.
 */
export function componentModule(kind: ComponentKind, type: string): { module: string; guessed: boolean } {
  const info = lookupComponentType(kind, type);
  if (info) return { module: info.module, guessed: false };
  return { module: `${type.replace(/_/g, '').toLowerCase()}${kind}`, guessed: true };
}
