import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { optInstance, optList, optOneOf, propsObject, reqString } from '../common/guards';
import { isDns1123Label, isDns1123Subdomain } from '../common/k8s-names';
import { addValidationOncePerPass } from '../common/validation-pass';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import { findInstrumentations, IInstrumentation, InstrumentationLanguage, isInstrumentation } from './instrumentation-ref';

/** Prefix of every operator injection annotation. */
export const ANNOTATION_PREFIX = 'instrumentation.opentelemetry.io/';
/** Common container-names annotation. */
export const CONTAINER_NAMES_ANNOTATION = `${ANNOTATION_PREFIX}container-names`;
/** Go target executable annotation. */
export const GO_TARGET_EXE_ANNOTATION = `${ANNOTATION_PREFIX}otel-go-auto-target-exe`;
/** Pod Security Admission enforce label. */
export const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** What an `InjectLanguage` injects: a language agent, or `sdk` (the SDK env only, for apps built with an OTel SDK). */
export type InjectedLanguage = InstrumentationLanguage | 'sdk';

/** Annotation names per language (nginx's container-names annotation keeps its upstream `inject-` prefix). */
export const LANGUAGE_ANNOTATIONS: Readonly<Record<InjectedLanguage, { inject: string; containerNames: string }>> = {
  sdk: { inject: 'inject-sdk', containerNames: 'sdk-container-names' },
  java: { inject: 'inject-java', containerNames: 'java-container-names' },
  nodejs: { inject: 'inject-nodejs', containerNames: 'nodejs-container-names' },
  python: { inject: 'inject-python', containerNames: 'python-container-names' },
  dotnet: { inject: 'inject-dotnet', containerNames: 'dotnet-container-names' },
  go: { inject: 'inject-go', containerNames: 'go-container-names' },
  apacheHttpd: { inject: 'inject-apache-httpd', containerNames: 'apache-httpd-container-names' },
  nginx: { inject: 'inject-nginx', containerNames: 'inject-nginx-container-names' },
};

/** Options of a language injection. */
export interface LanguageInjectionOptions {
  /**
   * Containers to instrument with this language.
   * @default - the common `containerNames`, or the first container
   */
  readonly containerNames?: string[];
}

/** Options of a Go injection. */
export interface GoInjectionOptions extends LanguageInjectionOptions {
  /** Absolute path of the Go executable to instrument (`otel-go-auto-target-exe`). */
  readonly targetExe: string;
}

/** Options of a Python injection. */
export interface PythonInjectionOptions extends LanguageInjectionOptions {
  /**
   * C library of the image.
   * @default 'glibc'
   */
  readonly platform?: 'glibc' | 'musl';
}

/** Options of a .NET injection. */
export interface DotnetInjectionOptions extends LanguageInjectionOptions {
  /**
   * Runtime identifier of the image.
   * @default 'linux-x64'
   */
  readonly runtime?: 'linux-x64' | 'linux-musl-x64';
}

const WHERE = (lang: string) => `inject ${lang}`;

function languageOptions(lang: string, options: unknown, extraKeys: readonly string[] = []): { containerNames?: string[] } & Record<string, unknown> {
  const o = propsObject<Record<string, unknown>>(WHERE(lang), options, ['containerNames', ...extraKeys]);
  return { ...o, containerNames: optList(WHERE(lang), 'containerNames', o.containerNames, (v, p) => reqString(WHERE(lang), p, v, 'pass container names'), 'pass a list of container names') };
}

