import { SecretKeyRef } from '../common/otlp-destination';
import { assertSecretKeyRef, SecretEnvVar } from './secret-refs';

/** Where the Tempo pod keeps its data volume (WAL, generator WAL, and blocks for local storage). */
export const TEMPO_DATA_DIR = '/var/tempo';

/** Options of the persistent volume every Tempo storage mode keeps (the WAL lives there). */
export interface TempoVolumeOptions {
  /**
   * Size of the data PersistentVolumeClaim in GiB. With local storage it holds the blocks too;
   * with object storage it holds the write-ahead log.
   * @default 10
   */
  readonly sizeGiB?: number;
  /**
   * StorageClass of the data PersistentVolumeClaim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Local (filesystem) storage on the pod's PersistentVolumeClaim. Single replica only. */
export type TempoLocalStorageProps = TempoVolumeOptions;

/** Static S3 credentials, both read from Secrets (never inlined). */
export interface S3Credentials {
  /** Secret key holding the access key id. */
  readonly accessKeyId: SecretKeyRef;
  /** Secret key holding the secret access key. */
  readonly secretAccessKey: SecretKeyRef;
}

/** S3 or an S3-compatible store (MinIO, Ceph RGW, ...). */
export interface TempoS3StorageProps extends TempoVolumeOptions {
  /** Bucket name. */
  readonly bucket: string;
  /**
   * Endpoint as `host[:port]` without a scheme (use `insecure` for plain HTTP), e.g. `minio.storage:9000`.
   * @default - `s3.<region>.amazonaws.com` (then `region` is required)
   */
  readonly endpoint?: string;
  /**
   * Bucket region.
   * @default - none (required when `endpoint` is not set)
   */
  readonly region?: string;
  /**
   * Use path-style addressing (`endpoint/bucket`), needed by MinIO.
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Talk plain HTTP to the endpoint (in-cluster MinIO without TLS).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Static credentials from Secrets, passed as env vars and expanded by Tempo (`-config.expand-env=true`).
   * Exactly one of `credentials` and `serviceAccountAnnotations` must be set.
   * @default - none (use workload identity)
   */
  readonly credentials?: S3Credentials;
  /**
   * Workload identity: annotations put on Tempo's ServiceAccount, e.g.
   * `{ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo' }`.
   * @default - none (use `credentials`)
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/** Google Cloud Storage. */
export interface TempoGcsStorageProps extends TempoVolumeOptions {
  /** Bucket name. */
  readonly bucketName: string;
  /**
   * A service-account JSON key in a Secret, mounted as a file and named by `GOOGLE_APPLICATION_CREDENTIALS`.
   * Exactly one of `credentials` and `serviceAccountAnnotations` must be set.
   * @default - none (use workload identity)
   */
  readonly credentials?: SecretKeyRef;
  /**
   * Workload identity: annotations put on Tempo's ServiceAccount, e.g.
   * `{ 'iam.gke.io/gcp-service-account': 'tempo@my-project.iam.gserviceaccount.com' }`.
   * @default - none (use `credentials`)
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/** Azure Blob Storage. */
export interface TempoAzureStorageProps extends TempoVolumeOptions {
  /** Blob container name. */
  readonly containerName: string;
  /** Storage account name. */
  readonly storageAccountName: string;
  /**
   * Storage account key in a Secret (expanded by Tempo from an env var).
   * Exactly one of `storageAccountKey` and `serviceAccountAnnotations` must be set.
   * @default - none (use Azure workload identity)
   */
  readonly storageAccountKey?: SecretKeyRef;
  /**
   * Azure workload identity: ServiceAccount annotations, e.g.
   * `{ 'azure.workload.identity/client-id': '<client id>' }`. Tempo then uses `use_federated_token`
   * and the pod gets the `azure.workload.identity/use: "true"` label.
   * @default - none (use `storageAccountKey`)
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * Endpoint suffix for sovereign clouds.
   * @default - Tempo's default (`blob.core.windows.net`)
   */
  readonly endpointSuffix?: string;
}

/** A Secret key mounted as a file in the Tempo container. */
export interface SecretFileMount {
  /** Pod volume name. */
  readonly volumeName: string;
  /** Directory the file is mounted in. */
  readonly mountPath: string;
  /** File name inside the mount. */
  readonly fileName: string;
  /** The Secret key holding the file content. */
  readonly secretKeyRef: SecretKeyRef;
}

/** The typed model a storage choice contributes to the Tempo pod and config. */
export interface TempoStorageModel {
  /** Tempo's `storage.trace.backend`. */
  readonly backend: 'local' | 's3' | 'gcs' | 'azure';
  /** `storage.trace` block (without `wal`, which the construct adds). */
  readonly traceConfig: Record<string, unknown>;
  /** Container env vars read from Secret keys (credentials). */
  readonly env: readonly SecretEnvVar[];
  /** Secret keys mounted as files (e.g. a GCS service account key). */
  readonly secretFiles: readonly SecretFileMount[];
  /** Annotations of the ServiceAccount (workload identity, e.g. IRSA). */
  readonly serviceAccountAnnotations: Record<string, string>;
  /** Labels of the pod template (e.g. Azure workload identity). */
  readonly podLabels: Record<string, string>;
  /** Size of the data PVC (blocks for `local`, the WAL otherwise), GiB. */
  readonly sizeGiB: number;
  /** StorageClass of the PVC (cluster default when unset). */
  readonly storageClassName?: string;
  /** Whether Tempo must run with `-config.expand-env=true`. */
  readonly expandEnv: boolean;
  /** Whether more than one replica could share this storage. */
  readonly shared: boolean;
}

const GCS_KEY_DIR = '/var/secrets/gcs';

/**
 * Trace block storage of a Tempo monolithic instance. Credentials are only accepted as Secret
 * references or as workload identity (ServiceAccount annotations).
 *
 * @example TempoStorage.s3({ bucket: 'traces', endpoint: 'minio.storage:9000', forcePathStyle: true,
 *   insecure: true, credentials: { accessKeyId: { name: 'minio', key: 'user' },
 *   secretAccessKey: { name: 'minio', key: 'password' } } })
 */
export class TempoStorage {
  /** Blocks on the pod's own PersistentVolumeClaim. */
  public static local(props: TempoLocalStorageProps = {}): TempoStorage {
    const volume = volumeOptions('local', props);
    return new TempoStorage({
      backend: 'local',
      traceConfig: { backend: 'local', local: { path: `${TEMPO_DATA_DIR}/blocks` } },
      env: [],
      secretFiles: [],
      serviceAccountAnnotations: {},
      podLabels: {},
      expandEnv: false,
      shared: false,
      ...volume,
    });
  }

