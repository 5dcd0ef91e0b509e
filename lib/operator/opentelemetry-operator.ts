import { clusterScoped } from '../common/cluster-scoped';
import { checkPinnedImage } from '../common/k8s-names';
import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { OPERATOR_VERSION, OperatorManifestSource } from './operator-manifest-source';
import {
  applyCertificates,
  findManager,
  GO_SWITCH_ENV,
  imageVersion,
  KubeObject,
  MANAGER_DEPLOYMENT,
  NGINX_SWITCH_ENV,
  parseManifest,
  relocateNamespace,
  setEnv,
  UPSTREAM_OPERATOR_NAMESPACE,
} from './operator-manifest';
import { CertManagerCertificates, WebhookCertificates } from './webhook-certificates';

export { ARGOCD_SYNC_WAVE_ANNOTATION } from '../common/layers';
import { ARGOCD_SYNC_WAVE_ANNOTATION } from '../common/layers';
import { mebibytes, millicores, quantityValue } from '../common/quantity';

/** Resource requests and limits of the operator manager container. */
export interface OperatorResources {
  /**
   * CPU request in millicores.
   * @default 100 (upstream manifest)
   */
  readonly cpuRequestMillis?: number;
  /**
   * Memory request in MiB.
   * @default 64 (upstream manifest)
   */
  readonly memoryRequestMiB?: number;
  /**
   * CPU limit in millicores.
   * @default - no limit (upstream manifest)
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory limit in MiB.
   * @default - no limit (upstream manifest)
   */
  readonly memoryLimitMiB?: number;
}

/** Argo CD sync waves per layer. Lower waves are applied first. */
export interface OperatorSyncWaves {
  /**
   * Wave of the Namespace and the CRDs.
   * @default -3
   */
  readonly crds?: number;
  /**
   * Wave of the cert-manager Issuer and Certificate.
   * @default -2
   */
  readonly certificates?: number;
  /**
   * Wave of the operator itself (RBAC, Services, Deployment, webhooks).
   * @default -1
   */
  readonly operator?: number;
  /**
   * Wave given to custom resources registered with `addCustomResource` (Instrumentations, ...).
   * @default 0
   */
  readonly customResources?: number;
}

/** Props of `OpenTelemetryOperator`. */
export interface OpenTelemetryOperatorProps {
  /**
   * Where the install manifest comes from: `OperatorManifestSource.fromFile(path)`, `.fromEnv()`,
   * `.fromRelease()` (download cache) or `.external()` (already installed, nothing emitted).
   */
  readonly source: OperatorManifestSource;
  /**
   * Namespace the operator runs in. Every reference in the manifest is moved to it.
   * @default 'opentelemetry-operator-system'
   */
  readonly namespace?: string;
  /**
   * Manager image override (for a mirror or a digest).
   * @default - the image of the pinned release manifest
   */
  readonly image?: string;
  /**
   * Enable Go auto-instrumentation (manager env `ENABLE_GO_AUTO_INSTRUMENTATION`). Go injection
   * runs a privileged eBPF sidecar.
   * @default false
   */
  readonly goInstrumentation?: boolean;
  /**
   * Enable nginx auto-instrumentation (manager env `ENABLE_NGINX_AUTO_INSTRUMENTATION`).
   * @default true (the release manifest enables it)
   */
  readonly nginxInstrumentation?: boolean;
  /**
   * Manager container resources.
   * @default - upstream: requests cpu 100m, memory 64Mi, no limits
   */
  readonly resources?: OperatorResources;
  /**
   * Extra manager arguments, appended (e.g. `--zap-log-level=debug`).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Serving certificates of the operator's webhooks: `WebhookCertificates.certManager()` when
   * cert-manager is installed, or `WebhookCertificates.existingSecret(...)`. Required unless the
   * source is `external()`.
   * @default - none: construction fails with an error explaining the choice
   */
  readonly certificates?: WebhookCertificates;
  /**
   * Create the operator Namespace object.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * Put each layer (CRDs, certificates, operator) in its own nested Chart, hence its own file.
   * @default false (one chart, ordered by dependencies)
   */
  readonly chartPerLayer?: boolean;
  /**
   * Add Argo CD sync-wave annotations; `true` uses the default waves.
   * @default - no sync-wave annotations
   */
  readonly argoCdSyncWaves?: boolean | OperatorSyncWaves;
}