/** One language to inject, enum-like: `InjectLanguage.java()`, `InjectLanguage.go({ targetExe })`. */
export class InjectLanguage {
  /**
   * The OpenTelemetry SDK environment only (`inject-sdk`: exporter endpoint, service name, resource
   * attributes, propagators, sampler), for apps built with an OTel SDK themselves (e.g. Go with
   * `go.opentelemetry.io/otel`). No agent is added. SDKs default to OTLP/HTTP; use an Instrumentation
   * whose endpoint matches the protocol the app uses.
   */
  public static sdk(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('sdk', languageOptions('sdk', options).containerNames);
  }
  /** Java agent (`inject-java`); SDK exports OTLP/HTTP (4318). */
  public static java(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('java', languageOptions('java', options).containerNames);
  }
  /** Node.js auto-instrumentation (`inject-nodejs`); the operator image exports OTLP/HTTP (4318). */
  public static nodejs(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('nodejs', languageOptions('nodejs', options).containerNames);
  }
  /** Python auto-instrumentation (`inject-python`); OTLP/HTTP (4318). `platform` picks the glibc or musl build. */
  public static python(options: PythonInjectionOptions = {}): InjectLanguage {
    const o = languageOptions('python', options, ['platform']);
    const platform = optOneOf(WHERE('python'), 'platform', o.platform, ['glibc', 'musl'] as const);
    const extra: Record<string, string> = {};
    if (platform !== undefined) extra[`${ANNOTATION_PREFIX}otel-python-platform`] = platform;
    return new InjectLanguage('python', o.containerNames, extra);
  }
  /** .NET auto-instrumentation (`inject-dotnet`); OTLP/HTTP (4318). `runtime` picks linux-x64 or linux-musl-x64. */
  public static dotnet(options: DotnetInjectionOptions = {}): InjectLanguage {
    const o = languageOptions('dotnet', options, ['runtime']);
    const runtime = optOneOf(WHERE('dotnet'), 'runtime', o.runtime, ['linux-x64', 'linux-musl-x64'] as const);
    const extra: Record<string, string> = {};
    if (runtime !== undefined) extra[`${ANNOTATION_PREFIX}otel-dotnet-auto-runtime`] = runtime;
    return new InjectLanguage('dotnet', o.containerNames, extra);
  }
  /** Go eBPF auto-instrumentation (`inject-go`): needs the operator's Go switch, `targetExe`, and a namespace allowing privileged pods. */
  public static go(options: GoInjectionOptions): InjectLanguage {
    const o = languageOptions('go', options ?? ({} as GoInjectionOptions), ['targetExe']);
    const exe = o.targetExe;
    if (typeof exe !== 'string' || !exe.startsWith('/') || /\s/.test(exe)) {
      throw new Error(
        `inject go: targetExe ${JSON.stringify(exe ?? '')} is missing or not an absolute path; pass the path of the Go binary in the container, e.g. { targetExe: '/app/server' }`,
      );
    }
    return new InjectLanguage('go', o.containerNames, { [GO_TARGET_EXE_ANNOTATION]: exe });
  }
  /** Apache httpd module (`inject-apache-httpd`). */
  public static apacheHttpd(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('apacheHttpd', languageOptions('apacheHttpd', options).containerNames);
  }
  /** nginx module (`inject-nginx`; container names use upstream's `inject-nginx-container-names` key); needs the operator's nginx switch. */
  public static nginx(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('nginx', languageOptions('nginx', options).containerNames);
  }

  private constructor(
    /** What is injected (a language agent, or `sdk`). */
    public readonly language: InjectedLanguage,
    /** The containers it is injected into (`undefined`: the common list, or the first container). */
    public readonly containerNames: string[] | undefined,
    /** Further annotations it sets (Go's target executable, Python's platform, .NET's runtime). */
    public readonly extraAnnotations: Record<string, string> = {},
  ) {}
}

/** The metadata of a cdk8s-plus resource (any major), as injection uses it. */
export interface IResourceMetadataLike {
  /** Adds an annotation. */
  addAnnotation(key: string, value: string): void;
  /** Reads a label. */
  getLabel(key: string): string | undefined;
  /** Namespace, when set. */
  readonly namespace?: string;
}

/** A cdk8s-plus resource of any major (cdk8s-plus-28 ... -33): kind, name and metadata. */
export interface IKubeResourceLike extends IConstruct {
  /** Object kind, e.g. `Deployment` or `Namespace`. */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /** Its metadata. */
  readonly metadata: IResourceMetadataLike;
}

/** A cdk8s-plus workload of any major (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod): a pod template and containers. */
export interface IPodTemplateLike extends IKubeResourceLike {
  /** Metadata of the pod template. */
  readonly podMetadata: { addAnnotation(key: string, value: string): void };
  /** The containers of the pod template. */
  readonly containers: ReadonlyArray<{ readonly name: string }>;
}

