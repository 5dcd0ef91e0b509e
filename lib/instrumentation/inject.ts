import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { isDns1123Label, isDns1123Subdomain } from '../common/k8s-names';
import type * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import { Instrumentation, InstrumentationLanguage } from './instrumentation';

/** Prefix of every operator injection annotation. */
export const ANNOTATION_PREFIX = 'instrumentation.opentelemetry.io/';
/** Common container-names annotation. */
export const CONTAINER_NAMES_ANNOTATION = `${ANNOTATION_PREFIX}container-names`;
/** Go target executable annotation. */
export const GO_TARGET_EXE_ANNOTATION = `${ANNOTATION_PREFIX}otel-go-auto-target-exe`;
/** Pod Security Admission enforce label. */
export const PSA_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Annotation names per language (nginx's container-names annotation keeps its upstream `inject-` prefix). */
export const LANGUAGE_ANNOTATIONS: Readonly<Record<InstrumentationLanguage, { inject: string; containerNames: string }>> = {
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

/** One language to inject, enum-like: `InjectLanguage.java()`, `InjectLanguage.go({ targetExe })`. */
export class InjectLanguage {
  /** Java agent (`inject-java`); SDK exports OTLP/HTTP (4318). */
  public static java(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('java', options.containerNames);
  }
  /** Node.js auto-instrumentation (`inject-nodejs`); the operator image exports OTLP/HTTP (4318). */
  public static nodejs(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('nodejs', options.containerNames);
  }
  /** Python auto-instrumentation (`inject-python`); OTLP/HTTP (4318). `platform` picks the glibc or musl build. */
  public static python(options: PythonInjectionOptions = {}): InjectLanguage {
    const extra: Record<string, string> = {};
    if (options.platform !== undefined) {
      if (options.platform !== 'glibc' && options.platform !== 'musl') {
        throw new Error(`inject python: platform "${options.platform}" is not supported; use glibc or musl`);
      }
      extra[`${ANNOTATION_PREFIX}otel-python-platform`] = options.platform;
    }
    return new InjectLanguage('python', options.containerNames, extra);
  }
  /** .NET auto-instrumentation (`inject-dotnet`); OTLP/HTTP (4318). `runtime` picks linux-x64 or linux-musl-x64. */
  public static dotnet(options: DotnetInjectionOptions = {}): InjectLanguage {
    const extra: Record<string, string> = {};
    if (options.runtime !== undefined) {
      if (options.runtime !== 'linux-x64' && options.runtime !== 'linux-musl-x64') {
        throw new Error(`inject dotnet: runtime "${options.runtime}" is not supported; use linux-x64 or linux-musl-x64`);
      }
      extra[`${ANNOTATION_PREFIX}otel-dotnet-auto-runtime`] = options.runtime;
    }
    return new InjectLanguage('dotnet', options.containerNames, extra);
  }
  /** Go (eBPF): needs the operator's Go switch and a namespace that admits privileged pods. */
  /** Go eBPF auto-instrumentation (`inject-go`): needs the operator's Go switch, `targetExe`, and a namespace allowing privileged pods. */
  public static go(options: GoInjectionOptions): InjectLanguage {
    const exe = options?.targetExe;
    if (!exe || !exe.startsWith('/') || /\s/.test(exe)) {
      throw new Error(
        `inject go: targetExe "${exe ?? ''}" is missing or not an absolute path; pass the path of the Go binary in the container, e.g. { targetExe: '/app/server' }`,
      );
    }
    return new InjectLanguage('go', options.containerNames, { [GO_TARGET_EXE_ANNOTATION]: exe });
  }
  /** Apache httpd module (`inject-apache-httpd`). */
  public static apacheHttpd(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('apacheHttpd', options.containerNames);
  }
  /** nginx module (`inject-nginx`; container names use upstream's `inject-nginx-container-names` key). */
  public static nginx(options: LanguageInjectionOptions = {}): InjectLanguage {
    return new InjectLanguage('nginx', options.containerNames);
  }

  private constructor(
    public readonly language: InstrumentationLanguage,
    public readonly containerNames: string[] | undefined,
    public readonly extraAnnotations: Record<string, string> = {},
  ) {}
}

/** Something `inject` can annotate. */
export type InjectTarget = kplus.AbstractPod | kplus.Namespace | ApiObject;

/** Options of `inject`. */
export interface InjectOptions {
  /** Languages to inject. */
  readonly languages: InjectLanguage[];
  /**
   * The Instrumentation to use: a construct, or the name (`name` / `ns/name`) of one defined
   * elsewhere. Same namespace -> `"name"`, other namespace -> `"ns/name"`.
   * @default - `"true"`: the only Instrumentation of the target's namespace (checked at synth)
   */
  readonly instrumentation?: Instrumentation | string;
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

function resolveTarget(target: InjectTarget): Resolved {
  const chartNs = (c: IConstruct): string | undefined => Chart.of(c).namespace;
  if (!(target instanceof ApiObject)) return resolvePlusTarget(target, chartNs);
  return resolveApiObjectTarget(target);
}

/**
 * cdk8s-plus-28, loaded on first use: it costs ~30 ms to load, and a program that injects into
 * plain ApiObjects (or never injects) does not need it. A cdk8s-plus construct can only be
 * passed in by a program that loaded the module already.
 */
function cdk8sPlus(): typeof import('cdk8s-plus-28') {
  return require('cdk8s-plus-28');
}

function resolvePlusTarget(target: kplus.AbstractPod | kplus.Namespace, chartNs: (c: IConstruct) => string | undefined): Resolved {
  const plus = cdk8sPlus();
  if (target instanceof plus.Namespace) {
    return {
      kind: 'namespace',
      namespace: target.name,
      addAnnotation: (k, v) => target.metadata.addAnnotation(k, v),
      containers: () => undefined,
      description: `Namespace ${target.name}`,
    };
  }
  if (target instanceof plus.AbstractPod) {
    return {
      kind: 'pod-template',
      namespace: target.metadata.namespace ?? chartNs(target) ?? 'default',
      addAnnotation: (k, v) => target.podMetadata.addAnnotation(k, v),
      containers: () => target.containers.map((c) => c.name),
      description: `${target.constructor.name} ${target.name}`,
    };
  }
  throw new Error('inject: target is not a cdk8s-plus workload, a Namespace or an ApiObject with a pod template');
}

function resolveApiObjectTarget(target: ApiObject): Resolved {
  if (target.kind === 'Namespace') {
    return {
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
  const langs = options.languages ?? [];
  if (langs.length === 0) {
    throw new Error(`inject into ${t.description}: no languages given; pass languages: [InjectLanguage.java(), ...]`);
  }
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
  } else if (inst instanceof Instrumentation) {
    const instNs = inst.namespace ?? 'default';
    value = instNs === t.namespace ? inst.name : `${instNs}/${inst.name}`;
  } else {
    if (!isInstrumentationRef(inst)) {
      throw new Error(
        `inject into ${t.description}: instrumentation "${inst}" is not "name" or "namespace/name"; pass the Instrumentation construct or its name`,
      );
    }
    value = inst;
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
  if (inst instanceof Instrumentation && inst.node.root === node.root) {
    node.addDependency(inst);
  }
  node.addValidation({
    validate: () => {
      const errors: string[] = [];
      if (value === 'true') {
        const found = Instrumentation.findAll(target as any).filter((i) => (i.namespace ?? 'default') === t.namespace);
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
      return errors;
    },
  });
}

function goChecks(target: InjectTarget, t: Resolved, options: InjectOptions): string[] {
  const errors: string[] = [];
  const fromInst = options.instrumentation instanceof Instrumentation ? options.instrumentation.operator : undefined;
  const operators = options.operator ? [options.operator] : fromInst ? [fromInst] : OpenTelemetryOperator.findAll(target as IConstruct);
  if (operators.length === 0) {
    errors.push(
      `inject go into ${t.description}: no OpenTelemetryOperator in the app to check the Go switch; add one ` +
        '(OperatorManifestSource.external() with goInstrumentation: true for an existing install) or pass operator',
    );
  } else if (!operators.some((o) => o.goInstrumentation)) {
    errors.push(
      `inject go into ${t.description}: the operator's Go auto-instrumentation is off; set goInstrumentation: true on the OpenTelemetryOperator`,
    );
  }
  let level: string | undefined = options.namespacePodSecurity;
  let source = 'namespacePodSecurity';
  if (level === undefined) {
    const ns = (target as IConstruct).node.root.node
      .findAll()
      .find(
        (c): c is ApiObject | kplus.Namespace =>
          (c instanceof ApiObject && c.kind === 'Namespace' && c.name === t.namespace) ||
          (!(c instanceof ApiObject) && c instanceof cdk8sPlus().Namespace && (c as kplus.Namespace).name === t.namespace),
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
