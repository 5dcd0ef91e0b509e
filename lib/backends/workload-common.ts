import { Construct, IConstruct } from 'constructs';
import { isDns1035Label } from '../common/k8s-names';
import { addValidationOncePerPass } from '../common/validation-pass';

/** Checks a name used for a Service (a DNS-1035 label, at most 63 characters). */
export function checkDnsLabel(kind: string, name: string): string {
  if (!isDns1035Label(name) || name.length > 52) {
    throw new Error(
      `${kind} name ${JSON.stringify(name)} is invalid; use 1-52 lowercase letters, digits and '-', starting with a letter (it names the Service and the objects derived from it)`,
    );
  }
  return name;
}

export { resolveNamespace } from '../common/k8s-names';

/** Standard labels of a backend's objects. */
export function appLabels(appName: string, instance: string, version: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': appName,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/component': 'trace-backend',
    'app.kubernetes.io/managed-by': 'cdk8s',
  };
}

/** Labels used in selectors (stable across upgrades, so no version). */
export function selectorLabels(appName: string, instance: string): Record<string, string> {
  return { 'app.kubernetes.io/name': appName, 'app.kubernetes.io/instance': instance };
}

export { configChecksum as checksum, containerSecurityContext, podSecurityContext } from '../common/pod-security';

/** Checks a resource quantity given in whole units. */
export function checkPositiveInt(where: string, prop: string, value: number | undefined, example: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw new Error(`${where}: ${prop} ${value} is invalid; use a positive whole number, e.g. ${example}`);
  }
}

/** Checks label/annotation maps have string values (they go into metadata verbatim). */
export function checkStringMap(where: string, prop: string, map: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(map ?? {})) {
    if (typeof v !== 'string') {
      throw new Error(`${where}: ${prop}["${k}"] must be a string, got ${JSON.stringify(v)}; quote the value`);
    }
  }
}

/** Marker so that backends can find each other in the construct tree. */
const BACKEND_SERVICE = Symbol.for('@otel-tracing/k8s-constructs.backend-service');

/**
 * Registers the backend's Service name and adds a tree-wide validation: two in-cluster backends in
 * one app must not claim the same Service name in the same namespace (their objects would collide).
 */
export function registerBackendService(construct: Construct, kind: string, name: string, namespace: string): void {
  (construct as any)[BACKEND_SERVICE] = { kind, name, namespace };
  const check = (): string[] => {
    const clashes = construct.node.root.node
      .findAll()
      .filter((c: IConstruct) => c !== construct && (c as any)[BACKEND_SERVICE])
      .filter((c: IConstruct) => {
        const other = (c as any)[BACKEND_SERVICE];
        return other.name === name && other.namespace === namespace;
      });
    return clashes.map(
      (c) =>
        `${kind} "${name}": Service name "${name}" in namespace "${namespace}" is also used by ${(c as any)[BACKEND_SERVICE].kind} at ${c.node.path}; give one of them another name`,
    );
  };
  addValidationOncePerPass(construct.node, check);
}
