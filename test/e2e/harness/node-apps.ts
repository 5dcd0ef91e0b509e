/**
 * The Node.js apps of the e2e tests (test/e2e/apps/<name>: package.json + committed package-lock.json +
 * code). Their dependencies are installed with `npm ci` into the e2e cache, keyed by the lock file's
 * hash — never into the repository's node_modules (the apps' OpenTelemetry 2.x packages conflict with
 * the versions @pulumi/pulumi pulls in, and jest must not crawl them). A warm run installs nothing.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { cacheRoot } from './build';
import { runSync } from './procs';

/** Folder of the app sources. */
export const APPS_DIR = path.resolve(__dirname, '..', 'apps');

/** An installed app: its source folder and the folder holding its node_modules. */
export interface NodeApp {
  readonly name: string;
  readonly src: string;
  readonly modules: string;
  readonly cached: boolean;
  readonly installSec: number;
}

/** Installs (or finds) the dependencies of app `name`. */
export function ensureNodeApp(name: string): NodeApp {
  const src = path.join(APPS_DIR, name);
  const lock = path.join(src, 'package-lock.json');
  if (!fs.existsSync(lock))
    throw new Error(
      `e2e: ${src} has no package-lock.json; run npm install there once and commit the lock file`,
    );
  const h = crypto.createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) h.update(fs.readFileSync(path.join(src, f)));
  h.update(process.version);
  const dir = path.join(cacheRoot(), 'node', `${name}-${h.digest('hex').slice(0, 16)}`);
  const done = path.join(dir, '.installed');
  if (fs.existsSync(done)) return { name, src, modules: dir, cached: true, installSec: 0 };
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const f of ['package.json', 'package-lock.json'])
    fs.copyFileSync(path.join(src, f), path.join(tmp, f));
  const started = Date.now();
  const npmCli = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'bin',
    'npm-cli.js',
  );
  const [cmd, pre] = fs.existsSync(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const r = runSync(cmd, [...pre, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: tmp,
    timeoutMs: 300_000,
  });
  if (r.status !== 0) {
    throw new Error(
      `e2e: npm ci for app ${name} failed (the e2e tests need the npm registry once per lock file):\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  fs.writeFileSync(path.join(tmp, '.installed'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return { name, src, modules: dir, cached: false, installSec: (Date.now() - started) / 1000 };
}

/** Path of a file of an installed package (resolved from the app's node_modules). */
export function appResolve(app: NodeApp, request: string): string {
  return require.resolve(request, { paths: [app.modules] });
}
