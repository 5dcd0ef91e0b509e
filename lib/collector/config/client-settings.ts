import {
  asObject,
  checkInteger,
  checkKeys,
  checkRange,
  compact,
  ConfigObject,
  formatDuration,
  opt,
  optDuration,
  optEnum,
  optNum
} from './config-values';
import { optBoolean, optFalseOrProps, optNumber, optOneOf, optProps, optString, optStringMap, reqString } from '../../common/guards';

const TLS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'];

/** TLS settings of a client (exporter). */
export interface ClientTlsProps {
  /** Plaintext connection. @default false */
  readonly insecure?: boolean;
  /** Skip server certificate verification (discouraged). @default false */
  readonly insecureSkipVerify?: boolean;
  /** CA bundle path in the container. @default - system roots */
  readonly caFile?: string;
  /** Client certificate path (mTLS). @default - none */
  readonly certFile?: string;
  /** Client key path (mTLS). @default - none */
  readonly keyFile?: string;
  /** Server name for SNI / verification. @default - host of the endpoint */
  readonly serverNameOverride?: string;
  /** Minimum TLS version (`1.0`..`1.3`). @default '1.2' (collector default) */
  readonly minVersion?: string;
  /** Maximum TLS version. @default - highest supported */
  readonly maxVersion?: string;
}

/** TLS settings of a server (receiver). */
export interface ServerTlsProps {
  /** Server certificate path. */
  readonly certFile: string;
  /** Server key path. */
  readonly keyFile: string;
  /** CA to verify client certificates (mTLS). @default - no client verification */
  readonly clientCaFile?: string;
  /** Minimum TLS version. @default '1.2' */
  readonly minVersion?: string;
}

function checkTlsVersion(v: string | undefined, where: string, field: string): void {
  if (v !== undefined && !TLS_VERSIONS.includes(v)) {
    throw new Error(`${where}: tls ${field} "${v}" is not a TLS version; use one of ${TLS_VERSIONS.join(', ')}`);
  }
}

/** Renders client TLS settings. */
export function renderClientTls(tls: ClientTlsProps, where: string): ConfigObject {
  checkTlsVersion(tls.minVersion, where, 'min_version');
  checkTlsVersion(tls.maxVersion, where, 'max_version');
  if (tls.minVersion && tls.maxVersion && Number(tls.minVersion) > Number(tls.maxVersion)) {
    throw new Error(`${where}: tls min_version ${tls.minVersion} is above max_version ${tls.maxVersion}; lower min_version`);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new Error(`${where}: tls needs both certFile and keyFile for mTLS; set both or neither`);
  }
  return compact({
    insecure: tls.insecure,
    insecure_skip_verify: tls.insecureSkipVerify,
    ca_file: tls.caFile,
    cert_file: tls.certFile,
    key_file: tls.keyFile,
    server_name_override: tls.serverNameOverride,
    min_version: tls.minVersion,
    max_version: tls.maxVersion,
  });
}

/** Parses client TLS settings. */
export function parseClientTls(value: unknown, where: string): ClientTlsProps {
  const o = asObject(value, where);
  checkKeys(
    o,
    ['insecure', 'insecure_skip_verify', 'ca_file', 'cert_file', 'key_file', 'server_name_override', 'min_version', 'max_version'],
    where,
  );
  const props: ClientTlsProps = {
    insecure: opt(o, 'insecure', 'boolean', where),
    insecureSkipVerify: opt(o, 'insecure_skip_verify', 'boolean', where),
    caFile: opt(o, 'ca_file', 'string', where),
    certFile: opt(o, 'cert_file', 'string', where),
    keyFile: opt(o, 'key_file', 'string', where),
    serverNameOverride: opt(o, 'server_name_override', 'string', where),
    minVersion: optEnum(o, 'min_version', where, TLS_VERSIONS),
    maxVersion: optEnum(o, 'max_version', where, TLS_VERSIONS),
  };
  renderClientTls(props, where);
  return props;
}

