import { ApiObject, Chart } from 'cdk8s';
import { isDns1123Subdomain } from '../common/k8s-names';
import { Construct } from 'constructs';
import { IOtlpDestination } from '../common/otlp-destination';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import { EnvVarJson, envToJson, InstrumentationEnvVar } from './instrumentation-env';
import { Propagator, propagatorNames } from './propagator';
import { Sampler } from './sampler';
import { inject, InjectOptions, InjectTarget } from './inject';
import { brandInstrumentation, findInstrumentations, InstrumentationLanguage, LANGUAGES, SDK_DEFAULT_PROTOCOL } from './instrumentation-ref';

export { LANGUAGES, SDK_DEFAULT_PROTOCOL };
export type { InstrumentationLanguage };
import { mebibytes, millicores } from '../common/quantity';
import { checkPinnedImage } from '../common/k8s-names';
import { optConstruct } from '../common/guards';
import { checkInstrumentationProps, instrumentationWhere } from './instrumentation-props';
import './instrumentation-rules';

/** Env vars that turn trace-id injection into logs on, per language agent that supports it. */
export const LOG_CORRELATION_ENV: Readonly<Partial<Record<InstrumentationLanguage, readonly { name: string; value: string }[]>>> = {
  // Java agent: trace_id/span_id into the Logback MDC and Log4j context data.
  java: [
    { name: 'OTEL_INSTRUMENTATION_LOGBACK_MDC_ENABLED', value: 'true' },
    { name: 'OTEL_INSTRUMENTATION_LOG4J_CONTEXT_DATA_ENABLED', value: 'true' },
  ],
  // Python: the logging instrumentation adds otelTraceID/otelSpanID to log records.
  python: [{ name: 'OTEL_PYTHON_LOG_CORRELATION', value: 'true' }],
  // Node.js: the winston/pino/bunyan instrumentations inject trace_id by default; no variable needed.
  nodejs: [],
};

/** Init-container resources of a language block. */
export interface InitContainerResources {
  /**
   * CPU request in millicores.
   * @default - operator default (50m for most languages)
   */
  readonly cpuRequestMillis?: number;
  /**
   * Memory request in MiB.
   * @default - operator default (64Mi or 128Mi depending on the language)
   */
  readonly memoryRequestMiB?: number;
  /**
   * CPU limit in millicores.
   * @default - operator default (500m)
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory limit in MiB.
   * @default - operator default (64Mi or 128Mi depending on the language)
   */
  readonly memoryLimitMiB?: number;
}

/** Options common to every language block. */
export interface LanguageOptions {
  /**
   * Auto-instrumentation image.
   * @default - the operator's default image for the language
   */
  readonly image?: string;
  /**
   * Env vars for this language only (they win over the common env).
   * @default - none
   */
  readonly env?: InstrumentationEnvVar[];
  /**
   * Init-container resources (upstream `resources` for Java, `resourceRequirements` otherwise).
   * @default - operator defaults
   */
  readonly resources?: InitContainerResources;
  /**
   * Size limit of the emptyDir the agent is copied into, in MiB.
   * @default - operator default (200Mi)
   */
  readonly volumeSizeLimitMiB?: number;
  /**
   * Inject trace ids into application logs (Java: Logback MDC / Log4j context; Python: logging
   * records; Node.js: on by default in the agent). Not supported for dotnet, go, apacheHttpd, nginx.
   * @default false
   */
  readonly logCorrelation?: boolean;
}

/** A Java agent extension. */
export interface JavaExtension {
  /** Image containing the extension jars. */
  readonly image: string;
  /** Directory of the jars inside the image. */
  readonly dir: string;
}

/** Java block. */
export interface JavaOptions extends LanguageOptions {
  /**
   * Agent extensions.
   * @default - none
   */
  readonly extensions?: JavaExtension[];
}

/** nginx block. */
export interface NginxOptions extends LanguageOptions {
  /**
   * Path of nginx.conf in the container.
   * @default '/etc/nginx/nginx.conf' (operator default)
   */
  readonly configFile?: string;
  /**
   * Module attributes (`NginxModuleOtel*`), in order.
   * @default - none
   */
  readonly attrs?: Record<string, string>;
}

