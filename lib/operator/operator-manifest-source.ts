import fs = require('fs');
import os = require('os');
import path = require('path');
import { findManager, imageVersion, parseManifest } from './operator-manifest';
import { OPERATOR_VERSION } from './operator-version';
import { optString, propsObject, reqString } from '../common/guards';

export { OPERATOR_VERSION };

/** Upstream release asset of the pinned operator version. */
export const OPERATOR_RELEASE_URL = `https://github.com/open-telemetry/opentelemetry-operator/releases/download/v${OPERATOR_VERSION}/opentelemetry-operator.yaml`;

/** Environment variable naming a local copy of the operator install manifest. */
export const OPERATOR_MANIFEST_ENV = 'OTEL_OPERATOR_MANIFEST';

/** Environment variable overriding the download cache directory. */
export const OPERATOR_CACHE_DIR_ENV = 'OTEL_OPERATOR_CACHE_DIR';

/** File name of the release asset (also the name inside the cache directory). */
const MANIFEST_FILE = 'opentelemetry-operator.yaml';

/** Default cache directory: `$OTEL_OPERATOR_CACHE_DIR` or `~/.cache/otel-k8s-constructs`. */
export function defaultOperatorCacheDir(): string {
  return process.env[OPERATOR_CACHE_DIR_ENV] ?? path.join(os.homedir(), '.cache', 'otel-k8s-constructs');
}

/** Path of the cached release manifest for the pinned version inside `cacheDir`. */
export function cachedManifestPath(cacheDir: string = defaultOperatorCacheDir()): string {
  return path.join(cacheDir, `opentelemetry-operator-v${OPERATOR_VERSION}`, MANIFEST_FILE);
}

/** Kind of manifest source. */
export type OperatorManifestSourceKind = 'file' | 'release-cache' | 'external';

/**
 * Where the operator install manifest comes from. Synthesis is synchronous, so every source reads a
 * local file; downloading the release asset is a separate, explicit, asynchronous step
 * (`fetchOperatorManifest()`), run once before synth (for example in a `presynth` script).
 */
export abstract class OperatorManifestSource {
  /** A local copy of the release manifest (`opentelemetry-operator.yaml` of v0.158.0). */
  public static fromFile(filePath: string): OperatorManifestSource {
    if (filePath !== undefined && filePath !== '') reqString('operator manifest source: fromFile', 'filePath', filePath, 'pass the path of opentelemetry-operator.yaml');
    if (!filePath || filePath.trim() === '') {
      throw new Error(
        'operator manifest source: file path is empty; pass the path of opentelemetry-operator.yaml (v' +
          OPERATOR_VERSION +
          ')',
      );
    }
    return new FileSource(path.resolve(filePath), `file ${filePath}`);
  }

  /**
   * The file named by an environment variable (`OTEL_OPERATOR_MANIFEST` by default). The variable
   * is read when this method is called.
   */
  public static fromEnv(variable: string = OPERATOR_MANIFEST_ENV): OperatorManifestSource {
    reqString('operator manifest source: fromEnv', 'variable', variable, `pass the name of an environment variable (default ${OPERATOR_MANIFEST_ENV})`);
    const value = process.env[variable];
    if (!value) {
      throw new Error(
        `operator manifest source: environment variable ${variable} is not set; set it to the path of ` +
          `opentelemetry-operator.yaml v${OPERATOR_VERSION} (download ${OPERATOR_RELEASE_URL})`,
      );
    }
    return new FileSource(path.resolve(value), `${variable}=${value}`);
  }

  /**
   * The pinned upstream release asset, read from the download cache. Populate the cache first with
   * `await fetchOperatorManifest({ cacheDir })` (it downloads once and then reuses the file).
   */
  public static fromRelease(options: ReleaseSourceOptions = {}): OperatorManifestSource {
    options = propsObject<ReleaseSourceOptions>('operator manifest source: fromRelease', options, ['cacheDir']);
    optString('operator manifest source: fromRelease', 'cacheDir', options.cacheDir, 'pass a directory path');
    return new ReleaseCacheSource(options.cacheDir ?? defaultOperatorCacheDir());
  }

  /**
   * The operator is already installed (by another tool or team). Nothing is emitted, but names,
   * namespace and switches are still known for ordering, validation and the inject helpers.
   */
  public static external(): OperatorManifestSource {
    return new ExternalSource();
  }

