// Exponential moving average, debiased the way TensorBoard's scalar dashboard smooths curves:
// the running average starts at zero, so early points are divided by (1 − w^n) to undo the pull
// toward zero (Adam's bias correction). Non-finite values pass through unsmoothed and do not
// disturb the average, so a NaN loss stays visible as a gap instead of poisoning the curve.

/** Smooth `values` with weight `smoothing` in [0, 1): 0 returns the values unchanged. */
export function emaDebiased(values: ArrayLike<number | null>, smoothing: number): Array<number | null> {
  const weight = Math.min(Math.max(smoothing, 0), 0.999);
  const smoothed: Array<number | null> = new Array(values.length);
  let last = 0;
  let accumulated = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null || value === undefined || !Number.isFinite(value)) {
      smoothed[index] = value ?? null;
      continue;
    }
    if (weight === 0) {
      smoothed[index] = value;
      continue;
    }
    last = last * weight + (1 - weight) * value;
    accumulated += 1;
    smoothed[index] = last / (1 - Math.pow(weight, accumulated));
  }
  return smoothed;
}

/**
 * The same smoothing for a series that only grows (a live run): each call extends the smoothed
 * curve by the points added since the last call, so a 1M-point chart updated ten times a
 * second costs O(new points), not O(series). Starts over when the weight or the array changes.
 */
export class IncrementalEma {
  private smoothed: Array<number | null> = [];
  private source: ArrayLike<number | null> | undefined;
  private weight = Number.NaN;
  private last = 0;
  private accumulated = 0;

  compute(values: ArrayLike<number | null>, smoothing: number): Array<number | null> {
    const weight = Math.min(Math.max(smoothing, 0), 0.999);
    if (weight !== this.weight || values !== this.source || values.length < this.smoothed.length) {
      this.smoothed = [];
      this.source = values;
      this.weight = weight;
      this.last = 0;
      this.accumulated = 0;
    }
    for (let index = this.smoothed.length; index < values.length; index++) {
      const value = values[index];
      if (value === null || value === undefined || !Number.isFinite(value)) {
        this.smoothed.push(value ?? null);
        continue;
      }
      if (weight === 0) {
        this.smoothed.push(value);
        continue;
      }
      this.last = this.last * weight + (1 - weight) * value;
      this.accumulated += 1;
      this.smoothed.push(this.last / (1 - Math.pow(weight, this.accumulated)));
    }
    return this.smoothed;
  }
}