/** Parses server TLS settings. */
export function parseServerTls(value: unknown, where: string): ServerTlsProps {
  const o = asObject(value, where);
  checkKeys(o, ['cert_file', 'key_file', 'client_ca_file', 'min_version'], where);
  const props: ServerTlsProps = {
    certFile: opt(o, 'cert_file', 'string', where) ?? '',
    keyFile: opt(o, 'key_file', 'string', where) ?? '',
    clientCaFile: opt(o, 'client_ca_file', 'string', where),
    minVersion: optEnum(o, 'min_version', where, TLS_VERSIONS),
  };
  renderServerTls(props, where);
  return props;
}

/** Renders server TLS settings. */
export function renderServerTls(tls: ServerTlsProps, where: string): ConfigObject {
  checkTlsVersion(tls.minVersion, where, 'min_version');
  if (!tls.certFile || !tls.keyFile) {
    throw new Error(`${where}: server tls needs certFile and keyFile; set both (e.g. from a mounted cert-manager Secret)`);
  }
  return compact({
    cert_file: tls.certFile,
    key_file: tls.keyFile,
    client_ca_file: tls.clientCaFile,
    min_version: tls.minVersion,
  });
}

/** `retry_on_failure` settings (exponential backoff). */
export interface RetryProps {
  /** Initial wait after the first failure. @default 5 (collector default) */
  readonly initialIntervalSec?: number;
  /** Upper bound of the wait. @default 30 */
  readonly maxIntervalSec?: number;
  /** Give up after this long (0 = never). @default 300 */
  readonly maxElapsedTimeSec?: number;
  /** Backoff multiplier (> 0). @default 1.5 */
  readonly multiplier?: number;
  /** Jitter factor between 0 and 1. @default 0.5 */
  readonly randomizationFactor?: number;
}

/** Renders `retry_on_failure` (`false` = disabled). */
export function renderRetry(retry: RetryProps | false, where: string): ConfigObject {
  if (retry === false) return { enabled: false };
  checkRange(retry.initialIntervalSec, 0, Infinity, `${where}: retry_on_failure initial_interval`, 'use a value >= 0 seconds');
  checkRange(retry.maxIntervalSec, 0, Infinity, `${where}: retry_on_failure max_interval`, 'use a value >= 0 seconds');
  checkRange(retry.maxElapsedTimeSec, 0, Infinity, `${where}: retry_on_failure max_elapsed_time`, 'use a value >= 0 seconds (0 retries forever)');
  checkRange(retry.randomizationFactor, 0, 1, `${where}: retry_on_failure randomization_factor`, 'use a value between 0 and 1');
  if (retry.multiplier !== undefined && !(retry.multiplier > 0)) {
    throw new Error(`${where}: retry_on_failure multiplier ${retry.multiplier} is invalid; use a value > 0 (e.g. 1.5)`);
  }
  if (
    retry.initialIntervalSec !== undefined &&
    retry.maxIntervalSec !== undefined &&
    retry.initialIntervalSec > retry.maxIntervalSec
  ) {
    throw new Error(
      `${where}: retry_on_failure initial_interval ${retry.initialIntervalSec}s is above max_interval ${retry.maxIntervalSec}s; raise maxIntervalSec`,
    );
  }
  // configretry BackOffConfig.Validate: a time limit must leave room for the first and the longest wait
  const maxElapsed = retry.maxElapsedTimeSec ?? 300;
  if (maxElapsed > 0 && (maxElapsed < (retry.initialIntervalSec ?? 5) || maxElapsed < (retry.maxIntervalSec ?? 30))) {
    throw new Error(
      `${where}: retry_on_failure max_elapsed_time ${maxElapsed}s is below initial_interval ${retry.initialIntervalSec ?? 5}s or max_interval ${retry.maxIntervalSec ?? 30}s (defaults 5s/30s); raise maxElapsedTimeSec or use 0 (retry forever)`,
    );
  }
  const d = (s: number | undefined) => (s === undefined ? undefined : formatDuration(s));
  return compact({
    enabled: true,
    initial_interval: d(retry.initialIntervalSec),
    max_interval: d(retry.maxIntervalSec),
    max_elapsed_time: d(retry.maxElapsedTimeSec),
    multiplier: retry.multiplier,
    randomization_factor: retry.randomizationFactor,
  });
}

