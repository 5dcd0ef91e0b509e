/**
 * The validation disk cache (lib/validation/disk-cache.ts): where it lives, that the default folder
 * in the shared temp dir is private (it holds compiled code this process runs), and that cache
 * errors never fail validation.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type DiskCache = typeof import('../lib/validation/disk-cache');

/** A fresh copy of the module (its memoized default folder is per copy). */
function fresh(): DiskCache {
  let m: DiskCache | undefined;
  jest.isolateModules(() => {
    m = require('../lib/validation/disk-cache');
  });
  return m!;
}

const saved = process.env.OTEL_K8S_CACHE_DIR;
let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'disk-cache-test-'));
  delete process.env.OTEL_K8S_CACHE_DIR;
});
afterEach(() => {
  if (saved === undefined) delete process.env.OTEL_K8S_CACHE_DIR;
  else process.env.OTEL_K8S_CACHE_DIR = saved;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const defaultName = `otel-k8s-constructs-${process.getuid?.() ?? 'user'}`;

test('the default folder is a private per-user folder in the OS temp dir', () => {
  const dir = fresh().cacheDir();
  expect(dir).toBe(path.join(os.tmpdir(), defaultName));
  expect(fs.statSync(dir!).mode & 0o022).toBe(0);
});

test('a private temp folder is created with mode 0700', () => {
  const dir = fresh().privateTempDir(defaultName, tmp);
  expect(dir).toBe(path.join(tmp, defaultName));
  expect(fs.statSync(dir!).mode & 0o777).toBe(0o700);
  expect(fresh().privateTempDir(defaultName, tmp)).toBe(dir); // and reused
});

test('a temp folder others can write to is refused (no cache rather than planted code)', () => {
  const dir = path.join(tmp, defaultName);
  fs.mkdirSync(dir);
  fs.chmodSync(dir, 0o777);
  expect(fresh().privateTempDir(defaultName, tmp)).toBeNull();
  fs.chmodSync(dir, 0o775);
  expect(fresh().privateTempDir(defaultName, tmp)).toBeNull();
  fs.chmodSync(dir, 0o755);
  expect(fresh().privateTempDir(defaultName, tmp)).toBe(dir);
});

test('a file or a symlink in place of the folder is refused', () => {
  fs.writeFileSync(path.join(tmp, defaultName), 'not a folder');
  expect(fresh().privateTempDir(defaultName, tmp)).toBeNull();
  const target = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
  fs.symlinkSync(target, path.join(tmp, 'linked'));
  expect(fresh().privateTempDir('linked', tmp)).toBeNull();
});

test('OTEL_K8S_CACHE_DIR chooses the folder; off, 0 and false disable it', () => {
  process.env.OTEL_K8S_CACHE_DIR = path.join(tmp, 'mine');
  const dc = fresh();
  expect(dc.cacheDir()).toBe(path.join(tmp, 'mine'));
  dc.writeCache('a.json', '[1]');
  expect(dc.readCache('a.json')?.toString()).toBe('[1]');
  for (const off of ['off', '0', 'false']) {
    process.env.OTEL_K8S_CACHE_DIR = off;
    expect(dc.cacheDir()).toBeUndefined();
    expect(dc.readCache('a.json')).toBeUndefined();
  }
});

test('OTEL_K8S_CACHE_DIR must be private too: created 0700 when missing, refused when others can write to it', () => {
  process.env.OTEL_K8S_CACHE_DIR = path.join(tmp, 'new', 'cache');
  expect(fresh().cacheDir()).toBe(path.join(tmp, 'new', 'cache'));
  expect(fs.statSync(path.join(tmp, 'new', 'cache')).mode & 0o777).toBe(0o700);
  const shared = path.join(tmp, 'shared');
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o777);
  process.env.OTEL_K8S_CACHE_DIR = shared;
  const dc = fresh();
  expect(dc.cacheDir()).toBeUndefined();
  dc.writeCache('planted.v8', 'x');
  expect(fs.readdirSync(shared)).toEqual([]);
  // a symlink to a private folder is fine when the user chose it
  fs.symlinkSync(path.join(tmp, 'new', 'cache'), path.join(tmp, 'link'));
  process.env.OTEL_K8S_CACHE_DIR = path.join(tmp, 'link');
  expect(fresh().cacheDir()).toBe(path.join(tmp, 'link'));
});

test('writes leave no temporary files behind and are private to the user', () => {
  process.env.OTEL_K8S_CACHE_DIR = path.join(tmp, 'c');
  const dc = fresh();
  dc.writeCache('a.json', '[1]');
  dc.writeCache('a.json', '[2]');
  expect(fs.readdirSync(path.join(tmp, 'c'))).toEqual(['a.json']);
  expect(fs.readFileSync(path.join(tmp, 'c', 'a.json'), 'utf8')).toBe('[2]');
  expect(fs.statSync(path.join(tmp, 'c', 'a.json')).mode & 0o077).toBe(0);
});

test('an unwritable cache folder is ignored', () => {
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, '');
  process.env.OTEL_K8S_CACHE_DIR = path.join(file, 'sub'); // cannot be created: its parent is a file
  const dc = fresh();
  expect(() => dc.writeCache('a.json', '[1]')).not.toThrow();
  expect(dc.readCache('a.json')).toBeUndefined();
});

test('cache keys differ when any part differs, and are file-name safe', () => {
  const { cacheKey } = fresh();
  const a = cacheKey(['x', 'y'], '.json');
  expect(a).toMatch(/^[0-9a-f]{40}\.json$/);
  expect(cacheKey(['x', 'y'], '.json')).toBe(a);
  expect(cacheKey(['xy'], '.json')).not.toBe(a);
  expect(cacheKey(['x', 'y'], '.v8')).not.toBe(a);
});