/** Apache HTTPD block. */
export interface ApacheHttpdOptions extends LanguageOptions {
  /**
   * Apache version, `2.2` or `2.4`.
   * @default '2.4' (operator default)
   */
  readonly version?: '2.2' | '2.4';
  /**
   * Directory of the Apache configuration in the container.
   * @default '/usr/local/apache2/conf' (operator default)
   */
  readonly configPath?: string;
  /**
   * Module attributes (`ApacheModuleOtel*`), in order.
   * @default - none
   */
  readonly attrs?: Record<string, string>;
}

/** TLS of the exporter; files are keys of the referenced Secret / ConfigMap. */
export interface ExporterTls {
  /**
   * Secret holding the client certificate/key (and possibly the CA).
   * @default - no Secret
   */
  readonly secretName?: string;
  /**
   * ConfigMap holding the CA bundle.
   * @default - no ConfigMap
   */
  readonly configMapName?: string;
  /**
   * CA file name inside the Secret or ConfigMap.
   * @default - system roots
   */
  readonly caFile?: string;
  /**
   * Client certificate file name inside the Secret (mTLS, needs keyFile).
   * @default - no client certificate
   */
  readonly certFile?: string;
  /**
   * Client key file name inside the Secret (mTLS, needs certFile).
   * @default - no client key
   */
  readonly keyFile?: string;
}

/** Props of `Instrumentation`. */
export interface InstrumentationProps {
  /**
   * Where SDKs export: an `IOtlpDestination` (the stack's agent; each language gets the port its
   * SDK defaults to) or a plain endpoint URL (used as is for every language).
   */
  readonly endpoint: IOtlpDestination | string;
  /**
   * `metadata.name` of the Instrumentation (what `inject` annotations name).
   * @default - a name cdk8s generates from the construct path (e.g. `chart-instrumentation-c8c32340`), read back as `name`
   */
  readonly name?: string;
  /**
   * Namespace of the Instrumentation.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Exporter TLS from a Secret and/or ConfigMap (endpoint must be https).
   * @default - no TLS settings
   */
  readonly tls?: ExporterTls;
  /**
   * Propagators.
   * @default - operator default (tracecontext, baggage)
   */
  readonly propagators?: Propagator[];
  /**
   * Head sampler, e.g. `Sampler.parentBasedTraceIdRatio(0.1)`.
   * @default - SDK default (parentbased_always_on)
   */
  readonly sampler?: Sampler;
  /**
   * Resource attributes added to every span.
   * @default - none
   */
  readonly resourceAttributes?: Record<string, string>;
  /**
   * Add `k8s.*.uid` resource attributes.
   * @default - operator default (false)
   */
  readonly addK8sUidAttributes?: boolean;
  /**
   * Derive service.name/version from the well-known `app.kubernetes.io/*` labels.
   * @default - operator default (false)
   */
  readonly useLabelsForResourceAttributes?: boolean;
  /**
   * Env vars for every language.
   * @default - none
   */
  readonly env?: InstrumentationEnvVar[];
  /**
   * Image pull policy of the init containers.
   * @default - Kubernetes default
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** Java block. @default - operator defaults */
  readonly java?: JavaOptions;
  /** Node.js block. @default - operator defaults */
  readonly nodejs?: LanguageOptions;
  /** Python block. @default - operator defaults */
  readonly python?: LanguageOptions;
  /** .NET block. @default - operator defaults */
  readonly dotnet?: LanguageOptions;
  /** Go block. @default - operator defaults */
  readonly go?: LanguageOptions;
  /** Apache HTTPD block. @default - operator defaults */
  readonly apacheHttpd?: ApacheHttpdOptions;
  /** nginx block. @default - operator defaults */
  readonly nginx?: NginxOptions;
  /**
   * The operator this CR needs: the CR is ordered after it (and gets its sync wave), and Go
   * injection checks its Go switch.
   * @default - no ordering; Go checks look for an operator in the app
   */
  readonly operator?: OpenTelemetryOperator;
}

const OTLP_ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/**
 * An `opentelemetry.io/v1alpha1` Instrumentation: what the operator injects (exporter, propagators,
 * sampler, resource, per-language agents). One typed API over upstream quirks (Java's `resources`
 * vs the others' `resourceRequirements`, `volumeLimitSize`, `ca_file`).
 */
export class Instrumentation extends Construct {
  /** Finds the Instrumentations in the app that `scope` belongs to. */
  public static findAll(scope: Construct): Instrumentation[] {
    optConstruct('Instrumentation.findAll', 'scope', scope ?? null);
    return findInstrumentations(scope).filter((c): c is Instrumentation => c instanceof Instrumentation);
  }

