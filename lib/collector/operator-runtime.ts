import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { OpenTelemetryOperator } from '../operator/opentelemetry-operator';
import {
  CollectorWorkloadSpec,
  containerSecurityContext,
  extraVolumes,
  podSecurityContext,
  queueClaimTemplate,
  receiverPorts,
  renderEnv,
} from './collector-workload-spec';
import { renderResources } from './collector-resources';
import { collectorLabels, RenderedCollector, rbacObjects } from './runtime-common';
import { rememberRendered } from './rendered-configs';

/** Names the operator (v0.158.0) gives to what it creates for a CR named `name`. */
export function operatorNames(name: string): { service: string; headless: string; monitoring: string; serviceAccount: string } {
  return {
    service: `${name}-collector`,
    headless: `${name}-collector-headless`,
    monitoring: `${name}-collector-monitoring`,
    serviceAccount: `${name}-collector`,
  };
}

/**
 * An `OpenTelemetryCollector` (opentelemetry.io/v1beta1) CR. The operator derives container and Service
 * ports from the receivers in `spec.config` and names the Services `<name>-collector` (in daemonset mode
 * with `internalTrafficPolicy: Local`) and `<name>-collector-headless`; it derives probes from the
 * `health_check` extension and creates the ServiceAccount `<name>-collector`. This function emits the CR
 * plus the RBAC bound to that ServiceAccount (the operator's automatic RBAC needs extra operator
 * permissions, so we do not rely on it). `spec.image` is always set: the operator's default image is
 * the core distribution, which lacks tail_sampling, load_balancing and k8s_attributes.
 */
export function renderOperator(scope: Construct, resolve: () => CollectorWorkloadSpec, operator?: OpenTelemetryOperator): RenderedCollector {
  // names, labels and RBAC are decided at construction; the CR's spec (config, env, ports, volumes) at synthesis
  const spec = resolve();
  const names = operatorNames(spec.name);
  if (names.headless.length > 63) {
    throw new Error(
      `collector "${spec.name}": the operator would name its Service "${names.headless}" (${names.headless.length} characters, max 63); use a name of at most 44 characters`,
    );
  }
  const cr = new ApiObject(scope, 'collector', {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: spec.name, namespace: spec.namespace, labels: collectorLabels(spec) },
    spec: Lazy.any({ produce: () => collectorCrSpec(resolve()) }),
  });
  if (operator) operator.addCustomResource(cr);
  const rbac = rbacObjects(scope, spec, names.serviceAccount);
  return {
    serviceName: names.service,
    headlessServiceName: names.headless,
    serviceAccountName: names.serviceAccount,
    apiObjects: [cr, ...rbac],
  };
}

/** The `spec` of the OpenTelemetryCollector CR (produced at synthesis). */
function collectorCrSpec(spec: CollectorWorkloadSpec): Record<string, unknown> {
  const extra = extraVolumes(spec);
  // hostPort: override the derived receiver ports by number (the operator keeps CR ports and drops
  // inferred ports with the same number)
  const ports = spec.hostPorts
    ? receiverPorts(spec.config).map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol,
        hostPort: p.port,
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      }))
    : undefined;
  const crSpec: Record<string, unknown> = {
    mode: spec.mode,
    // the values the operator's webhook / the CRD would default, written out: the stored CR equals ours
    managementState: 'managed',
    upgradeStrategy: 'automatic',
    image: spec.image,
    ...(spec.mode !== 'daemonset' ? { replicas: spec.replicas ?? 1 } : {}),
    config: rememberRendered(spec.config, spec.config.toObject()),
    env: renderEnv(spec.env),
    resources: renderResources(spec.resources),
    securityContext: containerSecurityContext(),
    podSecurityContext: podSecurityContext(),
    ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    ...(ports ? { ports } : {}),
    ...(extra.volumes.length ? { volumes: extra.volumes } : {}),
    ...(extra.mounts.length ? { volumeMounts: extra.mounts } : {}),
    ...(spec.persistentQueue && spec.mode === 'statefulset'
      ? { volumeClaimTemplates: [queueClaimTemplate(spec.persistentQueue)] }
      : {}),
    ...(spec.maxUnavailable !== undefined && spec.mode !== 'daemonset'
      ? { podDisruptionBudget: { maxUnavailable: spec.maxUnavailable } }
      : {}),
  };
  return crSpec;
}