/** Parses `retry_on_failure`. */
export function parseRetry(value: unknown, where: string): RetryProps | false {
  const o = asObject(value, where);
  checkKeys(o, ['enabled', 'initial_interval', 'max_interval', 'max_elapsed_time', 'multiplier', 'randomization_factor'], where);
  if (opt(o, 'enabled', 'boolean', where) === false) return false;
  const dur = (k: string) => optDuration(o, k, where);
  const props: RetryProps = {
    initialIntervalSec: dur('initial_interval'),
    maxIntervalSec: dur('max_interval'),
    maxElapsedTimeSec: dur('max_elapsed_time'),
    multiplier: optNum(o, 'multiplier', where, { min: 0, exclusiveMin: true }),
    randomizationFactor: optNum(o, 'randomization_factor', where, { min: 0, max: 1 }),
  };
  renderRetry(props, where);
  return props;
}

/** Exporter-side batching inside the sending queue. */
export interface QueueBatchProps {
  /** Flush after this long. @default 0.2 (200ms) */
  readonly flushTimeoutSec?: number;
  /** Minimum batch size (in the queue's sizer unit). @default 8192 */
  readonly minSize?: number;
  /** Maximum batch size (0 = unlimited). @default 0 */
  readonly maxSize?: number;
}

/** `sending_queue` settings. */
export interface SendingQueueProps {
  /** Parallel consumers. @default 10 */
  readonly numConsumers?: number;
  /** Capacity (in `sizer` units). @default 1000 */
  readonly queueSize?: number;
  /** Unit of `queueSize`. @default 'requests' */
  readonly sizer?: 'requests' | 'items' | 'bytes';
  /** Block instead of rejecting when full. @default false */
  readonly blockOnOverflow?: boolean;
  /** Id of a storage extension (e.g. `file_storage`) for a persistent queue. @default - in-memory */
  readonly storage?: string;
  /** Exporter-side batching. @default - no batching */
  readonly batch?: QueueBatchProps;
}

/** Renders `sending_queue` (`false` = disabled). */
export function renderQueue(queue: SendingQueueProps | false, where: string): ConfigObject {
  if (queue === false) return { enabled: false };
  checkInteger(queue.numConsumers, 1, `${where}: sending_queue num_consumers`);
  checkInteger(queue.queueSize, 1, `${where}: sending_queue queue_size`);
  let batch: ConfigObject | undefined;
  if (queue.batch) {
    const b = queue.batch;
    // exporterhelper 0.158 queuebatch: the batch defaults to flush_timeout 200ms, sizer items, min_size
    // 8192 and takes the queue's sizer when that is set; requests cannot size a batch
    checkRange(b.flushTimeoutSec, 0.000001, Infinity, `${where}: sending_queue.batch flush_timeout`, 'use a value > 0 seconds (0.2 is the default)');
    checkInteger(b.minSize, 0, `${where}: sending_queue.batch min_size`);
    checkInteger(b.maxSize, 0, `${where}: sending_queue.batch max_size`);
    const minSize = b.minSize ?? 8192;
    if (b.maxSize !== undefined && b.maxSize > 0 && minSize > b.maxSize) {
      throw new Error(`${where}: sending_queue.batch min_size ${minSize}${b.minSize === undefined ? ' (the default)' : ''} is above max_size ${b.maxSize}; lower minSize or raise maxSize`);
    }
    const batchSizer = queue.sizer ?? 'items';
    if (batchSizer === 'requests') {
      throw new Error(`${where}: sending_queue sizer "requests" with batch: the batch takes the queue's sizer and can only be sized in items or bytes; use sizer 'items' or 'bytes', or drop batch`);
    }
    if (batchSizer === (queue.sizer ?? 'requests') && minSize > (queue.queueSize ?? 1000)) {
      throw new Error(`${where}: sending_queue.batch min_size ${minSize} is above queue_size ${queue.queueSize ?? 1000} (same sizer "${batchSizer}"); raise queueSize or lower minSize`);
    }
    batch = compact({
      flush_timeout: b.flushTimeoutSec === undefined ? undefined : formatDuration(b.flushTimeoutSec),
      min_size: b.minSize,
      max_size: b.maxSize,
    });
  }
  return compact({
    enabled: true,
    sizer: queue.sizer,
    num_consumers: queue.numConsumers,
    queue_size: queue.queueSize,
    block_on_overflow: queue.blockOnOverflow,
    storage: queue.storage,
    batch,
  });
}