  /** The Instrumentation object. */
  public readonly apiObject: ApiObject;
  /** `metadata.name`. */
  public readonly name: string;
  /** Namespace (`undefined`: the namespace kubectl applies to, usually `default`). */
  public readonly namespace?: string;
  /** The operator given in props. */
  public readonly operator?: OpenTelemetryOperator;
  /** The spec as emitted. */
  public readonly spec: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: InstrumentationProps) {
    checkInstrumentationProps(instrumentationWhere(id, props), props);
    super(scope, id);
    brandInstrumentation(this);
    const where = `"${props.name ?? id}"`;
    this.operator = props.operator;
    const spec: Record<string, any> = {};

    const destination = typeof props.endpoint === 'string' ? undefined : props.endpoint;
    const endpoint = typeof props.endpoint === 'string' ? props.endpoint : props.endpoint?.otlpGrpcUrl;
    checkEndpoint(where, 'endpoint', endpoint);
    const requiredEnv: EnvVarJson[] = (destination?.requiredEnv ?? []).map((e) => {
      if ((e.fieldPath === undefined) === (e.value === undefined)) {
        throw new Error(`instrumentation ${where}: endpoint requiredEnv ${e.name} must have exactly one of fieldPath or value`);
      }
      return e.fieldPath !== undefined ? { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } } : { name: e.name, value: e.value };
    });
    if (destination) checkEndpoint(where, 'endpoint otlpHttpUrl', destination.otlpHttpUrl);

    const commonEnv = withPrefix(where, 'spec', requiredEnv, envToJson(props.env ?? [], 'spec'));
    if (commonEnv.length > 0) spec.env = commonEnv;

    spec.exporter = { endpoint };
    if (props.tls) spec.exporter.tls = tlsSpec(where, props.tls, endpoint!);

    if (props.propagators !== undefined) spec.propagators = propagatorNames(props.propagators);
    if (props.sampler !== undefined) {
      if (!(props.sampler instanceof Sampler)) {
        throw new Error(`instrumentation ${where}: sampler must be built with Sampler.* (e.g. Sampler.parentBasedTraceIdRatio(0.1))`);
      }
      spec.sampler = props.sampler.toSpec();
    }
    if (props.resourceAttributes !== undefined || props.addK8sUidAttributes !== undefined) {
      spec.resource = {};
      if (props.resourceAttributes !== undefined) {
        for (const k of Object.keys(props.resourceAttributes)) {
          if (k.trim() === '') throw new Error(`instrumentation ${where}: resourceAttributes has an empty key; name every attribute`);
        }
        spec.resource.resourceAttributes = { ...props.resourceAttributes };
      }
      if (props.addK8sUidAttributes !== undefined) spec.resource.addK8sUIDAttributes = props.addK8sUidAttributes;
    }
    if (props.useLabelsForResourceAttributes !== undefined) {
      spec.defaults = { useLabelsForResourceAttributes: props.useLabelsForResourceAttributes };
    }
    if (props.imagePullPolicy !== undefined) spec.imagePullPolicy = props.imagePullPolicy;

    for (const lang of LANGUAGES) {
      const opts = props[lang] as LanguageOptions | undefined;
      const block = languageBlock(where, lang, opts);
      // Per-language endpoint on the SDK's default port when the destination offers both transports.
      if (destination && SDK_DEFAULT_PROTOCOL[lang] === 'http' && !(block.env ?? []).some((e: EnvVarJson) => e.name === OTLP_ENDPOINT)) {
        block.env = withPrefix(where, lang, requiredEnv, [...(block.env ?? []), { name: OTLP_ENDPOINT, value: destination.otlpHttpUrl }]);
      } else if (block.env && requiredEnv.length > 0 && block.env.some((e: EnvVarJson) => e.value?.includes('$('))) {
        // Language env is injected before the common env: make referenced variables resolvable.
        block.env = withPrefix(where, lang, requiredEnv, block.env);
      }
      if (Object.keys(block).length > 0) spec[lang] = block;
    }

    this.spec = spec;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'Instrumentation',
      // keys left out when not given: cdk8s then generates the name (a key set to undefined would drop it)
      metadata: { ...(props.name !== undefined ? { name: props.name } : {}), ...(props.namespace !== undefined ? { namespace: props.namespace } : {}) },
      spec,
    });
    if (props.name !== undefined && !isDns1123Subdomain(props.name)) {
      throw new Error(`instrumentation ${where}: name "${props.name}" is not a valid object name; use a lowercase DNS subdomain`);
    }
    this.name = this.apiObject.name;
    this.namespace = props.namespace ?? Chart.of(this).namespace;
    props.operator?.addCustomResource(this);
  }

  /** Shortcut for `inject(target, { ...options, instrumentation: this })`. */
  public inject(target: InjectTarget, options: Omit<InjectOptions, 'instrumentation'>): void {
    inject(target, { ...options, instrumentation: this });
  }
}

