/**
 * The temp-folder guard (test/helpers/temp-guard-environment.ts, the unit tests' jest environment)
 * fails a test file that leaves temp folders behind, names them and removes them, and lets the
 * helpers of test/helpers/temp.ts through.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

test('a test file that leaves temp folders fails, naming them, and they are removed', () => {
  const prefix = `otel-k8s-guard-check-${process.pid}-`;
  const r = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--ci',
      '--colors=false',
      '--testMatch',
      '**/test/fixtures/temp-leak.fixture.ts',
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LEAK_PREFIX: prefix }, timeout: 120_000 },
  );
  const out = `${r.stdout}${r.stderr}`;
  expect(r.status).toBe(1);
  expect(out).toMatch(/this test file left 2 temp folder\(s\) behind \(removed now\)/);
  const named = (/behind \(removed now\): (.*?); make them/.exec(out)?.[1] ?? '')
    .split(', ')
    .map((d) => path.basename(d));
  expect(named).toEqual([
    expect.stringMatching(new RegExp(`^${prefix}`)),
    expect.stringMatching(/^cdk8s\.outdir\./),
  ]);
  expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(prefix))).toEqual([]);
});
