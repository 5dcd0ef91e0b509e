/**
 * `npm run e2e -- <command> [args]`: the e2e harness as a tool.
 *
 *   validate <dir> [--strict]
 *       Runs the real collector (otelcol-k8s 0.158.0, built and cached by the harness) over every
 *       collector config found in the manifests under <dir> (*.yaml, *.yml, *.json, multi-document,
 *       `kind: List` too): OpenTelemetryCollector CRs' spec.config, and config files that collector
 *       workloads mount from ConfigMaps. Each config gets `otelcol validate` and a start check in a
 *       sandbox, with the env its container gets (Secret values replaced by stand-ins) and the files its
 *       config names. Prints a report per config; exit code 1 when a config fails (with --strict also on
 *       a deprecation warning) or a file cannot be parsed, 2 on a usage error. Needs root (private mount
 *       and network namespaces), iproute2, openssl, and Go with the module proxy for the first build.
 *
 * Commands live in COMMANDS (one place); add one there.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ensureProgram } from './harness/build';
import { CollectorJudge } from './harness/collector-judge';
import { findCarriedConfigs, findConfigs } from './harness/emitted';
import { ProgramVerdict } from './harness/otelcol';
import { PodIdentity } from './harness/pod-env';
import { cleanupTempDirs, stopAll, tempDir } from './harness/procs';
import { startStandInApi, StandInApi } from './harness/stand-in-api';

/** The stand-in API of a running command (stopped on exit and on Ctrl-C: it owns a network namespace). */
let api: StandInApi | undefined;

/** Stops what a command started and removes its temp folders. */
async function cleanup(): Promise<void> {
  const a = api;
  api = undefined;
  await a?.stop();
  await stopAll();
  cleanupTempDirs();
}

/** A CLI command. */
interface Command {
  readonly usage: string;
  readonly summary: string;
  run(args: string[]): Promise<number>;
}

/** A Kubernetes object read from a file. */
interface ReadObject {
  readonly object: any;
  readonly file: string;
}

/** Manifest files under a folder, sorted. */
function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Every object of the files (List items flattened), and the files that did not parse. */
export function readManifests(dir: string): { objects: ReadObject[]; errors: string[] } {
  const objects: ReadObject[] = [];
  const errors: string[] = [];
  const add = (o: any, file: string) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return;
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items))
      o.items.forEach((i: any) => add(i, file));
    else if (o.kind) objects.push({ object: o, file });
  };
  for (const file of manifestFiles(dir)) {
    const rel = path.relative(dir, file);
    const text = fs.readFileSync(file, 'utf8');
    try {
      if (/\.json$/i.test(file)) add(JSON.parse(text), rel);
      else {
        for (const doc of parseAllDocuments(text)) {
          if (doc.errors.length) throw new Error(doc.errors[0].message);
          add(doc.toJS(), rel);
        }
      }
    } catch (e) {
      errors.push(
        `${rel}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`,
      );
    }
  }
  return { objects, errors };
}

function statusOf(v: ProgramVerdict): string {
  if (!v.ok) return v.failedAt === 'validate' ? 'REJECTED by otelcol validate' : 'FAILED the start check';
  return v.deprecations.length ? 'OK, with deprecation warnings' : 'OK (validate and start)';
}

