/**
 * The `redaction` processor (contrib processor/redactionprocessor v0.158.0, in otelcol-k8s and
 * otelcol-contrib): deletes span, log and metric attributes that are not allowed, and masks (or
 * hashes) values that match blocked patterns. Field names and rules from its config.go and
 * processor.go: every pattern list is compiled with Go's regexp (RE2), `hmac_key` is required by the
 * `hmac-*` hash functions, `allowed_keys` is not read when `allow_all_keys` is true, and the summary
 * attributes are written for `debug` (keys and counts) and `info` (counts) only.
 */
import {
  fail,
  optBoolean,
  optOneOf,
  optProps,
  optString,
  optStringList,
  reqString,
  checkRe2,
} from '../../common/guards';
import { SecretKeyRef } from '../../common/otlp-destination';
import {
  componentProps,
  ConfiguredComponent,
  CollectorComponent,
  ComponentOptions,
  SecretEnvVar,
} from './component';
import { compact, ConfigObject } from './config-values';
import { envRef } from './env-ref';

/** Hash functions of the redaction processor (instead of masking with `****`). */
export type RedactionHashFunction = 'sha1' | 'sha3' | 'md5' | 'hmac-sha256' | 'hmac-sha512';
/** Allowed hash functions. */
export const REDACTION_HASH_FUNCTIONS: readonly RedactionHashFunction[] = [
  'sha1',
  'sha3',
  'md5',
  'hmac-sha256',
  'hmac-sha512',
];

/** Props of `Processor.redaction()`. */
export interface RedactionProps extends ComponentOptions {
  /**
   * Keep every attribute key (values matching `blockedValues` or `blockedKeyPatterns` are still masked).
   * Without it, only `allowedKeys` (and `ignoredKeys`) are kept and every other attribute is deleted.
   * @default false
   */
  readonly allowAllKeys?: boolean;
  /**
   * Attribute keys that are kept (exact names). Not read when `allowAllKeys` is true, so refused with it.
   * @default - none (with allowAllKeys false: every attribute is deleted)
   */
  readonly allowedKeys?: readonly string[];
  /** Regular expressions (Go RE2) of keys whose values are masked whatever they are. @default - none */
  readonly blockedKeyPatterns?: readonly string[];
  /** Regular expressions (Go RE2) of values that are masked, e.g. a card number `4[0-9]{12}(?:[0-9]{3})?`. @default - none */
  readonly blockedValues?: readonly string[];
  /** Regular expressions (Go RE2) of values that are never masked, even when a blocked pattern matches. @default - none */
  readonly allowedValues?: readonly string[];
  /** Attribute keys left untouched (neither deleted nor masked). @default - none */
  readonly ignoredKeys?: readonly string[];
  /** Regular expressions (Go RE2) of keys left untouched. @default - none */
  readonly ignoredKeyPatterns?: readonly string[];
  /**
   * Replace matching values by their hash instead of `****` (keeps values joinable without revealing them).
   * The `hmac-*` functions need `hmacKeyFrom`.
   * @default - values are masked with `****`
   */
  readonly hashFunction?: RedactionHashFunction;
  /**
   * The Secret key holding the HMAC key of `hmac-sha256` (at least 32 bytes) or `hmac-sha512` (at least
   * 64 bytes). Rendered as `${env:VAR}`; the collector container gets the variable from the Secret
   * (`secretEnv()`), so the key never appears in a manifest. A literal key is not accepted.
   * @default - none (required by the hmac-* hash functions, refused otherwise)
   */
  readonly hmacKeyFrom?: SecretKeyRef;
  /**
   * Name of the environment variable that carries the HMAC key.
   * @default 'OTEL_REDACTION_HMAC_KEY' (`OTEL_REDACTION_<NAME>_HMAC_KEY` for a named instance)
   */
  readonly hmacKeyEnvVar?: string;
  /** Also redact values that are not strings (numbers, booleans: masked after conversion to text). @default false */
  readonly redactAllTypes?: boolean;
  /**
   * Summary attributes written on each redacted item: `debug` (redacted, masked and allowed keys and
   * their counts), `info` (counts only) or `silent` (none).
   * @default - none written (the collector writes summary attributes only for debug and info)
   */
  readonly summary?: 'debug' | 'info' | 'silent';
}

const KEYS = [
  'allowAllKeys',
  'allowedKeys',
  'blockedKeyPatterns',
  'blockedValues',
  'allowedValues',
  'ignoredKeys',
  'ignoredKeyPatterns',
  'hashFunction',
  'hmacKeyFrom',
  'hmacKeyEnvVar',
  'redactAllTypes',
  'summary',
];

