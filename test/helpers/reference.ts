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
  // The body is not run at all: collecting its tests would read the missing files.
  describe(name, () => {
    test.skip(`SKIPPED: no reference data at ${REFERENCE_DIR} (set OTEL_K8S_REFERENCE_DIR)`, () => undefined);
  });
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
    test.skip(`${name} [SKIPPED: no reference data at ${REFERENCE_DIR}]`, () => undefined);
  }
}
