import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';
import { tempDir } from './helpers/temp';

pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, 'readme', 'test', false);

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const LIB = path.join(__dirname, '..', 'lib');

/** The ```ts blocks of a README section. */
function snippets(section: string): string[] {
  const start = README.indexOf(`## ${section}`);
  if (start < 0) throw new Error(`README has no "## ${section}" section`);
  const end = README.indexOf('\n## ', start + 3);
  const body = README.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** Runs a README snippet against the local sources, with `dist` redirected to a temp folder. */
function run(code: string, outdir: string): void {
  const rewritten = code
    .replace(/'@otel-tracing\/k8s-constructs\/pulumi'/g, JSON.stringify(path.join(LIB, 'pulumi')))
    .replace(/'@otel-tracing\/k8s-constructs'/g, JSON.stringify(LIB))
    .replace(/outdir: 'dist'/g, `outdir: ${JSON.stringify(outdir)}`);
  const js = ts.transpileModule(rewritten, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  new Function('require', 'exports', js)(require, {});
}

describe('README examples run as written', () => {
  test('the cdk8s quickstart synthesizes valid layered output with the picture', () => {
    const [code] = snippets('Quickstart (cdk8s)');
    const outdir = tempDir('readme-');
    run(code, outdir);
    expect(fs.readdirSync(outdir).sort()).toEqual([
      '00-crds.k8s.yaml',
      '02-operator-rbac.k8s.yaml',
      '03-custom-resources.k8s.yaml',
      '04-workloads.k8s.yaml',
      'pipeline.mmd',
    ]);
    // the collectors' RBAC is applied before the collector CRs whose pods need it
    expect(fs.readFileSync(path.join(outdir, '02-operator-rbac.k8s.yaml'), 'utf8')).toMatch(/kind: ClusterRole\n/);
    expect(fs.readFileSync(path.join(outdir, '00-crds.k8s.yaml'), 'utf8')).toMatch(/kind: Namespace\n[\s\S]*name: observability/);
    const workloads = fs.readFileSync(path.join(outdir, '04-workloads.k8s.yaml'), 'utf8');
    expect(workloads).toContain('instrumentation.opentelemetry.io/inject-java: observability/tracing');
  });

  test('the Pulumi quickstart registers the stack', () => {
    const [code] = snippets('Quickstart (Pulumi)');
    expect(() => run(code, tempDir('readme-pulumi-'))).not.toThrow();
  });

  test('the picture in the README is the one the default app writes', () => {
    const { App } = require('cdk8s');
    const { buildDefaultApp } = require('../examples/default-app/main');
    const { stack } = buildDefaultApp(new App());
    expect(README).toContain('```mermaid\n' + stack.pipelineDiagram() + '```');
  });
});
