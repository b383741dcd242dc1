// Issue 17's fuzz property on a small CI corpus (the long run: `npm run bench -- fuzz`). Seeded,
// so a failure names its seed and path and reproduces exactly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes';
import { applyMutation, exportMutated, mutationArbitrary, type Mutation } from './notebook-fuzz.testing';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-fuzz-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('fuzzed real notebooks through lossbook export (issue 17)', () => {
  it('every mutation is refused with a reason or exported: no crash, no hang over 5 s, input untouched', async () => {
    const exits = new Map<number, number>();
    let index = 0;
    await fc.assert(
      fc.asyncProperty(mutationArbitrary, async (mutation) => {
        const outcome = await exportMutated(folder, mutation, index++);
        exits.set(outcome.exit, (exits.get(outcome.exit) ?? 0) + 1);
      }),
      { numRuns: 120, seed: 17, endOnFailure: true },
    );
    // The corpus exercises both outcomes: some mutations are harmless, most are refused.
    expect(exits.get(EXIT.ok)).toBeGreaterThan(0);
    expect(exits.get(EXIT.usage)).toBeGreaterThan(0);
  });

  it('the known hostile shapes are in the mutation space and are refused', async () => {
    const cases: Mutation[] = [
      { kind: 'huge-length', fixture: 0, path: 0.5, length: 0 },
      { kind: 'deep-nesting', fixture: 1, path: 0.9, depth: 3, objects: false },
      { kind: 'deep-nesting', fixture: 0, path: 0.2, depth: 4, objects: true },
    ];
    for (const [offset, mutation] of cases.entries()) {
      expect(applyMutation(mutation).length).toBeGreaterThan(0);
      const outcome = await exportMutated(folder, mutation, 10_000 + offset);
      expect(outcome.exit, JSON.stringify(mutation)).toBe(EXIT.usage);
    }
    // Prototype keys are unknown keys: dropped by the schema (the notebook opens), never assigned.
    for (const key of [0, 1, 2]) {
      const outcome = await exportMutated(folder, { kind: 'prototype-key', fixture: 0, path: 0, key }, 10_100 + key);
      expect(outcome.exit).toBe(EXIT.ok);
    }
  });
});
