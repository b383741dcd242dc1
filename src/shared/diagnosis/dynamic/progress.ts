// Dynamic checks on how the loss moves over epochs (catalog §3): plateau, oscillation, slow descent.
import { LR_CHECK } from '../causality';
import { defineRule, type Rule } from '../types';
import { formatNumber, median, percent, tail } from '../stats';
import { learningRateFix, retrainCode } from '../fix-binding';
import { epochLosses } from './signals';

const lossPlateau = defineRule({
  id: 'loss.plateau',
  family: 'dynamic',
  severity: 'warning',
  title: 'Loss has plateaued',
  thresholds: { epochs: 5, minImprovement: 0.01, nearZeroFraction: 0.05, nearZeroAbsolute: 1e-3, maxSpread: 1.5, stillHighFraction: 0.7 },
  explanation: 'The loss has not improved by more than 1% over the last epochs while it is still far from zero: the optimizer is stuck (learning rate too low or too high, a saturated or dead network, or too little capacity).',
  fix: { text: 'Try a learning-rate schedule or an LR range test, Adam instead of SGD, or more capacity.' },
  source: 'seed 001 ("train loss stops changing"); DeepDiagnosis',
  explains: ['trend.stuck', 'loss.slow'],
  nextCheck: LR_CHECK,
  check(context) {
    const t = this.thresholds;
    const losses = epochLosses(context);
    if (losses.length < t.epochs + 1) return [];
    const start = losses[losses.length - t.epochs - 1]!;
    const best = Math.min(...tail(losses, t.epochs));
    const first = losses[0]!;
    const last = losses[losses.length - 1]!;
    if (last < t.nearZeroAbsolute || last < t.nearZeroFraction * first) return [];
    // A loss that fell well below where it started and then flattened has converged (to the noise
    // in the labels or the model's capacity); a plateau is a loss that never really fell.
    if (last < t.stillHighFraction * first) return [];
    const improvement = (start - best) / Math.abs(start);
    const window = tail(losses, t.epochs);
    // A rising loss is not a plateau (loss.exploding / trend.diverging say it better).
    const flat = Math.max(...window) <= t.maxSpread * Math.max(best, 1e-12);
    if (improvement < t.minImprovement && flat)
      return [
        {
          summary: `loss ${formatNumber(start)} → best ${formatNumber(best)} over the last ${t.epochs} epochs (${percent(Math.max(0, improvement))} better)`,
          values: { windowStart: start, best, improvement, epochs: t.epochs },
          epoch: context.epochs[context.epochs.length - 1]!.epoch,
        },
      ];
    return [];
  },
});

const lossOscillating = defineRule({
  id: 'loss.oscillating',
  transient: true,
  family: 'dynamic',
  severity: 'warning',
  title: 'Loss oscillates',
  // Tuned on the gallery: the catalog's 50% amplitude misses period-2 orbits of fixed-step descent
  // (e.g. MAE + SGD bouncing across the optimum forever); requiring near-perfect alternation instead
  // keeps healthy curves (monotone, or noisy with ~2/3 sign changes) out.
  thresholds: { window: 8, minAlternation: 0.85, minAmplitude: 0.02 },
  explanation: 'The loss goes up and down by a large part of its own level from one epoch (or full-batch step) to the next: the updates overshoot the minimum back and forth. The learning rate is too high for this curvature, or the batch too small.',
  fix: { text: 'Lower the learning rate (÷3 to ÷10) or use a larger batch.' },
  source: 'AUTOTRAINER',
  explains: ['update.ratio', 'loss.plateau', 'trend.stuck'],
  nextCheck: LR_CHECK,
  check(context) {
    const t = this.thresholds;
    const fullBatch = context.fit?.kind === 'custom' || (context.fit?.batchSize !== undefined && context.fit.samples !== undefined && context.fit.batchSize >= context.fit.samples);
    const series = fullBatch ? context.loss.values.filter(Number.isFinite) : epochLosses(context);
    const values = tail(series, t.window + 1);
    if (values.length < t.window + 1) return [];
    const deltas = values.slice(1).map((v, i) => v - values[i]!);
    let flips = 0;
    for (let i = 1; i < deltas.length; i++) if (Math.sign(deltas[i]!) !== Math.sign(deltas[i - 1]!) && deltas[i] !== 0) flips++;
    const alternation = flips / (deltas.length - 1);
    const level = median(values);
    const amplitude = median(deltas.map(Math.abs)) / Math.abs(level);
    // Epoch means over few rows wobble by ≈ level/√rows from the batches' order alone.
    const rows = context.fit?.samples;
    const noise = !fullBatch && rows ? 2 / Math.sqrt(rows) : 0;
    // Wobbling at 1% of where the loss started is convergence, not overshooting.
    const start = series[0];
    if (start !== undefined && Math.abs(median(values)) < 0.01 * Math.abs(start)) return [];
    if (alternation >= t.minAlternation && amplitude > Math.max(t.minAmplitude, noise))
      return [
        {
          summary: `Δloss changed sign ${flips} of ${deltas.length - 1} times with amplitude ${percent(amplitude)} of the loss level ${formatNumber(level)} (${fullBatch ? 'steps' : 'epochs'})`,
          values: { flips, alternation, amplitude, level, unit: fullBatch ? 'step' : 'epoch' },
          step: context.step,
          fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights'),
        },
      ];
    return [];
  },
});

const lossSlow = defineRule({
  id: 'loss.slow',
  family: 'dynamic',
  severity: 'warning',
  title: 'Loss decreases very slowly',
  thresholds: { skipEpochs: 2, window: 4, maxPerEpoch: 0.01, minTotal: 0.01, stillHighFraction: 0.5 },
  explanation: 'The loss goes down, but by less than 1% per epoch while still far from where it started: at this rate convergence takes hundreds of epochs. The learning rate is likely too low, or plain SGD is crawling along a valley.',
  fix: { text: 'Raise the learning rate (×3 to ×10) or switch to Adam; check the initialization.' },
  source: 'seed 001 ("train loss converges slowly: raise the learning rate"); AUTOTRAINER',
  explains: ['loss.plateau', 'trend.stuck', 'output.saturated', 'loss.at-chance'],
  nextCheck: LR_CHECK,
  check(context) {
    const t = this.thresholds;
    const losses = epochLosses(context);
    if (losses.length < t.skipEpochs + t.window + 1) return [];
    const window = tail(losses, t.window + 1);
    const start = window[0]!;
    const end = window[window.length - 1]!;
    const total = (start - end) / Math.abs(start);
    const perEpoch = total / t.window;
    if (total >= t.minTotal && perEpoch < t.maxPerEpoch && end > t.stillHighFraction * losses[0]!)
      return [
        {
          summary: `loss ${formatNumber(start)} → ${formatNumber(end)} over ${t.window} epochs: ${percent(perEpoch)} per epoch, still ${percent(end / losses[0]!)} of the first epoch's`,
          values: { start, end, perEpoch, firstEpochLoss: losses[0]! },
          fixCode: retrainCode({ optimizer: 'tf.train.adam(1e-2)', why: 'Adam at 1e-2: a larger, per-weight adaptive step' }),
          epoch: context.epochs[context.epochs.length - 1]!.epoch,
        },
      ];
    return [];
  },
});

/** Adding a rule to this family: define it above and list it here (the engine picks it up from dynamic/index.ts). */
export const progressRules: Rule[] = [lossPlateau, lossOscillating, lossSlow];