/** Parses `sending_queue`. */
export function parseQueue(value: unknown, where: string): SendingQueueProps | false {
  const o = asObject(value, where);
  checkKeys(o, ['enabled', 'sizer', 'num_consumers', 'queue_size', 'block_on_overflow', 'storage', 'batch', 'wait_for_result'], where);
  if (opt(o, 'enabled', 'boolean', where) === false) return false;
  if (opt(o, 'wait_for_result', 'boolean', where) && o.storage !== undefined) {
    throw new Error(`${where}: wait_for_result is not supported with a persistent queue (storage); remove one of them`);
  }
  let batch: QueueBatchProps | undefined;
  if (o.batch !== undefined && o.batch !== null) {
    const b = asObject(o.batch, `${where}.batch`);
    checkKeys(b, ['flush_timeout', 'min_size', 'max_size'], `${where}.batch`);
    batch = {
      flushTimeoutSec: optDuration(b, 'flush_timeout', `${where}.batch`, 0, true),
      minSize: optNum(b, 'min_size', `${where}.batch`, { min: 0, integer: true }),
      maxSize: optNum(b, 'max_size', `${where}.batch`, { min: 0, integer: true }),
    };
  }
  const sizer = opt(o, 'sizer', 'string', where);
  if (sizer !== undefined && !['requests', 'items', 'bytes'].includes(sizer)) {
    throw new Error(`${where}.sizer: "${sizer}" is not a sizer; use requests, items or bytes`);
  }
  const props: SendingQueueProps = {
    sizer: sizer as SendingQueueProps['sizer'],
    numConsumers: optNum(o, 'num_consumers', where, { min: 1, integer: true }),
    queueSize: optNum(o, 'queue_size', where, { min: 1, integer: true }),
    blockOnOverflow: opt(o, 'block_on_overflow', 'boolean', where),
    storage: opt(o, 'storage', 'string', where),
    batch,
  };
  renderQueue(props, where);
  return props;
}

/** Compression of an OTLP exporter. */
export type OtlpCompression = 'gzip' | 'zstd' | 'snappy' | 'zlib' | 'deflate' | 'lz4' | 'none';
/** Allowed compression values. */
export const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'zstd', 'snappy', 'zlib', 'deflate', 'lz4', 'none'];

/** Throws for an unknown compression. */
export function checkCompression(value: string | undefined, where: string): void {
  if (value !== undefined && !(COMPRESSIONS as readonly string[]).includes(value)) {
    throw new Error(`${where}: compression "${value}" is not supported; use one of ${COMPRESSIONS.join(', ')}`);
  }
}

/** Throws for header names that are not HTTP tokens. Values may hold `${env:VAR}` references. */
export function checkHeaders(headers: Record<string, string> | undefined, where: string): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/^[^\s:][^:\r\n]*$/.test(name) || name.trim() !== name) {
      throw new Error(`${where}: header name "${name}" is not a valid header name; use a non-empty name without ":", newlines or surrounding spaces`);
    }
    if (typeof value !== 'string') {
      throw new Error(`${where}: header "${name}" value must be a string; use "\${env:VAR}" for a Secret-backed value`);
    }
  }
}

// ------------------------------------------------------------------ type checks of the props (paths named as written)

const CLIENT_TLS_KEYS = ['insecure', 'insecureSkipVerify', 'caFile', 'certFile', 'keyFile', 'serverNameOverride', 'minVersion', 'maxVersion'];
const SERVER_TLS_KEYS = ['certFile', 'keyFile', 'clientCaFile', 'minVersion'];
const RETRY_KEYS = ['initialIntervalSec', 'maxIntervalSec', 'maxElapsedTimeSec', 'multiplier', 'randomizationFactor'];
const QUEUE_KEYS = ['numConsumers', 'queueSize', 'sizer', 'blockOnOverflow', 'storage', 'batch'];

const file = (where: string, path: string, v: unknown) => optString(where, path, v, 'pass a file path in the container, e.g. "/etc/tls/tls.crt"');

