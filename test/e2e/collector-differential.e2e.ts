/**
 * Differential check: seeded mutants (harness/mutants.ts) of every collector config the option matrix
 * and the stacks emit, each judged by the library — `CollectorConfig.fromObject` + `validate()`, and
 * `validateManifests` on the CR or ConfigMap carrying the mutant when the config came from synthesized
 * objects — and by the real collector (`judge`: validate, then the start check where validate passed).
 * Verdicts: accepted, rejected, warned (a deprecation warning).
 *
 * Every disagreement must be listed in test/e2e/known-differences.yaml (`differential`) with its reason,
 * and every listed entry must still happen: the list is asserted exactly. With `E2E_REPORT_DIR` set,
 * every verdict is written to `<dir>/differential.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { referenceCrds } from '../helpers/validate';
import { CollectorJudge } from './harness/collector-judge';
import { Carried, Judged, libraryVerdict, programVerdict } from './harness/differential';
import { bin, describeE2E, versionNote } from './harness/e2e';
import { SOURCES } from './harness/emitted';
import {
  ActualDifference,
  compareWithList,
  knownDifferences,
  listReport,
  matches,
} from './harness/known-differences';
import { buildMatrix, carriedConfigs } from './harness/matrix';
import { Mutant, mutants, MUTATION_KINDS, MutationKind } from './harness/mutants';
import { cleanupTempDirs, stopAll, tempDir } from './harness/procs';
import { StandInApi, startStandInApi } from './harness/stand-in-api';

/** The seed of the mutants (change it only together with known-differences.yaml). */
const SEED = 20260612;
/** At least this many mutants (issue 12). */
const MIN_MUTANTS = 500;

interface Base {
  readonly id: string;
  readonly config: any;
  readonly env: readonly any[];
  readonly carried?: Carried;
}

/** Every distinct collector config of the matrix and the stacks that both sides accept as it is. */
function bases(): Base[] {
  const listed = knownDifferences('matrix');
  const out: Base[] = [];
  const seen = new Set<string>();
  const add = (
    id: string,
    c: { config: any; env: readonly any[]; objects?: readonly any[]; carrier?: number; carrierKey?: string },
  ) => {
    const key = JSON.stringify(c.config);
    if (seen.has(key) || listed.some((e) => matches(e.id, id))) return;
    seen.add(key);
    out.push({
      id,
      config: c.config,
      env: c.env,
      carried: c.objects ? { objects: c.objects, carrier: c.carrier!, carrierKey: c.carrierKey } : undefined,
    });
  };
  for (const e of buildMatrix()) {
    for (const c of e.configs.filter((x) => x.program === 'otelcol')) {
      add(
        c.where.startsWith('CollectorConfig ') ? e.id : `${e.id}/${c.where.split(' ')[1].split('/')[1]}`,
        c,
      );
    }
  }
  for (const s of SOURCES) {
    for (const c of carriedConfigs(s.objects()).filter((x) => x.program === 'otelcol'))
      add(`${s.name.replace(/[ ()]+/g, '-').replace(/-$/, '')}/${c.where.split(' ')[1].split('/')[1]}`, c);
  }
  return out;
}

describeE2E(
  `differential: the library and the real collector (${versionNote('otelcol')}) on mutated configs`,
  () => {
    const work = tempDir('collector-differential');
    const all = bases();
    const byId = new Map(all.map((b) => [b.id, b]));
    const list = mutants(
      all.map((b) => ({ id: b.id, config: b.config })),
      SEED,
    );
    const crds = referenceCrds();
    const results = new Map<string, { mutant: Mutant; library: Judged; program: Judged }>();
    let api: StandInApi | undefined;
    let judge: CollectorJudge;

    beforeAll(async () => {
      api = await startStandInApi(work, path.join(work, 'pki'));
      judge = new CollectorJudge(bin('otelcol'), work, { api, startTimeoutMs: 10_000 });
    });
    afterAll(async () => {
      await api?.stop();
      await stopAll();
      cleanupTempDirs();
    });

    test(`at least ${MIN_MUTANTS} mutants of every kind, from configs the library accepts`, () => {
      const counts = Object.fromEntries(
        MUTATION_KINDS.map((k) => [k, list.filter((m) => m.kind === k).length]),
      );
      console.log(
        `${all.length} base configs, ${list.length} mutants (seed ${SEED}): ${JSON.stringify(counts)}`,
      );
      expect(list.length).toBeGreaterThanOrEqual(MIN_MUTANTS);
      for (const k of MUTATION_KINDS) expect(counts[k]).toBeGreaterThan(0);
      expect(new Set(list.map((m) => m.id)).size).toBe(list.length);
      // a mutant's verdict means something only when its base is accepted
      const refused = all
        .map((b) => ({ id: b.id, v: libraryVerdict(b.config, b.carried, crds) }))
        .filter((x) => x.v.verdict !== 'accepted');
      expect(refused).toEqual([]);
    });

    describe.each(MUTATION_KINDS.map((k) => [k]))('%s mutants', (kind: MutationKind) => {
      test('both verdicts', async () => {
        for (const m of list.filter((x) => x.kind === kind)) {
          const base = byId.get(m.base)!;
          const library = libraryVerdict(m.config, base.carried, crds);
          const program = programVerdict(
            await judge.judge(m.id.replace(/\|/g, '_'), { config: m.config, env: base.env }),
          );
          results.set(m.id, { mutant: m, library, program });
        }
        expect([...results.values()].filter((r) => r.mutant.kind === kind).length).toBe(
          list.filter((x) => x.kind === kind).length,
        );
      });
    });

    test('known-differences.yaml lists exactly the disagreements', () => {
      expect(results.size).toBe(list.length);
      const rows = [...results.values()];
      const disagreements: ActualDifference[] = rows
        .filter((r) => r.library.verdict !== r.program.verdict)
        .map((r) => ({
          id: r.mutant.id,
          library: r.library.verdict,
          program: r.program.verdict,
          detail: `${r.mutant.change}; library: ${r.library.detail || '-'}; program: ${r.program.detail || '-'}`,
        }));
      const table = MUTATION_KINDS.map((k) => {
        const of = rows.filter((r) => r.mutant.kind === k);
        const v = (x: string) => of.filter((r) => r.program.verdict === x).length;
        return `${k.padEnd(20)} ${String(of.length).padStart(4)} mutants: program rejected ${v('rejected')}, warned ${v('warned')}, accepted ${v('accepted')}; disagreements ${of.filter((r) => r.library.verdict !== r.program.verdict).length}`;
      });
      console.log(
        `differential (${rows.length} mutants, ${disagreements.length} disagreements, all listed with reasons):\n${table.join('\n')}`,
      );
      if (process.env.E2E_REPORT_DIR) {
        // every verdict, for updating known-differences.yaml by hand
        fs.mkdirSync(process.env.E2E_REPORT_DIR, { recursive: true });
        const report = rows.map((r) => ({
          id: r.mutant.id,
          change: r.mutant.change,
          library: r.library,
          program: r.program,
        }));
        fs.writeFileSync(
          path.join(process.env.E2E_REPORT_DIR, 'differential.json'),
          JSON.stringify(report, null, 1),
        );
      }
      expect(listReport(compareWithList(disagreements, knownDifferences('differential')))).toBe('');
    });
  },
);