/**
 * Something `inject` can annotate: a cdk8s-plus workload or Namespace of any major we support (seen
 * structurally, so no cdk8s-plus major is imported), or an ApiObject with a pod template (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, ReplicationController, Pod) or of kind Namespace.
 */
export type InjectTarget = ApiObject | IPodTemplateLike | IKubeResourceLike;

/** Options of `inject`. */
export interface InjectOptions {
  /** Languages to inject. */
  readonly languages: InjectLanguage[];
  /**
   * The Instrumentation to use: a construct, or the name (`name` / `ns/name`) of one defined
   * elsewhere. Same namespace -> `"name"`, other namespace -> `"ns/name"`.
   * @default - `"true"`: the only Instrumentation of the target's namespace (checked at synth)
   */
  readonly instrumentation?: IInstrumentation | string;
  /**
   * Containers to instrument, for a single language (never together with per-language lists).
   * @default - the first container of the pod
   */
  readonly containerNames?: string[];
  /**
   * The operator (checked for Go).
   * @default - the instrumentation's operator, else the one in the app
   */
  readonly operator?: OpenTelemetryOperator;
  /**
   * Pod Security level enforced in the target's namespace when that Namespace is not in the app
   * (Go needs `privileged`).
   * @default - read from the Namespace object in the app
   */
  readonly namespacePodSecurity?: 'privileged' | 'baseline' | 'restricted';
}

interface Resolved {
  /** The target construct (languages injected into it are remembered per construct). */
  key: object;
  kind: 'pod-template' | 'namespace';
  /** Namespace whose Instrumentations the operator searches. */
  namespace: string;
  addAnnotation(key: string, value: string): void;
  containers(): string[] | undefined;
  description: string;
}

const TEMPLATE_PATHS: Record<string, string> = {
  Deployment: '/spec/template',
  StatefulSet: '/spec/template',
  DaemonSet: '/spec/template',
  ReplicaSet: '/spec/template',
  Job: '/spec/template',
  ReplicationController: '/spec/template',
  CronJob: '/spec/jobTemplate/spec/template',
};

