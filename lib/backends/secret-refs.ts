import { isDns1123Subdomain } from '../common/k8s-names';
import { SecretKeyRef } from '../common/otlp-destination';

/** An environment variable of a backend container whose value comes from a Secret key. */
export interface SecretEnvVar {
  /** Variable name, e.g. `TEMPO_S3_SECRET_ACCESS_KEY`. */
  readonly name: string;
  /** The Secret key it is read from. */
  readonly secretKeyRef: SecretKeyRef;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/**
 * Checks, at run time, that a credential was given as a Secret reference and not as a string.
 * TypeScript already forbids strings; this guards JavaScript callers and `as any` casts so that a
 * credential value can never reach a manifest.
 */
export function assertSecretKeyRef(value: unknown, where: string): SecretKeyRef {
  if (typeof value === 'string') {
    throw new Error(
      `${where}: a literal credential string is not accepted; reference a Secret instead, e.g. { name: 'my-secret', key: 'password' }`,
    );
  }
  if (value === null || typeof value !== 'object') {
    throw new Error(`${where}: expected a Secret reference { name, key }, got ${JSON.stringify(value)}`);
  }
  const extra = Object.keys(value).filter((k) => k !== 'name' && k !== 'key');
  if (extra.length > 0) {
    throw new Error(
      `${where}: unexpected field(s) ${extra.map((k) => `"${k}"`).join(', ')} in a Secret reference; only { name, key } is accepted (values never go into manifests)`,
    );
  }
  const { name, key } = value as SecretKeyRef;
  if (typeof name !== 'string' || !isDns1123Subdomain(name)) {
    throw new Error(
      `${where}: Secret name ${JSON.stringify(name)} is not a valid Kubernetes name; use lowercase letters, digits, '-' and '.'`,
    );
  }
  if (typeof key !== 'string' || !SECRET_KEY.test(key)) {
    throw new Error(
      `${where}: Secret key ${JSON.stringify(key)} is not a valid Secret data key; use letters, digits, '-', '_' and '.'`,
    );
  }
  return { name, key };
}

/** `env` entries (Kubernetes shape) for a list of Secret-backed variables. */
export function secretEnv(vars: readonly SecretEnvVar[]): any[] {
  return vars.map((v) => ({
    name: v.name,
    valueFrom: { secretKeyRef: { name: v.secretKeyRef.name, key: v.secretKeyRef.key } },
  }));
}
