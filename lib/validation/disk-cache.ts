/**
 * The on-disk cache of validation: parsed CRD files (`crd-registry.ts`) and V8 code caches of the
 * kubernetes-models validators (`models-loader.ts`). Both only save time in later processes;
 * every read or write error is ignored and the work is done as if nothing were cached.
 *
 * Location: `OTEL_K8S_CACHE_DIR`; `off` (or `0`, `false`) disables the cache; default a per-user
 * folder under the OS temp dir.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let defaultDir: string | undefined;

/** The cache folder, or `undefined` when caching is off. */
export function cacheDir(): string | undefined {
  const env = process.env.OTEL_K8S_CACHE_DIR;
  if (env === 'off' || env === '0' || env === 'false') return undefined;
  if (env) return env;
  // computed once: os.tmpdir() reads three environment variables per call
  defaultDir ??= path.join(os.tmpdir(), `otel-k8s-constructs-${process.getuid?.() ?? 'user'}`);
  return defaultDir;
}

/** A cache file name: the SHA-1 of the parts, with an extension. */
export function cacheKey(parts: readonly (string | Buffer)[], ext: string): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(p).update('\0');
  return `${h.digest('hex')}${ext}`;
}

/** The cached bytes under `name`, or `undefined` (caching off, not cached, unreadable). */
export function readCache(name: string): Buffer | undefined {
  const dir = cacheDir();
  if (!dir) return undefined;
  try {
    return fs.readFileSync(path.join(dir, name));
  } catch {
    return undefined;
  }
}

/** Stores `data` under `name` (write to a temporary file, then rename: readers never see half a file). */
export function writeCache(name: string, data: string | Buffer): void {
  const dir = cacheDir();
  if (!dir) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    // read-only or full disk: no cache
  }
}
