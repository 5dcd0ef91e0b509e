/**
 * jest globalSetup of `npm run test:e2e`: checks the prerequisites and builds (or finds in the cache)
 * every upstream program before any test starts, printing cold/warm build times.
 *
 * Without Go (or without the module proxy when something must be built) the run fails in CI
 * (`CI=true`); elsewhere every e2e test is skipped with a message saying why (E2E_SKIP_REASON).
 */
import { ensureAll, missingPrerequisite } from './build';

export default async function globalSetup(): Promise<void> {
  const only = process.env.E2E_PROGRAMS ? process.env.E2E_PROGRAMS.split(',') : undefined;
  let reason = missingPrerequisite();
  if (!reason) {
    try {
      ensureAll(only);
    } catch (e) {
      const msg = (e as Error).message;
      if (!/module proxy/.test(msg) || process.env.CI) throw e;
      reason = msg;
    }
  }
  if (reason) {
    if (process.env.CI) throw new Error(`e2e: ${reason}; CI requires the e2e prerequisites (Go 1.26+ and the Go module proxy)`);
    console.warn(`\nSKIPPED e2e tests: ${reason}\n`);
    process.env.E2E_SKIP_REASON = reason;
  }
}
