// Reproducible runs (LOSSBOOK_SEED): tfjs draws every unseeded random number — layer
// initializers without a `seed`, `fit`'s shuffle, dropout masks, `tf.random*` without a seed —
// from Math.random. Cells, tfjs and Lossbook share one realm (executor.ts), so replacing
// Math.random with a seeded generator makes a whole run repeat exactly on the same backend. The
// generator restarts whenever the namespace is cleared, so a notebook run from a fresh namespace
// draws the same numbers whatever ran before it (the gallery and its tests rely on that).

import { createRandom } from '../shared/sweep/space';

/** The seed LOSSBOOK_SEED asks for (an integer), or undefined: then Math.random stays as it is. */
export function seedFromEnvironment(value = process.env.LOSSBOOK_SEED): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seed = Number(value);
  if (!Number.isInteger(seed)) throw new Error(`LOSSBOOK_SEED must be an integer, not ${JSON.stringify(value)}`);
  return seed;
}

/** Restart Math.random from `seed`; a no-op without one. */
export function reseedMathRandom(seed: number | undefined): void {
  if (seed === undefined) return;
  Math.random = createRandom(seed);
}
