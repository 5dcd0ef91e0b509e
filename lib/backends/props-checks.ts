/**
 * Checks of the props of the backends room's factories and constructs, for TypeScript and plain
 * JavaScript callers alike (types, finite numbers, unions, lists, instances of our classes, known
 * keys of nested objects). Range rules with backend-specific wording stay with the code that uses
 * the value. Internal to the room.
 */
import { fail, optBoolean, optNumber, optObject, optOneOf, optString, optStringMap, propsObject, NumberRule } from '../common/guards';
import { checkPinnedImage } from '../common/k8s-names';
import { SecretKeyRef } from '../common/otlp-destination';
import { assertSecretKeyRef } from './secret-refs';

/** `where` of a backend construct, from props not yet checked: `tempo "name"`. */
export function backendWhere(kind: string, props: unknown): string {
  const name = props !== null && typeof props === 'object' ? (props as { name?: unknown }).name : undefined;
  return `${kind} "${typeof name === 'string' ? name : kind}"`;
}

/** An optional whole number at least `min` (1 by default). */
export function optCount(where: string, path: string, v: unknown, example: string, min = 1): number | undefined {
  return optNumber(where, path, v, { integer: true, min, example });
}

/** A number prop whose range is checked by the caller: only its type is checked here. */
export function optNumberType(where: string, path: string, v: unknown, rule: NumberRule = {}): number | undefined {
  if (v === undefined || typeof v === 'number') return v as number | undefined;
  return optNumber(where, path, v, rule);
}

/** An optional image reference, pinned by tag or digest (an untagged image is refused, as for collectors). */
export function optImage(where: string, path: string, v: unknown): string | undefined {
  const image = optString(where, path, v, 'pass a pinned image reference, e.g. "registry.example/repo:1.2.3"');
  // checkPinnedImage names the prop itself (`<what>: image "..." is not a pinned image reference`)
  return image === undefined ? undefined : checkPinnedImage(path === 'image' ? where : `${where}: ${path.replace(/\.image$/, '')}`, image);
}

/** An optional Secret key reference `{ name, key }` (never a literal credential). */
export function optSecretRef(where: string, path: string, v: unknown): SecretKeyRef | undefined {
  if (v === undefined) return undefined;
  return assertSecretKeyRef(v, `${where}: ${path}`);
}

/** Checks `serviceMonitor` options of a backend. */
export function checkServiceMonitorOptions(where: string, v: unknown): void {
  const o = optObject<Record<string, unknown>>(where, 'serviceMonitor', v, ['intervalSec', 'labels']);
  if (!o) return;
  optNumberType(where, 'serviceMonitor.intervalSec', o.intervalSec, { integer: true, min: 1, example: '30' });
  optStringMap(where, 'serviceMonitor.labels', o.labels);
}

/** Checks the storage TLS block of Jaeger (`{ caFrom, insecureSkipVerify }`). */
export function checkStorageTls(where: string, v: unknown): void {
  const o = optObject<Record<string, unknown>>(where, 'tls', v, ['caFrom', 'insecureSkipVerify']);
  if (!o) return;
  optSecretRef(where, 'tls.caFrom', o.caFrom);
  optBoolean(where, 'tls.insecureSkipVerify', o.insecureSkipVerify);
}

/** Checks the volume options every Tempo storage and Jaeger's badger take. */
export function checkVolumeOptions(where: string, props: Record<string, unknown>): void {
  optNumberType(where, 'sizeGiB', props.sizeGiB, { integer: true, min: 1, example: '10' });
  optString(where, 'storageClassName', props.storageClassName, 'pass the name of a StorageClass');
}

export { fail, optBoolean, optNumber, optObject, optOneOf, optString, optStringMap, propsObject };
