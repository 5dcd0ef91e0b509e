export * from './operator-manifest-source';
export * from './opentelemetry-operator';
export * from './webhook-certificates';
export {
  CA_INJECTION_ANNOTATION,
  GO_SWITCH_ENV,
  MANAGER_CONTAINER,
  MANAGER_DEPLOYMENT,
  NGINX_SWITCH_ENV,
  UPSTREAM_OPERATOR_NAMESPACE,
} from './operator-manifest';