/** Type checks of `ClientTlsProps` at `path`. */
export function checkClientTlsProps(where: string, path: string, v: unknown): void {
  const t = optProps<ClientTlsProps>(where, path, v, CLIENT_TLS_KEYS);
  if (!t) return;
  optBoolean(where, `${path}.insecure`, t.insecure);
  optBoolean(where, `${path}.insecureSkipVerify`, t.insecureSkipVerify);
  file(where, `${path}.caFile`, t.caFile);
  file(where, `${path}.certFile`, t.certFile);
  file(where, `${path}.keyFile`, t.keyFile);
  optString(where, `${path}.serverNameOverride`, t.serverNameOverride, 'pass a host name');
  optOneOf(where, `${path}.minVersion`, t.minVersion, TLS_VERSIONS);
  optOneOf(where, `${path}.maxVersion`, t.maxVersion, TLS_VERSIONS);
}

/** Type checks of `ServerTlsProps` at `path`. */
export function checkServerTlsProps(where: string, path: string, v: unknown): void {
  const t = optProps<ServerTlsProps>(where, path, v, SERVER_TLS_KEYS);
  if (!t) return;
  reqString(where, `${path}.certFile`, t.certFile, 'pass the server certificate path, e.g. "/etc/tls/tls.crt"');
  reqString(where, `${path}.keyFile`, t.keyFile, 'pass the server key path, e.g. "/etc/tls/tls.key"');
  file(where, `${path}.clientCaFile`, t.clientCaFile);
  optOneOf(where, `${path}.minVersion`, t.minVersion, TLS_VERSIONS);
}

/** Type checks of `RetryProps | false` at `path`. */
export function checkRetryProps(where: string, path: string, v: unknown): void {
  const r = optFalseOrProps<RetryProps>(where, path, v, RETRY_KEYS);
  if (!r) return;
  optNumber(where, `${path}.initialIntervalSec`, r.initialIntervalSec, { min: 0 });
  optNumber(where, `${path}.maxIntervalSec`, r.maxIntervalSec, { min: 0 });
  optNumber(where, `${path}.maxElapsedTimeSec`, r.maxElapsedTimeSec, { min: 0, example: '300; 0 retries forever' });
  optNumber(where, `${path}.multiplier`, r.multiplier, { min: 0, exclusiveMin: true, example: '1.5' });
  optNumber(where, `${path}.randomizationFactor`, r.randomizationFactor, { min: 0, max: 1 });
}

/** Type checks of `SendingQueueProps | false` at `path`. */
export function checkQueueProps(where: string, path: string, v: unknown): void {
  const q = optFalseOrProps<SendingQueueProps>(where, path, v, QUEUE_KEYS);
  if (!q) return;
  optNumber(where, `${path}.numConsumers`, q.numConsumers, { min: 1, integer: true });
  optNumber(where, `${path}.queueSize`, q.queueSize, { min: 1, integer: true });
  optOneOf(where, `${path}.sizer`, q.sizer, ['requests', 'items', 'bytes']);
  optBoolean(where, `${path}.blockOnOverflow`, q.blockOnOverflow);
  optString(where, `${path}.storage`, q.storage, 'pass the id of a storage extension, e.g. "file_storage"');
  const b = optProps<QueueBatchProps>(where, `${path}.batch`, q.batch, ['flushTimeoutSec', 'minSize', 'maxSize']);
  if (b) {
    optNumber(where, `${path}.batch.flushTimeoutSec`, b.flushTimeoutSec, { min: 0, exclusiveMin: true, example: '0.2' });
    optNumber(where, `${path}.batch.minSize`, b.minSize, { min: 0, integer: true });
    optNumber(where, `${path}.batch.maxSize`, b.maxSize, { min: 0, integer: true });
  }
}

/** Type checks of OTLP headers at `path`: names are HTTP tokens, values strings. */
export function checkHeadersProps(where: string, path: string, v: unknown): void {
  const h = optStringMap(where, path, v, 'pass an object of header values; use envRef("VAR") for a Secret-backed value');
  if (h) checkHeaders(h, `${where}: ${path}`);
}
