/**
 * The README's platform-repo path, in a fresh folder outside this repository, exactly as written:
 * its install commands (the package itself from `npm pack` instead of the registry), its
 * tsconfig.json, the cdk8s quickstart as main.ts, its cdk8s.yaml and `npx cdk8s synth`; then the
 * Pulumi peers it names and its mocks recipe with `npx ts-node mocks.ts`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readmeBlocks, readmeFile, readmeMocksRecipe } from '../compat/readme-recipe';
import { describeE2E } from './harness/e2e';
import { runSync } from './harness/procs';

const ROOT = path.resolve(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'];

/** The README's `npm install …` lines of a block, as argument lists, with the package name replaced by the tarball. */
function installs(block: string, tarball: string): string[][] {
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npm install '))
    .map((l) =>
      l
        .split(/\s+/)
        .slice(1)
        .map((w) => (w === own.name ? tarball : w)),
    );
}

describeE2E('the README path in a fresh folder', () => {
  let project: string;
  let packDir: string;
  let home: string;
  let tarball: string;
  const npm = (args: string[]) => {
    const r = runSync('npm', [...args, ...NPM_FLAGS], { cwd: project, timeoutMs: 600_000 });
    if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${r.stderr}`);
  };

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-readme-path-'));
    packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-readme-pack-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-k8s-readme-home-'));
    const pack = runSync('npm', ['pack', '--pack-destination', packDir, '--json'], {
      cwd: ROOT,
      timeoutMs: 300_000,
    });
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    tarball = path.join(packDir, JSON.parse(pack.stdout)[0].filename);
    fs.writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'platform-repo', private: true }),
    );
    const [install] = readmeBlocks('bash').filter((b) => b.includes(`npm install ${own.name}`));
    for (const args of installs(install, tarball)) npm(args);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), readmeBlocks('json')[0]);
    // cdk8s-cli's own new-version check (offline) is seeded, as in CI
    fs.writeFileSync(
      path.join(home, '.cdk8s-cli.version'),
      require(path.join(project, 'node_modules', 'cdk8s-cli', 'package.json')).version,
    );
  });

  afterAll(() => {
    for (const d of [project, packDir, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  test('npx cdk8s synth runs the quickstart and the validation plugin named in cdk8s.yaml', () => {
    const quickstart = /## Quickstart \(cdk8s\)[\s\S]*?```ts\n([\s\S]*?)```/.exec(README)![1];
    fs.writeFileSync(path.join(project, 'main.ts'), quickstart);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), readmeFile('cdk8s.yaml', 'yaml'));
    const r = runSync(path.join(project, 'node_modules', '.bin', 'cdk8s'), ['synth'], {
      cwd: project,
      env: { HOME: home },
      timeoutMs: 300_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect([r.status, out]).toEqual([0, expect.stringMatching(/Status +│ success[\s\S]*errors +│ 0/)]);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual([
      '00-crds.k8s.yaml',
      '02-operator-rbac.k8s.yaml',
      '03-custom-resources.k8s.yaml',
      '04-workloads.k8s.yaml',
      'pipeline.mmd',
    ]);
    // one copy of cdk8s and constructs: the app's (peers, not nested dependencies)
    const nested = path.join(project, 'node_modules', '@otel-tracing', 'k8s-constructs', 'node_modules');
    expect(['cdk8s', 'constructs'].filter((p) => fs.existsSync(path.join(nested, p)))).toEqual([]);
  });

  test('the Pulumi peers it names install, and npx ts-node mocks.ts prints what the README says', () => {
    const line = /`npm install (@pulumi\/pulumi @pulumi\/kubernetes)`/.exec(README)![1];
    npm(['install', ...line.split(' ')]);
    fs.writeFileSync(path.join(project, 'mocks.ts'), readmeMocksRecipe());
    const r = runSync(path.join(project, 'node_modules', '.bin', 'ts-node'), ['mocks.ts'], {
      cwd: project,
      timeoutMs: 300_000,
    });
    const claimed = /prints `(registered \d+ objects in \d+ layers)`/.exec(README)![1];
    expect([r.status, r.stdout.trim(), r.stderr]).toEqual([0, claimed, '']);
  });
});
