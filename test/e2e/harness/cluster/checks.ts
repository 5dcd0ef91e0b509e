/**
 * What the e2e tests check on the live cluster, as data: the in-cluster endpoints our manifests name,
 * the Pods each workload should have, and what the operator's pod webhook must have injected into a
 * Pod for each language (names and paths of operator v0.153.0 = v0.158.0 for these).
 */
import { parse } from 'yaml';
import { findConfigs } from '../emitted';
import { KObject } from './client';

/** An endpoint our manifests name. */
export interface NamedEndpoint {
  /** Where it is named, e.g. `Instrumentation observability/tracing spec.java.env OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly from: string;
  readonly raw: string;
  readonly host: string;
  readonly port: number;
  /** `<svc>.<ns>.svc[.cluster.local]`: the Service and namespace. */
  readonly service?: { readonly name: string; readonly namespace: string };
  /** `$(OTEL_NODE_IP)` and the like: the node's address (hostPort delivery). */
  readonly nodeAddress?: boolean;
}

/** Parses `scheme://host:port[/path]` or `host:port`. */
export function parseEndpoint(raw: string, from: string): NamedEndpoint | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/:]+|\$\([A-Z_]+\)|\$\{[^}]+\}):(\d+)(?:\/.*)?$/.exec(raw.trim());
  if (!m) return undefined;
  const host = m[1];
  const port = Number(m[2]);
  const svc = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?\.?$/.exec(host);
  return {
    from,
    raw,
    host,
    port,
    ...(svc ? { service: { name: svc[1], namespace: svc[2] } } : {}),
    ...(/^\$[({]/.test(host) ? { nodeAddress: true } : {}),
  };
}

/** Every endpoint the Instrumentations and collector configs in `objects` send to. */
export function namedEndpoints(objects: readonly KObject[]): NamedEndpoint[] {
  const out: NamedEndpoint[] = [];
  const add = (raw: unknown, from: string) => {
    if (typeof raw !== 'string') return;
    const e = parseEndpoint(raw, from);
    if (e) out.push(e);
  };
  for (const o of objects.filter((x) => x.kind === 'Instrumentation')) {
    const where = `Instrumentation ${o.metadata.namespace}/${o.metadata.name}`;
    add(o.spec?.exporter?.endpoint, `${where} spec.exporter.endpoint`);
    for (const [lang, block] of Object.entries(o.spec ?? {})) {
      for (const e of (block as any)?.env ?? []) {
        if (e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT' || e.name === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')
          add(e.value, `${where} spec.${lang}.env ${e.name}`);
      }
    }
  }
  for (const c of findConfigs(objects)) {
    for (const [name, exp] of Object.entries<any>(c.config?.exporters ?? {})) {
      add(exp?.endpoint, `${c.where} exporters.${name}.endpoint`);
      const dns = exp?.resolver?.dns;
      if (dns?.hostname)
        add(`${dns.hostname}:${dns.port ?? 4317}`, `${c.where} exporters.${name}.resolver.dns`);
      const k8s = exp?.resolver?.k8s;
      if (k8s?.service) {
        const [svcName, ns] = String(k8s.service).split('.');
        for (const p of k8s.ports ?? [4317])
          add(
            `${svcName}.${ns ?? c.where.split(' ')[1].split('/')[0]}.svc:${p}`,
            `${c.where} exporters.${name}.resolver.k8s`,
          );
      }
    }
  }
  return out;
}

/** The Pods a workload should have with no scheduler and no kubelet (nothing ever becomes Ready). */
export function expectedPods(workload: any, nodes: number): number {
  switch (workload.kind) {
    case 'Deployment':
      return workload.spec.replicas ?? 1;
    case 'StatefulSet': {
      const replicas = workload.spec.replicas ?? 1;
      // OrderedReady waits for pod-0 to be Ready before creating pod-1
      return workload.spec.podManagementPolicy === 'Parallel' ? replicas : Math.min(1, replicas);
    }
    case 'DaemonSet':
      return nodes;
    default:
      throw new Error(`e2e: ${workload.kind} is not a workload kind`);
  }
}

/** Languages of the operator and what injecting each one puts into a Pod. */
export interface LanguageInjection {
  /** Init containers it adds (in order), or the sidecar (Go). */
  readonly initContainers: readonly string[];
  readonly sidecar?: string;
  /** Volume it adds. */
  readonly volume?: string;
  /** Env it sets on the instrumented container: name -> what the value must match. */
  readonly env: Readonly<Record<string, RegExp>>;
  /** Port of OTEL_EXPORTER_OTLP_ENDPOINT: the SDK's default protocol (4318 OTLP/HTTP, 4317 gRPC). */
  readonly otlpPort: number;
  /** The Instrumentation field holding its image. */
  readonly imageField: string;
}

/** Per language, as the operator injects it. */
export const INJECTION: Readonly<Record<string, LanguageInjection>> = {
  java: {
    initContainers: ['opentelemetry-auto-instrumentation-java'],
    volume: 'opentelemetry-auto-instrumentation-java',
    // the agent is mounted per container: /otel-auto-instrumentation-java-<container>
    env: { JAVA_TOOL_OPTIONS: /-javaagent:\/otel-auto-instrumentation-java(-[a-z0-9-]+)?\/javaagent\.jar/ },
    otlpPort: 4318,
    imageField: 'java',
  },
  nodejs: {
    initContainers: ['opentelemetry-auto-instrumentation-nodejs'],
    volume: 'opentelemetry-auto-instrumentation-nodejs',
    env: { NODE_OPTIONS: /--require \/otel-auto-instrumentation-nodejs\/autoinstrumentation\.js/ },
    otlpPort: 4318,
    imageField: 'nodejs',
  },
  python: {
    initContainers: ['opentelemetry-auto-instrumentation-python'],
    volume: 'opentelemetry-auto-instrumentation-python',
    env: {
      PYTHONPATH: /\/otel-auto-instrumentation-python/,
      OTEL_EXPORTER_OTLP_PROTOCOL: /^http\/protobuf$/,
    },
    otlpPort: 4318,
    imageField: 'python',
  },
  dotnet: {
    initContainers: ['opentelemetry-auto-instrumentation-dotnet'],
    volume: 'opentelemetry-auto-instrumentation-dotnet',
    env: { CORECLR_ENABLE_PROFILING: /^1$/, DOTNET_STARTUP_HOOKS: /^\/otel-auto-instrumentation-dotnet\// },
    otlpPort: 4318,
    imageField: 'dotnet',
  },
  go: {
    initContainers: [],
    sidecar: 'opentelemetry-auto-instrumentation',
    env: {},
    otlpPort: 4318,
    imageField: 'go',
  },
  nginx: {
    initContainers: ['otel-agent-source-container-clone', 'otel-agent-attach-nginx'],
    volume: 'otel-nginx-agent',
    env: {},
    otlpPort: 4317,
    imageField: 'nginx',
  },
};

const INJECT_PREFIX = 'instrumentation.opentelemetry.io/';
const LANG_ANNOTATION: Readonly<Record<string, string>> = {
  java: 'inject-java',
  nodejs: 'inject-nodejs',
  python: 'inject-python',
  dotnet: 'inject-dotnet',
  go: 'inject-go',
  nginx: 'inject-nginx',
};
const NAMES_ANNOTATION: Readonly<Record<string, string>> = {
  java: 'java-container-names',
  nodejs: 'nodejs-container-names',
  python: 'python-container-names',
  dotnet: 'dotnet-container-names',
  go: 'go-container-names',
  nginx: 'inject-nginx-container-names',
};

/** What a pod template (plus its namespace's annotations) asks the operator to inject. */
export interface InjectionRequest {
  readonly language: string;
  /** `ns/name` of the Instrumentation (resolved from `true` / `name`). */
  readonly instrumentation: string;
  readonly containers: readonly string[];
  /** Where it was asked: `pod` or `namespace`. */
  readonly level: 'pod' | 'namespace';
  readonly goTargetExe?: string;
}

/** The injection requests of a pod template in namespace `ns` (annotated `nsAnnotations`). */
export function injectionRequests(
  podTemplate: any,
  ns: string,
  nsAnnotations: Record<string, string>,
  defaultInstrumentation: (ns: string) => string,
): InjectionRequest[] {
  const ann: Record<string, string> = podTemplate.metadata?.annotations ?? {};
  const containers: string[] = (podTemplate.spec?.containers ?? []).map((c: any) => c.name);
  const out: InjectionRequest[] = [];
  for (const [lang, key] of Object.entries(LANG_ANNOTATION)) {
    const podValue = ann[INJECT_PREFIX + key];
    const nsValue = nsAnnotations[INJECT_PREFIX + key];
    const value = podValue ?? nsValue;
    if (value === undefined || value === 'false') continue;
    const instrumentation =
      value === 'true' ? defaultInstrumentation(ns) : value.includes('/') ? value : `${ns}/${value}`;
    const names = ann[INJECT_PREFIX + NAMES_ANNOTATION[lang]] ?? ann[`${INJECT_PREFIX}container-names`];
    out.push({
      language: lang,
      instrumentation,
      containers: names ? names.split(',').map((s) => s.trim()) : containers.slice(0, 1),
      level: podValue !== undefined ? 'pod' : 'namespace',
      ...(lang === 'go' ? { goTargetExe: ann[`${INJECT_PREFIX}otel-go-auto-target-exe`] } : {}),
    });
  }
  return out;
}

function envValue(container: any, name: string): string | undefined {
  return (container?.env ?? []).find((e: any) => e.name === name)?.value;
}

/**
 * Problems of `pod` against a request (empty when the operator injected what it should), with the
 * live Instrumentation it names.
 */
export function injectionProblems(pod: any, req: InjectionRequest, instrumentation: any): string[] {
  const spec = INJECTION[req.language];
  const problems: string[] = [];
  const where = `${pod.metadata.name} ${req.language}`;
  const inits: string[] = (pod.spec.initContainers ?? []).map((c: any) => c.name);
  for (const n of spec.initContainers)
    if (!inits.includes(n))
      problems.push(`${where}: init container ${n} missing (has ${inits.join(', ') || 'none'})`);
  const image = instrumentation?.spec?.[spec.imageField]?.image;
  const first = (pod.spec.initContainers ?? []).find(
    (c: any) => c.name === spec.initContainers[spec.initContainers.length - 1],
  );
  if (spec.initContainers.length && first && req.language !== 'nginx' && first.image !== image)
    problems.push(`${where}: init image ${first.image}, Instrumentation says ${image}`);
  if (spec.volume && !(pod.spec.volumes ?? []).some((v: any) => v.name === spec.volume))
    problems.push(`${where}: volume ${spec.volume} missing`);
  // which container carries the SDK env: the app container, or the Go sidecar
  const carriers: any[] = [];
  if (spec.sidecar) {
    const side = (pod.spec.containers ?? []).find((c: any) => c.name === spec.sidecar);
    if (!side) problems.push(`${where}: sidecar ${spec.sidecar} missing`);
    else {
      carriers.push(side);
      if (side.image !== image)
        problems.push(`${where}: sidecar image ${side.image}, Instrumentation says ${image}`);
      if (side.securityContext?.privileged !== true)
        problems.push(`${where}: the Go sidecar is not privileged`);
      if (envValue(side, 'OTEL_GO_AUTO_TARGET_EXE') !== req.goTargetExe)
        problems.push(
          `${where}: OTEL_GO_AUTO_TARGET_EXE ${envValue(side, 'OTEL_GO_AUTO_TARGET_EXE')} != ${req.goTargetExe}`,
        );
    }
    if (pod.spec.shareProcessNamespace !== true) problems.push(`${where}: shareProcessNamespace is not true`);
  } else {
    for (const name of req.containers) {
      const c = (pod.spec.containers ?? []).find((x: any) => x.name === name);
      if (!c) problems.push(`${where}: container ${name} not in the pod`);
      else carriers.push(c);
    }
  }
  const langEnv = (instrumentation?.spec?.[spec.imageField]?.env ?? []).find(
    (e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT',
  )?.value;
  const expectedEndpoint = langEnv ?? instrumentation?.spec?.exporter?.endpoint;
  for (const c of carriers) {
    for (const [k, re] of Object.entries(spec.env)) {
      const v = envValue(c, k);
      if (v === undefined || !re.test(v))
        problems.push(`${where}: ${c.name} env ${k}=${v ?? '(unset)'} does not match ${re}`);
    }
    const ep = envValue(c, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    if (ep !== expectedEndpoint)
      problems.push(`${where}: ${c.name} OTEL_EXPORTER_OTLP_ENDPOINT=${ep} != ${expectedEndpoint}`);
    const port = ep ? parseEndpoint(ep, '')?.port : undefined;
    if (port !== spec.otlpPort)
      problems.push(
        `${where}: ${c.name} exports to port ${port}, the ${req.language} SDK speaks ${spec.otlpPort === 4318 ? 'OTLP/HTTP (4318)' : 'OTLP/gRPC (4317)'}`,
      );
    if (envValue(c, 'OTEL_SERVICE_NAME') === undefined)
      problems.push(`${where}: ${c.name} has no OTEL_SERVICE_NAME`);
  }
  // containers not asked for get nothing
  for (const c of pod.spec.containers ?? []) {
    if (carriers.includes(c) || c.name === spec.sidecar) continue;
    if (Object.entries(spec.env).some(([k, re]) => re.test(envValue(c, k) ?? '')))
      problems.push(`${where}: container ${c.name} was instrumented but not named`);
  }
  return problems;
}

/** True when the operator injected nothing into a pod. */
export function notInjected(pod: any): boolean {
  const inits: string[] = (pod.spec.initContainers ?? []).map((c: any) => c.name);
  const containers: string[] = (pod.spec.containers ?? []).map((c: any) => c.name);
  const env = (pod.spec.containers ?? []).flatMap((c: any) => (c.env ?? []).map((e: any) => e.name));
  return (
    !inits.some((n) => n.startsWith('opentelemetry-auto-instrumentation') || n.startsWith('otel-agent')) &&
    !containers.includes('opentelemetry-auto-instrumentation') &&
    !env.includes('OTEL_EXPORTER_OTLP_ENDPOINT')
  );
}

/** The collector config the operator wrote into a ConfigMap. */
export function configMapConfig(cm: any): unknown {
  const text = cm?.data?.['collector.yaml'];
  return typeof text === 'string' ? parse(text) : undefined;
}
