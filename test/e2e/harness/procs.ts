/**
 * Processes the e2e tests start: every one is registered, has a log, and is stopped by `stopAll()`
 * (tests call it in afterAll; an exit hook does it too). Waits are bounded in count and time.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** A started process with its captured output. */
export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Exit code once exited (null while running; signal exits give -1). */
  exitCode(): number | null;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number>;
  /** Log file (output is also appended there). */
  readonly logFile: string;
}

const running = new Set<Proc>();

/** A temp folder for one test run, removed by `cleanupTempDirs()`. */
const tempDirs: string[] = [];
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `otel-e2e-${prefix}-`));
  tempDirs.push(d);
  return d;
}

export function cleanupTempDirs(): void {
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Options of `start`. */
export interface StartOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Folder for the log file. */
  readonly logDir: string;
  /** Start from an empty environment (only `env`), as a container does. @default false: `env` over this process's */
  readonly clearEnv?: boolean;
}

/** Starts a process in its own process group (so stopping it stops its children). */
export function start(name: string, cmd: string, args: readonly string[], opts: StartOptions): Proc {
  fs.mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${name.replace(/[^\w.-]+/g, '_')}.log`);
  const child = spawn(cmd, args as string[], {
    cwd: opts.cwd,
    env: opts.clearEnv ? { ...opts.env } : { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let code: number | null = null;
  const sink = (b: Buffer) => {
    const s = b.toString();
    out += s;
    if (out.length > 8 * 1024 * 1024) out = out.slice(-4 * 1024 * 1024);
    fs.appendFileSync(logFile, s);
  };
  child.stdout!.on('data', sink);
  child.stderr!.on('data', sink);
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (c) => {
      code = c ?? -1;
      resolve(code);
    });
    child.on('error', (e) => {
      out += `\n[spawn error] ${e.message}\n`;
      code = -1;
      resolve(-1);
    });
  });
  const proc: Proc = { name, child, output: () => out, exitCode: () => code, exited, logFile };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Stops a process (SIGTERM to its group, SIGKILL after `graceMs`). */
export async function stop(proc: Proc, graceMs = 5000): Promise<void> {
  if (proc.exitCode() !== null) return;
  signalGroup(proc, 'SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([proc.exited, timer])) === 'timeout') {
    signalGroup(proc, 'SIGKILL');
    await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
  }
  running.delete(proc);
}

function signalGroup(proc: Proc, sig: NodeJS.Signals): void {
  try {
    process.kill(-proc.child.pid!, sig);
  } catch {
    try {
      proc.child.kill(sig);
    } catch {
      /* already gone */
    }
  }
}

/** Stops every process still running (reverse start order). */
export async function stopAll(): Promise<void> {
  for (const p of [...running].reverse()) await stop(p);
}

process.on('exit', () => {
  for (const p of running) signalGroup(p, 'SIGKILL');
});

/**
 * Polls `check` every `intervalMs` until it returns a value, at most `timeoutMs` (and so a bounded
 * number of times); throws with `what` and the last error on timeout.
 */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const maxTries = Math.ceil(timeoutMs / intervalMs) + 1;
  let last: unknown;
  for (let i = 0; i < maxTries && Date.now() <= deadline; i++) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? last}` : ''}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** True when a TCP connection to host:port succeeds within 1 s. */
export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough for tests that start right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion (bounded by `timeoutMs`). */
export function runSync(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const r = spawnSync(cmd, args as string[], {
    env: { ...process.env, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    cwd: opts.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.error ? -1 : r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}
