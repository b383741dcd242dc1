// Small numeric helpers shared by the rule families (pure, no tf).

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Least-squares slope of values against their index. */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const xMean = (n - 1) / 2;
  const yMean = mean(values);
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < n; i++) {
    numerator += (i - xMean) * (values[i]! - yMean);
    denominator += (i - xMean) ** 2;
  }
  return numerator / denominator;
}

/** Slope per step divided by the mean level: −0.05 = falling 5% of its level per step. */
export function relativeSlope(values: readonly number[]): number {
  const level = Math.abs(mean(values));
  if (!Number.isFinite(level) || level === 0) return 0;
  return slope(values) / level;
}

/** Trend of a short series: down, up or flat, by relative slope per step. */
export function direction(values: readonly number[], flatBand: number): 'down' | 'up' | 'flat' {
  const relative = relativeSlope(values);
  if (relative < -flatBand) return 'down';
  if (relative > flatBand) return 'up';
  return 'flat';
}

/** A number written short for evidence lines: 3 significant digits, exponent when tiny/huge. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.1 ? 1 : 0)}%`;
}

/** The last `count` items. */
export function tail<T>(values: readonly T[], count: number): T[] {
  return values.slice(Math.max(0, values.length - count));
}

export function isClassificationLoss(loss: string): boolean {
  return /crossentropy|softmaxcrossentropy|sigmoidcrossentropy|hinge|kullback|kld|logloss/i.test(loss);
}

/** Number of classes implied by the model's output (1 sigmoid unit = 2 classes). */
export function outputClasses(units: number | undefined, activation: string | undefined): number | undefined {
  if (units === undefined) return undefined;
  if (units === 1) return activation === 'sigmoid' ? 2 : undefined;
  return units;
}
