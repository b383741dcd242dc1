import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimateMinMax, MinMaxBlockIndex } from './decimate';

function range(length: number): number[] {
  return Array.from({ length }, (_, index) => index);
}

describe('decimateMinMax', () => {
  it('returns short series unchanged', () => {
    const out = decimateMinMax([0, 1, 2], [5, 6, 7], { buckets: 10 });
    expect(out).toEqual({ x: [0, 1, 2], y: [5, 6, 7] });
  });

  it('draws a million points as at most 4 per bucket and keeps a single spike', () => {
    const length = 1_000_000;
    const xs = range(length);
    const ys = xs.map((x) => Math.sin(x / 1000));
    ys[654_321] = 87.3365; // one spike (seed 001: −ln FLT_MIN) must survive decimation
    const out = decimateMinMax(xs, ys, { buckets: 1000 });
    expect(out.x.length).toBeLessThanOrEqual(1000 * 4);
    expect(out.x.length).toBeGreaterThan(1000);
    expect(Math.max(...(out.y as number[]))).toBe(87.3365);
    expect(out.x).toContain(654_321);
    expect(out.x[0]).toBe(0);
    expect(out.x[out.x.length - 1]).toBe(length - 1);
  });

  it('turns non-finite values into gaps (null) that survive decimation', () => {
    const xs = range(100_000);
    const ys: Array<number | null> = xs.map(() => 1);
    ys[50_000] = Number.NaN;
    const out = decimateMinMax(xs, ys, { buckets: 100 });
    expect(out.y).toContain(null);
    expect(out.x[out.y.indexOf(null)]).toBe(50_000);
  });

  it('restricts to the visible x range, keeping one point either side', () => {
    const xs = range(100);
    const out = decimateMinMax(xs, xs, { buckets: 1000, xMin: 10, xMax: 20 });
    expect(out.x[0]).toBe(9);
    expect(out.x[out.x.length - 1]).toBe(21);
  });

  it('keeps x ascending and every point drawn is a real point of the series (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 200 }), (values, buckets) => {
        const xs = range(values.length);
        const out = decimateMinMax(xs, values, { buckets });
        for (let index = 1; index < out.x.length; index++) expect(out.x[index]!).toBeGreaterThan(out.x[index - 1]!);
        out.x.forEach((x, index) => expect(out.y[index]).toBe(values[x]));
        // The global extremes are always drawn.
        expect(Math.max(...(out.y as number[]))).toBe(Math.max(...values));
        expect(Math.min(...(out.y as number[]))).toBe(Math.min(...values));
      }),
      { numRuns: 60 },
    );
  });
});

describe('MinMaxBlockIndex', () => {
  it('keeps spikes, gaps, the ends and ascending real points on a growing million-point series', () => {
    const index = new MinMaxBlockIndex(64);
    const xs: number[] = [];
    const ys: Array<number | null> = [];
    const grow = (count: number) => {
      for (let i = 0; i < count; i++) {
        xs.push(xs.length);
        ys.push(Math.cos(xs.length / 5000));
      }
    };
    grow(600_000);
    ys[123_457] = 87.3365;
    let out = index.decimate(xs, ys, { buckets: 900 });
    expect(Math.max(...(out.y.filter((y) => y !== null) as number[]))).toBe(87.3365);
    grow(400_000);
    ys[999_000] = Number.NaN;
    ys[777_777] = -50;
    out = index.decimate(xs, ys, { buckets: 900 });
    expect(out.x.length).toBeLessThanOrEqual(900 * 5 + 10);
    expect(out.x[0]).toBe(0);
    expect(out.x[out.x.length - 1]).toBe(999_999);
    expect(out.x).toContain(123_457);
    expect(out.x).toContain(777_777);
    expect(out.y[out.x.indexOf(999_000)]).toBeNull();
    for (let i = 1; i < out.x.length; i++) expect(out.x[i]!).toBeGreaterThan(out.x[i - 1]!);
    out.x.forEach((x, i) => {
      const value = ys[x];
      expect(out.y[i]).toBe(value === null || value === undefined || !Number.isFinite(value) ? null : value);
    });
  });

  it('matches the exact scan when the range is small', () => {
    const xs = range(5000);
    const ys = xs.map((x) => Math.sin(x));
    expect(new MinMaxBlockIndex(64).decimate(xs, ys, { buckets: 100 })).toEqual(decimateMinMax(xs, ys, { buckets: 100 }));
  });

  it('keeps global extremes of random series (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2000, maxLength: 6000 }), fc.integer({ min: 1, max: 8 }), (values, buckets) => {
        const xs = range(values.length);
        const out = new MinMaxBlockIndex(16).decimate(xs, values, { buckets });
        expect(Math.max(...(out.y as number[]))).toBe(Math.max(...values));
        expect(Math.min(...(out.y as number[]))).toBe(Math.min(...values));
        for (let i = 1; i < out.x.length; i++) expect(out.x[i]!).toBeGreaterThan(out.x[i - 1]!);
      }),
      { numRuns: 40 },
    );
  });
});
