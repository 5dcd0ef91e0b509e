// The public API of this room: a deliberate list (internal helpers are imported from their modules).
export {
  CA_INJECTION_ANNOTATION,
  GO_SWITCH_ENV,
  MANAGER_CONTAINER,
  MANAGER_DEPLOYMENT,
  NGINX_SWITCH_ENV,
  UPSTREAM_OPERATOR_NAMESPACE,
} from './operator-manifest';
export { OPERATOR_VERSION } from './operator-version';
export {
  OPERATOR_CACHE_DIR_ENV,
  OPERATOR_MANIFEST_ENV,
  OPERATOR_RELEASE_URL,
  OperatorManifestSource,
} from './operator-manifest-source';
export type {
  FetchOperatorManifestOptions,
  OperatorManifestSourceKind,
  ReleaseSourceOptions,
} from './operator-manifest-source';
export { ARGOCD_SYNC_WAVE_ANNOTATION } from '../common/layers';
export { OpenTelemetryOperator } from './opentelemetry-operator';
export type {
  OpenTelemetryOperatorProps,
  OperatorNames,
  OperatorResources,
  OperatorSyncWaves,
} from './opentelemetry-operator';
export {
  WebhookCertificates,
} from './webhook-certificates';
export type {
  CertManagerCertificatesOptions,
  ExistingSecretCertificatesOptions,
  WebhookCertificatesKind,
} from './webhook-certificates';
