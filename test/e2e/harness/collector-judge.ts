/**
 * The real collector judging a config as its pod would run it: the container's env (kubelet rules,
 * Secret values replaced by stand-ins), the in-cluster service-account files and env, a kubeconfig, and
 * the TLS files and storage directories the config names, all inside the sandbox (`validate` runs
 * there too: it already checks that file_storage's directory exists). With a `StandInApi`, start checks
 * run in its network namespace, so components that wait for the Kubernetes API (the k8s resolver) can
 * start; without one, in a new empty namespace.
 *
 * The start check changes one thing, listed in `START_REWRITES`: a logs level above `info` is set to
 * `info`, because the ready line the check waits for is an info message.
 */
import * as path from 'path';
import { collectorSandbox, inClusterAccess } from './config-files';
import { ProgramVerdict, startCheck, StartCheckOptions, validate, writeConfig } from './otelcol';
import { PodIdentity, podEnv } from './pod-env';
import { SandboxSpec } from './sandbox';
import { StandInApi } from './stand-in-api';

/** The pod identity the judged configs run as. */
export const JUDGE_POD: PodIdentity = {
  podName: 'pod-0',
  namespace: 'observability',
  podIp: '10.0.0.10',
  hostIp: '10.0.0.1',
  nodeName: 'node-1',
};

/** Every change the start check makes to a config (validate always sees the config unchanged). */
export const START_REWRITES: readonly string[] = [
  'service.telemetry.logs.level warn/error -> info for the start check (the "Everything is ready" line is logged at info)',
];

/** What a judge needs to know about a config. */
export interface JudgedConfig {
  readonly config: unknown;
  /** The config's text as emitted (what the program reads when the config is not rewritten). @default - `config` serialized */
  readonly text?: string;
  /** Container env, manifest form. */
  readonly env?: readonly any[];
  /** ConfigMaps for `configMapKeyRef` env. */
  readonly configMaps?: Readonly<Record<string, Record<string, string>>>;
  /** Extra files or directories the pod has (mounted volumes). */
  readonly sandbox?: SandboxSpec;
  /** The pod it runs in. @default JUDGE_POD */
  readonly pod?: PodIdentity;
}

/** The config the start check runs and the rewrites made (see `START_REWRITES`). */
export function startConfig(config: any): { config: any; rewrites: string[] } {
  const level = config?.service?.telemetry?.logs?.level;
  if (
    typeof level === 'string' &&
    ['warn', 'error', 'dpanic', 'panic', 'fatal'].includes(level.toLowerCase())
  ) {
    const copy = JSON.parse(JSON.stringify(config));
    copy.service.telemetry.logs.level = 'info';
    return { config: copy, rewrites: [`service.telemetry.logs.level ${level} -> info`] };
  }
  return { config, rewrites: [] };
}

/** Options of a judge. */
export interface CollectorJudgeOptions {
  /** Start checks run in the stand-in API's namespace. @default - a new empty namespace per check */
  readonly api?: StandInApi;
  /** Longest wait for ready. @default 20000 */
  readonly startTimeoutMs?: number;
  /** The ready log line. @default the collector's */
  readonly readyPattern?: RegExp;
}

/** Judges configs with `binary` (otelcol-k8s or jaeger), writing files under `work`. */
export class CollectorJudge {
  private readonly kubeconfig: string;
  private n = 0;

  constructor(
    private readonly binary: string,
    private readonly work: string,
    private readonly options: CollectorJudgeOptions = {},
  ) {
    this.kubeconfig = writeConfig(work, 'kubeconfig', {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'e2e', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'e2e', user: { token: 'e2e' } }],
      contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'e2e' } }],
      'current-context': 'e2e',
    });
  }

  /** The process env and sandbox of a config. */
  public runEnv(
    c: JudgedConfig,
    pod: PodIdentity = c.pod ?? JUDGE_POD,
  ): { env: Record<string, string>; sandbox: SandboxSpec } {
    const pki = path.join(this.work, 'pki');
    const access = inClusterAccess(pod.namespace, pki);
    const env = { ...access.env, ...podEnv(c.env ?? [], pod, c.configMaps), KUBECONFIG: this.kubeconfig };
    const own = collectorSandbox(c.config, pki, access.files);
    const sandbox: SandboxSpec = {
      files: { ...own.files, ...(c.sandbox?.files ?? {}) },
      dirs: [...(own.dirs ?? []), ...(c.sandbox?.dirs ?? [])],
      netns: c.sandbox?.netns,
    };
    return { env, sandbox };
  }

  /** The file a config is written to. */
  public write(name: string, config: unknown): string {
    return writeConfig(
      path.join(this.work, 'configs'),
      `${String(++this.n).padStart(4, '0')}-${name}`.slice(0, 180),
      config,
    );
  }

  /** `validate` only (in the sandbox). */
  public validate(name: string, c: JudgedConfig): ProgramVerdict {
    const { env, sandbox } = this.runEnv(c);
    return validate(this.binary, this.write(name, c.text ?? c.config), env, {
      sandbox: { ...sandbox, netns: undefined },
      work: this.work,
    });
  }

  /** `validate`, then the start check where validate passed; `rewrites` lists what the start check changed. */
  public async judge(name: string, c: JudgedConfig): Promise<ProgramVerdict & { rewrites: string[] }> {
    const v = this.validate(name, c);
    if (!v.ok) return { ...v, rewrites: [] };
    const { env, sandbox } = this.runEnv(c);
    const started = startConfig(c.config);
    const file = this.write(
      `${name}-start`,
      started.rewrites.length === 0 && c.text !== undefined ? c.text : started.config,
    );
    const opts: StartCheckOptions = {
      env,
      sandbox: { ...sandbox, netns: sandbox.netns ?? this.options.api?.netns },
      work: this.work,
      timeoutMs: this.options.startTimeoutMs,
      readyPattern: this.options.readyPattern,
    };
    const s = await startCheck(this.binary, file, opts);
    return {
      ...s,
      warnings: [...v.warnings, ...s.warnings],
      deprecations: [...v.deprecations, ...s.deprecations],
      log: `${v.log}\n${s.log}`,
      rewrites: started.rewrites,
    };
  }
}