/** Names of the operator objects other constructs refer to. */
export interface OperatorNames {
  /** The operator Deployment (`opentelemetry-operator-controller-manager`). */
  readonly deployment: string;
  /** The operator's ServiceAccount. */
  readonly serviceAccount: string;
  /** The Service the API server calls the operator's webhooks through. */
  readonly webhookService: string;
  /** The MutatingWebhookConfiguration (pod injection, defaults). */
  readonly mutatingWebhookConfiguration: string;
  /** The ValidatingWebhookConfiguration. */
  readonly validatingWebhookConfiguration: string;
  /** Names of the operator's CustomResourceDefinitions. */
  readonly crds: readonly string[];
}

const DEFAULT_WAVES: Required<OperatorSyncWaves> = { crds: -3, certificates: -2, operator: -1, customResources: 0 };

/** CRDs in the v0.158.0 release manifest (known also for `external()`). */
const RELEASE_CRDS = [
  'instrumentations.opentelemetry.io',
  'opampbridges.opentelemetry.io',
  'opentelemetrycollectors.opentelemetry.io',
  'targetallocators.opentelemetry.io',
];

type Layer = 'crds' | 'certificates' | 'operator';

/**
 * The OpenTelemetry Operator (pinned v0.158.0) installed from its release manifest. The manifest
 * becomes ApiObjects (so it is validated, and its CRDs feed the CR validator), patched as objects:
 * namespace, manager image, Go/nginx switches, resources, certificate source. Objects are ordered
 * CRDs -> certificates -> operator; custom resources added with `addCustomResource` come last.
 */
export class OpenTelemetryOperator extends Construct {
  /** Finds the operators in the app that `scope` belongs to. */
  public static findAll(scope: IConstruct): OpenTelemetryOperator[] {
    return scope.node.root.node.findAll().filter((c): c is OpenTelemetryOperator => c instanceof OpenTelemetryOperator);
  }

  /** Pinned operator version. */
  public readonly version = OPERATOR_VERSION;
  /** Namespace the operator runs in. */
  public readonly namespace: string;
  /** Whether Go auto-instrumentation is enabled. */
  public readonly goInstrumentation: boolean;
  /** Whether nginx auto-instrumentation is enabled. */
  public readonly nginxInstrumentation: boolean;
  /** True when the operator is installed elsewhere (`external()`): nothing is emitted. */
  public readonly external: boolean;
  /** Names of the operator objects. */
  public readonly names: OperatorNames;
  /** The CustomResourceDefinition objects emitted (empty for `external()`). */
  public readonly crdObjects: readonly ApiObject[];
  /** Every object emitted. */
  public readonly apiObjects: readonly ApiObject[];
  /** Layer holding the Namespace and CRDs (a Chart when `chartPerLayer`). */
  public readonly crdsLayer: Construct;
  /** Layer holding the cert-manager Issuer/Certificate (a Chart when `chartPerLayer`). */
  public readonly certificatesLayer: Construct;
  /** Layer holding the operator; custom resources must depend on it (a Chart when `chartPerLayer`). */
  public readonly operatorLayer: Construct;
  /** Sync waves in use, `undefined` when disabled. */
  public readonly syncWaves?: Required<OperatorSyncWaves>;

