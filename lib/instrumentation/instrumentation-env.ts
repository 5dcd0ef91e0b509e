import { SecretKeyRef } from '../common/otlp-destination';

/** An environment variable of an Instrumentation (common or per language). Exactly one source. */
export interface InstrumentationEnvVar {
  /** Variable name. */
  readonly name: string;
  /**
   * Literal value (never a credential: use `secretKeyRef`).
   * @default - no literal value
   */
  readonly value?: string;
  /**
   * Downward-API field path, e.g. `status.hostIP`.
   * @default - no field reference
   */
  readonly fieldPath?: string;
  /**
   * Value from a key of a Secret.
   * @default - no Secret reference
   */
  readonly secretKeyRef?: SecretKeyRef;
  /**
   * Value from a key of a ConfigMap.
   * @default - no ConfigMap reference
   */
  readonly configMapKeyRef?: { readonly name: string; readonly key: string };
}

/** Kubernetes EnvVar JSON. */
export interface EnvVarJson {
  /** Variable name. */
  name: string;
  /** Literal value. */
  value?: string;
  /** `valueFrom` source (field, resource or Secret/ConfigMap key reference). */
  valueFrom?: Record<string, unknown>;
}

const SENSITIVE = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL|_HEADERS$|PRIVATE_KEY)/i;

/** Converts and validates a list of env vars; `where` names the block in errors. */
export function envToJson(env: readonly InstrumentationEnvVar[], where: string): EnvVarJson[] {
  const seen = new Set<string>();
  return env.map((e) => {
    if (!e.name || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name)) {
      throw new Error(`instrumentation ${where}.env: "${e.name}" is not a valid variable name; use letters, digits, "_", "-" or "."`);
    }
    if (seen.has(e.name)) {
      throw new Error(`instrumentation ${where}.env: ${e.name} is set twice; keep one entry`);
    }
    seen.add(e.name);
    const sources = [e.value !== undefined, e.fieldPath !== undefined, e.secretKeyRef !== undefined, e.configMapKeyRef !== undefined].filter(
      Boolean,
    ).length;
    if (sources !== 1) {
      throw new Error(
        `instrumentation ${where}.env: ${e.name} has ${sources} value sources; set exactly one of value, fieldPath, secretKeyRef, configMapKeyRef`,
      );
    }
    if (e.value !== undefined) {
      if (SENSITIVE.test(e.name)) {
        throw new Error(
          `instrumentation ${where}.env: ${e.name} looks like a credential and has a literal value; use secretKeyRef: { name, key } so it stays out of the manifest`,
        );
      }
      return { name: e.name, value: e.value };
    }
    if (e.fieldPath !== undefined) return { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } };
    if (e.secretKeyRef !== undefined) {
      return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } };
    }
    return { name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapKeyRef!.name, key: e.configMapKeyRef!.key } } };
  });
}