  /** What kind of source this is. */
  public abstract readonly kind: OperatorManifestSourceKind;

  /** Human-readable description used in error messages. */
  public abstract readonly description: string;

  /** Reads the manifest text synchronously; `undefined` for `external()`. */
  public abstract readText(): string | undefined;
}

/** Options for `OperatorManifestSource.fromRelease()`. */
export interface ReleaseSourceOptions {
  /**
   * Cache directory holding the downloaded release manifest.
   * @default - `$OTEL_OPERATOR_CACHE_DIR` or `~/.cache/otel-k8s-constructs`
   */
  readonly cacheDir?: string;
}

class FileSource extends OperatorManifestSource {
  public readonly kind = 'file';
  constructor(
    private readonly filePath: string,
    public readonly description: string,
  ) {
    super();
  }

  public readText(): string {
    if (!fs.existsSync(this.filePath)) {
      throw new Error(
        `operator manifest source (${this.description}): ${this.filePath} does not exist; download ` +
          `${OPERATOR_RELEASE_URL} and point ${OPERATOR_MANIFEST_ENV} (or fromFile) at it`,
      );
    }
    return fs.readFileSync(this.filePath, 'utf8');
  }
}

class ReleaseCacheSource extends OperatorManifestSource {
  public readonly kind = 'release-cache';
  public readonly description: string;
  constructor(private readonly cacheDir: string) {
    super();
    this.description = `release v${OPERATOR_VERSION} cached in ${cacheDir}`;
  }

  public readText(): string {
    const file = cachedManifestPath(this.cacheDir);
    if (!fs.existsSync(file)) {
      throw new Error(
        `operator manifest v${OPERATOR_VERSION} is not in the cache (${file}); synth cannot download. ` +
          `run \`await fetchOperatorManifest({ cacheDir: '${this.cacheDir}' })\` once while online, ` +
          `or download ${OPERATOR_RELEASE_URL} yourself and use OperatorManifestSource.fromFile(path) ` +
          `or set ${OPERATOR_MANIFEST_ENV}`,
      );
    }
    return fs.readFileSync(file, 'utf8');
  }
}

class ExternalSource extends OperatorManifestSource {
  public readonly kind = 'external';
  public readonly description = 'external (already installed)';
  public readText(): undefined {
    return undefined;
  }
}

/** Options for `fetchOperatorManifest()`. */
export interface FetchOperatorManifestOptions {
  /**
   * Cache directory to download into.
   * @default - `$OTEL_OPERATOR_CACHE_DIR` or `~/.cache/otel-k8s-constructs`
   */
  readonly cacheDir?: string;
  /**
   * URL of the release asset (override only for mirrors).
   * @default OPERATOR_RELEASE_URL
   */
  readonly url?: string;
  /**
   * Give up after this many milliseconds.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/**
 * Downloads the pinned operator release manifest into the cache directory, once: when the file is
 * already cached, nothing is fetched. Returns the path of the cached file. Run it before synth
 * (synthesis itself never touches the network). Offline, it fails with an error that says how to
 * supply the file instead.
 */
export async function fetchOperatorManifest(options: FetchOperatorManifestOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultOperatorCacheDir();
  const target = cachedManifestPath(cacheDir);
  if (fs.existsSync(target)) {
    return target;
  }
  const url = options.url ?? OPERATOR_RELEASE_URL;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    text = await response.text();
  } catch (e) {
    const reason = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    throw new Error(
      `could not download the operator manifest v${OPERATOR_VERSION} from ${url} (${reason}); ` +
        `when offline, copy opentelemetry-operator.yaml of v${OPERATOR_VERSION} to ${target}, ` +
        `or use OperatorManifestSource.fromFile(path) / set ${OPERATOR_MANIFEST_ENV}=<path>`,
      { cause: e },
    );
  }
  // Never cache something that is not the pinned manifest (an HTML error page, another version).
  const { container } = findManager(parseManifest(text, url), url);
  if (imageVersion(container.image ?? '') !== OPERATOR_VERSION) {
    throw new Error(
      `the manifest downloaded from ${url} is not v${OPERATOR_VERSION} (manager image ${container.image}); nothing was cached`,
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, target);
  return target;
}
