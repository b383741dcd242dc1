import { afterEach, describe, expect, it, vi } from 'vitest';
import { Budget } from './probes';

describe('Budget (when the monitor takes a sampled measurement)', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Drives `steps` training steps of `stepMs` each, measuring (cost `costMs`) whenever due; returns the steps measured. */
  function simulate(budget: Budget, steps: number, stepMs: number, costMs: number): number[] {
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const measured: number[] = [];
    for (let step = 0; step < steps; step++) {
      clock += stepMs;
      if (budget.due(step)) {
        clock += costMs;
        budget.record(step, costMs, stepMs);
        measured.push(step);
      }
    }
    return measured;
  }

  it('keeps a long run’s measurement time within allowance + fraction × training time', () => {
    // MNIST-like: 5 ms steps, a 0.16 ms measurement, 0.15% of the time, 4 ms allowance, 6 warm-up steps.
    const measured = simulate(new Budget(0.0015, 10_000, 6, 60, 4), 20_000, 5, 0.16);
    const spent = measured.length * 0.16;
    const trainingMs = 20_000 * 5 + spent;
    expect(spent).toBeLessThanOrEqual(4 + 0.0015 * trainingMs + 0.16 * 7);
    expect(spent).toBeGreaterThan(0.0015 * trainingMs * 0.8);
    expect(measured.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('measures every step of a short toy run (the allowance covers it)', () => {
    const measured = simulate(new Budget(0.0015, 10_000, 6, 2, 4), 30, 0.3, 0.05);
    expect(measured).toHaveLength(30);
  });

  it('does not let slow first measurements (op compilation) starve a toy run: warm-up is not charged', () => {
    const budget = new Budget(0.0015, 10_000, 6, 2, 2);
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const measured: number[] = [];
    for (let step = 0; step < 30; step++) {
      clock += 0.3;
      if (!budget.due(step)) continue;
      const cost = step === 0 ? 8 : 0.05; // the first one compiles the ops
      clock += cost;
      budget.record(step, cost, 0.3);
      measured.push(step);
    }
    expect(measured).toHaveLength(30);
  });

  it('still measures at least every few seconds when each measurement is expensive', () => {
    // A 50 ms probe on 200 ms steps at 0.1%: the fraction alone would allow one every 250 steps (50 s).
    const measured = simulate(new Budget(0.001, 10_000, 0, 2, 0), 200, 200, 50);
    const gaps = measured.slice(1).map((step, i) => step - measured[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(11);
  });

  it('does not hoard: after a long pause it does not measure a burst of consecutive steps', () => {
    const budget = new Budget(0.01, 10_000, 0, 1_000, 0);
    let clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    budget.due(0);
    budget.record(0, 1, 1);
    clock += 3_600_000; // an hour between two fits of one run
    let burst = 0;
    for (let step = 1; step < 2_000; step++) {
      clock += 1;
      if (!budget.due(step)) continue;
      clock += 1;
      budget.record(step, 1, 1);
      burst++;
    }
    // At most ten seconds' worth of fraction (100 ms → 100 measurements) plus the steps' own earnings.
    expect(burst).toBeLessThan(130);
  });
});