function get(obj: any, pointer: string): any {
  return pointer
    .split('/')
    .filter(Boolean)
    .reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Languages injected into each target so far (a WeakMap: it goes with the construct tree). */
const INJECTED = new WeakMap<object, Array<{ language: InjectedLanguage; containerNames?: string[] }>>();

function resolveTarget(target: InjectTarget): Resolved {
  if (target instanceof ApiObject) return resolveApiObjectTarget(target);
  const t = target as Partial<IPodTemplateLike> | null | undefined;
  const chartNs = (c: IConstruct): string | undefined => Chart.of(c).namespace;
  if (t && typeof t.podMetadata?.addAnnotation === 'function' && Array.isArray(t.containers) && t.node) {
    const w = t as IPodTemplateLike;
    return {
      key: w,
      kind: 'pod-template',
      namespace: w.metadata?.namespace ?? chartNs(w) ?? 'default',
      addAnnotation: (k, v) => w.podMetadata.addAnnotation(k, v),
      containers: () => w.containers.map((c) => c.name),
      description: `${w.kind ?? w.constructor?.name} ${w.name}`,
    };
  }
  if (t && t.kind === 'Namespace' && typeof t.metadata?.addAnnotation === 'function' && t.node) {
    const n = t as IKubeResourceLike;
    return {
      key: n,
      kind: 'namespace',
      namespace: n.name,
      addAnnotation: (k, v) => n.metadata.addAnnotation(k, v),
      containers: () => undefined,
      description: `Namespace ${n.name}`,
    };
  }
  throw new Error(
    `inject: target ${target === null ? 'null' : typeof target === 'object' ? ((target as any).constructor?.name ?? 'object') : JSON.stringify(target)} is not a workload with a pod template, a Namespace or an ApiObject; pass a cdk8s-plus workload (Deployment, StatefulSet, ...), a Namespace, or an ApiObject with a pod template`,
  );
}

function resolveApiObjectTarget(target: ApiObject): Resolved {
  if (target.kind === 'Namespace') {
    return {
      key: target,
      kind: 'namespace',
      namespace: target.name,
      addAnnotation: (k, v) => target.metadata.addAnnotation(k, v),
      containers: () => undefined,
      description: `Namespace ${target.name}`,
    };
  }
  const ns = target.metadata.namespace ?? 'default';
  if (target.kind === 'Pod') {
    return {
      key: target,
      kind: 'pod-template',
      namespace: ns,
      addAnnotation: (k, v) => target.metadata.addAnnotation(k, v),
      containers: () => (get(target.toJson(), '/spec/containers') ?? []).map((c: any) => c.name),
      description: `Pod ${target.name}`,
    };
  }
  const base = TEMPLATE_PATHS[target.kind];
  if (!base) {
    throw new Error(
      `inject: ${target.kind} ${target.name} has no pod template; inject into a Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod or Namespace`,
    );
  }
  return {
    key: target,
    kind: 'pod-template',
    namespace: ns,
    addAnnotation: (k, v) => {
      // The pod template's metadata (never the workload's), created when absent.
      const json = target.toJson();
      if (get(json, base) === undefined) {
        throw new Error(`inject: ${target.kind} ${target.name} has no ${base}; define the pod template before injecting`);
      }
      if (get(json, `${base}/metadata`) === undefined) target.addJsonPatch(JsonPatch.add(`${base}/metadata`, {}));
      if (get(json, `${base}/metadata/annotations`) === undefined) {
        target.addJsonPatch(JsonPatch.add(`${base}/metadata/annotations`, {}));
      }
      target.addJsonPatch(JsonPatch.add(`${base}/metadata/annotations/${escapeKey(k)}`, v));
    },
    containers: () => (get(target.toJson(), `${base}/spec/containers`) ?? []).map((c: any) => c.name),
    description: `${target.kind} ${target.name}`,
  };
}

/** `name` or `namespace/name` of an Instrumentation (not the reserved `true`/`false`). */
function isInstrumentationRef(v: unknown): boolean {
  if (typeof v !== 'string' || v === 'true' || v === 'false') return false;
  const parts = v.split('/');
  return parts.length === 1 ? isDns1123Subdomain(parts[0]) : parts.length === 2 && isDns1123Label(parts[0]) && isDns1123Subdomain(parts[1]);
}

/**
 * Turns on auto-instrumentation for `target`: annotations on the pod template (not the workload
 * metadata) or on a Namespace. Eager errors for bad combinations; checks needing the whole app
 * (which Instrumentation "true" resolves to, Go's operator switch and Pod Security level,
 * container names) run at synth through `node.addValidation`.
 */
export function inject(target: InjectTarget, options: InjectOptions): void {
  const t = resolveTarget(target);
  const where = `inject into ${t.description}`;
  options = propsObject<InjectOptions>(where, options, ['languages', 'instrumentation', 'containerNames', 'operator', 'namespacePodSecurity'], false);
  const langs = optList(where, 'languages', options.languages, (v, p) => optInstance(where, p, v, InjectLanguage, 'InjectLanguage.java(), InjectLanguage.nodejs(), ...')!, 'pass a list of InjectLanguage') ?? [];
  if (langs.length === 0) {
    throw new Error(`inject into ${t.description}: no languages given; pass languages: [InjectLanguage.java(), ...]`);
  }
  optList(where, 'containerNames', options.containerNames, (v, p) => reqString(where, p, v, 'pass container names'), 'pass a list of container names');
  optInstance(where, 'operator', options.operator, OpenTelemetryOperator, 'new OpenTelemetryOperator(...) (or the stack\'s operator)');
  optOneOf(where, 'namespacePodSecurity', options.namespacePodSecurity, ['privileged', 'baseline', 'restricted'] as const);
  const names = langs.map((l) => l.language);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) {
    throw new Error(`inject into ${t.description}: language ${dup} is listed twice; list each language once`);
  }
  const perLanguage = langs.filter((l) => l.containerNames !== undefined);
  if (options.containerNames !== undefined && perLanguage.length > 0) {
    throw new Error(
      `inject into ${t.description}: containerNames and per-language containerNames (${perLanguage.map((l) => l.language).join(', ')}) are both set; ` +
        'use the common list for one language, or per-language lists, never both',
    );
  }
  if (langs.length > 1 && perLanguage.length !== langs.length) {
    const missing = langs.filter((l) => l.containerNames === undefined).map((l) => l.language);
    throw new Error(
      `inject into ${t.description}: several languages (${names.join(', ')}) need a containerNames list each; missing for ${missing.join(', ')}`,
    );
  }
  // languages injected into this target by earlier calls: one language per container, so a second
  // language needs container names on both (the operator would put both into the first container)
  const earlier = INJECTED.get(t.key) ?? [];
  const combined = [...earlier, ...langs.map((l) => ({ language: l.language, containerNames: l.containerNames ?? options.containerNames }))];
  const already = combined.find((c, i) => combined.findIndex((o) => o.language === c.language) !== i);
  if (earlier.length && already) {
    throw new Error(`${where}: ${already.language} is already injected into it by an earlier call; inject each language once`);
  }
  if (combined.length > 1 && combined.some((c) => c.containerNames === undefined)) {
    const missing = combined.filter((c) => c.containerNames === undefined).map((c) => c.language);
    throw new Error(
      `${where}: ${combined.map((c) => c.language).join(' and ')} would both be injected${earlier.length ? ' (over several calls)' : ''}, and ${missing.join(', ')} has no container names, so the operator would put them into the same container; give each language its containerNames`,
    );
  }
  INJECTED.set(t.key, combined);
  const allNames = [...(options.containerNames ?? []), ...perLanguage.flatMap((l) => l.containerNames!)];
  for (const n of allNames) {
    if (!isDns1123Label(n)) {
      throw new Error(`inject into ${t.description}: container name "${n}" is not a valid container name (lowercase DNS label)`);
    }
  }
  for (const l of perLanguage) {
    if (l.containerNames!.length === 0) {
      throw new Error(`inject into ${t.description}: ${l.language} containerNames is empty; list at least one container or omit it`);
    }
    const other = perLanguage.find((o) => o !== l && o.containerNames!.some((c) => l.containerNames!.includes(c)));
    if (other) {
      const c = other.containerNames!.find((x) => l.containerNames!.includes(x));
      throw new Error(`inject into ${t.description}: container "${c}" is listed for both ${l.language} and ${other.language}; a container gets one language`);
    }
  }
  if (t.kind === 'namespace') {
    if (allNames.length > 0) {
      throw new Error(
        `inject into ${t.description}: container names only work on a pod template; inject into the workloads instead of the namespace`,
      );
    }
    if (names.includes('go')) {
      throw new Error(
        `inject into ${t.description}: go needs a per-workload target executable; inject go into each workload, not the namespace`,
      );
    }
  }

  // Which Instrumentation: "true", "name" or "ns/name".
  let value: string;
  const inst = options.instrumentation;
  if (inst === undefined) {
    value = 'true';
  } else if (isInstrumentation(inst)) {
    const instNs = inst.namespace ?? 'default';
    value = instNs === t.namespace ? inst.name : `${instNs}/${inst.name}`;
  } else {
    if (!isInstrumentationRef(inst)) {
      throw new Error(
        `inject into ${t.description}: instrumentation ${JSON.stringify(inst)} is not an Instrumentation construct, "name" or "namespace/name"; pass the Instrumentation construct or its name`,
      );
    }
    value = inst as string;
  }

  for (const l of langs) {
    const a = LANGUAGE_ANNOTATIONS[l.language];
    t.addAnnotation(ANNOTATION_PREFIX + a.inject, value);
    if (l.containerNames !== undefined) t.addAnnotation(ANNOTATION_PREFIX + a.containerNames, l.containerNames.join(','));
    for (const [k, v] of Object.entries(l.extraAnnotations)) t.addAnnotation(k, v);
  }
  if (options.containerNames !== undefined) {
    if (options.containerNames.length === 0) {
      throw new Error(`inject into ${t.description}: containerNames is empty; list at least one container or omit it`);
    }
    t.addAnnotation(CONTAINER_NAMES_ANNOTATION, options.containerNames.join(','));
  }

  const node = (target as IConstruct).node;
  // Injection happens at pod creation: the Instrumentation must be applied before the pods.
  if (isInstrumentation(inst) && inst.node.root === node.root) {
    node.addDependency(inst);
  }
  const check = (): string[] => {
    const errors: string[] = [];
    if (value === 'true') {
      const found = findInstrumentations(target as IConstruct).filter((i) => (i.namespace ?? 'default') === t.namespace);
      if (found.length !== 1) {
        errors.push(
          `inject into ${t.description}: "true" needs exactly one Instrumentation in namespace ${t.namespace}, found ${found.length}` +
            (found.length > 0 ? ` (${found.map((i) => i.name).join(', ')})` : '') +
            '; pass instrumentation: <the one to use>',
        );
      }
    }
    const containers = t.containers();
    if (containers) {
      for (const n of allNames) {
        if (!containers.includes(n)) {
          errors.push(`inject into ${t.description}: container "${n}" does not exist (containers: ${containers.join(', ') || 'none'})`);
        }
      }
    }
    if (names.includes('go')) errors.push(...goChecks(target, t, options));
    if (names.includes('nginx')) errors.push(...switchCheck('nginx', operatorsFor(target, options), t));
    return errors;
  };
  addValidationOncePerPass(node, check);
}

