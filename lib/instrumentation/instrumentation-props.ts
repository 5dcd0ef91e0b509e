/**
 * Checks of `InstrumentationProps` for TypeScript and plain JavaScript callers alike: types, unions,
 * lists, instances of our classes, known keys of every nested block, pinned images. Rules about
 * combinations (TLS files, env conflicts, resource ordering) stay with the code that builds the spec.
 * Internal to the room.
 */
import {
  fail,
  isPlainObject,
  optBoolean,
  optInstance,
  optList,
  optNumber,
  optObject,
  optOneOf,
  optString,
  optStringMap,
  propsObject,
  reqInstance,
  reqString,
} from '../common/guards';
import { checkPinnedImage } from '../common/k8s-names';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import { LANGUAGES } from './instrumentation-ref';
import { Propagator } from './propagator';
import { Sampler } from './sampler';

const PROPS = [
  'endpoint',
  'name',
  'namespace',
  'tls',
  'propagators',
  'sampler',
  'resourceAttributes',
  'addK8sUidAttributes',
  'useLabelsForResourceAttributes',
  'env',
  'imagePullPolicy',
  ...LANGUAGES,
  'operator',
];
const LANGUAGE_KEYS = ['image', 'env', 'resources', 'volumeSizeLimitMiB', 'logCorrelation'];
const EXTRA_KEYS: Record<string, readonly string[]> = {
  java: ['extensions'],
  nginx: ['configFile', 'attrs'],
  apacheHttpd: ['version', 'configPath', 'attrs'],
};

/** `where` of an Instrumentation from props not yet checked. */
export function instrumentationWhere(id: string, props: unknown): string {
  const name = isPlainObject(props) ? props.name : undefined;
  return `instrumentation "${typeof name === 'string' ? name : id}"`;
}

function optImage(where: string, path: string, v: unknown): void {
  const image = optString(where, path, v, 'pass a pinned image reference, e.g. "registry.example/autoinstrumentation-java:2.10.0"');
  // checkPinnedImage names the prop itself (`<what>: image "..." is not a pinned image reference`)
  if (image !== undefined) checkPinnedImage(`${where}: ${path.replace(/\.image$/, '')}`, image);
}

function keyRef(where: string, path: string, v: unknown, kind: string): void {
  const o = optObject<Record<string, unknown>>(where, path, v, ['name', 'key'], `pass a ${kind} key reference { name, key }`);
  if (!o) return;
  reqString(where, `${path}.name`, o.name, `pass the ${kind} name`);
  reqString(where, `${path}.key`, o.key, `pass the key inside the ${kind}`);
}

/** Checks a list of Instrumentation env vars (the rules on sources and names follow in `envToJson`). */
export function checkEnvList(where: string, path: string, v: unknown): void {
  optList(where, path, v, (item, p) => {
    const e = optObject<Record<string, unknown>>(where, p, item ?? null, ['name', 'value', 'fieldPath', 'secretKeyRef', 'configMapKeyRef'], 'pass { name, value } (or fieldPath, secretKeyRef, configMapKeyRef)')!;
    reqString(where, `${p}.name`, e.name, 'pass the variable name');
    optString(where, `${p}.value`, e.value, 'pass the value as a string', true);
    optString(where, `${p}.fieldPath`, e.fieldPath, 'pass a downward-API field path, e.g. "status.hostIP"');
    keyRef(where, `${p}.secretKeyRef`, e.secretKeyRef, 'Secret');
    keyRef(where, `${p}.configMapKeyRef`, e.configMapKeyRef, 'ConfigMap');
    return e;
  }, 'pass a list of { name, value } env vars');
}

/** Checks the endpoint: a URL string, or an `IOtlpDestination` (a collector, a backend, or a plain object of the same shape). */
function checkEndpoint(where: string, v: unknown): void {
  if (v === undefined || v === null) fail(where, 'endpoint', v, 'is missing', 'pass an http(s) URL or an IOtlpDestination (e.g. the stack\'s agent)');
  if (typeof v === 'string') return;
  if (typeof v !== 'object' || Array.isArray(v)) {
    fail(where, 'endpoint', v, 'is neither a URL nor an IOtlpDestination', 'pass an http(s) URL or an IOtlpDestination (e.g. the stack\'s agent)');
  }
  const d = v as Record<string, unknown>;
  if (Object.getPrototypeOf(d) === Object.prototype) {
    optObject(where, 'endpoint', d, ['otlpGrpcUrl', 'otlpHttpUrl', 'requiredEnv']);
  }
  reqString(where, 'endpoint.otlpGrpcUrl', d.otlpGrpcUrl, 'pass the OTLP/gRPC URL of the destination');
  reqString(where, 'endpoint.otlpHttpUrl', d.otlpHttpUrl, 'pass the OTLP/HTTP URL of the destination');
  if (d.requiredEnv === undefined) fail(where, 'endpoint.requiredEnv', d.requiredEnv, 'is missing', 'pass [] when the URLs need no variables');
  optList(where, 'endpoint.requiredEnv', d.requiredEnv, (item, p) => {
    const e = optObject<Record<string, unknown>>(where, p, item ?? null, ['name', 'fieldPath', 'value'], 'pass { name, fieldPath } or { name, value }')!;
    reqString(where, `${p}.name`, e.name, 'pass the variable name');
    optString(where, `${p}.fieldPath`, e.fieldPath, 'pass a downward-API field path, e.g. "status.hostIP"');
    optString(where, `${p}.value`, e.value, 'pass the value as a string', true);
    return e;
  }, 'pass a list of { name, fieldPath | value }');
}