  /** Amazon S3 or an S3-compatible store such as MinIO. */
  public static s3(props: TempoS3StorageProps): TempoStorage {
    const where = 'tempo storage s3';
    requireName(props?.bucket, `${where}: bucket`, 'set bucket to the name of an existing bucket');
    if (props.endpoint !== undefined) {
      if (/:\/\//.test(props.endpoint)) {
        throw new Error(
          `${where}: endpoint "${props.endpoint}" must be host[:port] without a scheme; drop the scheme and set insecure: true for plain HTTP`,
        );
      }
      if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(props.endpoint)) {
        throw new Error(`${where}: endpoint "${props.endpoint}" is not a host[:port]; use e.g. "minio.storage:9000"`);
      }
    }
    if (props.endpoint === undefined && !props.region) {
      throw new Error(`${where}: bucket "${props.bucket}" has neither endpoint nor region; set region (AWS) or endpoint (MinIO)`);
    }
    const identity = credentialMode(where, props.credentials, props.serviceAccountAnnotations, 'credentials');
    const env: SecretEnvVar[] = [];
    const s3: Record<string, unknown> = {
      bucket: props.bucket,
      endpoint: props.endpoint ?? `s3.${props.region}.amazonaws.com`,
    };
    if (props.region) s3.region = props.region;
    if (props.forcePathStyle) s3.forcepathstyle = true;
    if (props.insecure) s3.insecure = true;
    if (identity === 'secret') {
      const c = props.credentials!;
      env.push(
        { name: 'TEMPO_S3_ACCESS_KEY_ID', secretKeyRef: assertSecretKeyRef(c.accessKeyId, `${where}: credentials.accessKeyId`) },
        {
          name: 'TEMPO_S3_SECRET_ACCESS_KEY',
          secretKeyRef: assertSecretKeyRef(c.secretAccessKey, `${where}: credentials.secretAccessKey`),
        },
      );
      s3.access_key = '${TEMPO_S3_ACCESS_KEY_ID}';
      s3.secret_key = '${TEMPO_S3_SECRET_ACCESS_KEY}';
    }
    return new TempoStorage({
      backend: 's3',
      traceConfig: { backend: 's3', s3 },
      env,
      secretFiles: [],
      serviceAccountAnnotations: { ...(props.serviceAccountAnnotations ?? {}) },
      podLabels: {},
      expandEnv: env.length > 0,
      shared: true,
      ...volumeOptions('s3', props),
    });
  }

