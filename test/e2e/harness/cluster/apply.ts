/**
 * Applying manifests to the test cluster the way the README tells users to: one apply layer after the
 * other (CRDs -> cert-manager -> operator/RBAC -> custom resources -> workloads, `applyLayerOf` of the
 * library), server-side apply with `fieldValidation=Strict`, waiting where the next layer needs it
 * (CRDs Established; the operator's webhooks answering before custom resources), and removing them in
 * reverse order, waiting for each layer (finalizers, garbage collection) to be gone before the next.
 *
 * Three stand-ins, all stated: the operator runs out of cluster (operator.ts) and the webhook
 * configurations (and the CRD conversion webhook) that call its Service are rewritten to call it at
 * `https://127.0.0.1:<port><path>` instead, nothing else changed (`rewriteWebhookClients`); cert-manager's
 * issuing and CA injection are done by the harness (cert-manager.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { APPLY_LAYER_NAMES, ApplyLayer, applyLayerOf } from '../../../../lib/common/layers';
import { sleep } from '../procs';
import {
  CERT_MANAGER_INSTALL,
  injectCaBundles,
  issueCertificates,
  PREREQUISITES,
  prerequisiteCrds,
} from './cert-manager';
import { ApiClient, ApiError, ApiResponse, KObject } from './client';
import { ClusterState, readState, writeState } from './control-plane';
import { poll } from './daemons';
import {
  ensureOperatorBridge,
  isOperatorDeployment,
  OPERATOR_WEBHOOK_SERVICE,
  operatorState,
  startOperator,
  stopOperator,
  webhookBaseUrl,
} from './operator';

/** One rewritten webhook client. */
export interface WebhookRewrite {
  /** `MutatingWebhookConfiguration/<name>` or `CustomResourceDefinition/<name>`. */
  readonly object: string;
  /** The webhook's name (`conversion` for a CRD). */
  readonly webhook: string;
  readonly service: {
    readonly namespace: string;
    readonly name: string;
    readonly path?: string;
    readonly port?: number;
  };
  readonly url: string;
}

/**
 * Rewrites the clients of webhooks served by the operator's Service (`clientConfig.service` ->
 * `clientConfig.url`, path kept); returns a copy and what changed. Other objects are returned as they are.
 */
export function rewriteWebhookClients(
  obj: KObject,
  baseUrl: string,
): { object: KObject; rewrites: WebhookRewrite[] } {
  const rewrites: WebhookRewrite[] = [];
  const isWebhookConfig =
    obj.kind === 'MutatingWebhookConfiguration' || obj.kind === 'ValidatingWebhookConfiguration';
  const isCrd =
    obj.kind === 'CustomResourceDefinition' && obj.spec?.conversion?.webhook?.clientConfig?.service;
  if (!isWebhookConfig && !isCrd) return { object: obj, rewrites };
  const copy = structuredClone(obj);
  const redirect = (clientConfig: any, webhook: string) => {
    const svc = clientConfig?.service;
    if (!svc || svc.name !== OPERATOR_WEBHOOK_SERVICE) return;
    const url = `${baseUrl}${svc.path ?? ''}`;
    rewrites.push({ object: `${obj.kind}/${obj.metadata.name}`, webhook, service: { ...svc }, url });
    delete clientConfig.service;
    clientConfig.url = url;
  };
  if (isWebhookConfig) for (const w of copy.webhooks ?? []) redirect(w.clientConfig, w.name);
  else redirect(copy.spec.conversion.webhook.clientConfig, 'conversion');
  return { object: rewrites.length ? copy : obj, rewrites };
}

/** Reads every manifest (`*.yaml`, `*.yml`, `*.json`) in a folder, in file-name order; `List`s are flattened. */
export function readManifestDir(dir: string): KObject[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`cluster: ${dir} is not a folder of manifests`);
  const out: KObject[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => /\.(ya?ml|json)$/.test(x))
    .sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      if (doc.errors.length) throw new Error(`cluster: ${f}: ${doc.errors[0].message}`);
      const o = doc.toJS();
      if (!o) continue;
      if (
        o.kind === 'List' ||
        (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items))
      )
        out.push(...o.items);
      else out.push(o);
    }
  }
  return out;
}