function checkEndpoint(where: string, what: string, url: string | undefined): void {
  if (!url || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(url)) {
    throw new Error(
      `instrumentation ${where}: ${what} "${url}" is not an http(s) URL; use e.g. http://otel-agent.observability.svc:4317 or pass an IOtlpDestination`,
    );
  }
}

/** Prepends `prefix` (required env) to `env`, rejecting conflicting definitions. */
function withPrefix(where: string, block: string, prefix: EnvVarJson[], env: EnvVarJson[]): EnvVarJson[] {
  const out = [...prefix];
  for (const e of env) {
    const p = prefix.find((x) => x.name === e.name);
    if (p) {
      if (JSON.stringify(p) !== JSON.stringify(e)) {
        throw new Error(
          `instrumentation ${where}: ${block}.env ${e.name} conflicts with the variable the endpoint requires; remove it from env`,
        );
      }
      continue;
    }
    out.push(e);
  }
  return out;
}

function tlsSpec(where: string, tls: ExporterTls, endpoint: string): Record<string, string> {
  if (!tls.secretName && !tls.configMapName) {
    throw new Error(`instrumentation ${where}: tls needs secretName or configMapName; certificates come from a Secret or ConfigMap, never inline`);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new Error(`instrumentation ${where}: tls certFile and keyFile go together (mTLS); set both or neither`);
  }
  if (tls.keyFile !== undefined && !tls.secretName) {
    throw new Error(`instrumentation ${where}: tls keyFile "${tls.keyFile}" needs secretName; private keys are only read from Secrets`);
  }
  if (tls.configMapName && !tls.caFile) {
    throw new Error(`instrumentation ${where}: tls configMapName "${tls.configMapName}" needs caFile naming the CA key in it`);
  }
  if (!endpoint.startsWith('https://')) {
    throw new Error(`instrumentation ${where}: tls is set but endpoint "${endpoint}" is not https; use an https:// endpoint or drop tls`);
  }
  const out: Record<string, string> = {};
  if (tls.secretName) out.secretName = tls.secretName;
  if (tls.configMapName) out.configMapName = tls.configMapName;
  if (tls.caFile) out.ca_file = tls.caFile;
  if (tls.certFile) out.cert_file = tls.certFile;
  if (tls.keyFile) out.key_file = tls.keyFile;
  return out;
}

function resourcesSpec(where: string, lang: string, r: InitContainerResources): Record<string, Record<string, string>> {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const check = (name: string, v: number | undefined): v is number => {
    if (v === undefined) return false;
    if (!Number.isInteger(v) || v <= 0) {
      throw new Error(`instrumentation ${where}: ${lang}.resources.${name} ${v} is invalid; use a positive integer`);
    }
    return true;
  };
  if (check('cpuRequestMillis', r.cpuRequestMillis)) requests.cpu = millicores(r.cpuRequestMillis);
  if (check('memoryRequestMiB', r.memoryRequestMiB)) requests.memory = mebibytes(r.memoryRequestMiB);
  if (check('cpuLimitMillis', r.cpuLimitMillis)) limits.cpu = millicores(r.cpuLimitMillis);
  if (check('memoryLimitMiB', r.memoryLimitMiB)) limits.memory = mebibytes(r.memoryLimitMiB);
  if (r.cpuRequestMillis && r.cpuLimitMillis && r.cpuLimitMillis < r.cpuRequestMillis) {
    throw new Error(`instrumentation ${where}: ${lang}.resources cpuLimitMillis ${r.cpuLimitMillis} is below cpuRequestMillis ${r.cpuRequestMillis}; raise the limit`);
  }
  if (r.memoryRequestMiB && r.memoryLimitMiB && r.memoryLimitMiB < r.memoryRequestMiB) {
    throw new Error(`instrumentation ${where}: ${lang}.resources memoryLimitMiB ${r.memoryLimitMiB} is below memoryRequestMiB ${r.memoryRequestMiB}; raise the limit`);
  }
  const out: Record<string, Record<string, string>> = {};
  if (Object.keys(limits).length > 0) out.limits = limits;
  if (Object.keys(requests).length > 0) out.requests = requests;
  return out;
}

