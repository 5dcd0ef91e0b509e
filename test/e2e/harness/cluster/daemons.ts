/**
 * Long-running processes of the test cluster. Unlike `procs.start`, they outlive the process that
 * started them (the `up` command exits, `down` is another process): each runs in its own process group
 * with its output in a log file, and is recorded (pid + kernel start time, so a reused pid is never
 * signalled) in the run folder's state file.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sleep } from '../procs';

/** A started process as recorded in the run folder. */
export interface DaemonRecord {
  readonly name: string;
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
  readonly startTime: string;
  readonly log: string;
  readonly command: readonly string[];
}

/** Start time of a process, or undefined when it does not exist. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may contain spaces and parentheses: split after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[22 - 3];
  } catch {
    return undefined;
  }
}

/** True while the recorded process (the same one, not a reused pid) runs and is not a zombie. */
export function isAlive(rec: DaemonRecord): boolean {
  if (processStartTime(rec.pid) !== rec.startTime) return false;
  try {
    const state = fs.readFileSync(`/proc/${rec.pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Options of `startDaemon`. */
export interface DaemonOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Folder of the log file. */
  readonly logDir: string;
}

const live = new Set<DaemonRecord>();
let exitHook = false;

/**
 * Starts `cmd args` detached, in its own process group, output to `<logDir>/<name>.log`. With
 * `stopOnExit` the process is killed when this process exits (tests); without it, it outlives us (the
 * CLI's `up`).
 */
export function startDaemon(
  name: string,
  cmd: string,
  args: readonly string[],
  opts: DaemonOptions,
  stopOnExit: boolean,
): DaemonRecord {
  fs.mkdirSync(opts.logDir, { recursive: true });
  const log = path.join(opts.logDir, `${name}.log`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(cmd, args as string[], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`cluster: could not start ${name} (${cmd}); see ${log}`);
  child.unref();
  const startTime = processStartTime(child.pid);
  if (!startTime) throw new Error(`cluster: ${name} (${cmd}) exited at once; see ${log}:\n${tail(log)}`);
  const rec: DaemonRecord = { name, pid: child.pid, startTime, log, command: [cmd, ...args] };
  if (stopOnExit) {
    live.add(rec);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const r of live) if (isAlive(r)) signal(r, 'SIGKILL');
      });
    }
  }
  return rec;
}

function signal(rec: DaemonRecord, sig: NodeJS.Signals): void {
  try {
    process.kill(-rec.pid, sig);
  } catch {
    try {
      process.kill(rec.pid, sig);
    } catch {
      /* gone */
    }
  }
}

/** Stops a recorded process and its group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopDaemon(rec: DaemonRecord, graceMs = 10_000): Promise<void> {
  live.delete(rec);
  if (!isAlive(rec)) return;
  signal(rec, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(rec)) await sleep(100);
  if (isAlive(rec)) {
    signal(rec, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(rec); i++) await sleep(100);
  }
}

/** Last lines of a log file. */
export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** An error that ends a `poll` at once (a process died: waiting longer cannot help). */
export class Fatal extends Error {}

/**
 * Polls `check` every `intervalMs` until it returns a value (not undefined/false), at most `timeoutMs`
 * (so a bounded number of times). Errors are retried, except `Fatal`, which is thrown at once.
 */
export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const maxTries = Math.ceil(timeoutMs / intervalMs) + 1;
  let last: unknown;
  for (let i = 0; i < maxTries && Date.now() <= deadline; i++) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message ?? last}` : ''}`,
  );
}