async function validateCommand(args: string[]): Promise<number> {
  const strict = args.includes('--strict');
  const dirs = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--strict');
  if (dirs.length !== 1 || unknown.length) {
    console.error(
      `usage: npm run e2e -- ${COMMANDS.validate.usage}${unknown.length ? ` (unknown option ${unknown.join(', ')})` : ''}`,
    );
    return 2;
  }
  // npm runs scripts in the package folder; INIT_CWD is where the user typed the command
  const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), dirs[0]);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    console.error(
      `validate: ${dirs[0]} is not a folder; pass the folder of the manifests (e.g. the cdk8s dist/ folder)`,
    );
    return 2;
  }
  const { objects, errors } = readManifests(dir);
  for (const e of errors) console.log(`ERROR ${e}`);
  const all = objects.map((o) => o.object);
  const configs = findCarriedConfigs(all);
  const others = findConfigs(all).filter((c) => c.program !== 'otelcol');
  const collectors = configs.filter((c) => c.program === 'otelcol');
  console.log(
    `${dirs[0]}: ${objects.length} objects in ${new Set(objects.map((o) => o.file)).size} files, ${collectors.length} collector configs`,
  );
  for (const c of others)
    console.log(`  (not judged: ${c.program} config ${c.where}; this command runs the collector only)`);
  if (collectors.length === 0) {
    console.log(
      'no collector config found: no OpenTelemetryCollector CR, and no collector workload (image opentelemetry-collector*) that mounts its --config from a ConfigMap',
    );
    return 1;
  }

  const otelcol = ensureProgram('otelcol', { log: (l) => console.error(l) });
  const binary = otelcol.bin[otelcol.program.binaries[0].name];
  console.log(`judge: otelcol-k8s ${otelcol.program.version} (${binary})`);
  const work = tempDir('cli-validate');
  let failed = 0;
  let warned = 0;
  try {
    api = await startStandInApi(work, path.join(work, 'pki'));
    const judge = new CollectorJudge(binary, work, { api });
    const configMaps: Record<string, Record<string, string>> = {};
    for (const o of all)
      if (o?.kind === 'ConfigMap' && o.metadata?.name) configMaps[o.metadata.name] = { ...(o.data ?? {}) };
    for (const c of collectors) {
      const file = c.carrier >= 0 ? objects[c.carrier].file : '?';
      const namespace = all[c.carrier]?.metadata?.namespace ?? 'default';
      const pod: PodIdentity = {
        podName: 'pod-0',
        namespace,
        podIp: '10.0.0.10',
        hostIp: '10.0.0.1',
        nodeName: 'node-1',
      };
      let v: ProgramVerdict;
      try {
        v = await judge.judge(c.where, { config: c.config, text: c.text, env: c.env, configMaps, pod });
      } catch (e) {
        // the pod could not even be set up (e.g. an env var from a ConfigMap that is not in the folder)
        v = {
          ok: false,
          failedAt: 'validate',
          errors: [(e as Error).message],
          warnings: [],
          deprecations: [],
          log: '',
        };
      }
      const bad = !v.ok || (strict && v.deprecations.length > 0);
      if (bad) failed++;
      if (v.ok && v.deprecations.length) warned++;
      console.log(`\n${bad ? 'FAIL' : 'PASS'} ${c.where} (${file}): ${statusOf(v)}`);
      for (const e of v.errors) console.log(`    error: ${e}`);
      for (const d of v.deprecations) console.log(`    deprecated: ${d}`);
    }
  } finally {
    await cleanup();
  }
  const ok = collectors.length - failed;
  console.log(
    `\n${collectors.length} collector configs: ${ok} passed, ${failed} failed${warned ? `, ${warned} with deprecation warnings${strict ? '' : ' (use --strict to fail on them)'}` : ''}${errors.length ? `; ${errors.length} files not parsed` : ''}`,
  );
  return failed > 0 || errors.length > 0 ? 1 : 0;
}

/** The commands, by name. */
const COMMANDS: Record<string, Command> = {
  validate: {
    usage: 'validate <dir> [--strict]',
    summary:
      "run the real collector's validation (validate + start check) over the collector configs in the manifests of <dir>",
    run: validateCommand,
  },
};

function help(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'usage: npm run e2e -- <command> [args]',
    '',
    'commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command "${name}"\n${help()}`);
    return 2;
  }
  return command.run(rest);
}

if (require.main === module) {
  const stopping = async () => {
    await cleanup();
    process.exit(130);
  };
  process.once('SIGINT', () => void stopping());
  process.once('SIGTERM', () => void stopping());
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
