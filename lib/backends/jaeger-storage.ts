import { SecretKeyRef } from '../common/otlp-destination';
import { assertSecretKeyRef, SecretEnvVar } from './secret-refs';

/** Where the badger PVC is mounted in the Jaeger pod. */
export const JAEGER_BADGER_DIR = '/badger';
/** Where TLS CA bundles from Secrets are mounted. */
export const JAEGER_TLS_DIR = '/etc/jaeger/tls';

/** In-memory storage (lost on restart; single replica). */
export interface JaegerMemoryStorageProps {
  /**
   * Maximum number of traces kept in memory.
   * @default 100000
   */
  readonly maxTraces?: number;
}

/** Badger embedded key-value store on a PersistentVolumeClaim (single replica, Recreate strategy). */
export interface JaegerBadgerStorageProps {
  /**
   * Size of the PersistentVolumeClaim in GiB.
   * @default 10
   */
  readonly sizeGiB?: number;
  /**
   * StorageClass of the PersistentVolumeClaim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How long spans are kept, in hours.
   * @default 72
   */
  readonly spanTtlHours?: number;
}

/** Index rotation of Elasticsearch / OpenSearch indices. */
export class IndexRotation {
  /** A new index per day (`date_layout: 2006-01-02`, `rollover_frequency: day`). */
  public static daily(): IndexRotation {
    return new IndexRotation({ date_layout: '2006-01-02', rollover_frequency: 'day' });
  }

  /** A new index per hour (`date_layout: 2006-01-02-15`, `rollover_frequency: hour`). */
  public static hourly(): IndexRotation {
    return new IndexRotation({ date_layout: '2006-01-02-15', rollover_frequency: 'hour' });
  }

  /**
   * Rollover aliases managed by an ILM / ISM policy that already exists in the cluster
   * (`indices.<type>.rotation.auto_rollover`, which Jaeger has since v2.20.0).
   */
  public static autoRollover(policyName: string): IndexRotation {
    if (typeof policyName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(policyName)) {
      throw new Error(
        `index rotation autoRollover: policy name ${JSON.stringify(policyName)} is invalid; use the name of an existing ILM/ISM policy (letters, digits, '.', '_', '-')`,
      );
    }
    return new IndexRotation({ rotation: { auto_rollover: { policy_name: policyName } } }, '2.20.0');
  }

  private constructor(
    /** @internal Keys merged into every per-index block. */
    public readonly _indexConfig: Record<string, unknown>,
    /** @internal The first Jaeger release that has these keys. */
    public readonly _sinceVersion?: string,
  ) {}
}

/** TLS towards a storage cluster. */
export interface JaegerStorageTls {
  /**
   * CA bundle (PEM) in a Secret, mounted into the Jaeger pod.
   * @default - system roots
   */
  readonly caFrom?: SecretKeyRef;
  /**
   * Skip server certificate verification (discouraged).
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** Elasticsearch or OpenSearch storage. */
export interface JaegerSearchStorageProps {
  /** Server URLs, all `http://` or all `https://`, e.g. `['https://es-http.elastic:9200']`. */
  readonly serverUrls: readonly string[];
  /**
   * Prefix of the index names.
   * @default - Jaeger's default (`jaeger`)
   */
  readonly indexPrefix?: string;
  /**
   * Index rotation.
   * @default IndexRotation.daily()
   */
  readonly rotation?: IndexRotation;
  /**
   * Primary shards per index.
   * @default - Jaeger's default
   */
  readonly shards?: number;
  /**
   * Replica shards per index.
   * @default - Jaeger's default
   */
  readonly replicas?: number;
  /**
   * Basic-auth user name (not a secret).
   * @default - no authentication
   */
  readonly username?: string;
  /**
   * Basic-auth password from a Secret; requires `username`.
   * @default - no authentication
   */
  readonly password?: SecretKeyRef;
  /**
   * TLS options (used with `https://` URLs).
   * @default - system roots, verification on
   */
  readonly tls?: JaegerStorageTls;
}

/** Cassandra storage. */
export interface JaegerCassandraStorageProps {
  /** Contact points `host[:port]`, e.g. `['cassandra.db:9042']`. */
  readonly servers: readonly string[];
  /**
   * Keyspace.
   * @default 'jaeger_v1_dc1'
   */
  readonly keyspace?: string;
  /**
   * Let Jaeger create the schema.
   * @default true
   */
  readonly createSchema?: boolean;
  /**
   * User name (not a secret).
   * @default - no authentication
   */
  readonly username?: string;
  /**
   * Password from a Secret; requires `username`.
   * @default - no authentication
   */
  readonly password?: SecretKeyRef;
  /**
   * Use TLS; with `tls.caFrom` a CA bundle from a Secret.
   * @default - plaintext (`tls.insecure: true`)
   */
  readonly tls?: JaegerStorageTls;
}

/** A Secret key mounted as a file in the Jaeger container. */
export interface JaegerSecretFile {
  /** Pod volume name. */
  readonly volumeName: string;
  /** Directory the file is mounted in. */
  readonly mountPath: string;
  /** File name inside the mount. */
  readonly fileName: string;
  /** The Secret key holding the file content. */
  readonly secretKeyRef: SecretKeyRef;
}

/** The typed model a storage choice contributes to the Jaeger pod and config. */
export interface JaegerStorageModel {
  /** Storage kind (the `jaeger_storage` backend type). */
  readonly kind: 'memory' | 'badger' | 'elasticsearch' | 'opensearch' | 'cassandra';
  /** The backend block under `jaeger_storage.backends.<name>`. */
  readonly backendConfig: Record<string, unknown>;
  /** Container env vars read from Secret keys (credentials). */
  readonly env: readonly SecretEnvVar[];
  /** Secret keys mounted as files (certificates). */
  readonly secretFiles: readonly JaegerSecretFile[];
  /** Badger PVC, when the storage needs one. */
  readonly volume?: { readonly sizeGiB: number; readonly storageClassName?: string };
  /** Whether several replicas can share the storage. */
  readonly shared: boolean;
  /** The first Jaeger release that accepts this storage config, when newer than 2.0 (why, for the error). */
  readonly sinceVersion?: { readonly version: string; readonly what: string };
}

/**
 * Trace storage of a Jaeger v2 instance. Passwords are only accepted as Secret references; they reach
 * the config as `${env:VAR}`.
 */
export class JaegerStorage {
  /** In-memory store. */
  public static memory(props: JaegerMemoryStorageProps = {}): JaegerStorage {
    const maxTraces = props.maxTraces ?? 100000;
    if (!Number.isInteger(maxTraces) || maxTraces <= 0) {
      throw new Error(`jaeger storage memory: maxTraces ${maxTraces} is invalid; use a positive whole number, e.g. 100000`);
    }
    return new JaegerStorage({
      kind: 'memory',
      backendConfig: { memory: { max_traces: maxTraces } },
      env: [],
      secretFiles: [],
      shared: false,
    });
  }

