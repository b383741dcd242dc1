// Hyperparameter search spaces, as seed 001's tuning section asks: centralize the
// hyperparameters, search learning rate and L2 on a log scale, random rather than grid,
// coarse then fine. Specs are plain data so a sweep can be saved, resumed and refined.
import { z } from 'zod';

export const ParamSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logUniform'), low: z.number().positive(), high: z.number().positive() }),
  z.object({ kind: z.literal('uniform'), low: z.number(), high: z.number() }),
  z.object({ kind: z.literal('intUniform'), low: z.number().int(), high: z.number().int() }),
  z.object({ kind: z.literal('choice'), values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1) }),
]);
export type ParamSpec = z.infer<typeof ParamSpecSchema>;
export type SearchSpace = Record<string, ParamSpec>;
export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

export class SweepSpaceError extends Error {
  override name = 'SweepSpaceError';
}

export const logUniform = (low: number, high: number): ParamSpec => checked({ kind: 'logUniform', low, high });
export const uniform = (low: number, high: number): ParamSpec => checked({ kind: 'uniform', low, high });
export const intUniform = (low: number, high: number): ParamSpec => checked({ kind: 'intUniform', low, high });
export const choice = (values: ParamValue[]): ParamSpec => checked({ kind: 'choice', values });

function checked(spec: ParamSpec): ParamSpec {
  const parsed = ParamSpecSchema.safeParse(spec);
  if (!parsed.success) throw new SweepSpaceError(`Invalid search space entry ${JSON.stringify(spec)}: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
  if ((spec.kind === 'logUniform' || spec.kind === 'uniform' || spec.kind === 'intUniform') && !(spec.low <= spec.high)) {
    throw new SweepSpaceError(`Invalid range for ${spec.kind}: low (${spec.low}) must not exceed high (${spec.high}).`);
  }
  return spec;
}

export function validateSpace(space: unknown): SearchSpace {
  if (!space || typeof space !== 'object' || Array.isArray(space)) throw new SweepSpaceError('A sweep needs `space`: an object of named parameters, e.g. { lr: logUniform(1e-5, 1e-1) }.');
  const entries = Object.entries(space as Record<string, unknown>);
  if (entries.length === 0) throw new SweepSpaceError('The search space is empty: name at least one parameter.');
  return Object.fromEntries(entries.map(([name, spec]) => [name, checked(spec as ParamSpec)]));
}

/** mulberry32: tiny, fast, seedable — the same seed gives the same trials, which makes resume exact. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleParam(spec: ParamSpec, random: () => number): ParamValue {
  switch (spec.kind) {
    case 'logUniform':
      return Math.exp(Math.log(spec.low) + random() * (Math.log(spec.high) - Math.log(spec.low)));
    case 'uniform':
      return spec.low + random() * (spec.high - spec.low);
    case 'intUniform':
      return Math.min(spec.high, spec.low + Math.floor(random() * (spec.high - spec.low + 1)));
    case 'choice':
      return spec.values[Math.min(spec.values.length - 1, Math.floor(random() * spec.values.length))]!;
  }
}

export function sampleParams(space: SearchSpace, random: () => number): Params {
  return Object.fromEntries(Object.entries(space).map(([name, spec]) => [name, sampleParam(spec, random)]));
}

/** Points of one axis of a grid: log-spaced for logUniform, as in seed 001's "log scale". */
export function gridAxis(spec: ParamSpec, points: number): ParamValue[] {
  if (spec.kind === 'choice') return [...spec.values];
  if (points <= 1) return [spec.kind === 'logUniform' ? Math.sqrt(spec.low * spec.high) : (spec.low + spec.high) / 2];
  const values: ParamValue[] = [];
  for (let i = 0; i < points; i++) {
    const t = i / (points - 1);
    if (spec.kind === 'logUniform') values.push(Math.exp(Math.log(spec.low) + t * (Math.log(spec.high) - Math.log(spec.low))));
    else if (spec.kind === 'uniform') values.push(spec.low + t * (spec.high - spec.low));
    else values.push(Math.round(spec.low + t * (spec.high - spec.low)));
  }
  return [...new Set(values)];
}

/** The full grid (cartesian product), in a stable order. */
export function gridParams(space: SearchSpace, pointsPerAxis: number): Params[] {
  let combos: Params[] = [{}];
  for (const [name, spec] of Object.entries(space)) {
    const axis = gridAxis(spec, pointsPerAxis);
    combos = combos.flatMap((combo) => axis.map((value) => ({ ...combo, [name]: value })));
  }
  return combos;
}

/**
 * The coarse→fine step of seed 001: a narrower space around the best trials. Numeric ranges
 * shrink to the span of the best trials, widened by `margin` (a factor on log scales); choices
 * keep only the values the best trials used.
 */
export function refineSpace(space: SearchSpace, best: Params[], margin = 2): SearchSpace {
  if (best.length === 0) return space;
  const refined: SearchSpace = {};
  for (const [name, spec] of Object.entries(space)) {
    const seen = best.map((p) => p[name]).filter((v) => v !== undefined);
    if (spec.kind === 'choice') {
      refined[name] = { kind: 'choice', values: spec.values.filter((v) => seen.includes(v)) };
      continue;
    }
    const numbers = seen.filter((v): v is number => typeof v === 'number');
    if (numbers.length === 0) {
      refined[name] = spec;
      continue;
    }
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    if (spec.kind === 'logUniform') refined[name] = { kind: 'logUniform', low: Math.max(spec.low, lo / margin), high: Math.min(spec.high, hi * margin) };
    else {
      const pad = Math.max((hi - lo) * (margin - 1) * 0.5, (spec.high - spec.low) * 0.05);
      const low = Math.max(spec.low, lo - pad);
      const high = Math.min(spec.high, hi + pad);
      refined[name] = spec.kind === 'intUniform' ? { kind: 'intUniform', low: Math.floor(low), high: Math.ceil(high) } : { kind: 'uniform', low, high };
    }
  }
  return refined;
}
