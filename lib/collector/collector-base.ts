import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, optInstance, optList, propsObject, reqString } from '../common/guards';
import { ITraceBackend } from '../common/trace-backend';
import { oncePerValidationPass } from '../common/validation-pass';
import { BACKEND_CA_DIR } from './collector-common';
import { CollectorRuntime } from './collector-runtime';
import { CollectorSecretFileMount, CollectorWorkloadSpec } from './collector-workload-spec';
import { CollectorComponent, CollectorConfig, CollectorDistribution, Exporter, Pipeline, PipelineProps } from './config';
import { RenderedCollector } from './runtime-common';

/** Options of `addBackend` on a collector. */
export interface AddBackendOptions {
  /**
   * Name of the exporter (`otlp_grpc/<name>`), unique in the collector.
   * @default - the backend kind (`tempo`, `jaeger`, `otlp`); a second backend of a kind needs a name
   */
  readonly name?: string;
}

/** Checks that `v` is a bound trace backend (an `ITraceBackend`: an interface, so checked by shape). */
export function checkTraceBackend(what: string, path: string, v: unknown): ITraceBackend {
  const b = v as ITraceBackend | null | undefined;
  if (!b || typeof b !== 'object' || typeof b.otlpGrpcUrl !== 'string' || typeof b.backendKind !== 'string' || typeof b.tls !== 'object') {
    fail(what, path, v, 'is not a bound trace backend', "pass Backend.tempo().bind(chart, 'tempo'), a Tempo/Jaeger construct or an ExternalOtlpBackend");
  }
  return b;
}

/**
 * What the agent and the gateway share: a collector config that stays open until synthesis (the
 * objects are rendered from it then, so `addProcessor`, `addExporter`, `addBackend`, `addPipeline` and
 * changes to `config` made any time before synth are in the output), its validation at synth
 * (`node.addValidation`: the collector's rules on the final config), and fan-out to several backends.
 */
export abstract class CollectorConstruct extends Construct {
  /** Collector name (the CR name, or the prefix of the plain objects). */
  public abstract readonly name: string;
  /** Namespace of the collector's objects. */
  public abstract readonly namespace: string;
  /** How the collector runs (operator CR or plain manifests). */
  public abstract readonly runtime: CollectorRuntime;
  /**
   * The collector config: read at synthesis, so components added to it (or through this construct's
   * `add*` methods) before then are rendered.
   */
  public readonly config: CollectorConfig;
  /** The image's distribution (its components are checked at synth). */
  protected distribution!: CollectorDistribution;
  /** Secret files of the backends' CAs, mounted into the pod. */
  private readonly secretFiles: CollectorSecretFileMount[] = [];
  private readonly backends: ITraceBackend[] = [];
  /** How messages name this collector (`collector agent "agent"`). */
  protected readonly what: string;

  protected constructor(scope: Construct, id: string, what: string, config: CollectorConfig) {
    super(scope, id);
    this.what = what;
    this.config = config;
    this.node.addValidation({
      // once per synthesis pass (cdk8s validates the app again for every chart it synthesizes, and
      // the manifest rules check the same config): see validation-pass.ts
      validate: () =>
        oncePerValidationPass(this.config, this.distribution, () => this.config.validate({ distribution: this.distribution }))
          .filter((f) => f.severity === 'error')
          .map((f) => `${this.what}: ${f.rule} at ${f.path}: ${f.message}`),
    });
  }

  /** The pipeline traces go through (`traces`). */
  protected get tracesPipeline(): Pipeline {
    return this.config.pipeline('traces')!;
  }

  /**
   * Adds an exporter to the traces pipeline: traces go to every exporter of the pipeline (fan-out).
   * For a trace backend, `addBackend` derives the exporter (endpoint, TLS, Secret-backed headers).
   */
  public addExporter(exporter: CollectorComponent): this {
    const e = optInstance(this.what, 'addExporter(exporter)', exporter, CollectorComponent, 'Exporter.* (e.g. Exporter.otlpGrpc({...}))')!;
    if (e === undefined) throw new Error(`${this.what}: addExporter() needs an exporter; build it with Exporter.*`);
    if (e.kind !== 'exporter' && e.kind !== 'connector') {
      throw new Error(`${this.what}: addExporter("${e.id}"): a ${e.kind} is not an exporter; use addProcessor for processors`);
    }
    const p = this.tracesPipeline;
    if (p.exporters.includes(e.id)) {
      throw new Error(`${this.what}: exporter "${e.id}" is already in the traces pipeline; give the new one another name`);
    }
    this.config.add(e);
    p.exporters.push(e.id);
    return this;
  }