/** The typed redaction processor (its HMAC key comes from a Secret through `secretEnv()`). */
class RedactionProcessor extends ConfiguredComponent {
  constructor(
    config: ConfigObject,
    options: ComponentOptions,
    private readonly hmacEnv: SecretEnvVar | undefined,
  ) {
    super('processor', 'redaction', config, options);
  }

  public secretEnv(): SecretEnvVar[] {
    return this.hmacEnv ? [{ name: this.hmacEnv.name, secretKeyRef: { ...this.hmacEnv.secretKeyRef } }] : [];
  }
}

/** `Processor.redaction()`: checks the props and renders the collector's keys. */
export function redaction(props: RedactionProps): CollectorComponent {
  const { p, where } = componentProps<RedactionProps>('processor', 'redaction', props, KEYS, false);
  const allowAll = optBoolean(where, 'allowAllKeys', p.allowAllKeys);
  const list = (k: keyof RedactionProps, fix: string) => optStringList(where, k, p[k], fix);
  const patterns = (k: keyof RedactionProps) => {
    const l = list(k, 'pass a list of regular expressions (Go RE2 syntax)');
    l?.forEach((x, i) => checkRe2(where, `${k}[${i}]`, x));
    return l;
  };
  const allowedKeys = list('allowedKeys', 'pass a list of attribute keys');
  if (allowAll && allowedKeys !== undefined) {
    fail(
      where,
      'allowedKeys',
      allowedKeys,
      'is not read when allowAllKeys is true (every key is kept)',
      'remove allowedKeys, or set allowAllKeys to false to keep only the listed keys',
    );
  }
  const hashFunction = optOneOf(where, 'hashFunction', p.hashFunction, REDACTION_HASH_FUNCTIONS);
  const hmac = hashFunction === 'hmac-sha256' || hashFunction === 'hmac-sha512';
  const ref = optProps<SecretKeyRef>(where, 'hmacKeyFrom', p.hmacKeyFrom, ['name', 'key']);
  if (ref) {
    reqString(where, 'hmacKeyFrom.name', ref.name, 'pass the name of the Secret holding the HMAC key');
    reqString(where, 'hmacKeyFrom.key', ref.key, 'pass the key inside the Secret');
  }
  const defaultEnv = `OTEL_REDACTION_${p.name ? `${p.name}_` : ''}HMAC_KEY`
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_');
  const envName =
    optString(
      where,
      'hmacKeyEnvVar',
      p.hmacKeyEnvVar,
      'pass an environment variable name such as REDACTION_HMAC_KEY',
    ) ?? defaultEnv;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envName)) {
    fail(
      where,
      'hmacKeyEnvVar',
      envName,
      'is not an environment variable name',
      'use letters, digits and underscores, not starting with a digit',
    );
  }
  if (hmac && !ref) {
    fail(
      where,
      'hmacKeyFrom',
      undefined,
      `is missing; hash function "${hashFunction}" needs an HMAC key`,
      "pass the Secret key that holds it, e.g. { name: 'redaction', key: 'hmac-key' } (never a literal key)",
    );
  }
  if (!hmac && ref) {
    fail(
      where,
      'hmacKeyFrom',
      ref,
      `is not read with ${hashFunction ? `hash function "${hashFunction}"` : 'masking (no hashFunction)'}`,
      "remove it, or use hashFunction 'hmac-sha256' or 'hmac-sha512'",
    );
  }
  if (!hmac && p.hmacKeyEnvVar !== undefined) {
    fail(where, 'hmacKeyEnvVar', p.hmacKeyEnvVar, 'is not used without an hmac-* hash function', 'remove it');
  }
  const config = compact({
    allow_all_keys: allowAll,
    allowed_keys: allowedKeys,
    blocked_key_patterns: patterns('blockedKeyPatterns'),
    hash_function: hashFunction,
    hmac_key: hmac ? envRef(envName) : undefined,
    ignored_keys: list('ignoredKeys', 'pass a list of attribute keys'),
    ignored_key_patterns: patterns('ignoredKeyPatterns'),
    redact_all_types: optBoolean(where, 'redactAllTypes', p.redactAllTypes),
    blocked_values: patterns('blockedValues'),
    allowed_values: patterns('allowedValues'),
    summary: optOneOf(where, 'summary', p.summary, ['debug', 'info', 'silent']),
  });
  return new RedactionProcessor(
    config,
    p,
    hmac ? { name: envName, secretKeyRef: { name: ref!.name, key: ref!.key } } : undefined,
  );
}
