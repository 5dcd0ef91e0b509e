import * as fs from 'fs';
import * as path from 'path';

/**
 * Upstream reference data (CRDs, samples, collector testdata, Helm renders) lives outside the
 * repository, in `../shared/reference`. `OTEL_K8S_REFERENCE_DIR` points elsewhere.
 *
 * On a machine without it, reference tests are skipped with a loud message; in CI (`CI=true`)
 * a missing folder is a failure, never a silent skip.
 */
export const REFERENCE_DIR = path.resolve(
  process.env.OTEL_K8S_REFERENCE_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'reference'),
);

export const HAS_REFERENCE = fs.existsSync(path.join(REFERENCE_DIR, 'opentelemetry-operator'));

/** Absolute path of a file in the reference folder. */
export function ref(...parts: string[]): string {
  return path.join(REFERENCE_DIR, ...parts);
}

/**
 * `describe` for tests that need the reference data: skipped (with a message saying so) when the
 * folder is missing on a developer machine, failing when it is missing in CI.
 */
export function describeWithReference(name: string, fn: () => void): void {
  if (HAS_REFERENCE) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      test('reference data is required in CI', () => {
        throw new Error(
          `reference data not found at ${REFERENCE_DIR}: CI requires it (set OTEL_K8S_REFERENCE_DIR or place shared/ beside the repo)`,
        );
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": reference data not found at ${REFERENCE_DIR} (set OTEL_K8S_REFERENCE_DIR)`);
  describe(name, () => {
    if (!registerSkipped(fn)) test.skip(`SKIPPED: no reference data at ${REFERENCE_DIR} (set OTEL_K8S_REFERENCE_DIR)`, () => undefined);
  });
}

/**
 * Registers the tests of a reference-data block as skipped, under their own names, without
 * running them: jest then keeps their snapshots (a snapshot whose test is missing is "obsolete"
 * and fails the run). The block's own code runs with `test`/`it` replaced; if it needs the missing
 * files to even list its tests (e.g. `test.each` over a folder), false is returned.
 */
function registerSkipped(fn: () => void): boolean {
  const g = globalThis as any;
  const saved = { test: g.test, it: g.it };
  const skip = (testName: string) => saved.test.skip(testName, () => undefined);
  const stub: any = (testName: string) => skip(testName);
  stub.skip = stub;
  stub.only = stub;
  stub.concurrent = stub;
  stub.failing = stub;
  stub.todo = (testName: string) => saved.test.todo(testName);
  stub.each = () => (testName: string) => skip(testName);
  g.test = stub;
  g.it = stub;
  try {
    fn();
    return true;
  } catch {
    return false;
  } finally {
    g.test = saved.test;
    g.it = saved.it;
  }
}

/** `test` for a single test that needs the reference data (same rules as `describeWithReference`). */
export function testWithReference(name: string, fn: () => void): void {
  if (HAS_REFERENCE) {
    test(name, fn);
  } else if (process.env.CI) {
    test(name, () => {
      throw new Error(`reference data not found at ${REFERENCE_DIR}: CI requires it (set OTEL_K8S_REFERENCE_DIR)`);
    });
  } else {
    // same name: jest keeps the test's snapshots (a snapshot without its test fails the run as obsolete)
    console.warn(`SKIPPED "${name}": reference data not found at ${REFERENCE_DIR} (set OTEL_K8S_REFERENCE_DIR)`);
    test.skip(name, () => undefined);
  }
}