  /** Badger on a PersistentVolumeClaim. */
  public static badger(props: JaegerBadgerStorageProps = {}): JaegerStorage {
    const where = 'jaeger storage badger';
    const sizeGiB = props.sizeGiB ?? 10;
    const ttl = props.spanTtlHours ?? 72;
    if (!Number.isInteger(sizeGiB) || sizeGiB <= 0) {
      throw new Error(`${where}: sizeGiB ${sizeGiB} is invalid; use a positive whole number of GiB, e.g. 10`);
    }
    if (!Number.isInteger(ttl) || ttl <= 0) {
      throw new Error(`${where}: spanTtlHours ${ttl} is invalid; use a positive whole number of hours, e.g. 72`);
    }
    if (props.storageClassName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.storageClassName)) {
      throw new Error(`${where}: storageClassName "${props.storageClassName}" is not a valid Kubernetes name`);
    }
    return new JaegerStorage({
      kind: 'badger',
      backendConfig: {
        badger: {
          directories: { keys: `${JAEGER_BADGER_DIR}/keys`, values: `${JAEGER_BADGER_DIR}/values` },
          ephemeral: false,
          ttl: { spans: `${ttl}h` },
        },
      },
      env: [],
      secretFiles: [],
      volume: props.storageClassName === undefined ? { sizeGiB } : { sizeGiB, storageClassName: props.storageClassName },
      shared: false,
    });
  }

  /** Elasticsearch. */
  public static elasticsearch(props: JaegerSearchStorageProps): JaegerStorage {
    return JaegerStorage.search('elasticsearch', props);
  }

  /** OpenSearch. */
  public static opensearch(props: JaegerSearchStorageProps): JaegerStorage {
    return JaegerStorage.search('opensearch', props);
  }

