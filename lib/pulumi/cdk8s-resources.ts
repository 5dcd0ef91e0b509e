import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Construct, IConstruct } from 'constructs';
import { fail, isPlainObject, optBoolean, optInstance, optString, propsObject, reqString } from '../common/guards';
import { inValidationPass } from '../common/validation-pass';
import { runConstructValidations } from '../stack/layered-output';
import { APPLY_LAYER_NAMES, ApplyLayer, applyLayerOf } from '../common/layers';
import '../collector/collector-rules';
import { CrdRegistry, ValidateOptions, validateManifests, ValidationResult } from '../validation';
import { checkValidateOptions, collectObjects } from '../validation/validate-manifests';

/** Properties of `TracingResources`. */
export interface TracingResourcesProps {
  /**
   * What to deploy: a cdk8s App, a Chart, any construct subtree (for example a TracingStack), or
   * already synthesized objects.
   */
  readonly source: IConstruct | readonly any[];
  /**
   * Validate the objects before registering them (the same validator as `cdk8s synth`).
   * @default true
   */
  readonly validate?: boolean;
  /**
   * CRDs for custom resources whose CRD is not among the objects (shorthand for `validation.crds`).
   * @default - the shipped CRDs and those among the objects
   */
  readonly crds?: CrdRegistry;
  /**
   * Validation options (`kubernetesVersion`, `crdPaths`, `strict`, ...), as for `cdk8s synth` and `synthLayered`.
   * @default - the newest shipped Kubernetes minor, the shipped CRDs and those among the objects
   */
  readonly validation?: Omit<ValidateOptions, 'constructPaths'>;
  /**
   * Prefix of every Pulumi resource name.
   * @default - the component's name
   */
  readonly namePrefix?: string;
}

/** One registered object. */
export interface RegisteredObject {
  /** The Kubernetes object, as cdk8s synthesizes it. */
  readonly object: any;
  /** Its apply layer. */
  readonly layer: ApplyLayer;
  /** The Pulumi resource name. */
  readonly name: string;
  /** The Pulumi resource. */
  readonly resource: pulumi.CustomResource;
  /** The resources it was registered with `dependsOn` (the previous non-empty layer). */
  readonly dependsOn: readonly pulumi.Resource[];
}

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** Typed @pulumi/kubernetes classes for the kinds our constructs emit. Other kinds use CustomResource. */
const TYPED: Record<string, Ctor> = {
  'v1/Namespace': k8s.core.v1.Namespace,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount,
  'v1/ConfigMap': k8s.core.v1.ConfigMap,
  'v1/Secret': k8s.core.v1.Secret,
  'v1/Service': k8s.core.v1.Service,
  'v1/PersistentVolumeClaim': k8s.core.v1.PersistentVolumeClaim,
  'apps/v1/Deployment': k8s.apps.v1.Deployment,
  'apps/v1/DaemonSet': k8s.apps.v1.DaemonSet,
  'apps/v1/StatefulSet': k8s.apps.v1.StatefulSet,
  'rbac.authorization.k8s.io/v1/ClusterRole': k8s.rbac.v1.ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': k8s.rbac.v1.ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': k8s.rbac.v1.Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': k8s.rbac.v1.RoleBinding,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': k8s.networking.v1.NetworkPolicy,
  'networking.k8s.io/v1/Ingress': k8s.networking.v1.Ingress,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'batch/v1/Job': k8s.batch.v1.Job,
  'apiextensions.k8s.io/v1/CustomResourceDefinition': k8s.apiextensions.v1.CustomResourceDefinition,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration':
    k8s.admissionregistration.v1.MutatingWebhookConfiguration,
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration':
    k8s.admissionregistration.v1.ValidatingWebhookConfiguration,
};

/** The @pulumi/kubernetes class a manifest is registered with (`CustomResource` for anything untyped). */
export function pulumiClassFor(obj: { apiVersion: string; kind: string }): { ctor: Ctor; typed: boolean } {
  const typed = TYPED[`${obj.apiVersion}/${obj.kind}`];
  return typed
    ? { ctor: typed, typed: true }
    : { ctor: k8s.apiextensions.CustomResource as unknown as Ctor, typed: false };
}

