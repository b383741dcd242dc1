import { describe, expect, it } from 'vitest';
import { emaDebiased, IncrementalEma } from './ema';

describe('emaDebiased', () => {
  it('returns the values unchanged at smoothing 0', () => {
    expect(emaDebiased([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('is debiased: the first point equals the first value and a constant series stays constant', () => {
    const smoothed = emaDebiased([2, 2, 2, 2], 0.9);
    for (const value of smoothed) expect(value).toBeCloseTo(2, 12);
  });

  it('matches the TensorBoard recurrence', () => {
    const weight = 0.6;
    const values = [1, 5, 2, 8];
    let last = 0;
    const expected = values.map((value, index) => {
      last = last * weight + (1 - weight) * value;
      return last / (1 - weight ** (index + 1));
    });
    const smoothed = emaDebiased(values, weight);
    smoothed.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 12));
    // Smoothed lies strictly between the raw extremes after the first point.
    expect(smoothed[1]!).toBeGreaterThan(1);
    expect(smoothed[1]!).toBeLessThan(5);
  });

  it('passes NaN and null through without poisoning later points', () => {
    const smoothed = emaDebiased([1, Number.NaN, null, 1], 0.5);
    expect(smoothed[0]).toBe(1);
    expect(Number.isNaN(smoothed[1])).toBe(true);
    expect(smoothed[2]).toBeNull();
    expect(smoothed[3]).toBeCloseTo(1, 12);
  });
});

describe('IncrementalEma', () => {
  it('extends a growing series exactly as smoothing it whole would', () => {
    const values: number[] = [];
    const incremental = new IncrementalEma();
    for (let batch = 0; batch < 5; batch++) {
      for (let index = 0; index < 7; index++) values.push(Math.sin(values.length) * 3 + values.length * 0.01);
      const smoothed = incremental.compute(values, 0.8);
      expect(smoothed).toEqual(emaDebiased(values, 0.8));
    }
  });

  it('starts over when the smoothing weight changes', () => {
    const values = [1, 2, 3, 4];
    const incremental = new IncrementalEma();
    incremental.compute(values, 0.5);
    expect(incremental.compute(values, 0.9)).toEqual(emaDebiased(values, 0.9));
  });
});
