import { RbacRule } from './collector-workload-spec';

/**
 * Exactly what `k8s_attributes` reads (its README's ClusterRole): pods, namespaces and nodes, and
 * replicasets to resolve a pod's Deployment. Read-only verbs, no wildcards.
 */
export const K8S_ATTRIBUTES_RULES: readonly RbacRule[] = [
  { apiGroups: [''], resources: ['pods', 'namespaces', 'nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
];

/**
 * What the load_balancing exporter's `k8s` resolver reads: the endpoints of one Service. A Role in
 * that Service's namespace is enough (it watches a single namespace).
 */
export const K8S_RESOLVER_RULES: readonly RbacRule[] = [
  { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
];