/** The operators an injection is checked against: the given one, the Instrumentation's, else those in the app. */
function operatorsFor(target: InjectTarget, options: InjectOptions): OpenTelemetryOperator[] {
  const fromInst = isInstrumentation(options.instrumentation) ? options.instrumentation.operator : undefined;
  return options.operator ? [options.operator] : fromInst ? [fromInst] : OpenTelemetryOperator.findAll(target as IConstruct);
}

/** Go and nginx injection need the operator's switch for that language (Go's is off by default). */
function switchCheck(lang: 'go' | 'nginx', operators: OpenTelemetryOperator[], t: Resolved): string[] {
  const prop = lang === 'go' ? 'goInstrumentation' : 'nginxInstrumentation';
  const label = lang === 'go' ? 'Go' : 'nginx';
  if (operators.length === 0) {
    return [
      `inject ${lang} into ${t.description}: no OpenTelemetryOperator in the app to check the ${label} switch; add one ` +
        `(StackOperator.external({ ${prop}: true }) or OperatorManifestSource.external() for an existing install) or pass operator`,
    ];
  }
  if (!operators.some((o) => o[prop])) {
    return [`inject ${lang} into ${t.description}: the operator's ${label} auto-instrumentation is off; set ${prop}: true on the OpenTelemetryOperator`];
  }
  return [];
}

