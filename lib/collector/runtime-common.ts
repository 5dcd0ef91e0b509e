import { clusterScoped } from '../common/cluster-scoped';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CollectorWorkloadSpec } from './collector-workload-spec';

/** What a runtime emitted for one collector, and the names other objects must use. */
export interface RenderedCollector {
  /** ClusterIP Service (node-local for the agent) that clients send OTLP to. */
  readonly serviceName: string;
  /** Headless Service (one DNS A record per ready pod), when emitted. */
  readonly headlessServiceName?: string;
  /** ServiceAccount the pods run as (created by the operator in operator mode). */
  readonly serviceAccountName: string;
  /** Objects emitted by this library (the operator creates the rest in operator mode). */
  readonly apiObjects: readonly ApiObject[];
}

/** Label that marks objects of this library's collectors (cross-object checks look for it). */
export const COLLECTOR_COMPONENT_LABEL = 'app.kubernetes.io/component';

/** Labels of every object of a collector. */
export function collectorLabels(spec: CollectorWorkloadSpec): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'opentelemetry-collector',
    'app.kubernetes.io/instance': spec.name,
    [COLLECTOR_COMPONENT_LABEL]: `collector-${spec.component}`,
    'app.kubernetes.io/part-of': 'opentelemetry-tracing',
    'app.kubernetes.io/managed-by': 'cdk8s',
    ...spec.labels,
  };
}

/** Pod selector (stable: no version). */
export function collectorSelector(spec: CollectorWorkloadSpec): Record<string, string> {
  return { 'app.kubernetes.io/name': 'opentelemetry-collector', 'app.kubernetes.io/instance': spec.name };
}

/**
 * ClusterRole/ClusterRoleBinding for the cluster-wide rules and a Role/RoleBinding per namespaced
 * grant, bound to `serviceAccount` in the collector's namespace. Cluster-scoped names are prefixed
 * with the namespace so two stacks in different namespaces do not collide.
 */
export function rbacObjects(scope: Construct, spec: CollectorWorkloadSpec, serviceAccount: string): ApiObject[] {
  const out: ApiObject[] = [];
  const labels = collectorLabels(spec);
  const subject = { kind: 'ServiceAccount', name: serviceAccount, namespace: spec.namespace };
  const clone = (rules: CollectorWorkloadSpec['clusterRules']) =>
    rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] }));
  if (spec.clusterRules.length) {
    const name = `${spec.namespace}-${spec.name}`;
    const clusterScopedObjects = [
      new ApiObject(scope, 'cluster-role', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        rules: clone(spec.clusterRules),
      }),
      new ApiObject(scope, 'cluster-role-binding', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      }),
    ];
    out.push(...clusterScopedObjects.map((o) => clusterScoped(o)));
  }
  spec.namespacedRbac.forEach((grant, i) => {
    const name = `${spec.name}-${grant.namespace === spec.namespace ? 'resolver' : `${spec.namespace}-resolver`}`;
    const suffix = i === 0 ? '' : `-${i}`;
    out.push(
      new ApiObject(scope, `role${suffix}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name, namespace: grant.namespace, labels },
        rules: clone(grant.rules),
      }),
      new ApiObject(scope, `role-binding${suffix}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: grant.namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [subject],
      }),
    );
  });
  return out;
}
