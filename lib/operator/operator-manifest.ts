import { parseYamlDocuments } from '../common/yaml';
import { OPERATOR_VERSION } from './operator-version';
import { ExistingSecretCertificates, WebhookCertificates } from './webhook-certificates';

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; [k: string]: unknown };
  [key: string]: unknown;
}

/** Namespace the upstream release manifest installs into. */
export const UPSTREAM_OPERATOR_NAMESPACE = 'opentelemetry-operator-system';
/** Name of the manager Deployment in the upstream manifest. */
export const MANAGER_DEPLOYMENT = 'opentelemetry-operator-controller-manager';
/** Name of the manager container in the upstream manifest. */
export const MANAGER_CONTAINER = 'manager';
/** Annotation with which cert-manager injects the CA bundle. */
export const CA_INJECTION_ANNOTATION = 'cert-manager.io/inject-ca-from';
/** Env var switching Go auto-instrumentation in the manager. */
export const GO_SWITCH_ENV = 'ENABLE_GO_AUTO_INSTRUMENTATION';
/** Env var switching nginx auto-instrumentation in the manager. */
export const NGINX_SWITCH_ENV = 'ENABLE_NGINX_AUTO_INSTRUMENTATION';

/** Parses a multi-document manifest into plain objects; throws on YAML errors or non-objects. */
export function parseManifest(text: string, where: string): KubeObject[] {
  const out: KubeObject[] = [];
  const docs = parseYamlDocuments(text);
  if (!Array.isArray(docs)) {
    throw new Error(`operator manifest (${where}): not a YAML stream`);
  }
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(`operator manifest (${where}): YAML document ${index + 1} is invalid: ${doc.errors[0].message}`);
    }
    const obj = doc.toJS() as unknown;
    if (obj === null || obj === undefined) {
      return;
    }
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      throw new Error(`operator manifest (${where}): document ${index + 1} is not a Kubernetes object`);
    }
    const o = obj as Partial<KubeObject>;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new Error(
        `operator manifest (${where}): document ${index + 1} lacks apiVersion, kind or metadata.name; is this the operator release manifest?`,
      );
    }
    out.push(o as KubeObject);
  });
  return out;
}

/** Finds the manager Deployment and container, failing clearly when the manifest is not the operator's. */
export function findManager(objects: KubeObject[], where: string): { deployment: KubeObject; container: Container } {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === MANAGER_DEPLOYMENT);
  if (!deployment) {
    throw new Error(
      `operator manifest (${where}): Deployment ${MANAGER_DEPLOYMENT} not found; supply opentelemetry-operator.yaml of v${OPERATOR_VERSION}`,
    );
  }
  const containers = ((deployment.spec as any)?.template?.spec?.containers ?? []) as Container[];
  const container = containers.find((c) => c.name === MANAGER_CONTAINER);
  if (!container) {
    throw new Error(`operator manifest (${where}): Deployment ${MANAGER_DEPLOYMENT} has no container "${MANAGER_CONTAINER}"`);
  }
  return { deployment, container };
}

/** The operator version that the manager image tag names (`undefined` when the tag is a digest). */
export function imageVersion(image: string): string | undefined {
  const m = /:v?(\d+\.\d+\.\d+)$/.exec(image);
  return m ? m[1] : undefined;
}

/** Minimal container shape used by the patches. */
export interface Container {
  name: string;
  image?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [k: string]: unknown;
}

/** Sets (or replaces) an env var on a container, keeping the order of the others. */
export function setEnv(container: Container, name: string, value: string): void {
  const env = container.env ?? [];
  const existing = env.find((e) => e.name === name);
  if (existing) {
    existing.value = value;
    delete existing.valueFrom;
  } else {
    env.push({ name, value });
  }
  container.env = env;
}

/**
 * Moves every namespaced reference from the upstream namespace to `ns`: object namespaces, RBAC
 * subjects, webhook and conversion service references, cert-manager CA-injection annotations and
 * Certificate DNS names. Fails when any reference to the old namespace is left afterwards.
 */
export function relocateNamespace(objects: KubeObject[], ns: string): void {
  if (ns === UPSTREAM_OPERATOR_NAMESPACE) {
    return;
  }
  const from = UPSTREAM_OPERATOR_NAMESPACE;
  for (const o of objects) {
    if (o.kind === 'Namespace' && o.metadata.name === from) {
      o.metadata.name = ns;
    }
    if (o.metadata.namespace === from) {
      o.metadata.namespace = ns;
    }
    const ann = o.metadata.annotations;
    if (ann && ann[CA_INJECTION_ANNOTATION]?.startsWith(`${from}/`)) {
      ann[CA_INJECTION_ANNOTATION] = `${ns}/${ann[CA_INJECTION_ANNOTATION].slice(from.length + 1)}`;
    }
    for (const s of (o.subjects as Array<{ namespace?: string }> | undefined) ?? []) {
      if (s.namespace === from) s.namespace = ns;
    }
    for (const w of (o.webhooks as Array<{ clientConfig?: { service?: { namespace?: string } } }> | undefined) ?? []) {
      if (w.clientConfig?.service?.namespace === from) w.clientConfig.service.namespace = ns;
    }
    const conv = (o.spec as any)?.conversion?.webhook?.clientConfig?.service;
    if (conv?.namespace === from) conv.namespace = ns;
    if (o.kind === 'Certificate') {
      const spec = o.spec as { dnsNames?: string[] };
      spec.dnsNames = spec.dnsNames?.map((d) => d.replace(`.${from}.svc`, `.${ns}.svc`));
    }
  }
  for (const o of objects) {
    const json = JSON.stringify(o);
    if (json.includes(from)) {
      throw new Error(
        `operator manifest: ${o.kind} ${o.metadata.name} still references namespace "${from}" after moving it to "${ns}"; ` +
          'the manifest has a field this library does not know how to relocate; keep the upstream namespace or report it',
      );
    }
  }
}

/** Applies the chosen certificate source; returns the objects to keep. */
export function applyCertificates(objects: KubeObject[], certificates: WebhookCertificates, ns: string): KubeObject[] {
  if (!(certificates instanceof ExistingSecretCertificates)) {
    return objects;
  }
  const kept = objects.filter((o) => !o.apiVersion.startsWith('cert-manager.io/'));
  for (const o of kept) {
    if (o.metadata.annotations && CA_INJECTION_ANNOTATION in o.metadata.annotations) {
      delete o.metadata.annotations[CA_INJECTION_ANNOTATION];
    }
    for (const w of (o.webhooks as Array<{ clientConfig: Record<string, unknown> }> | undefined) ?? []) {
      w.clientConfig.caBundle = certificates.caBundleBase64;
    }
    const conv = (o.spec as any)?.conversion?.webhook?.clientConfig;
    if (conv) conv.caBundle = certificates.caBundleBase64;
    if (o.kind === 'Deployment' && o.metadata.name === MANAGER_DEPLOYMENT) {
      const volumes = ((o.spec as any).template.spec.volumes ?? []) as Array<{ name: string; secret?: { secretName: string } }>;
      const cert = volumes.find((v) => v.secret);
      if (!cert?.secret) {
        throw new Error(`operator manifest: Deployment ${MANAGER_DEPLOYMENT} in ${ns} has no Secret volume for the webhook certificate`);
      }
      cert.secret.secretName = certificates.secretName;
    }
  }
  return kept;
}
