/**
 * The real collector as judge: `otelcol validate --config` (unmarshal + every component's Validate), and a
 * start check that runs the collector in a sandbox (empty network namespace, files the config names put
 * in place) until it reports ready or exits — that is where deprecated aliases are logged and where
 * components that build clients (the k8s resolver, k8s_attributes) fail.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { Proc, runSync, start, stop, waitFor } from './procs';
import { sandboxed, SandboxSpec } from './sandbox';

/** A program's verdict on one config. */
export interface ProgramVerdict {
  /** No error from `validate` (and from the start, when it ran). */
  readonly ok: boolean;
  /** Where it failed. */
  readonly failedAt?: 'validate' | 'start';
  /** The error text (`Error: ...` line or error-level log lines). */
  readonly errors: readonly string[];
  /** Warn-level log messages. */
  readonly warnings: readonly string[];
  /** Deprecation warnings among them. */
  readonly deprecations: readonly string[];
  /** Whole output. */
  readonly log: string;
}

/** A collector config file for the program, written under `dir`. */
export function writeConfig(dir: string, name: string, config: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.yaml`);
  // quoted for YAML 1.1 readers like the library's own output (go-yaml resolves an unquoted 2006-01-02 to a time)
  fs.writeFileSync(file, typeof config === 'string' ? config : stringify(config, { version: '1.1' }));
  return file;
}

/**
 * Parses zap console lines (`ts\tlevel\tcaller\tmsg\t{...}`) into level + message. The final
 * `Error: ...` of a failed command keeps its continuation lines (decode errors list one problem per
 * line), joined with "; ".
 */
export function logLines(log: string): Array<{ level: string; msg: string }> {
  const out: Array<{ level: string; msg: string }> = [];
  let open: { level: string; msg: string } | undefined;
  for (const line of log.split('\n')) {
    const parts = line.split('\t');
    if (parts.length >= 4 && /^\d{4}-\d\d-\d\dT/.test(parts[0])) {
      out.push({ level: parts[1], msg: parts[3] });
      open = undefined;
    } else if (/^Error: /.test(line)) {
      open = { level: 'fatal', msg: line.slice('Error: '.length) };
      out.push(open);
    } else if (/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /.test(line)) {
      // the standard logger repeats the Error: text; keep it only when there was none
      if (!/application version/.test(line) && !out.some((l) => l.level === 'fatal')) out.push({ level: 'fatal', msg: line.slice(20) });
      open = undefined;
    } else if (open && line.trim() !== '') {
      open.msg += `${/[:;]$/.test(open.msg) ? ' ' : '; '}${line.trim()}`;
    }
  }
  return out;
}

function verdictFrom(log: string, exitOk: boolean, stage: 'validate' | 'start', ready?: RegExp): ProgramVerdict {
  // after "ready", errors are about the world (e.g. no API server behind a test kubeconfig), not the config
  const upTo = ready && exitOk ? log.slice(0, (ready.exec(log)?.index ?? log.length) + 1) : log;
  const lines = logLines(upTo);
  const errors = lines.filter((l) => l.level === 'error' || l.level === 'fatal').map((l) => l.msg);
  const warnings = [...new Set(lines.filter((l) => l.level === 'warn').map((l) => l.msg))];
  const deprecations = warnings.filter((w) => /deprecat/i.test(w));
  const ok = exitOk && (stage === 'validate' || errors.length === 0);
  return { ok, failedAt: ok ? undefined : stage, errors: errors.length || ok ? errors : [log.trim().split('\n').slice(-3).join('\n')], warnings, deprecations, log };
}

/**
 * `<binary> validate --config <file>` with the pod's env; in the sandbox when one is given (validate
 * already checks files and directories the config names, e.g. file_storage's directory).
 */
export function validate(
  binary: string,
  configFile: string,
  env: Record<string, string> = {},
  inSandbox?: { readonly sandbox: SandboxSpec; readonly work: string },
): ProgramVerdict {
  const args = ['validate', `--config=${configFile}`];
  const cmd = inSandbox
    ? sandboxed(inSandbox.sandbox, binary, args, path.join(inSandbox.work, `sandbox-validate-${path.basename(configFile)}`))
    : { cmd: binary, args };
  const r = runSync(cmd.cmd, cmd.args, { env: { ...env, HOME: process.env.HOME }, timeoutMs: 60_000 });
  return verdictFrom(`${r.stdout}${r.stderr}`, r.status === 0, 'validate');
}

/** Options of `startCheck`. */
export interface StartCheckOptions {
  readonly env?: Record<string, string>;
  /** Files and directories the config needs, at their paths. */
  readonly sandbox?: SandboxSpec;
  /** Temp folder of the test. */
  readonly work: string;
  /** Longest wait for "ready". @default 20000 */
  readonly timeoutMs?: number;
  /** The log line that means started. @default the collector's "Everything is ready" */
  readonly readyPattern?: RegExp;
}

/** Starts the program on `configFile` in a sandbox, waits for ready or exit, stops it. */
export async function startCheck(binary: string, configFile: string, opts: StartCheckOptions): Promise<ProgramVerdict> {
  const ready = opts.readyPattern ?? /Everything is ready\. Begin running and processing data/;
  const cmd = sandboxed(opts.sandbox ?? {}, binary, [`--config=${configFile}`], path.join(opts.work, `sandbox-${path.basename(configFile)}`));
  const proc: Proc = start(`start-${path.basename(configFile)}`, cmd.cmd, cmd.args, { env: opts.env, logDir: opts.work });
  let started = false;
  try {
    await waitFor(
      `${path.basename(binary)} to start on ${path.basename(configFile)}`,
      () => (ready.test(proc.output()) ? (started = true) : proc.exitCode() !== null ? true : undefined),
      opts.timeoutMs ?? 20_000,
      100,
    );
  } catch {
    // neither ready nor exited: judged on its log so far
  }
  await stop(proc);
  return verdictFrom(proc.output(), started, 'start', ready);
}

/** `validate`, then (if it passed) `startCheck`: the program's full verdict. */
export async function judge(binary: string, configFile: string, opts: StartCheckOptions): Promise<ProgramVerdict> {
  const v = validate(binary, configFile, opts.env, opts.sandbox ? { sandbox: opts.sandbox, work: opts.work } : undefined);
  if (!v.ok) return v;
  const s = await startCheck(binary, configFile, opts);
  return { ...s, warnings: [...v.warnings, ...s.warnings], deprecations: [...v.deprecations, ...s.deprecations], log: `${v.log}\n${s.log}` };
}