  /**
   * Sends the traces to one more backend (fan-out): an exporter derived from the backend (OTLP
   * endpoint, TLS with its CA mounted from its Secret, Secret-backed headers), with retry and a
   * sending queue. The backend's in-cluster objects must be in the same app (bind it first).
   */
  public addBackend(backend: ITraceBackend, options: AddBackendOptions = {}): this {
    checkTraceBackend(this.what, 'addBackend(backend)', backend);
    const o = propsObject<AddBackendOptions>(this.what, options, ['name']);
    const name = o.name === undefined ? undefined : reqString(this.what, 'addBackend options.name', o.name, 'pass a short exporter name');
    this.exportTo(backend, name);
    return this;
  }

  /** Adds the exporter of `backend` (used by the constructors for the first backend, and by addBackend). */
  protected exportTo(backend: ITraceBackend, name?: string, sendingQueue: Record<string, unknown> = {}): CollectorComponent {
    const first = this.backends.length === 0;
    const exporterName = name ?? backend.backendKind;
    // the first backend's CA keeps the usual folder; others get one each (two Secrets cannot share a folder)
    const caDir = first ? BACKEND_CA_DIR : `${BACKEND_CA_DIR}-${exporterName}`;
    const exporter = Exporter.fromBackend(backend, { name, retryOnFailure: {}, sendingQueue, caMountDir: caDir });
    if (this.config.exporter(exporter.id)) {
      throw new Error(
        `${this.what}: a second ${backend.backendKind} backend needs its own exporter name; pass addBackend(backend, { name: '${backend.backendKind}-2' })`,
      );
    }
    const ca = backend.tls.caFrom;
    if (ca) this.secretFiles.push({ volumeName: first ? 'backend-ca' : `backend-ca-${exporterName}`.slice(0, 63), secretName: ca.name, key: ca.key, mountPath: caDir });
    this.backends.push(backend);
    if (this.config.pipeline('traces')) {
      this.config.add(exporter);
      this.tracesPipeline.exporters.push(exporter.id);
    }
    return exporter;
  }

  /** The backends this collector exports to, in order. */
  public get exportsTo(): readonly ITraceBackend[] {
    return [...this.backends];
  }

  /** Adds a pipeline of its own (e.g. `traces/audit` with another exporter); components are registered. */
  public addPipeline(id: string, props: PipelineProps): Pipeline {
    reqString(this.what, 'addPipeline(id)', id, 'pass a pipeline id such as "traces/audit"');
    const p = propsObject<PipelineProps>(`${this.what}: addPipeline("${id}")`, props, ['receivers', 'processors', 'exporters'], false);
    const ref = (x: unknown, path: string) => {
      if (typeof x !== 'string' && !(x instanceof CollectorComponent)) {
        fail(this.what, `addPipeline("${id}") ${path}`, x, 'is neither a component id nor a component', 'pass ids such as "otlp" or components built with Receiver.*/Processor.*/Exporter.*');
      }
      return x;
    };
    const list = (key: 'receivers' | 'processors' | 'exporters', required: boolean) => {
      const l = optList(this.what, `addPipeline("${id}") ${key}`, p[key], ref, 'pass a list of component ids or components');
      if (required && (l === undefined || l.length === 0)) {
        fail(this.what, `addPipeline("${id}") ${key}`, p[key], 'is missing or empty', `pass at least one of the ${key}`);
      }
      return l;
    };
    return this.config.addPipeline(id, { receivers: list('receivers', true)!, processors: list('processors', false), exporters: list('exporters', true)! });
  }

  /** The Secret files to mount (CA bundles of the backends). */
  protected backendSecretFiles(): CollectorSecretFileMount[] {
    return [...this.secretFiles];
  }

  /** Renders through the runtime, with the spec produced again at synthesis. */
  protected renderWith(runtime: CollectorRuntime, spec: () => CollectorWorkloadSpec): RenderedCollector {
    return runtime.render(this, spec);
  }

  /** Inserts a processor into the traces pipeline before the processor of type `beforeType` (else at the end). */
  protected insertBefore(processor: CollectorComponent, beforeTypes: readonly string[]): void {
    const p = this.tracesPipeline;
    if (p.processors.includes(processor.id)) {
      throw new Error(`${this.what}: processor "${processor.id}" is already in the traces pipeline; give the new one another name`);
    }
    this.config.add(processor);
    const at = p.processors.findIndex((id) => beforeTypes.includes(id.split('/')[0]));
    if (at < 0) p.processors.push(processor.id);
    else p.processors.splice(at, 0, processor.id);
  }

  /** The objects emitted. */
  public abstract readonly apiObjects: readonly ApiObject[];
}