/** Deterministic Pulumi resource name of a manifest. */
export function pulumiNameFor(prefix: string, obj: any): string {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}-` : '';
  return `${prefix}-${String(obj.kind).toLowerCase()}-${ns}${obj.metadata?.name}`;
}

/**
 * Deploys what a cdk8s app, chart or construct synthesizes as typed @pulumi/kubernetes
 * resources, layered with `dependsOn` (CRDs -> cert-manager -> operator -> custom resources ->
 * workloads) and validated first, so `pulumi up` and `cdk8s synth` apply the same objects.
 */
export class TracingResources extends pulumi.ComponentResource {
  /** Every registered object in registration order. */
  public readonly registered: readonly RegisteredObject[];
  /** The validation result (undefined when validation is off). */
  public readonly validation?: ValidationResult;

  constructor(name: string, props: TracingResourcesProps, opts?: pulumi.ComponentResourceOptions) {
    const where = `TracingResources "${String(name)}"`;
    reqString('TracingResources', 'name', name, 'pass the Pulumi resource name, e.g. "tracing"');
    props = propsObject<TracingResourcesProps>(where, props, ['source', 'validate', 'crds', 'validation', 'namePrefix'], false);
    const source = props.source;
    if (!Array.isArray(source) && !Construct.isConstruct(source)) {
      fail(where, 'source', source, 'is neither a construct nor a list of objects', 'pass the cdk8s App, a Chart or a TracingStack, or synthesized objects');
    }
    if (Array.isArray(source)) {
      source.forEach((o, i) => {
        if (!isPlainObject(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
          fail(where, `source[${i}]`, o, 'is not a Kubernetes object', 'pass objects with apiVersion and kind (e.g. from synthObjects(app))');
        }
      });
    }
    optBoolean(where, 'validate', props.validate);
    optInstance(where, 'crds', props.crds, CrdRegistry, 'CrdRegistry.shipped() or CrdRegistry.fromPaths([...])');
    if (props.validation !== undefined) checkValidateOptions(`${where}: validation`, props.validation);
    optString(where, 'namePrefix', props.namePrefix, 'pass a short prefix for the Pulumi names');
    super('otel-tracing:k8s:TracingResources', name, {}, opts);
    // one validation pass: the manifest rules reuse what the construct validations computed
    const { objects, validation } = inValidationPass(() => {
      if (!Array.isArray(source)) runConstructValidations(source as IConstruct);
      const collected = Array.isArray(source)
        ? { objects: [...source], constructPaths: new Map<object, string>() }
        : collectObjects(source as IConstruct);
      return {
        objects: collected.objects,
        validation:
          props.validate === false
            ? undefined
            : validateManifests(collected.objects, {
                ...props.validation,
                crds: props.crds ?? props.validation?.crds,
                constructPaths: collected.constructPaths,
              }),
      };
    });

    if (validation) {
      this.validation = validation;
      if (!this.validation.ok) {
        throw new Error(`refusing to register invalid manifests with Pulumi:\n${this.validation.toString()}`);
      }
      for (const w of this.validation.warnings) {
        void pulumi.log.warn(
          `${w.rule} in ${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name ?? ''} at ${w.path}: ${w.message}`,
          this,
        );
      }
    }

    const prefix = props.namePrefix ?? name;
    const byLayer = new Map<ApplyLayer, any[]>();
    for (const o of objects) {
      const layer = applyLayerOf(o);
      byLayer.set(layer, [...(byLayer.get(layer) ?? []), o]);
    }
    const registered: RegisteredObject[] = [];
    const seenNames = new Set<string>();
    let previous: pulumi.Resource[] = [];
    for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
      const current: pulumi.Resource[] = [];
      for (const object of byLayer.get(layer)!) {
        const resName = pulumiNameFor(prefix, object);
        if (seenNames.has(resName)) {
          throw new Error(
            `two objects map to the Pulumi name "${resName}" (layer ${APPLY_LAYER_NAMES[layer]}); give them distinct names or namespaces`,
          );
        }
        seenNames.add(resName);
        const { ctor, typed } = pulumiClassFor(object);
        const args = typed ? withoutTypeMeta(object) : object;
        const resource = new ctor(resName, args, { parent: this, dependsOn: previous });
        registered.push({ object, layer, name: resName, resource, dependsOn: previous });
        current.push(resource);
      }
      previous = current;
    }
    this.registered = registered;
    this.registerOutputs({
      objectCount: registered.length,
      layers: [...byLayer.keys()].sort((a, b) => a - b).map((l) => APPLY_LAYER_NAMES[l]),
    });
  }
}

/** Typed classes set apiVersion/kind themselves. */
function withoutTypeMeta(obj: any): any {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