  /** Cassandra. */
  public static cassandra(props: JaegerCassandraStorageProps): JaegerStorage {
    const where = 'jaeger storage cassandra';
    if (!props || !Array.isArray(props.servers) || props.servers.length === 0) {
      throw new Error(`${where}: servers is empty; list at least one contact point, e.g. ['cassandra.db:9042']`);
    }
    for (const s of props.servers) {
      if (typeof s !== 'string' || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(s)) {
        throw new Error(`${where}: server ${JSON.stringify(s)} is not host[:port]; use e.g. "cassandra.db:9042"`);
      }
    }
    const keyspace = props.keyspace ?? 'jaeger_v1_dc1';
    if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(keyspace)) {
      throw new Error(`${where}: keyspace "${keyspace}" is invalid; use letters, digits and '_' (max 48), starting with a letter`);
    }
    const env: SecretEnvVar[] = [];
    const connection: Record<string, unknown> = { servers: [...props.servers] };
    const auth = basicAuth(where, props.username, props.password, 'JAEGER_CASSANDRA_PASSWORD', env);
    if (auth) connection.auth = auth;
    const secretFiles: JaegerSecretFile[] = [];
    connection.tls = props.tls ? tlsBlock(where, 'cassandra', props.tls, secretFiles) : { insecure: true };
    return new JaegerStorage({
      kind: 'cassandra',
      backendConfig: {
        cassandra: {
          schema: { keyspace, create: props.createSchema ?? true },
          connection,
        },
      },
      env,
      secretFiles,
      shared: true,
    });
  }

  private static search(kind: 'elasticsearch' | 'opensearch', props: JaegerSearchStorageProps): JaegerStorage {
    const where = `jaeger storage ${kind}`;
    if (!props || !Array.isArray(props.serverUrls) || props.serverUrls.length === 0) {
      throw new Error(`${where}: serverUrls is empty; list at least one URL, e.g. ['http://${kind}.db:9200']`);
    }
    const schemes = new Set<string>();
    for (const u of props.serverUrls) {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        throw new Error(`${where}: server URL ${JSON.stringify(u)} is not a URL; use e.g. "https://${kind}.db:9200"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`${where}: server URL "${u}" has no http:// or https:// scheme; use e.g. "https://${kind}.db:9200"`);
      }
      if (url.username || url.password) {
        throw new Error(
          `${where}: server URL "${url.protocol}//***@${url.host}" embeds credentials; remove them and set username plus password (a Secret reference)`,
        );
      }
      schemes.add(url.protocol);
    }
    if (schemes.size > 1) {
      throw new Error(`${where}: serverUrls mix http:// and https://; use one scheme for all servers`);
    }
    const https = schemes.has('https:');
    if (props.indexPrefix !== undefined && !/^[a-z0-9][a-z0-9_-]*$/.test(props.indexPrefix)) {
      throw new Error(
        `${where}: indexPrefix "${props.indexPrefix}" is invalid; use lowercase letters, digits, '-' and '_' (index names are lowercase)`,
      );
    }
    for (const [prop, value, min] of [
      ['shards', props.shards, 1],
      ['replicas', props.replicas, 0],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < min)) {
        throw new Error(`${where}: ${prop} ${value} is invalid; use a whole number >= ${min}`);
      }
    }
    if (props.tls && !https) {
      throw new Error(`${where}: tls is set but serverUrls use http://; switch the URLs to https:// or remove tls`);
    }
    const env: SecretEnvVar[] = [];
    const secretFiles: JaegerSecretFile[] = [];
    const perIndex: Record<string, unknown> = { ...(props.rotation ?? IndexRotation.daily())._indexConfig };
    if (props.shards !== undefined) perIndex.shards = props.shards;
    if (props.replicas !== undefined) perIndex.replicas = props.replicas;
    const indices: Record<string, unknown> = {};
    if (props.indexPrefix !== undefined) indices.index_prefix = props.indexPrefix;
    for (const index of ['spans', 'services', 'dependencies', 'sampling']) {
      indices[index] = { ...perIndex };
    }
    const block: Record<string, unknown> = { server_urls: [...props.serverUrls], indices };
    const envName = kind === 'elasticsearch' ? 'JAEGER_ES_PASSWORD' : 'JAEGER_OPENSEARCH_PASSWORD';
    const auth = basicAuth(where, props.username, props.password, envName, env);
    if (auth) block.auth = auth;
    if (https) block.tls = tlsBlock(where, kind, props.tls ?? {}, secretFiles);
    const rotation = props.rotation ?? IndexRotation.daily();
    return new JaegerStorage({
      kind,
      backendConfig: { [kind]: block },
      env,
      secretFiles,
      shared: true,
      ...(rotation._sinceVersion ? { sinceVersion: { version: rotation._sinceVersion, what: 'IndexRotation.autoRollover() (indices.<type>.rotation.auto_rollover)' } } : {}),
    });
  }

  /** @internal */
  public readonly _model: JaegerStorageModel;

  private constructor(model: JaegerStorageModel) {
    this._model = model;
  }

  /** `memory`, `badger`, `elasticsearch`, `opensearch` or `cassandra`. */
  public get kind(): JaegerStorageModel['kind'] {
    return this._model.kind;
  }
}

function basicAuth(
  where: string,
  username: string | undefined,
  password: unknown,
  envName: string,
  env: SecretEnvVar[],
): Record<string, unknown> | undefined {
  if (password !== undefined) {
    const ref = assertSecretKeyRef(password, `${where}: password`);
    if (!username) {
      throw new Error(`${where}: password is set without username; set username too`);
    }
    env.push({ name: envName, secretKeyRef: ref });
    return { basic: { username, password: `\${env:${envName}}` } };
  }
  if (username !== undefined) {
    throw new Error(`${where}: username "${username}" is set without password; add password as a Secret reference`);
  }
  return undefined;
}

function tlsBlock(
  where: string,
  kind: string,
  tls: JaegerStorageTls,
  secretFiles: JaegerSecretFile[],
): Record<string, unknown> {
  const block: Record<string, unknown> = { insecure: false };
  if (tls.caFrom !== undefined) {
    const ref = assertSecretKeyRef(tls.caFrom, `${where}: tls.caFrom`);
    const mountPath = `${JAEGER_TLS_DIR}/${kind}`;
    secretFiles.push({ volumeName: `${kind}-ca`, mountPath, fileName: 'ca.crt', secretKeyRef: ref });
    block.ca_file = `${mountPath}/ca.crt`;
  }
  if (tls.insecureSkipVerify) block.insecure_skip_verify = true;
  return block;
}
