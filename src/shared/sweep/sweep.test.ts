import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SweepScheduler, SweepSettingsError, normalizeSettings } from './scheduler';
import { choice, createRandom, gridParams, logUniform, refineSpace, sampleParams, SweepSpaceError, uniform } from './space';
import { summarizeSweep } from './summary';

describe('search spaces', () => {
  it('samples logUniform on a log scale, inside its range', () => {
    const random = createRandom(7);
    const samples = Array.from({ length: 2000 }, () => sampleParams({ lr: logUniform(1e-5, 1e-1) }, random).lr as number);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about a quarter of draws in each decade of four.
    const belowMilli = samples.filter((s) => s < 1e-3).length / samples.length;
    expect(belowMilli).toBeGreaterThan(0.4);
    expect(belowMilli).toBeLessThan(0.6);
  });

  it('builds a log-spaced grid and a cartesian product', () => {
    const grid = gridParams({ lr: logUniform(1e-4, 1e-2), batch: choice([32, 64]) }, 3);
    expect(grid).toHaveLength(6);
    expect(grid.map((p) => p.lr as number).slice(0, 3).map((v) => Number(v.toPrecision(3)))).toEqual([1e-4, 1e-4, 1e-3]);
  });

  it('refuses bad spaces with a readable reason', () => {
    expect(() => logUniform(0, 1)).toThrow(SweepSpaceError);
    expect(() => uniform(2, 1)).toThrow(/low \(2\) must not exceed high/);
    expect(() => normalizeSettings({ space: {} })).toThrow(/empty/);
    expect(() => normalizeSettings({ space: { lr: logUniform(1e-3, 1) }, strategy: 'bayes' as never })).toThrow(SweepSettingsError);
  });

  it('refines around the best trials (coarse → fine, seed 001)', () => {
    const space = { lr: logUniform(1e-6, 1), batch: choice([16, 32, 64, 128]) };
    const refined = refineSpace(space, [{ lr: 1e-3, batch: 32 }, { lr: 4e-3, batch: 64 }], 2);
    expect(refined.lr).toEqual({ kind: 'logUniform', low: 5e-4, high: 8e-3 });
    expect(refined.batch).toEqual({ kind: 'choice', values: [32, 64] });
  });

  it('refined ranges always stay inside the original (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), fc.double({ min: 1, max: 10, noNaN: true }), (lrs, margin) => {
        const space = { lr: logUniform(1e-6, 1) };
        const refined = refineSpace(space, lrs.map((lr) => ({ lr })), margin).lr!;
        if (refined.kind !== 'logUniform') return false;
        return refined.low >= 1e-6 && refined.high <= 1 && refined.low <= Math.min(...lrs) && refined.high >= Math.max(...lrs);
      }),
    );
  });
});

/** Drive a scheduler with a synthetic objective: loss(epoch) = base(lr) + 1/(epoch+1). */
function drive(scheduler: SweepScheduler, base: (lr: number) => number, epochs: number): void {
  for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
    let status: 'completed' | 'pruned' = 'completed';
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const decision = scheduler.report(trial.id, epoch, { val_loss: base(trial.params.lr as number) + 1 / (epoch + 1) });
      if (decision.prune) {
        status = 'pruned';
        break;
      }
    }
    scheduler.complete(trial.id, { status });
  }
}

const objective = (lr: number) => Math.abs(Math.log10(lr) + 3); // best at lr = 1e-3

describe('sweep scheduler', () => {
  it('random search with median stopping prunes bad trials and ranks the best first', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-6, 1) }, trials: 20, seed: 3 }));
    drive(scheduler, objective, 6);
    const ranked = scheduler.ranked();
    expect(ranked).toHaveLength(20);
    expect(ranked.filter((t) => t.status === 'pruned').length).toBeGreaterThan(3);
    const best = ranked[0]!.params.lr as number;
    expect(Math.abs(Math.log10(best) + 3)).toBeLessThan(0.7);
    // A pruned trial says why, in words.
    expect(ranked.find((t) => t.status === 'pruned')!.reason).toMatch(/median/);
  });

  it('successive halving stops trials outside the top 1/eta at each rung', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-6, 1) }, trials: 18, strategy: 'halving', eta: 3, minEpochs: 1, seed: 5 }));
    drive(scheduler, objective, 9);
    const trials = scheduler.ranked();
    const fullLength = trials.filter((t) => t.history.length === 9).length;
    expect(fullLength).toBeGreaterThan(0);
    expect(fullLength).toBeLessThan(9);
    expect(trials.filter((t) => t.prunedAt === 1).length).toBeGreaterThan(5);
    expect(trials.find((t) => t.status === 'pruned')!.reason).toMatch(/top 1\/3/);
  });

  it('prunes a diverged trial at once', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-3, 1) }, trials: 1 }));
    const trial = scheduler.nextTrial()!;
    expect(scheduler.report(trial.id, 1, { val_loss: Number.NaN })).toMatchObject({ prune: true, reason: expect.stringMatching(/diverged/) });
  });

  it('resumes from saved state with the same trials as an uninterrupted sweep', () => {
    const settings = normalizeSettings({ space: { lr: logUniform(1e-6, 1) }, trials: 10, seed: 11, prune: false });
    const whole = new SweepScheduler(settings);
    drive(whole, objective, 2);

    const first = new SweepScheduler(settings);
    for (let i = 0; i < 4; i++) {
      const trial = first.nextTrial()!;
      first.report(trial.id, 1, { val_loss: objective(trial.params.lr as number) + 0.5 });
      first.report(trial.id, 2, { val_loss: objective(trial.params.lr as number) + 1 / 3 });
      first.complete(trial.id, { status: 'completed' });
    }
    first.nextTrial(); // interrupted while running: it will be run again
    const saved = JSON.parse(JSON.stringify(first.state));
    const resumed = new SweepScheduler(settings, saved);
    drive(resumed, objective, 2);
    expect(resumed.state.trials.map((t) => t.params)).toEqual(whole.state.trials.map((t) => t.params));
  });

  it('grid strategy runs each grid point once', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-4, 1e-2), batch: choice([32, 64]) }, trials: 100, strategy: 'grid', prune: false }));
    drive(scheduler, objective, 1);
    expect(scheduler.state.trials).toHaveLength(6);
  });
});

describe('sweep summary', () => {
  it('names common findings and the parameter range they go with', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-5, 1) }, trials: 12, seed: 2, prune: false }));
    for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
      const lr = trial.params.lr as number;
      const diverged = lr > 0.05;
      scheduler.report(trial.id, 1, { val_loss: diverged ? Number.NaN : objective(lr) });
      scheduler.complete(trial.id, { status: diverged ? 'pruned' : 'completed', findings: diverged ? [{ id: 'loss.nan', severity: 'error' }] : [] });
    }
    const summary = summarizeSweep(scheduler.state, scheduler.ranked());
    const nan = summary.commonFindings.find((f) => f.id === 'loss.nan');
    expect(nan).toBeDefined();
    expect(nan!.association).toMatchObject({ param: 'lr', direction: 'high' });
    expect(nan!.association!.threshold).toBeGreaterThan(0.05);
    expect(summary.best!.params.lr as number).toBeLessThan(0.05);
  });
});
