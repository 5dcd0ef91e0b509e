import { ApiObject, Lazy } from 'cdk8s';
import { configChecksum } from '../common/pod-security';
import { Construct } from 'constructs';
import {
  CollectorWorkloadSpec,
  containerSecurityContext,
  extraVolumes,
  podSecurityContext,
  queueClaimTemplate,
  receiverPorts,
  renderEnv,
  servicePorts,
} from './collector-workload-spec';
import { renderResources } from './collector-resources';
import { collectorLabels, collectorSelector, RenderedCollector, rbacObjects } from './runtime-common';
import { rememberRendered } from './rendered-configs';
import { toYaml } from '../common/yaml';

/** File name of the config inside the ConfigMap and at `/conf`. */
export const CONFIG_FILE = 'collector.yaml';
/** Directory the ConfigMap is mounted at. */
export const CONFIG_DIR = '/conf';

/**
 * Plain manifests, no operator: ConfigMap + DaemonSet/StatefulSet/Deployment + Service(s) +
 * ServiceAccount + RBAC (+ PodDisruptionBudget). Raw `ApiObject`s rather than cdk8s-plus-28 constructs:
 * cdk8s-plus-28 has no `internalTrafficPolicy` on Service, no `volumeClaimTemplates` on StatefulSet,
 * turns `automountServiceAccountToken` off, and the same pod pieces must also feed the operator's CR
 * (`collector-workload-spec.ts`). Everything is checked by the schema validator in the tests.
 *
 * `resolve` gives the workload description; what follows from the collector config (the ConfigMap,
 * the pod template with its checksum, env, ports and volumes, the Service ports) is produced at
 * synthesis, so components added to the config after construction are in the output.
 */
export function renderManifests(scope: Construct, resolve: () => CollectorWorkloadSpec): RenderedCollector {
  const objects: ApiObject[] = [];
  // names, labels, RBAC and the kind of workload are decided at construction
  const spec = resolve();
  const ns = spec.namespace;
  const labels = collectorLabels(spec);
  const selector = collectorSelector(spec);
  const meta = (name: string) => ({ name, namespace: ns, labels });

  const sa = new ApiObject(scope, 'service-account', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(spec.name),
    automountServiceAccountToken: spec.needsApiAccess,
  });
  objects.push(sa, ...rbacObjects(scope, spec, spec.name));

  objects.push(
    new ApiObject(scope, 'config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${spec.name}-config`),
      data: Lazy.any({
        produce: () => {
          const config = resolve().config;
          return { [CONFIG_FILE]: toYaml(rememberRendered(config, config.toObject()), { lineWidth: 0 }) };
        },
      }),
    }),
  );
  const headlessName = `${spec.name}-headless`;
  const kind = spec.mode === 'daemonset' ? 'DaemonSet' : spec.mode === 'statefulset' ? 'StatefulSet' : 'Deployment';
  objects.push(
    new ApiObject(scope, 'workload', {
      apiVersion: 'apps/v1',
      kind,
      metadata: meta(spec.name),
      spec: Lazy.any({ produce: () => workloadSpec(resolve(), headlessName) }),
    }),
  );
  const svcPorts = () =>
    servicePorts(resolve().config.listeningPorts()).map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.port,
      protocol: p.protocol,
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
  objects.push(
    new ApiObject(scope, 'service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(spec.name),
      spec: Lazy.any({
        produce: () => ({
          type: 'ClusterIP',
          selector,
          ports: svcPorts(),
          // agent: each pod only receives traffic from its own node
          internalTrafficPolicy: spec.nodeLocalService ? 'Local' : 'Cluster',
        }),
      }),
    }),
  );
  if (spec.headlessService) {
    objects.push(
      new ApiObject(scope, 'headless-service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(headlessName),
        // publishNotReadyAddresses stays unset (false): the API server drops a false value, so writing it
        // would make the stored Service differ from ours
        spec: Lazy.any({ produce: () => ({ clusterIP: 'None', selector, ports: svcPorts() }) }),
      }),
    );
  }
  if (spec.maxUnavailable !== undefined && spec.mode !== 'daemonset') {
    objects.push(
      new ApiObject(scope, 'pdb', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: meta(spec.name),
        spec: { maxUnavailable: spec.maxUnavailable, selector: { matchLabels: selector } },
      }),
    );
  }
  return {
    serviceName: spec.name,
    headlessServiceName: spec.headlessService ? headlessName : undefined,
    serviceAccountName: spec.name,
    apiObjects: objects,
  };
}

/** The DaemonSet/StatefulSet/Deployment spec of a collector (produced at synthesis). */
function workloadSpec(spec: CollectorWorkloadSpec, headlessName: string): Record<string, unknown> {
  const yaml = spec.config.toYaml();
  const selector = collectorSelector(spec);
  const labels = collectorLabels(spec);
  const hostPortIds = new Set(spec.hostPorts ? receiverPorts(spec.config).map((p) => p.port) : []);
  const ports = spec.config.listeningPorts().map((p) => ({
    name: p.name,
    containerPort: p.port,
    protocol: p.protocol,
    ...(hostPortIds.has(p.port) ? { hostPort: p.port } : {}),
  }));
  const extra = extraVolumes(spec);
  const probe = spec.health
    ? { httpGet: { path: spec.health.path, port: spec.health.port } }
    : undefined;
  const container: Record<string, unknown> = {
    name: 'otel-collector',
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: [`/${spec.binary}`],
    // the k8s/contrib images ship no usable default config for our pipelines: always pass ours
    args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
    ports,
    env: renderEnv(spec.env),
    resources: renderResources(spec.resources),
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }, ...extra.mounts],
    ...(probe
      ? {
          livenessProbe: { ...probe, initialDelaySeconds: 5, periodSeconds: 10 },
          readinessProbe: { ...probe, periodSeconds: 5 },
        }
      : {}),
  };
  const podSpec: Record<string, unknown> = {
    serviceAccountName: spec.name,
    // k8s_attributes and the k8s resolver talk to the API server: the token must be mounted
    automountServiceAccountToken: spec.needsApiAccess,
    securityContext: podSecurityContext(),
    containers: [container],
    volumes: [
      { name: 'config', configMap: { name: `${spec.name}-config`, items: [{ key: CONFIG_FILE, path: CONFIG_FILE }] } },
      ...extra.volumes,
    ],
    terminationGracePeriodSeconds: 30,
    ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
  };
  const template = {
    metadata: {
      labels: { ...labels, ...selector },
      // a config change rolls the pods
      annotations: { 'checksum/config': configChecksum(yaml) },
    },
    spec: podSpec,
  };
  if (spec.mode === 'daemonset') {
    return { selector: { matchLabels: selector }, updateStrategy: { type: 'RollingUpdate' }, template };
  } else if (spec.mode === 'statefulset') {
    return {
      serviceName: headlessName,
      replicas: spec.replicas ?? 1,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
      template,
      ...(spec.persistentQueue
        ? {
            volumeClaimTemplates: [queueClaimTemplate(spec.persistentQueue)],
            // keep queued data when scaling down; delete with the StatefulSet
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          }
        : {}),
    };
  } else {
    return { replicas: spec.replicas ?? 1, selector: { matchLabels: selector }, template };
  }
}