/** Checks the types of every prop of an Instrumentation. Returns the props. */
export function checkInstrumentationProps(where: string, props: unknown): Record<string, unknown> {
  const p = propsObject<Record<string, unknown>>(where, props, PROPS, false);
  checkEndpoint(where, p.endpoint);
  optString(where, 'name', p.name, 'pass a lowercase DNS subdomain, or leave it out for a generated name');
  optString(where, 'namespace', p.namespace, 'pass a namespace name');
  const tls = optObject<Record<string, unknown>>(where, 'tls', p.tls, ['secretName', 'configMapName', 'caFile', 'certFile', 'keyFile']);
  if (tls) {
    for (const k of ['secretName', 'configMapName', 'caFile', 'certFile', 'keyFile']) optString(where, `tls.${k}`, tls[k]);
  }
  optList(where, 'propagators', p.propagators, (v, path) => reqInstance(where, path, v, Propagator, 'Propagator.TRACECONTEXT, Propagator.B3, ... or Propagator.of("b3")'), 'pass a list of Propagator');
  optInstance(where, 'sampler', p.sampler, Sampler, 'Sampler.* (e.g. Sampler.parentBasedTraceIdRatio(0.1))');
  optStringMap(where, 'resourceAttributes', p.resourceAttributes, 'pass an object of string attribute values');
  optBoolean(where, 'addK8sUidAttributes', p.addK8sUidAttributes);
  optBoolean(where, 'useLabelsForResourceAttributes', p.useLabelsForResourceAttributes);
  checkEnvList(where, 'env', p.env);
  optOneOf(where, 'imagePullPolicy', p.imagePullPolicy, ['Always', 'IfNotPresent', 'Never'] as const);
  optInstance(where, 'operator', p.operator, OpenTelemetryOperator, 'new OpenTelemetryOperator(...) (or the stack\'s operator)');
  for (const lang of LANGUAGES) {
    const o = optObject<Record<string, unknown>>(where, lang, p[lang], [...LANGUAGE_KEYS, ...(EXTRA_KEYS[lang] ?? [])]);
    if (!o) continue;
    optImage(where, `${lang}.image`, o.image);
    checkEnvList(where, `${lang}.env`, o.env);
    const r = optObject<Record<string, unknown>>(where, `${lang}.resources`, o.resources, ['cpuRequestMillis', 'memoryRequestMiB', 'cpuLimitMillis', 'memoryLimitMiB']);
    if (r) {
      for (const k of ['cpuRequestMillis', 'memoryRequestMiB', 'cpuLimitMillis', 'memoryLimitMiB']) {
        if (r[k] !== undefined && typeof r[k] !== 'number') optNumber(where, `${lang}.resources.${k}`, r[k], { integer: true, min: 1 });
      }
    }
    if (o.volumeSizeLimitMiB !== undefined && typeof o.volumeSizeLimitMiB !== 'number') {
      optNumber(where, `${lang}.volumeSizeLimitMiB`, o.volumeSizeLimitMiB, { integer: true, min: 1, example: '200' });
    }
    optBoolean(where, `${lang}.logCorrelation`, o.logCorrelation);
    optList(where, `${lang}.extensions`, o.extensions, (item, path) => {
      const e = optObject<Record<string, unknown>>(where, path, item ?? null, ['image', 'dir'], 'pass { image, dir }')!;
      if (e.image === undefined) fail(where, `${path}.image`, e.image, 'is missing', 'pass the image holding the extension jars');
      optImage(where, `${path}.image`, e.image);
      reqString(where, `${path}.dir`, e.dir, 'pass the directory of the jars in the image');
      return e;
    }, 'pass a list of { image, dir }');
    optString(where, `${lang}.configFile`, o.configFile, 'pass an absolute path');
    optString(where, `${lang}.configPath`, o.configPath, 'pass an absolute path');
    optStringMap(where, `${lang}.attrs`, o.attrs, 'pass an object of string directive values');
    optOneOf(where, `${lang}.version`, o.version, ['2.2', '2.4'] as const);
  }
  return p;
}
