/**
 * `test/e2e/known-differences.yaml`: the cases where the library's verdict and a real program's differ
 * for a reason (a harness artifact, a key newer than the built program, a deliberately stricter library
 * rule, an escape hatch the library does not look into). Tests assert the list exactly: every actual
 * difference must match an entry with the same verdicts, and every entry must match at least one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/** Where the list lives. */
export const KNOWN_DIFFERENCES_FILE = path.resolve(__dirname, '..', 'known-differences.yaml');

/** The checks that keep a list. */
export type DifferenceCheck = 'matrix' | 'jaeger' | 'differential';

/** One listed difference. */
export interface KnownDifference {
  readonly check: DifferenceCheck;
  /** A case id, or a pattern where `*` matches any text. */
  readonly id: string;
  /** The library's verdict. */
  readonly library: string;
  /** The real program's verdict. */
  readonly program: string;
  readonly reason: string;
}

/** An actual difference found by a test. */
export interface ActualDifference {
  readonly id: string;
  readonly library: string;
  readonly program: string;
  /** What the program or the library said (for the failure message). */
  readonly detail?: string;
}

/** The listed differences of one check. */
export function knownDifferences(check: DifferenceCheck): KnownDifference[] {
  const doc = parse(fs.readFileSync(KNOWN_DIFFERENCES_FILE, 'utf8'));
  const list: any[] = doc?.[check] ?? [];
  return list.map((e, i) => {
    for (const k of ['id', 'library', 'program', 'reason']) {
      if (typeof e?.[k] !== 'string' || e[k].trim() === '')
        throw new Error(`${KNOWN_DIFFERENCES_FILE}: ${check}[${i}] has no ${k}`);
    }
    return { check, id: e.id, library: e.library, program: e.program, reason: e.reason };
  });
}

/** True when `id` matches `pattern` (`*` = any text, everything else literal). */
export function matches(pattern: string, id: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(id);
}

/** The comparison of actual and listed differences: both lists empty means the list is exact. */
export function compareWithList(
  actual: readonly ActualDifference[],
  listed: readonly KnownDifference[],
): {
  unlisted: ActualDifference[];
  wrongVerdicts: Array<{ actual: ActualDifference; entry: KnownDifference }>;
  stale: KnownDifference[];
} {
  const used = new Set<KnownDifference>();
  const unlisted: ActualDifference[] = [];
  const wrongVerdicts: Array<{ actual: ActualDifference; entry: KnownDifference }> = [];
  for (const a of actual) {
    const entry = listed.find((e) => matches(e.id, a.id));
    if (!entry) {
      unlisted.push(a);
      continue;
    }
    used.add(entry);
    if (entry.library !== a.library || entry.program !== a.program) wrongVerdicts.push({ actual: a, entry });
  }
  return { unlisted, wrongVerdicts, stale: listed.filter((e) => !used.has(e)) };
}

/** A readable report of `compareWithList`, empty when the list is exact. */
export function listReport(result: ReturnType<typeof compareWithList>): string {
  const lines: string[] = [];
  for (const a of result.unlisted)
    lines.push(
      `NOT LISTED: ${a.id} (library ${a.library}, program ${a.program})${a.detail ? `\n    ${a.detail}` : ''}`,
    );
  for (const { actual, entry } of result.wrongVerdicts) {
    lines.push(
      `VERDICTS CHANGED: ${actual.id} is listed (${entry.id}) as library ${entry.library} / program ${entry.program}, now library ${actual.library} / program ${actual.program}`,
    );
  }
  for (const e of result.stale)
    lines.push(
      `NO LONGER HAPPENS: ${e.id} (library ${e.library}, program ${e.program}): remove it from ${path.basename(KNOWN_DIFFERENCES_FILE)}`,
    );
  return lines.join('\n');
}