  /** Google Cloud Storage. */
  public static gcs(props: TempoGcsStorageProps): TempoStorage {
    const where = 'tempo storage gcs';
    requireName(props?.bucketName, `${where}: bucketName`, 'set bucketName to the name of an existing bucket');
    const identity = credentialMode(where, props.credentials, props.serviceAccountAnnotations, 'credentials');
    const secretFiles: SecretFileMount[] = [];
    const env: SecretEnvVar[] = [];
    if (identity === 'secret') {
      secretFiles.push({
        volumeName: 'gcs-credentials',
        mountPath: GCS_KEY_DIR,
        fileName: 'key.json',
        secretKeyRef: assertSecretKeyRef(props.credentials, `${where}: credentials`),
      });
    }
    return new TempoStorage({
      backend: 'gcs',
      traceConfig: { backend: 'gcs', gcs: { bucket_name: props.bucketName } },
      env,
      secretFiles,
      serviceAccountAnnotations: { ...(props.serviceAccountAnnotations ?? {}) },
      podLabels: {},
      expandEnv: false,
      shared: true,
      ...volumeOptions('gcs', props),
    });
  }

  /** Azure Blob Storage. */
  public static azure(props: TempoAzureStorageProps): TempoStorage {
    const where = 'tempo storage azure';
    requireName(props?.containerName, `${where}: containerName`, 'set containerName to an existing blob container');
    requireName(props.storageAccountName, `${where}: storageAccountName`, 'set storageAccountName');
    const identity = credentialMode(where, props.storageAccountKey, props.serviceAccountAnnotations, 'storageAccountKey');
    const azure: Record<string, unknown> = {
      container_name: props.containerName,
      storage_account_name: props.storageAccountName,
    };
    if (props.endpointSuffix) azure.endpoint_suffix = props.endpointSuffix;
    const env: SecretEnvVar[] = [];
    const podLabels: Record<string, string> = {};
    if (identity === 'secret') {
      env.push({
        name: 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY',
        secretKeyRef: assertSecretKeyRef(props.storageAccountKey, `${where}: storageAccountKey`),
      });
      azure.storage_account_key = '${TEMPO_AZURE_STORAGE_ACCOUNT_KEY}';
    } else {
      azure.use_federated_token = true;
      podLabels['azure.workload.identity/use'] = 'true';
    }
    return new TempoStorage({
      backend: 'azure',
      traceConfig: { backend: 'azure', azure },
      env,
      secretFiles: [],
      serviceAccountAnnotations: { ...(props.serviceAccountAnnotations ?? {}) },
      podLabels,
      expandEnv: env.length > 0,
      shared: true,
      ...volumeOptions('azure', props),
    });
  }

  /** @internal */
  public readonly _model: TempoStorageModel;

  private constructor(model: TempoStorageModel) {
    this._model = model;
  }

  /** `local`, `s3`, `gcs` or `azure`. */
  public get backend(): TempoStorageModel['backend'] {
    return this._model.backend;
  }
}

function volumeOptions(kind: string, props: TempoVolumeOptions): { sizeGiB: number; storageClassName?: string } {
  const sizeGiB = props.sizeGiB ?? 10;
  if (!Number.isInteger(sizeGiB) || sizeGiB <= 0) {
    throw new Error(`tempo storage ${kind}: sizeGiB ${sizeGiB} is invalid; use a positive whole number of GiB, e.g. 10`);
  }
  if (props.storageClassName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.storageClassName)) {
    throw new Error(
      `tempo storage ${kind}: storageClassName "${props.storageClassName}" is not a valid Kubernetes name; use lowercase letters, digits, '-' and '.'`,
    );
  }
  return props.storageClassName === undefined ? { sizeGiB } : { sizeGiB, storageClassName: props.storageClassName };
}

function requireName(value: unknown, where: string, fix: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${where} is missing or empty (${JSON.stringify(value)}); ${fix}`);
  }
}

function credentialMode(
  where: string,
  secret: unknown,
  annotations: Record<string, string> | undefined,
  secretProp: string,
): 'secret' | 'identity' {
  const hasAnnotations = annotations !== undefined && Object.keys(annotations).length > 0;
  if (secret !== undefined && hasAnnotations) {
    throw new Error(
      `${where}: both ${secretProp} and serviceAccountAnnotations are set; choose Secret credentials or workload identity, not both`,
    );
  }
  if (secret === undefined && !hasAnnotations) {
    throw new Error(
      `${where}: no credentials; set ${secretProp} (Secret references) or serviceAccountAnnotations (workload identity)`,
    );
  }
  return secret !== undefined ? 'secret' : 'identity';
}
