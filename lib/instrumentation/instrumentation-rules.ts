/**
 * The instrumentation room's manifest rules, registered with the validation engine when this module
 * is loaded (as the collector room does): warnings about Instrumentation objects that will not do
 * what they seem to, whoever wrote them.
 */
import { ManifestRuleSet, ObjectFinding, registerRuleSet } from '../validation/rule-sets';
import { LANGUAGES, SDK_DEFAULT_PROTOCOL } from './instrumentation-ref';

/** Rule id of the warning about an OTLP/gRPC port given to SDKs that speak OTLP/HTTP. */
export const GRPC_PORT_FOR_HTTP_SDKS_RULE = 'instrumentation-grpc-port';

const ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT';
const PROTOCOL = ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'];

function envNamed(env: unknown, names: readonly string[]): { name: string; value?: string } | undefined {
  return Array.isArray(env) ? env.find((e) => e && names.includes(e.name)) : undefined;
}

/** The port of an http(s) URL (`undefined` when it is not one). */
function portOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An Instrumentation whose `spec.exporter.endpoint` is on port 4317 (OTLP/gRPC), with languages whose
 * SDKs default to OTLP/HTTP (4318) and that neither get their own endpoint nor are switched to gRPC
 * by `OTEL_EXPORTER_OTLP_PROTOCOL`: those SDKs would send HTTP requests to the gRPC port and every
 * export would fail. A warning, naming the languages and the fix.
 */
export function grpcPortWarnings(objects: readonly any[]): ObjectFinding[] {
  const out: ObjectFinding[] = [];
  for (const o of objects) {
    if (o?.kind !== 'Instrumentation' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('opentelemetry.io/')) continue;
    const endpoint = o.spec?.exporter?.endpoint;
    if (typeof endpoint !== 'string' || portOf(endpoint) !== '4317') continue;
    const grpc = (env: unknown) => /^grpc$/.test(String(envNamed(env, PROTOCOL)?.value ?? ''));
    const commonGrpc = grpc(o.spec?.env);
    const affected = LANGUAGES.filter((l) => {
      if (SDK_DEFAULT_PROTOCOL[l] !== 'http') return false;
      const env = o.spec?.[l]?.env;
      return !envNamed(env, [ENDPOINT]) && !grpc(env) && !(commonGrpc && !envNamed(env, PROTOCOL));
    });
    if (affected.length === 0) continue;
    out.push({
      object: o,
      severity: 'warning',
      rule: GRPC_PORT_FOR_HTTP_SDKS_RULE,
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata?.namespace,
      name: o.metadata?.name,
      path: 'spec.exporter.endpoint',
      message:
        `endpoint ${JSON.stringify(endpoint)} is the OTLP/gRPC port 4317, but the ${affected.join(', ')} SDKs injected by the operator ` +
        'default to OTLP/HTTP (4318), so their exports would fail; pass an IOtlpDestination (e.g. the stack\'s agent: each language gets ' +
        'the port its SDK speaks), use port 4318, or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc in env',
    });
  }
  return out;
}

/** The instrumentation room's manifest rules. */
export const INSTRUMENTATION_RULES: ManifestRuleSet = { name: 'instrumentation', check: grpcPortWarnings };

registerRuleSet(INSTRUMENTATION_RULES);
