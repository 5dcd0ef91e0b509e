import { optNumber, optOneOf, optString } from '../../common/guards';
import {
  checkClientTlsProps,
  checkHeadersProps,
  checkQueueProps,
  checkRetryProps,
  COMPRESSIONS,
  checkCompression,
  checkHeaders,
  ClientTlsProps,
  OtlpCompression,
  parseClientTls,
  parseQueue,
  parseRetry,
  renderClientTls,
  renderQueue,
  renderRetry,
  RetryProps,
  SendingQueueProps,
} from './client-settings';
import { checkSecretEnv, SecretEnvVar } from './component';
import { asObject, checkKeys, checkRange, compact, ConfigObject, formatDuration, opt, optDuration, optEnum } from './config-values';

/** Settings shared by the OTLP exporters (and the `protocol.otlp` block of load_balancing). */
export interface OtlpClientProps {
  /** TLS. @default - TLS with system roots (gRPC: plaintext when the endpoint starts with http://) */
  readonly tls?: ClientTlsProps;
  /** Headers; use `${env:VAR}` values (see `envRef()`) for secrets. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
  /** Compression. @default 'gzip' (collector default) */
  readonly compression?: OtlpCompression;
  /** Timeout per export attempt. @default 5 (gRPC) / 30 (HTTP) */
  readonly timeoutSec?: number;
  /** `sending_queue`, `false` to disable (not recommended). @default - collector defaults (enabled) */
  readonly sendingQueue?: SendingQueueProps | false;
  /** `retry_on_failure`, `false` to disable (not recommended). @default - collector defaults (enabled) */
  readonly retryOnFailure?: RetryProps | false;
  /** Extension id for client auth (e.g. `bearertokenauth`). @default - none */
  readonly authenticator?: string;
  /** Env vars (referenced in headers) that come from Secrets. @default - none */
  readonly secretEnv?: readonly SecretEnvVar[];
}

/** Renders the OTLP client settings (used by the OTLP exporters and load_balancing's protocol.otlp). */
export function renderOtlpClient(props: OtlpClientProps, where: string): ConfigObject {
  checkCompression(props.compression, where);
  checkHeaders(props.headers, where);
  checkRange(props.timeoutSec, 0, Infinity, `${where}: timeout`, 'use a value >= 0 seconds');
  return compact({
    tls: props.tls ? renderClientTls(props.tls, where) : undefined,
    headers: props.headers ? { ...props.headers } : undefined,
    compression: props.compression,
    timeout: props.timeoutSec === undefined ? undefined : formatDuration(props.timeoutSec),
    sending_queue: props.sendingQueue === undefined ? undefined : renderQueue(props.sendingQueue, where),
    retry_on_failure: props.retryOnFailure === undefined ? undefined : renderRetry(props.retryOnFailure, where),
    auth: props.authenticator ? { authenticator: props.authenticator } : undefined,
  });
}

/** Keys of the OTLP client settings accepted by the parser. */
export const OTLP_CLIENT_KEYS = ['endpoint', 'tls', 'headers', 'compression', 'timeout', 'sending_queue', 'retry_on_failure', 'auth'];

/** Parses OTLP client settings (strict keys, plus `extraKeys`). */
export function parseOtlpClient(o: Record<string, unknown>, where: string, extraKeys: readonly string[]): OtlpClientProps {
  checkKeys(o, [...OTLP_CLIENT_KEYS, ...extraKeys], where);
  const headers = o.headers === undefined || o.headers === null ? undefined : asObject(o.headers, `${where}.headers`);
  const auth = o.auth === undefined ? undefined : asObject(o.auth, `${where}.auth`);
  if (auth) {
    checkKeys(auth, ['authenticator'], `${where}.auth`);
    if (!opt(auth, 'authenticator', 'string', `${where}.auth`)) {
      throw new Error(`${where}.auth: authenticator is missing; name the auth extension (e.g. bearertokenauth) or remove auth`);
    }
  }
  return {
    tls: o.tls === undefined ? undefined : parseClientTls(o.tls, `${where}.tls`),
    headers: headers as Record<string, string> | undefined,
    compression: optEnum(o, 'compression', where, COMPRESSIONS),
    timeoutSec: optDuration(o, 'timeout', where),
    sendingQueue: o.sending_queue === undefined ? undefined : parseQueue(o.sending_queue, `${where}.sending_queue`),
    retryOnFailure: o.retry_on_failure === undefined ? undefined : parseRetry(o.retry_on_failure, `${where}.retry_on_failure`),
    authenticator: auth ? opt(auth, 'authenticator', 'string', `${where}.auth`) : undefined,
  };
}


/** Props keys of `OtlpClientProps`. */
export const OTLP_CLIENT_PROPS = ['tls', 'headers', 'compression', 'timeoutSec', 'sendingQueue', 'retryOnFailure', 'authenticator', 'secretEnv'];

/** Type checks of `OtlpClientProps` (paths under `prefix`, e.g. `otlp.` for load_balancing's protocol). */
export function checkOtlpClientProps(where: string, prefix: string, p: Record<string, unknown>): void {
  checkClientTlsProps(where, `${prefix}tls`, p.tls);
  checkHeadersProps(where, `${prefix}headers`, p.headers);
  optOneOf(where, `${prefix}compression`, p.compression, COMPRESSIONS);
  optNumber(where, `${prefix}timeoutSec`, p.timeoutSec, { min: 0 });
  checkQueueProps(where, `${prefix}sendingQueue`, p.sendingQueue);
  checkRetryProps(where, `${prefix}retryOnFailure`, p.retryOnFailure);
  optString(where, `${prefix}authenticator`, p.authenticator, 'pass the id of an auth extension, e.g. "bearertokenauth"');
  checkSecretEnv(where, `${prefix}secretEnv`, p.secretEnv);
}
