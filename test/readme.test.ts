import * as fs from 'fs';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { APPLY_LAYER_NAMES, TracingManifestValidation } from '../lib';
import { OperatorManifestSource, WebhookCertificates } from '../lib/operator';
import { StackOperator, TracingStack, synthLayered } from '../lib/stack';
import {
  BUNDLER_STRICT_FROM,
  NODE_MAJORS,
  PULUMI_KUBERNETES_VERSION,
  PULUMI_VERSIONS,
  TYPESCRIPT_VERSIONS,
} from './compat/versions';
import { readmeBlocks, readmeFile, readmeMocksRecipe } from './compat/readme-recipe';
import { describeWithReference, ref } from './helpers/reference';
import { tempDir, testApp, testChart } from './helpers/temp';

pulumi.runtime.setMocks(
  { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
  'readme',
  'test',
  false,
);

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const LIB = path.join(__dirname, '..', 'lib');

/** The text of a README section (up to the next `## `). */
function section(name: string): string {
  const start = README.indexOf(`## ${name}`);
  if (start < 0) throw new Error(`README has no "## ${name}" section`);
  const end = README.indexOf('\n## ', start + 3);
  return README.slice(start, end < 0 ? undefined : end);
}

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
  const js = ts.transpileModule(rewritten, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
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
    expect(fs.readFileSync(path.join(outdir, '02-operator-rbac.k8s.yaml'), 'utf8')).toMatch(
      /kind: ClusterRole\n/,
    );
    expect(fs.readFileSync(path.join(outdir, '00-crds.k8s.yaml'), 'utf8')).toMatch(
      /kind: Namespace\n[\s\S]*name: observability/,
    );
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

const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
const optionalPeers = Object.keys(own.peerDependenciesMeta).filter(
  (k) => own.peerDependenciesMeta[k].optional,
);

describe('README: install in a platform repo', () => {
  const [install] = readmeBlocks('bash').filter((b) =>
    b.includes('npm install @otel-tracing/k8s-constructs'),
  );
  const packages = (line: string) =>
    line.split(/\s+/).filter((w) => w && !w.startsWith('-') && w !== 'npm' && w !== 'install');

  test('installs the package with every required peer; optional ones only from the declared set', () => {
    const [main, dev] = install.trim().split('\n');
    const named = packages(main);
    expect(named[0]).toBe(own.name);
    const requiredPeers = Object.keys(own.peerDependencies).filter((p) => !optionalPeers.includes(p));
    expect(requiredPeers.sort()).toEqual(['cdk8s', 'constructs']);
    expect(named).toEqual(expect.arrayContaining(requiredPeers));
    expect(named.slice(1).filter((p) => !Object.keys(own.peerDependencies).includes(p))).toEqual([]);
    expect(packages(dev)).toEqual(['cdk8s-cli', 'typescript@~5.9', 'ts-node', '@types/node']);
    // below TypeScript 7 (ts-node and @pulumi/pulumi's peer range), within the supported range
    expect(TYPESCRIPT_VERSIONS).toContain(`${/typescript@~(\d+\.\d+)/.exec(dev)![1]}.3`);
    // the quickstart's imports are all installed by that line
    const imports = [...snippets('Quickstart (cdk8s)')[0].matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.filter((i) => !named.includes(i))).toEqual([]);
  });

  test('the Pulumi peers the README names are the optional @pulumi peers', () => {
    const line = /`npm install (@pulumi\/pulumi @pulumi\/kubernetes)`/.exec(
      section('Install in a platform repo'),
    )?.[1];
    expect(line?.split(' ').sort()).toEqual(optionalPeers.filter((p) => p.startsWith('@pulumi/')).sort());
    expect(section('Quickstart (Pulumi)')).toContain('`npm install @pulumi/pulumi @pulumi/kubernetes`');
  });

  test('the supported-versions table is what package.json declares and test:compat tests', () => {
    const table = section('Supported versions');
    const row = (name: string) => table.split('\n').find((l) => l.startsWith(`| ${name}`)) ?? '';
    expect(row('Node.js')).toContain(NODE_MAJORS.join(', '));
    expect(own.engines.node).toBe(`>=${NODE_MAJORS[0]}`);
    for (const v of TYPESCRIPT_VERSIONS) expect(row('TypeScript (your project)')).toContain(v);
    const minors = TYPESCRIPT_VERSIONS.map((v) => v.split('.').slice(0, 2).join('.'));
    const [low, high] = [minors[0], minors[minors.length - 1]];
    expect(row('TypeScript (your project)')).toContain(
      `before ${BUNDLER_STRICT_FROM}, \`bundler\` needs \`skipLibCheck: true\``,
    );
    expect(row('TypeScript (your project)')).toContain(`| ${low} – ${high} |`);
    expect(row('`cdk8s` / `constructs`')).toContain(
      `\`${own.peerDependencies.cdk8s}\` / \`${own.peerDependencies.constructs}\``,
    );
    expect(row('`@pulumi/pulumi`')).toContain(`\`${own.peerDependencies['@pulumi/pulumi']}\``);
    expect(row('`@pulumi/pulumi`')).toContain(`${PULUMI_VERSIONS[0]} and ${PULUMI_VERSIONS[1]}`);
    expect(own.peerDependencies['@pulumi/pulumi']).toBe(`^${PULUMI_VERSIONS[0]}`);
    expect(row('`@pulumi/kubernetes`')).toContain(`\`^${PULUMI_KUBERNETES_VERSION}\``);
    const plus = optionalPeers
      .filter((p) => p.startsWith('cdk8s-plus-'))
      .map((p) => Number(p.slice('cdk8s-plus-'.length)));
    expect(row('`cdk8s-plus-*`')).toContain(`| ${Math.min(...plus)} – ${Math.max(...plus)} |`);
    expect(row('`cdk8s-plus-*`')).toContain(`${Math.min(...plus)} and ${Math.max(...plus)}`);
    expect(Object.keys(own.devDependencies)).toEqual(
      expect.arrayContaining([`cdk8s-plus-${Math.min(...plus)}`, `cdk8s-plus-${Math.max(...plus)}`]),
    );
  });

  test('the tsconfig.json of a fresh folder is minimal (test/e2e/readme-path.e2e.ts compiles the quickstart with it)', () => {
    const [tsconfig] = readmeBlocks('json');
    const options = JSON.parse(tsconfig).compilerOptions;
    expect(options).toEqual({
      target: 'ES2022',
      module: 'commonjs',
      lib: ['ES2022'],
      strict: true,
      esModuleInterop: true,
    });
  });
});

describe('README: cdk8s.yaml', () => {
  const config = parse(readmeFile('cdk8s.yaml', 'yaml'));

  test('names the plugin from node_modules, the way the package exports it, with properties it accepts', async () => {
    expect(config.output).toBe('dist');
    expect(config.app).toBe('npx ts-node main.ts');
    const [plugin] = config.validations;
    expect(plugin).toEqual({
      package: `./node_modules/${own.name}`,
      class: 'TracingManifestValidation',
      version: own.version,
      properties: { kubernetesVersion: '1.34' },
    });
    // the root entry point exports the class the entry names; it runs over the quickstart's output
    expect(require('../lib')[plugin.class]).toBe(TracingManifestValidation);
    const outdir = tempDir('readme-plugin-');
    run(snippets('Quickstart (cdk8s)')[0], outdir);
    let status: string | undefined;
    const violations: unknown[] = [];
    await new TracingManifestValidation(plugin.properties).validate({
      manifests: fs
        .readdirSync(outdir)
        .filter((f) => f.endsWith('.k8s.yaml'))
        .map((f) => path.join(outdir, f)),
      logger: { log: () => undefined },
      report: { addViolation: (v) => violations.push(v), submit: (s) => (status = s) },
    });
    expect([status, violations]).toEqual(['success', []]);
  });
});

describe('README: applying the layers with kubectl', () => {
  const [script] = readmeBlocks('bash').filter((b) => b.includes('kubectl apply -f dist/00-crds.k8s.yaml'));
  const applied = [...script.matchAll(/kubectl apply -f dist\/(\S+)/g)].map((m) => m[1]);

  test('applies every layer file in layer order', () => {
    const expected = Object.entries(APPLY_LAYER_NAMES).map(
      ([layer, name]) => `${String(layer).padStart(2, '0')}-${name}.k8s.yaml`,
    );
    expect(applied).toEqual(expected);
  });

  test("waits for the operator's own CRDs, deployment and webhook Service, by the names the library knows", () => {
    const stack = new TracingStack(testChart('tracing', { namespace: 'observability' }), 'stack');
    const names = stack.operator.names;
    const crds = [...script.matchAll(/crd\/(\S+)/g)].map((m) => m[1]);
    expect(crds.sort()).toEqual([...names.crds].sort());
    expect(script).toContain(`-n ${stack.operator.namespace} rollout status deploy/${names.deployment}`);
    expect(script).toContain(`kubernetes.io/service-name=${names.webhookService}`);
    expect(stack.operator.namespace).toBe('opentelemetry-operator-system');
    // bounded wait loop
    expect(script).toMatch(/for i in \$\(seq \d+\); do[\s\S]*&& break\n\s+sleep \d+\ndone/);
  });

  describeWithReference('with the operator installed by the package', () => {
    test('the layers hold what the README says, and the Certificate it waits for', () => {
      const app = testApp();
      new TracingStack(
        new (require('cdk8s').Chart)(app, 'tracing', { namespace: 'observability' }),
        'stack',
        {
          operator: StackOperator.install({
            source: OperatorManifestSource.fromFile(
              ref('opentelemetry-operator', 'opentelemetry-operator.yaml'),
            ),
            certificates: WebhookCertificates.certManager(),
          }),
        },
      );
      const outdir = tempDir('readme-layers-');
      synthLayered(app, { outdir });
      expect(fs.readdirSync(outdir).sort()).toEqual(applied);
      const layer = (f: string) =>
        fs
          .readFileSync(path.join(outdir, f), 'utf8')
          .split(/^---$/m)
          .map((d) => parse(d))
          .filter(Boolean);
      const certificate = /certificate\/(\S+)/.exec(script)![1];
      expect(layer(applied[1]).map((o: any) => `${o.kind}/${o.metadata.name}`)).toContain(
        `Certificate/${certificate}`,
      );
      const operatorLayer = layer(applied[2]).map((o: any) => `${o.kind}/${o.metadata.name}`);
      expect(operatorLayer).toEqual(
        expect.arrayContaining([
          'Deployment/opentelemetry-operator-controller-manager',
          'Service/opentelemetry-operator-webhook-service',
          'MutatingWebhookConfiguration/opentelemetry-operator-mutating-webhook-configuration',
        ]),
      );
      expect(
        layer(applied[0])
          .filter((o: any) => o.kind === 'CustomResourceDefinition')
          .map((o: any) => o.metadata.name),
      ).toEqual(expect.arrayContaining([...script.matchAll(/crd\/(\S+)/g)].map((m) => m[1])));
    });
  });
});

describe('README: Pulumi mocks recipe', () => {
  test('runs and prints what the README says it prints', () => {
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((m: string) => void printed.push(m));
    try {
      run(readmeMocksRecipe(), tempDir('readme-mocks-'));
    } finally {
      spy.mockRestore();
    }
    const claimed = /prints `(registered \d+ objects in \d+ layers)`/.exec(
      section('Quickstart (Pulumi)'),
    )?.[1];
    expect(printed).toEqual([claimed]);
  });
});

describe('README: troubleshooting', () => {
  const text = section('Troubleshooting');

  test('every finding id it names is one the validator reports', () => {
    const ids = [
      ...text.matchAll(
        /findings? `([a-z-]+)`(?: and `([a-z-]+)`)?|`(collector-[a-z]+|tail-sampling-daemonset)`/g,
      ),
    ]
      .flatMap((m) => [m[1], m[2], m[3]])
      .filter(Boolean);
    expect(new Set(ids)).toEqual(
      new Set([
        'cel',
        'unknown-field',
        'schema',
        'collector-endpoint',
        'collector-ports',
        'tail-sampling-daemonset',
      ]),
    );
    const sources = ['validation', 'collector/config']
      .flatMap((d) =>
        fs
          .readdirSync(path.join(LIB, d))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => fs.readFileSync(path.join(LIB, d, f), 'utf8')),
      )
      .join('\n');
    expect(ids.filter((id) => !sources.includes(`'${id}'`))).toEqual([]);
  });

  test("the workload names it uses are the default app's (operator runtime: <name>-collector)", () => {
    const { buildDefaultApp } = require('../examples/default-app/main');
    const app = testApp();
    buildDefaultApp(app);
    const collectors = app.charts
      .flatMap((c: any) => c.toJson())
      .filter((o: any) => o.kind === 'OpenTelemetryCollector');
    const workloads = collectors.map(
      (c: any) =>
        `${{ daemonset: 'ds', statefulset: 'sts', deployment: 'deploy' }[c.spec.mode as string]}/${c.metadata.name}-collector`,
    );
    const named = [...text.matchAll(/logs ((?:ds|sts|deploy)\/otel-\S+?)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !workloads.includes(n))).toEqual([]);
  });

  test('the SDK ports it states are the ones the Instrumentation sets', () => {
    const { buildDefaultApp } = require('../examples/default-app/main');
    const app = testApp();
    buildDefaultApp(app);
    const inst = app.charts.flatMap((c: any) => c.toJson()).find((o: any) => o.kind === 'Instrumentation');
    const port = (lang: string) =>
      /:(\d+)$/.exec(
        inst.spec[lang].env.find((e: any) => e.name === 'OTEL_EXPORTER_OTLP_ENDPOINT').value,
      )?.[1];
    expect(text).toContain(
      '(Java, Python, Node.js, .NET, Go: `http/protobuf` on 4318; Apache/nginx: gRPC on 4317)',
    );
    expect(['java', 'python', 'nodejs', 'dotnet', 'go'].map(port)).toEqual([
      '4318',
      '4318',
      '4318',
      '4318',
      '4318',
    ]);
    expect(/:(\d+)$/.exec(inst.spec.exporter.endpoint)?.[1]).toBe('4317');
  });
});

describe('README: first commands', () => {
  test('are the install + synth and the test commands CI runs', () => {
    const block = /## First commands[\s\S]*?```bash\n([\s\S]*?)```/.exec(README)![1];
    expect(
      block
        .split('\n')
        .map((l) => l.replace(/\s+#.*$/, '').trim())
        .filter(Boolean),
    ).toEqual(['npm ci && npx cdk8s synth', 'npm test']);
    const ci = fs.readFileSync(path.join(__dirname, '..', '.ci', 'run'), 'utf8');
    expect(ci).toContain('\nnpx cdk8s synth\n');
    expect(ci).toContain('\nnpm test\n');
  });
});
