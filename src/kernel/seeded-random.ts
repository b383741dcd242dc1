// Reproducible runs (LOSSBOOK_SEED): tfjs draws every unseeded random number — layer
// initializers without a `seed`, `fit`'s shuffle, dropout masks, `tf.random*` without a seed —
// from Math.random. Cells, tfjs and Lossbook share one realm (executor.ts), so replacing
// Math.random with a seeded generator makes a whole run repeat exactly on the same backend. The
// generator restarts whenever the namespace is cleared, so a notebook run from a fresh namespace
// draws the same numbers whatever ran before it (the gallery and its tests rely on that).

/** mulberry32: a small, well-mixed 32-bit generator (uniform on [0, 1)). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  Math.random = mulberry32(seed);
}
