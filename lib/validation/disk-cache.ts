/**
 * The on-disk cache of validation: parsed CRD files (`crd-registry.ts`) and V8 code caches of the
 * kubernetes-models validators (`models-loader.ts`). Both only save time in later processes;
 * every read or write error is ignored and the work is done as if nothing were cached.
 *
 * Location: `OTEL_K8S_CACHE_DIR`; `off` (or `0`, `false`) disables the cache; default a per-user
 * folder under the OS temp dir. Either is used only when it is private to the user (see `privateDir`):
 * trust it like `node_modules`.
 */
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { threadId } from 'worker_threads';

let defaultDir: string | null | undefined;
let explicit: { readonly env: string; readonly dir: string | null } | undefined;

/**
 * The cache folder, or `undefined` when caching is off: `OTEL_K8S_CACHE_DIR` (created if missing),
 * else a per-user folder in the OS temp dir. Either must be private to the user (see `privateDir`),
 * otherwise nothing is cached.
 */
export function cacheDir(): string | undefined {
  const env = process.env.OTEL_K8S_CACHE_DIR;
  if (env === 'off' || env === '0' || env === 'false') return undefined;
  if (env) {
    if (explicit?.env !== env) explicit = { env, dir: privateDir(env, false) };
    return explicit.dir ?? undefined;
  }
  // computed once: os.tmpdir() reads three environment variables per call
  if (defaultDir === undefined) defaultDir = privateTempDir(`otel-k8s-constructs-${process.getuid?.() ?? 'user'}`);
  return defaultDir ?? undefined;
}

/**
 * A folder in the shared temp dir (or `base`) that only this user can write (see `privateDir`;
 * here a symlink is refused too, since anyone can create one in the temp dir).
 * @internal exported for tests
 */
export function privateTempDir(name: string, base: string = os.tmpdir()): string | null {
  return privateDir(path.join(base, name), true);
}

/**
 * `dir`, created with mode 0700 if missing, when only this user can write to it; `null` (no
 * cache) when it belongs to someone else, others can write to it, it is not a folder (or, with
 * `noSymlink`, is a symlink), or it cannot be created. The cache holds compiled code that this
 * process runs, so nobody else may plant files in it.
 */
function privateDir(dir: string, noSymlink: boolean): string | null {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = noSymlink ? fs.lstatSync(dir) : fs.statSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (process.platform !== 'win32' && (st.mode & 0o022) !== 0)) return null;
    return dir;
  } catch {
    return null;
  }
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
    // unique per process, thread and call (several processes, workers or containers may share the folder)
    const tmp = `${file}.${process.pid}.${threadId}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // read-only or full disk: no cache
  }
}