function attrsSpec(where: string, lang: string, attrs: Record<string, string>): Array<{ name: string; value: string }> {
  return Object.entries(attrs).map(([name, value]) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
      throw new Error(`instrumentation ${where}: ${lang}.attrs "${name}" is not a module directive name; use e.g. NginxModuleOtelMaxQueueSize`);
    }
    return { name, value };
  });
}

function languageBlock(where: string, lang: InstrumentationLanguage, opts: LanguageOptions | undefined): Record<string, any> {
  const block: Record<string, any> = {};
  if (!opts) return block;
  if (opts.image !== undefined) {
    checkPinnedImage(`instrumentation ${where}: ${lang}`, opts.image);
    block.image = opts.image;
  }
  let env = envToJson(opts.env ?? [], lang);
  if (opts.logCorrelation) {
    const vars = LOG_CORRELATION_ENV[lang];
    if (!vars) {
      throw new Error(
        `instrumentation ${where}: ${lang}.logCorrelation is not supported by the ${lang} agent; turn it off (supported: ${Object.keys(LOG_CORRELATION_ENV).join(', ')})`,
      );
    }
    for (const v of vars) {
      const existing = env.find((e) => e.name === v.name);
      if (existing && existing.value !== v.value) {
        throw new Error(`instrumentation ${where}: ${lang}.env ${v.name}=${existing.value} contradicts logCorrelation: true; remove one of them`);
      }
      if (!existing) env = [...env, { ...v }];
    }
  }
  if (env.length > 0) block.env = env;
  if (opts.resources) {
    const r = resourcesSpec(where, lang, opts.resources);
    // Upstream quirk: Java calls it `resources`, every other language `resourceRequirements`.
    if (Object.keys(r).length > 0) block[lang === 'java' ? 'resources' : 'resourceRequirements'] = r;
  }
  if (opts.volumeSizeLimitMiB !== undefined) {
    if (!Number.isInteger(opts.volumeSizeLimitMiB) || opts.volumeSizeLimitMiB <= 0) {
      throw new Error(`instrumentation ${where}: ${lang}.volumeSizeLimitMiB ${opts.volumeSizeLimitMiB} is invalid; use a positive integer`);
    }
    block.volumeLimitSize = mebibytes(opts.volumeSizeLimitMiB);
  }
  if (lang === 'java') {
    const ext = (opts as JavaOptions).extensions;
    if (ext) block.extensions = ext.map((e) => ({ image: e.image, dir: e.dir }));
  }
  if (lang === 'nginx') {
    const n = opts as NginxOptions;
    if (n.configFile !== undefined) {
      if (!/^\/[A-Za-z0-9._/-]*$/.test(n.configFile)) {
        throw new Error(`instrumentation ${where}: nginx.configFile "${n.configFile}" is invalid; use an absolute path of letters, digits, ".", "_", "-"`);
      }
      block.configFile = n.configFile;
    }
    if (n.attrs) block.attrs = attrsSpec(where, lang, n.attrs);
  }
  if (lang === 'apacheHttpd') {
    const a = opts as ApacheHttpdOptions;
    if (a.version !== undefined) {
      if (a.version !== '2.2' && a.version !== '2.4') {
        throw new Error(`instrumentation ${where}: apacheHttpd.version "${a.version}" is not supported; use 2.2 or 2.4`);
      }
      block.version = a.version;
    }
    if (a.configPath !== undefined) {
      if (!/^\/[A-Za-z0-9._/-]*$/.test(a.configPath)) {
        throw new Error(`instrumentation ${where}: apacheHttpd.configPath "${a.configPath}" is invalid; use an absolute path of letters, digits, ".", "_", "-"`);
      }
      block.configPath = a.configPath;
    }
    if (a.attrs) block.attrs = attrsSpec(where, lang, a.attrs);
  }
  return block;
}
