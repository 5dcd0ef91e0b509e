#!/usr/bin/env node
/**
 * `otel-k8s validate <files|dirs|->`: validates any Kubernetes manifests (this library's output, or
 * `helm template` output of other charts) with the library's validation — built-in kinds against the
 * shipped Kubernetes schemas of the chosen minor, custom resources against the shipped and given
 * CRDs, the collector's rules on every collector config — and prints a readable report (object,
 * path, fix) or JSON. Exit code 0 when valid, 1 on errors, 2 on usage errors.
 */
import fs = require('fs');
import path = require('path');
import { supportedKubernetesVersions } from '../common/schema-data';
import { parseYamlDocuments } from '../common/yaml';
import '../collector/collector-rules';
import { Finding } from '../common/findings';
import { validateManifests } from '../validation/validate-manifests';

const USAGE = `usage: otel-k8s validate [options] <file|dir|->...

Validates Kubernetes manifests (YAML or JSON; folders are read recursively; - reads stdin).

options:
  --kubernetes-version <minor>  validate built-in kinds for this Kubernetes minor (${'${versions}'}; default: newest)
  --crds <path>                 extra CRD file or folder (repeatable; also OTEL_K8S_CRD_PATHS)
  --strict                      a custom resource whose CRD is unknown is an error; warnings fail the run
  --json                        print the findings as JSON
  -h, --help                    show this help
`;

/** What a run prints and returns. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Source {
  readonly file: string;
  readonly index: number;
}

/** Runs the CLI with `argv` (without `node` and the script); `stdin` is read for `-`. */
export function runCli(argv: readonly string[], stdin: () => string = () => fs.readFileSync(0, 'utf8')): CliResult {
  const usage = USAGE.replace('${versions}', supportedKubernetesVersions().join(', '));
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { code: command ? 0 : 2, stdout: command ? usage : '', stderr: command ? '' : usage };
  if (command !== 'validate') return { code: 2, stdout: '', stderr: `otel-k8s: unknown command "${command}"\n${usage}` };

  const inputs: string[] = [];
  const crdPaths: string[] = [];
  let kubernetesVersion: string | undefined;
  let json = false;
  let strict = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--json') json = true;
      else if (a === '--strict') strict = true;
      else if (a === '-h' || a === '--help') return { code: 0, stdout: usage, stderr: '' };
      else if (a.startsWith('--kubernetes-version')) kubernetesVersion = value();
      else if (a.startsWith('--crds')) crdPaths.push(...value().split(',').filter(Boolean));
      else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
      else inputs.push(a);
    } catch (e) {
      return { code: 2, stdout: '', stderr: `otel-k8s: ${(e as Error).message}\n${usage}` };
    }
  }
  if (inputs.length === 0) return { code: 2, stdout: '', stderr: `otel-k8s: no manifests given\n${usage}` };

  const objects: any[] = [];
  const sources = new Map<object, Source>();
  try {
    for (const input of inputs) {
      for (const { file, text } of readInputs(input, stdin)) {
        documents(file, text).forEach((obj, index) => {
          objects.push(obj);
          sources.set(obj, { file, index });
        });
      }
    }
  } catch (e) {
    return { code: 2, stdout: '', stderr: `otel-k8s: ${(e as Error).message}\n` };
  }

  let result;
  try {
    result = validateManifests(objects, { kubernetesVersion, crdPaths, strict });
  } catch (e) {
    return { code: 2, stdout: '', stderr: `otel-k8s: ${(e as Error).message}\n` };
  }
  const fileOf = (f: Finding): Source | undefined => (f.index !== undefined ? sources.get(objects[f.index]) : undefined);
  const failed = !result.ok || (strict && result.warnings.length > 0);
  if (json) {
    const findings = result.findings.map((f) => ({ ...f, file: fileOf(f)?.file }));
    return { code: failed ? 1 : 0, stdout: `${JSON.stringify({ ok: !failed, objects: objects.length, errors: result.errors.length, warnings: result.warnings.length, findings }, null, 2)}\n`, stderr: '' };
  }
  const lines: string[] = [];
  for (const f of result.findings) {
    if (f.severity === 'info') continue;
    const src = fileOf(f);
    const where = src ? `${src.file}${src.index ? ` (document ${src.index + 1})` : ''}: ` : '';
    const obj = `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? '(no name)'}`;
    lines.push(`${f.severity.toUpperCase()} ${where}${obj}`, `  at ${f.path}: ${f.message} [${f.rule}]`);
  }
  lines.push(`${objects.length} object(s) validated: ${result.errors.length} error(s), ${result.warnings.length} warning(s)${failed ? '' : ' - ok'}`);
  return { code: failed ? 1 : 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
}

class UsageError extends Error {}

/** Files of an input: a file, every manifest file under a folder (sorted), or stdin. */
function readInputs(input: string, stdin: () => string): Array<{ file: string; text: string }> {
  if (input === '-') return [{ file: '<stdin>', text: stdin() }];
  if (!fs.existsSync(input)) throw new Error(`${input} does not exist`);
  if (!fs.statSync(input).isDirectory()) return [{ file: input, text: fs.readFileSync(input, 'utf8') }];
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
      } else if (/\.(ya?ml|json)$/.test(e.name)) out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(input);
  return out;
}

/** The objects of a YAML or JSON text (empty documents skipped, `kind: List` flattened). */
function documents(file: string, text: string): any[] {
  let docs: unknown[];
  if (/\.json$/.test(file) || /^\s*[[{]/.test(text)) {
    try {
      const v = JSON.parse(text);
      docs = Array.isArray(v) ? v : [v];
    } catch {
      docs = yamlDocs(file, text);
    }
  } else docs = yamlDocs(file, text);
  const out: any[] = [];
  for (const d of docs) {
    if (d === null || d === undefined) continue;
    if (typeof d === 'object' && (d as any).kind === 'List' && Array.isArray((d as any).items)) out.push(...(d as any).items);
    else out.push(d);
  }
  return out;
}

function yamlDocs(file: string, text: string): unknown[] {
  return parseYamlDocuments(text).map((d, i) => {
    if (d.errors.length) throw new Error(`${file}: document ${i + 1} is not valid YAML: ${d.errors[0].message}`);
    return d.toJS();
  });
}

/** Runs the CLI on this process's arguments, streams and exit code (what the `otel-k8s` bin does). */
export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const r = runCli(argv);
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.code;
}

// the published bin is build/dist/cli/otel-k8s.js (scripts/bundle.js), which calls main() itself
if (require.main === module) main();
