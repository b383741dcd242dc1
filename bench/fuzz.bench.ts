// The long run of issue 17's fuzz property (CI runs 120 cases in src/cli/notebook-fuzz.test.ts):
// LOSSBOOK_FUZZ_RUNS mutated real notebooks (default 3000) through `lossbook export`, with a fresh
// seed each time (LOSSBOOK_FUZZ_SEED to replay one). Any crash, hang over 5 s or modified input
// is a failed target, reported with the seed and the shrunk mutation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { EXIT } from '../src/cli/exit-codes';
import { exportMutated, mutationArbitrary } from '../src/cli/notebook-fuzz.testing';
import { median, type Benchmark } from './harness';

const benchmark: Benchmark = {
  name: 'fuzz',
  description: 'mutated real .lossbook files through lossbook export: refused with a reason or exported, never a crash, a hang over 5 s or a modified input',
  async run() {
    const runs = Number(process.env.LOSSBOOK_FUZZ_RUNS ?? 3000);
    const seed = Number(process.env.LOSSBOOK_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const folder = await mkdtemp(join(tmpdir(), 'lossbook-fuzz-bench-'));
    const times: number[] = [];
    const byKind = new Map<string, { cases: number; refused: number; exported: number }>();
    let index = 0;
    let failure: string | undefined;
    try {
      const result = await fc.check(
        fc.asyncProperty(mutationArbitrary, async (mutation) => {
          const outcome = await exportMutated(folder, mutation, index++ % 64);
          times.push(outcome.ms);
          const row = byKind.get(mutation.kind) ?? { cases: 0, refused: 0, exported: 0 };
          row.cases++;
          if (outcome.exit === EXIT.ok) row.exported++;
          else row.refused++;
          byKind.set(mutation.kind, row);
        }),
        { numRuns: runs, seed },
      );
      if (result.failed) failure = `seed ${seed}, path ${result.counterexamplePath}: ${String(result.errorInstance)}`;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    const sorted = [...times].sort((a, b) => a - b);
    const slowest = sorted.at(-1) ?? 0;
    return {
      table: [...byKind].map(([kind, row]) => ({ mutation: kind, ...row })),
      data: { runs, seed, cases: times.length, medianMs: median(times), p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0, slowestMs: slowest, byKind: Object.fromEntries(byKind), failure: failure ?? null },
      targets: {
        [`${runs} cases: refused with a reason or exported, no crash, input untouched${failure ? ` — ${failure}` : ''}`]: failure === undefined,
        'every case under 5 s': slowest < 5_000,
      },
    };
  },
};

export default benchmark;