  constructor(scope: Construct, id: string, props: OpenTelemetryOperatorProps) {
    super(scope, id);
    if (!props || !props.source) {
      throw new Error(
        `opentelemetry operator "${id}": source is missing; use OperatorManifestSource.fromFile(path), .fromEnv(), .fromRelease() or .external()`,
      );
    }
    this.namespace = props.namespace ?? UPSTREAM_OPERATOR_NAMESPACE;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.namespace) || this.namespace.length > 63) {
      throw new Error(
        `opentelemetry operator "${id}": namespace "${this.namespace}" is not a valid DNS label; use lowercase letters, digits and "-"`,
      );
    }
    this.goInstrumentation = props.goInstrumentation ?? false;
    this.nginxInstrumentation = props.nginxInstrumentation ?? true;
    this.external = props.source.kind === 'external';
    if (props.argoCdSyncWaves) {
      this.syncWaves = { ...DEFAULT_WAVES, ...(props.argoCdSyncWaves === true ? {} : props.argoCdSyncWaves) };
      const w = this.syncWaves;
      if (!(w.crds < w.certificates && w.certificates < w.operator && w.operator < w.customResources)) {
        throw new Error(
          `opentelemetry operator "${id}": argoCdSyncWaves ${JSON.stringify(w)} do not increase crds < certificates < operator < customResources; reorder them`,
        );
      }
    }

    const layerScope = (name: Layer): Construct =>
      props.chartPerLayer ? new Chart(this, name, { disableResourceNameHashes: true }) : new Construct(this, name);
    this.crdsLayer = layerScope('crds');
    this.certificatesLayer = layerScope('certificates');
    this.operatorLayer = layerScope('operator');
    this.certificatesLayer.node.addDependency(this.crdsLayer);
    this.operatorLayer.node.addDependency(this.certificatesLayer);

    this.names = {
      deployment: MANAGER_DEPLOYMENT,
      serviceAccount: 'opentelemetry-operator-controller-manager',
      webhookService: 'opentelemetry-operator-webhook-service',
      mutatingWebhookConfiguration: 'opentelemetry-operator-mutating-webhook-configuration',
      validatingWebhookConfiguration: 'opentelemetry-operator-validating-webhook-configuration',
      crds: RELEASE_CRDS,
    };

    if (this.external) {
      this.crdObjects = [];
      this.apiObjects = [];
      return;
    }

    if (!props.certificates) {
      throw new Error(
        `opentelemetry operator "${id}": webhook certificates are not configured; the operator's admission and conversion ` +
          'webhooks need TLS. pass certificates: WebhookCertificates.certManager() when cert-manager is installed ' +
          '(install it first), or WebhookCertificates.existingSecret({ secretName, caBundleBase64 }) for a pre-provisioned Secret',
      );
    }
    if (props.certificates instanceof CertManagerCertificates && props.certificates.installedBy) {
      this.certificatesLayer.node.addDependency(props.certificates.installedBy);
    }

    const where = props.source.description;
    const text = props.source.readText() ?? '';
    let objects = parseManifest(text, where);
    const { container } = findManager(objects, where);
    const found = imageVersion(container.image ?? '');
    if (found !== OPERATOR_VERSION) {
      throw new Error(
        `opentelemetry operator "${id}": the manifest from ${where} is for version ${found ?? 'unknown'} (image ${container.image}), ` +
          `this library is pinned to v${OPERATOR_VERSION}; supply the v${OPERATOR_VERSION} release manifest (use the image prop to change only the image)`,
      );
    }
    this.patchManager(id, objects, props);
    relocateNamespace(objects, this.namespace);
    objects = applyCertificates(objects, props.certificates, this.namespace);
    if (props.createNamespace === false) {
      objects = objects.filter((o) => o.kind !== 'Namespace');
    }

    const crds: ApiObject[] = [];
    const all: ApiObject[] = [];
    for (const o of objects) {
      const layer = layerOf(o);
      const scopeForLayer =
        layer === 'crds' ? this.crdsLayer : layer === 'certificates' ? this.certificatesLayer : this.operatorLayer;
      const wave = this.syncWaves?.[layer];
      const apiObject = emit(scopeForLayer, o, wave);
      all.push(apiObject);
      if (o.kind === 'CustomResourceDefinition') crds.push(apiObject);
    }
    this.crdObjects = crds;
    this.apiObjects = all;
  }

  /**
   * Orders `resource` after the operator (its webhooks must be up before CRs are admitted) and,
   * when sync waves are on, annotates it with the custom-resource wave.
   */
  public addCustomResource(resource: IConstruct): void {
    resource.node.addDependency(this.operatorLayer);
    if (this.syncWaves) {
      for (const o of resource.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        o.metadata.addAnnotation(ARGOCD_SYNC_WAVE_ANNOTATION, String(this.syncWaves.customResources));
      }
    }
  }

  private patchManager(id: string, objects: KubeObject[], props: OpenTelemetryOperatorProps): void {
    const { container } = findManager(objects, props.source.description);
    if (props.image !== undefined) {
      checkPinnedImage(`opentelemetry operator "${id}"`, props.image);
      container.image = props.image;
    }
    setEnv(container, GO_SWITCH_ENV, String(this.goInstrumentation));
    setEnv(container, NGINX_SWITCH_ENV, String(this.nginxInstrumentation));
    if (props.extraArgs) {
      for (const a of props.extraArgs) {
        if (!a.startsWith('--')) {
          throw new Error(`opentelemetry operator "${id}": extraArgs entry "${a}" is not a flag; use the form --name=value`);
        }
      }
      container.args = [...(container.args ?? []), ...props.extraArgs];
    }
    const r = props.resources;
    if (r) {
      const requests = { ...(container.resources?.requests ?? {}) };
      const limits = { ...(container.resources?.limits ?? {}) };
      const check = (name: keyof OperatorResources, v: number | undefined): v is number => {
        if (v === undefined) return false;
        if (!Number.isInteger(v) || v <= 0) {
          throw new Error(`opentelemetry operator "${id}": resources.${name} ${v} is invalid; use a positive integer`);
        }
        return true;
      };
      if (check('cpuRequestMillis', r.cpuRequestMillis)) requests.cpu = millicores(r.cpuRequestMillis);
      if (check('memoryRequestMiB', r.memoryRequestMiB)) requests.memory = mebibytes(r.memoryRequestMiB);
      if (check('cpuLimitMillis', r.cpuLimitMillis)) limits.cpu = millicores(r.cpuLimitMillis);
      if (check('memoryLimitMiB', r.memoryLimitMiB)) limits.memory = mebibytes(r.memoryLimitMiB);
      const below = (limit: string | undefined, request: string | undefined) =>
        limit !== undefined && request !== undefined && (quantityValue(limit) ?? Infinity) < (quantityValue(request) ?? 0);
      if (below(limits.cpu, requests.cpu)) {
        throw new Error(
          `opentelemetry operator "${id}": resources cpu limit ${limits.cpu} is below the request ${requests.cpu}; raise cpuLimitMillis`,
        );
      }
      if (below(limits.memory, requests.memory)) {
        throw new Error(
          `opentelemetry operator "${id}": resources memory limit ${limits.memory} is below the request ${requests.memory}; raise memoryLimitMiB`,
        );
      }
      container.resources = { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
    }
  }
}

function layerOf(o: KubeObject): Layer {
  if (o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace') return 'crds';
  if (o.apiVersion.startsWith('cert-manager.io/')) return 'certificates';
  return 'operator';
}

function emit(scope: Construct, o: KubeObject, wave: number | undefined): ApiObject {
  const { apiVersion, kind, metadata, ...rest } = o;
  const annotations = { ...(metadata.annotations ?? {}) };
  if (wave !== undefined) annotations[ARGOCD_SYNC_WAVE_ANNOTATION] = String(wave);
  const apiObject = new ApiObject(scope, `${kind}-${metadata.name}`, {
    apiVersion,
    kind,
    metadata: { ...metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) } as any,
    ...rest,
  });
  // Cluster-scoped objects (no namespace upstream) must not inherit a chart's default namespace.
  return metadata.namespace === undefined ? clusterScoped(apiObject) : apiObject;
}
