// The monitor's bounds and its sampling grid: what keeps its memory flat on long runs, its cost
// small on every step, and its findings the same however busy the machine is (issue 22).

/** Bounds that keep the monitor's memory flat on long runs and its cost small on every step. */
export const MONITOR_LIMITS = {
  flushMs: 100,
  recentSteps: 400,
  firstLosses: 10,
  gradientSamples: 60,
  firstGradientSamples: 5,
  updateSamples: 20,
  probeSamples: 10,
  memorySamples: 60,
  timingSamples: 60,
  epochRecords: 1000,
  probeRows: 32,
  /** Fraction of training time each sampled measurement may take (probes.ts Budget)… */
  gradientBudget: 0.0015,
  updateBudget: 0.001,
  probeBudget: 0.001,
  /** …plus this much measurement time per run for each of the three (ms): toy runs are sampled densely. */
  samplingAllowanceMs: 2,
  /** Rule passes during steps run on a step grid (never on the clock: same run, same findings)… */
  rulesPerDoubling: 8,
  rulesMaxInterval: 32,
  /** Sampled measurements that feed the rules: the warm-up steps, then this many per doubling of the step count, at most this far apart. */
  samplesPerDoubling: 4,
  samplesMaxInterval: 64,
  /** …except the first steps, each checked at once (a NaN or a stuck loss at step 0 is reported at step 0). */
  rulesEveryStepUntil: 5,
  /** Custom loops have no epochs: every this many steps form one pseudo-epoch for trend rules. */
  customEpochSteps: 10,
  /** Per-layer metric series are emitted only for models up to this many layers. */
  perLayerSeries: 50,
};

/**
 * Whether a step's measurements feed the diagnosis (issue 22: the time budget must not change what
 * is found). Every step of the warm-up, then `perDoubling` steps per doubling of the step count,
 * at most `maxInterval` apart: a seeded run gets the same samples however busy the machine is. The
 * time budget (probes.ts Budget) may add measurements in between — for the charts only.
 */
export function onSamplingGrid(step: number, warmup: number, perDoubling: number, maxInterval: number): boolean {
  if (step < warmup) return true;
  const interval = Math.min(maxInterval, 2 ** Math.max(0, Math.floor(Math.log2(Math.max(1, step) / perDoubling))));
  return step % interval === 0;
}

/** Warm-up steps measured whatever the grid says: early steps decide the most (dead units, NaN, a loss stuck from the start). */
export const WARMUP = { gradients: 6, updates: 6, probes: 3 };

/** The sampling grid of the monitor's measurements (gradients, updates, probes). */
export const onGrid = (step: number, warmup: number): boolean => onSamplingGrid(step, warmup, MONITOR_LIMITS.samplesPerDoubling, MONITOR_LIMITS.samplesMaxInterval);

export function pushBounded<T>(list: T[], item: T, bound: number): void {
  list.push(item);
  if (list.length > bound) list.splice(0, list.length - bound);
}

export const now = (): number => performance.now();