function goChecks(target: InjectTarget, t: Resolved, options: InjectOptions): string[] {
  const errors: string[] = switchCheck('go', operatorsFor(target, options), t);
  let level: string | undefined = options.namespacePodSecurity;
  let source = 'namespacePodSecurity';
  if (level === undefined) {
    const ns = (target as IConstruct).node.root.node
      .findAll()
      .find(
        (c): c is ApiObject | IKubeResourceLike =>
          (c instanceof ApiObject && c.kind === 'Namespace' && c.name === t.namespace) ||
          (!(c instanceof ApiObject) && (c as IKubeResourceLike).kind === 'Namespace' && (c as IKubeResourceLike).name === t.namespace && typeof (c as IKubeResourceLike).metadata?.getLabel === 'function'),
      );
    if (ns) {
      level = ns.metadata.getLabel(PSA_ENFORCE_LABEL);
      source = `Namespace ${t.namespace} label ${PSA_ENFORCE_LABEL}`;
    }
  }
  if (level !== 'privileged') {
    errors.push(
      `inject go into ${t.description}: the Go agent runs a privileged sidecar, but the Pod Security level of namespace ${t.namespace} is ` +
        `${level ?? 'unknown'} (${level === undefined ? 'no Namespace in the app and no namespacePodSecurity' : source}); ` +
        `label the namespace ${PSA_ENFORCE_LABEL}=privileged (or pass namespacePodSecurity: 'privileged' if it already is)`,
    );
  }
  return errors;
}