/** `Kind ns/name` of an object. */
export function ident(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

/** The outcome of applying one object. */
export interface AppliedObject {
  readonly layer: ApplyLayer;
  /** What was sent (after the webhook rewrite). */
  readonly sent: KObject;
  readonly status: number;
  readonly warnings: readonly string[];
  /** The object as stored (2xx only). */
  readonly live?: any;
  readonly error?: string;
}

/** What `applyLayers` did. */
export interface ApplyReport {
  readonly applied: AppliedObject[];
  readonly rewrites: WebhookRewrite[];
  /** `Namespace/Secret` names issued by the cert-manager stand-in. */
  readonly issued: string[];
  /** Objects whose caBundle the cainjector stand-in set. */
  readonly injected: string[];
  readonly operatorStarted: boolean;
  /** Objects per layer name. */
  readonly perLayer: Record<string, number>;
  /** Milliseconds per step. */
  readonly timings: Record<string, number>;
}

/** Options of `applyLayers`. */
export interface ApplyOptions {
  /** Apply with dryRun=All (nothing stored; no waits, no operator). @default false */
  readonly dryRun?: boolean;
  /** Return failures in the report instead of throwing. @default false */
  readonly keepGoing?: boolean;
  /** Runs before each layer is applied (e.g. to provision a Secret the next layer mounts). */
  readonly beforeLayer?: (layer: ApplyLayer) => Promise<void>;
  readonly log?: (msg: string) => void;
}

/** A handle on a running test cluster. */
export class ClusterSession {
  /** Attaches to the cluster of a run folder. */
  static attach(runDir: string, stopOnExit = false): ClusterSession {
    const state = readState(runDir);
    if (!state) throw new Error(`cluster: no cluster in ${runDir}; run \`npm run e2e:cluster -- up\` first`);
    return new ClusterSession(state, stopOnExit);
  }

  readonly client: ApiClient;

  constructor(
    readonly state: ClusterState,
    /** Processes started through this session are killed when this process exits. */
    readonly stopOnExit: boolean,
  ) {
    this.client = new ApiClient(state.kubeconfig);
  }

  /** Writes the run state (what this session added to it) to the run folder. */
  saveState(): void {
    writeState(this.state);
  }

  /**
   * Installs the CRDs of a prerequisite operator (`cert-manager`, `prometheus-operator`) if its group is
   * not served yet; true when it installed them.
   */
  async ensurePrerequisite(name: string): Promise<boolean> {
    const crds = prerequisiteCrds(name);
    const first = crds[0];
    const version = first.spec.versions.find((v: any) => v.served)?.name;
    const served = await this.client.resource(`${first.spec.group}/${version}`, first.spec.names.kind).then(
      () => true,
      () => false,
    );
    if (served) return false;
    for (const crd of crds) {
      const r = await this.client.apply(crd, { fieldManager: CERT_MANAGER_INSTALL });
      if (r.status >= 300) throw new ApiError(r, `installing ${ident(crd)}`);
    }
    await this.waitEstablished(crds);
    this.state.extra.prerequisites = {
      ...(this.state.extra.prerequisites ?? {}),
      [name]: crds.map((c) => c.metadata.name),
    };
    return true;
  }

  /** Removes the CRDs `ensurePrerequisite(name)` installed. */
  async removePrerequisite(name: string): Promise<void> {
    const names: string[] = this.state.extra.prerequisites?.[name] ?? [];
    for (const n of names)
      await this.client.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, n);
    await poll(
      `${name} CRDs deleted`,
      async () => {
        for (const n of names)
          if (await this.client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, n))
            return undefined;
        return true;
      },
      60_000,
      250,
    );
    if (this.state.extra.prerequisites) delete this.state.extra.prerequisites[name];
    this.client.forgetDiscovery();
  }

  /** Installs the cert-manager CRDs (the prerequisite the release manifest names), if missing. */
  ensureCertManagerCrds(): Promise<boolean> {
    return this.ensurePrerequisite('cert-manager');
  }

  /** Removes the cert-manager CRDs installed by `ensureCertManagerCrds`. */
  removeCertManagerCrds(): Promise<void> {
    return this.removePrerequisite('cert-manager');
  }

  /** Waits until every CRD in `objects` is Established (and refreshes discovery). */
  async waitEstablished(objects: readonly KObject[]): Promise<void> {
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    for (const crd of crds) {
      await poll(
        `CRD ${crd.metadata.name} Established`,
        async () => {
          const live = await this.client.get(
            'apiextensions.k8s.io/v1',
            'CustomResourceDefinition',
            undefined,
            crd.metadata.name,
          );
          return live?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True')
            ? true
            : undefined;
        },
        60_000,
        100,
      );
    }
    if (crds.length) {
      this.client.forgetDiscovery();
      // discovery of a new group can lag behind Established for a moment
      for (const crd of crds) {
        const version = crd.spec.versions.find((v: any) => v.served)?.name;
        await poll(
          `discovery of ${crd.spec.names.kind}`,
          () => this.client.resource(`${crd.spec.group}/${version}`, crd.spec.names.kind),
          30_000,
          200,
        );
      }
    }
  }

  /**
   * Waits until the operator's webhooks answer through the API server: a dry-run Instrumentation and
   * OpenTelemetryCollector come back defaulted by the mutating webhooks (and pass the validating ones).
   */
  async waitOperatorWebhooks(namespace: string): Promise<void> {
    const inst = {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'Instrumentation',
      metadata: { name: 'e2e-webhook-probe', namespace },
      spec: { sampler: { type: 'parentbased_always_on' } },
    };
    const col = {
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'e2e-webhook-probe', namespace },
      spec: {
        config: {
          receivers: { otlp: { protocols: { grpc: { endpoint: '127.0.0.1:4317' } } } },
          exporters: { debug: {} },
          service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
        },
      },
    };
    let last: ApiResponse | undefined;
    await poll(
      'the operator webhooks (dry-run Instrumentation and OpenTelemetryCollector)',
      async () => {
        const a = await this.client.request(
          'POST',
          `/apis/opentelemetry.io/v1alpha1/namespaces/${namespace}/instrumentations`,
          { query: { dryRun: 'All' }, body: inst },
        );
        last = a;
        if (a.status !== 201 || !a.body?.spec?.java?.image) return undefined;
        const b = await this.client.request(
          'POST',
          `/apis/opentelemetry.io/v1beta1/namespaces/${namespace}/opentelemetrycollectors`,
          { query: { dryRun: 'All' }, body: col },
        );
        last = b;
        return b.status === 201 && b.body?.spec?.upgradeStrategy ? true : undefined;
      },
      90_000,
      250,
    ).catch((e) => {
      throw new Error(
        `${(e as Error).message}; last answer: HTTP ${last?.status} ${last?.body?.message ?? ''}`,
      );
    });
  }

  /**
   * Waits until the operator's pod webhook injects from Instrumentation `ns/name`: a dry-run Pod
   * annotated `inject-java: <name>` comes back with the Java init container.
   */
  async waitInstrumentationSeen(namespace: string, name: string): Promise<void> {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: 'e2e-injection-probe-',
        namespace,
        annotations: { 'instrumentation.opentelemetry.io/inject-java': name },
      },
      spec: {
        automountServiceAccountToken: false,
        containers: [{ name: 'probe', image: 'registry.invalid/probe:0' }],
      },
    };
    let last: ApiResponse | undefined;
    await poll(
      `the pod webhook to inject from Instrumentation ${namespace}/${name}`,
      async () => {
        last = await this.client.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
          query: { dryRun: 'All' },
          body: pod,
        });
        return last.status === 201 &&
          (last.body.spec.initContainers ?? []).some(
            (c: any) => c.name === 'opentelemetry-auto-instrumentation-java',
          )
          ? true
          : undefined;
      },
      60_000,
      200,
    ).catch((e) => {
      throw new Error(
        `${(e as Error).message}; last answer: HTTP ${last?.status} ${last?.body?.message ?? ''}`,
      );
    });
  }

  /** Applies `objects` layer by layer. */
  async applyLayers(objects: readonly KObject[], opts: ApplyOptions = {}): Promise<ApplyReport> {
    const log = opts.log ?? (() => undefined);
    const timings: Record<string, number> = {};
    const applied: AppliedObject[] = [];
    const rewrites: WebhookRewrite[] = [];
    const issued: string[] = [];
    const injected: string[] = [];
    let operatorStarted = false;
    const perLayer: Record<string, number> = {};
    const byLayer = new Map<ApplyLayer, KObject[]>();
    for (const o of objects) {
      const l = applyLayerOf(o);
      byLayer.set(l, [...(byLayer.get(l) ?? []), o]);
    }
    const needsBridge = objects.some((o) => rewriteWebhookClients(o, 'https://x').rewrites.length > 0);
    if (needsBridge && !opts.dryRun) await ensureOperatorBridge(this.state, this.stopOnExit);
    const sentSoFar: KObject[] = [];
    for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
      const t = Date.now();
      const name = APPLY_LAYER_NAMES[layer];
      const list = byLayer.get(layer)!;
      perLayer[name] = list.length;
      await opts.beforeLayer?.(layer);
      // the operators our objects need (a user would have installed them): their CRDs
      if (!opts.dryRun) {
        for (const [pname, p] of Object.entries(PREREQUISITES)) {
          if (
            list.some((o) => o.apiVersion.startsWith(`${p.group}/`)) &&
            (await this.ensurePrerequisite(pname))
          )
            log(`installed the ${pname} CRDs (prerequisite)`);
        }
      }
      const failures: string[] = [];
      for (const o of list) {
        let sent = o;
        if (operatorState(this.state) || opts.dryRun) {
          const rw = rewriteWebhookClients(
            o,
            operatorState(this.state) ? webhookBaseUrl(this.state) : 'https://127.0.0.1:9443',
          );
          sent = rw.object;
          rewrites.push(...rw.rewrites);
        }
        const r = await this.client.apply(sent, { dryRun: opts.dryRun });
        const ok = r.status >= 200 && r.status < 300;
        applied.push({
          layer,
          sent,
          status: r.status,
          warnings: r.warnings,
          live: ok ? r.body : undefined,
          error: ok ? undefined : (r.body?.message ?? String(r.body)),
        });
        if (!ok) failures.push(`${ident(o)}: HTTP ${r.status}: ${r.body?.message ?? r.body}`);
        sentSoFar.push(sent);
      }
      if (failures.length && !opts.keepGoing)
        throw new Error(`cluster: layer ${name} was refused:\n  ${failures.join('\n  ')}`);
      if (!opts.dryRun) {
        await this.waitEstablished(list);
        if (layer === ApplyLayer.CERT_MANAGER)
          issued.push(...(await issueCertificates(this.client, list, this.state.runDir)));
        injected.push(
          ...(await injectCaBundles(
            this.client,
            sentSoFar.filter((o) => !injected.includes(`${o.kind}/${o.metadata.name}`)),
          )),
        );
        const deployment = list.find(isOperatorDeployment);
        if (deployment) {
          await startOperator(this.state, this.client, deployment, { stopOnExit: this.stopOnExit, log });
          operatorStarted = true;
        }
        if (
          deployment ||
          list.some(
            (o) =>
              o.kind === 'ValidatingWebhookConfiguration' &&
              rewriteWebhookClients(o, 'https://x').rewrites.length,
          )
        ) {
          const ns = deployment?.metadata.namespace ?? operatorState(this.state)?.manager?.namespace;
          if (ns) await this.waitOperatorWebhooks(ns);
        }
        // injection happens at pod creation, from the operator's cache: the workloads wait until the
        // pod webhook sees each Instrumentation (applying both in one go can create uninjected pods)
        for (const inst of list.filter(
          (o) => o.kind === 'Instrumentation' && o.apiVersion.startsWith('opentelemetry.io/'),
        )) {
          await this.waitInstrumentationSeen(inst.metadata.namespace!, inst.metadata.name);
        }
      }
      timings[name] = Date.now() - t;
      log(
        `applied layer ${String(layer).padStart(2, '0')}-${name}: ${list.length} objects (${timings[name]} ms)`,
      );
    }
    this.saveState();
    return { applied, rewrites, issued, injected, operatorStarted, perLayer, timings };
  }

  /**
   * Deletes `objects` in reverse layer order (background propagation by default, like `kubectl delete`:
   * the garbage collector removes dependents), waiting for each layer's objects (finalizers included)
   * to be gone before the next. Deleting the operator's Deployment stops the
   * out-of-cluster operator (what deleting its pod does). Returns the milliseconds per layer.
   */
  async deleteLayers(
    objects: readonly KObject[],
    opts: {
      log?: (msg: string) => void;
      timeoutMs?: number;
      propagationPolicy?: 'Foreground' | 'Background';
    } = {},
  ): Promise<Record<string, number>> {
    const timings: Record<string, number> = {};
    const byLayer = new Map<ApplyLayer, KObject[]>();
    for (const o of objects) {
      const l = applyLayerOf(o);
      byLayer.set(l, [...(byLayer.get(l) ?? []), o]);
    }
    for (const layer of [...byLayer.keys()].sort((a, b) => b - a)) {
      const t = Date.now();
      const list = byLayer.get(layer)!;
      for (const o of list)
        await this.client.delete(
          o.apiVersion,
          o.kind,
          o.metadata.namespace,
          o.metadata.name,
          opts.propagationPolicy ?? 'Background',
        );
      await poll(
        `layer ${APPLY_LAYER_NAMES[layer]} deleted`,
        async () => {
          for (const o of list) {
            const live = await this.client
              .get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)
              .catch((e) => {
                // the kind itself may be gone with its CRD
                if (/does not serve/.test((e as Error).message)) return undefined;
                throw e;
              });
            if (live) return undefined;
          }
          return true;
        },
        opts.timeoutMs ?? 120_000,
        200,
      ).catch(async (e) => {
        const left: string[] = [];
        for (const o of list) {
          const live = await this.client
            .get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)
            .catch(() => undefined);
          if (live)
            left.push(
              `${ident(o)} finalizers=${JSON.stringify(live.metadata.finalizers ?? [])} deletionTimestamp=${live.metadata.deletionTimestamp}`,
            );
        }
        throw new Error(`${(e as Error).message}; still there:\n  ${left.join('\n  ')}`);
      });
      if (list.some(isOperatorDeployment)) await stopOperator(this.state);
      if (list.some((o) => o.kind === 'CustomResourceDefinition')) this.client.forgetDiscovery();
      timings[APPLY_LAYER_NAMES[layer]] = Date.now() - t;
      opts.log?.(
        `deleted layer ${APPLY_LAYER_NAMES[layer]}: ${list.length} objects (${timings[APPLY_LAYER_NAMES[layer]]} ms)`,
      );
      await sleep(0);
    }
    return timings;
  }
}
