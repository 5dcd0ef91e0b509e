/**
 * Shared pieces of the e2e tests: `describeE2E` (skipped with the reason when the prerequisites are
 * missing outside CI, see global-setup.ts) and the paths of the built programs.
 */
import { cached } from './build';
import { program } from './programs';

/** `describe` that is skipped, saying why, when globalSetup found no Go toolchain / module proxy. */
export function describeE2E(name: string, fn: () => void): void {
  const reason = process.env.E2E_SKIP_REASON;
  if (reason) {
    describe(name, () => {
      test.skip(`SKIPPED: ${reason}`, () => undefined);
    });
    return;
  }
  describe(name, fn);
}

/** Path of a built binary (globalSetup built them all). */
export function bin(programName: string, binary?: string): string {
  const p = program(programName);
  const hit = cached(p);
  if (!hit) throw new Error(`e2e: ${programName} is not built; run \`npm run test:e2e\` (its globalSetup builds it)`);
  return hit.bin[binary ?? p.binaries[0].name];
}

/** The built version of a program and, when it differs, the pinned one with the reason. */
export function versionNote(programName: string): string {
  const p = program(programName);
  return p.pinned ? `${p.name} ${p.version} (pinned ${p.pinned.version} not buildable here: ${p.pinned.why})` : `${p.name} ${p.version}`;
}
