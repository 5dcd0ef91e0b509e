/**
 * What the library emits, gathered for the real programs: the default app, every stack in `stacks/`
 * (both collector runtimes where a stack offers the choice), every example; and, from any list of
 * objects, the collector, Jaeger and Tempo configs in it (OpenTelemetryCollector CRs' `spec.config`,
 * and config files mounted from ConfigMaps), each with the env its container gets.
 */
import { App, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildDefaultApp } from '../../../examples/default-app/main';
import { buildShop } from '../../../examples/platform-repo/main';
import { mountedConfigs } from '../../../lib/common/mounted-config';
import { jaegerHeadSamplingStack, singleNodeDevStack, tempoTailSamplingStack, vendorOtlpStack } from '../../../stacks';

/** One synthesized source. */
export interface EmittedSource {
  readonly name: string;
  objects(): any[];
}

function chartObjects(build: (app: App) => Chart | void): () => any[] {
  return () => {
    const app = Testing.app();
    build(app);
    return app.charts.flatMap((c) => Testing.synth(c));
  };
}

/** The default app, every stack (both runtimes where offered) and every example. */
export const SOURCES: readonly EmittedSource[] = [
  { name: 'examples/default-app', objects: chartObjects((app) => void buildDefaultApp(app)) },
  { name: 'examples/platform-repo', objects: chartObjects((app) => void buildShop(app)) },
  // examples/pulumi registers tempoTailSamplingStack (operator runtime): the same objects as the stack below
  { name: 'stacks/tempoTailSamplingStack (operator runtime)', objects: chartObjects((app) => tempoTailSamplingStack(app)) },
  {
    name: 'stacks/tempoTailSamplingStack (manifests runtime)',
    objects: chartObjects((app) => tempoTailSamplingStack(app, 'tempo-tail-sampling', { runtime: 'manifests' })),
  },
  { name: 'stacks/jaegerHeadSamplingStack', objects: chartObjects((app) => jaegerHeadSamplingStack(app)) },
  { name: 'stacks/vendorOtlpStack', objects: chartObjects((app) => vendorOtlpStack(app)) },
  { name: 'stacks/singleNodeDevStack', objects: chartObjects((app) => singleNodeDevStack(app)) },
];

/** Which program reads a config. */
export type ConfigProgram = 'otelcol' | 'jaeger' | 'tempo';

/** A config found in manifests, with where it came from and its container's env. */
export interface FoundConfig {
  readonly program: ConfigProgram;
  /** e.g. `OpenTelemetryCollector observability/otel-gateway` or `DaemonSet observability/otel-agent /conf/collector.yaml`. */
  readonly where: string;
  /** The config as an object. */
  readonly config: any;
  /** The file's text as emitted (configs mounted from ConfigMaps); programs read this, not a re-serialization. */
  readonly text?: string;
  /** The container's env (manifest form). */
  readonly env: readonly any[];
  /** The container image. */
  readonly image?: string;
}

function programOfImage(image: string | undefined): ConfigProgram | undefined {
  if (!image) return undefined;
  if (/opentelemetry-collector/.test(image)) return 'otelcol';
  if (/jaegertracing\/jaeger/.test(image)) return 'jaeger';
  if (/grafana\/tempo/.test(image)) return 'tempo';
  return undefined;
}

/** Every collector / Jaeger / Tempo config in a list of objects. */
export function findConfigs(objects: readonly any[]): FoundConfig[] {
  const out: FoundConfig[] = [];
  for (const o of objects) {
    if (o?.kind === 'OpenTelemetryCollector') {
      const config = typeof o.spec?.config === 'string' ? parse(o.spec.config) : o.spec?.config;
      out.push({
        program: 'otelcol',
        where: `OpenTelemetryCollector ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`,
        config,
        env: o.spec?.env ?? [],
        image: o.spec?.image,
      });
    }
  }
  for (const m of mountedConfigs(objects)) {
    const program = programOfImage(m.image);
    if (!program || m.content === undefined) continue;
    out.push({
      program,
      where: `${m.workload.kind} ${m.workload.namespace ?? ''}/${m.workload.name} ${m.path}`,
      config: parse(m.content),
      text: m.content,
      env: m.env,
      image: m.image,
    });
  }
  return out;
}

/** A found config with the object that carries it (the CR, or the ConfigMap holding the file). */
export interface CarriedConfig extends FoundConfig {
  /** Index in the objects of the OpenTelemetryCollector CR or the ConfigMap. */
  readonly carrier: number;
  /** The ConfigMap key of the file (ConfigMap carriers). */
  readonly carrierKey?: string;
}

/** `findConfigs`, with the index of the object carrying each config. */
export function findCarriedConfigs(objects: readonly any[]): CarriedConfig[] {
  const mounted = mountedConfigs(objects);
  return findConfigs(objects).map((f) => {
    if (f.where.startsWith('OpenTelemetryCollector ')) {
      const carrier = objects.findIndex((o) => o?.kind === 'OpenTelemetryCollector' && `OpenTelemetryCollector ${o.metadata?.namespace ?? ''}/${o.metadata?.name}` === f.where);
      return { ...f, carrier };
    }
    const m = mounted.find((x) => `${x.workload.kind} ${x.workload.namespace ?? ''}/${x.workload.name} ${x.path}` === f.where)!;
    const carrier = objects.findIndex((o) => o?.kind === 'ConfigMap' && o.metadata?.name === m.configMap.name && (o.metadata?.namespace ?? '') === (m.workload.namespace ?? ''));
    return { ...f, carrier, carrierKey: m.configMap.key };
  });
}
