// Train/validation trend (catalog §4, the table of seed 001): read the per-epoch train and
// validation curves over a recent window and name the pattern.
import { LR_CHECK, PREDICTIONS_CHECK } from './causality';
import { learningRateFix, optimizerCall, retrainCode } from './fix-binding';
import { defineRule, type DiagnosisContext, type EpochRecord, type Rule } from './types';
import { isDropout } from './model-shape';
import { direction, formatNumber, percent, slope, tail } from './stats';
import { accuracyName, VALIDATION_PREFIX } from '../series';

const WINDOW = { epochs: 4, flatBand: 0.01 };

interface Curves {
  window: EpochRecord[];
  train: number[];
  val: number[];
  trainDirection: 'down' | 'up' | 'flat';
  valDirection: 'down' | 'up' | 'flat';
}

/**
 * Relative standard error of a mean loss over `rows` validation rows: per-sample losses spread
 * about as much as their mean (coefficient of variation ≈ 1 for cross-entropy, √2 for squared
 * errors; 1 is used), so the mean is uncertain by ≈ level/√rows — 18% on 30 rows, 3% on 1000.
 */
export function validationNoise(context: DiagnosisContext): number {
  const rows = context.fit?.validationSamples;
  return rows && rows > 0 ? 1 / Math.sqrt(rows) : 0;
}

/** A validation change counts only beyond two standard errors of the mean loss (issue 22). */
function beyondNoise(values: readonly number[], noise: number): boolean {
  if (noise === 0 || values.length < 2) return true;
  const level = Math.abs(values.reduce((a, b) => a + b, 0) / values.length);
  return Math.abs(slope(values) * (values.length - 1)) > 2 * noise * level;
}

function curves(context: DiagnosisContext, epochs = WINDOW.epochs, flatBand = WINDOW.flatBand): Curves | undefined {
  const withVal = context.epochs.filter((e) => Number.isFinite(e.logs.loss) && Number.isFinite(e.logs.val_loss));
  if (withVal.length < epochs) return undefined;
  const window = tail(withVal, epochs);
  const train = window.map((e) => e.logs.loss!);
  const val = window.map((e) => e.logs.val_loss!);
  const valDirection = beyondNoise(val, validationNoise(context)) ? direction(val, flatBand) : 'flat';
  return { window, train, val, trainDirection: direction(train, flatBand), valDirection };
}

function describe(c: Curves): string {
  const first = c.window[0]!;
  const last = c.window[c.window.length - 1]!;
  return `epochs ${first.epoch}–${last.epoch}: train loss ${formatNumber(c.train[0]!)} → ${formatNumber(c.train[c.train.length - 1]!)} (${c.trainDirection}), val loss ${formatNumber(c.val[0]!)} → ${formatNumber(c.val[c.val.length - 1]!)} (${c.valDirection})`;
}

function values(c: Curves) {
  return { train: c.train, val: c.val, trainDirection: c.trainDirection, valDirection: c.valDirection };
}

const trendHealthy = defineRule({
  id: 'trend.healthy',
  family: 'trend',
  severity: 'info',
  title: 'Train and validation loss both decrease',
  thresholds: { epochs: WINDOW.epochs, flatBand: WINDOW.flatBand },
  explanation: 'Both curves go down: the network is still learning and generalizing.',
  fix: { text: 'Keep training; watch for the validation loss turning up (early stopping).' },
  source: 'seed 001 ("train loss falling, test loss falling")',
  check(context) {
    const c = curves(context, this.thresholds.epochs, this.thresholds.flatBand);
    if (c && c.trainDirection === 'down' && c.valDirection === 'down') return [{ summary: describe(c), values: values(c), epoch: c.window.at(-1)!.epoch }];
    return [];
  },
});

const trendOverfitting = defineRule({
  id: 'trend.overfitting',
  transient: true,
  family: 'trend',
  severity: 'warning',
  title: 'Overfitting: validation loss rises while training loss falls',
  thresholds: { epochs: WINDOW.epochs, minRiseFromBest: 0.15, minEpochsSinceBest: 3, flatEpochs: 6, flatGap: 1.5 },
  explanation: 'The model keeps fitting the training set better while getting worse (or no better) on validation data: it memorizes instead of generalizing.',
  fix: { text: 'Regularize (dropout, L2 on kernels), augment the data, get more data, or stop early at the best validation loss.' },
  source: 'seed 001 ("test loss stops changing → overfitting"); seed 003 (regularization)',
  explains: ['trend.val-overconfident', 'trend.val-gap'],
  check(context) {
    const t = this.thresholds;
    const c = curves(context, t.epochs);
    if (!c) return [];
    const allVal = context.epochs.map((e) => e.logs.val_loss).filter((v): v is number => Number.isFinite(v));
    // Validation loss is noisy on small sets: compare 3-epoch means, not single epochs.
    const means = allVal.map((_, i) => (i >= 2 ? (allVal[i]! + allVal[i - 1]! + allVal[i - 2]!) / 3 : Number.NaN)).filter(Number.isFinite);
    const best = Math.min(...allVal);
    const bestMean = Math.min(...means);
    const lastMean = means[means.length - 1] ?? Number.NaN;
    const lastVal = c.val[c.val.length - 1]!;
    // Train again from fresh weights and stop at the best validation loss.
    const fit = context.fit;
    const fixCode =
      fit?.kind === 'fit' && fit.hasValidation
        ? retrainCode({
            optimizer: optimizerCall(context.model, context.model?.optimizer?.learningRate ?? 1e-3),
            fit: `await $model.fit($x, $y, { epochs: ${fit.epochs ?? 10}${fit.batchSize ? `, batchSize: ${fit.batchSize}` : ''}${fit.validationSplit ? `, validationSplit: ${fit.validationSplit}` : ''}, callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 }) })`,
            why: 'Fix: stop at the best validation loss (earlyStopping), from fresh weights.',
          })
        : undefined;
    // On a small validation set the rise must also exceed two standard errors of its mean.
    const minRise = Math.max(t.minRiseFromBest, 2 * validationNoise(context));
    if (c.trainDirection === 'down' && c.valDirection === 'up' && lastMean > bestMean * (1 + minRise) && means.indexOf(bestMean) <= means.length - t.minEpochsSinceBest)
      return [{ summary: `${describe(c)}; val loss is ${percent(lastVal / best - 1)} above its best ${formatNumber(best)}`, values: { ...values(c), bestVal: best }, epoch: c.window.at(-1)!.epoch, ...(fixCode ? { fixCode } : {}) }];
    const long = curves(context, t.flatEpochs);
    const lastTrain = c.train[c.train.length - 1]!;
    // Memorized: the training loss fell far (still falling or converged) while the validation loss
    // did not improve — judged on its raw direction, so a decrease hidden in small-set noise is not
    // taken for a plateau — and sits well above it.
    const firstTrain = context.epochs.find((e) => Number.isFinite(e.logs.loss))?.logs.loss;
    const trained = long !== undefined && long.trainDirection !== 'up' && firstTrain !== undefined && long.train.at(-1)! < 0.5 * firstTrain;
    // …and its best is old: a validation loss that reached a new best within the window is still
    // generalizing (one bad last epoch is a wobble).
    const bestIndex = allVal.lastIndexOf(best);
    const stale = bestIndex <= allVal.length - t.flatEpochs;
    if (long && trained && stale && long.valDirection === 'flat' && direction(long.val, WINDOW.flatBand) !== 'down' && lastVal > t.flatGap * lastTrain)
      return [{ summary: `${describe(long)}; val loss ${formatNumber(lastVal)} is ${formatNumber(lastVal / lastTrain)}× the train loss`, values: values(long), epoch: long.window.at(-1)!.epoch, ...(fixCode ? { fixCode } : {}) }];
    return [];
  },
});

const trendDataProblem = defineRule({
  id: 'trend.data-problem',
  transient: true,
  family: 'trend',
  severity: 'warning',
  title: 'Training loss flat while validation loss falls',
  thresholds: { epochs: WINDOW.epochs, stillHighFraction: 0.7, minValDrop: 0.05 },
  explanation: 'Validation improves while the training loss does not move: something is wrong with the training data itself — noisy or shuffled labels, a broken pipeline, or a split where train and validation differ.',
  fix: { text: 'Inspect training samples and labels (lossbook.checks.predictionsVsLabels), the shuffling and the split.' },
  source: 'seed 001 ("train loss flat, test loss falling → the dataset has a problem")',
  explains: ['trend.stuck', 'loss.plateau', 'trend.val-gap', 'loss.at-chance', 'loss.slow'],
  nextCheck: PREDICTIONS_CHECK,
  check(context) {
    const c = curves(context, this.thresholds.epochs);
    if (!c || c.trainDirection !== 'flat' || c.valDirection !== 'down') return [];
    // "Flat" in seed 001's table means the training loss never really fell — not a converged curve.
    const first = context.epochs[0]?.logs.loss;
    if (first === undefined || c.train.at(-1)! < this.thresholds.stillHighFraction * first) return [];
    if ((c.val[0]! - c.val.at(-1)!) / c.val[0]! < this.thresholds.minValDrop) return [];
    return [{ summary: describe(c), values: values(c), epoch: c.window.at(-1)!.epoch }];
  },
});

const trendStuck = defineRule({
  id: 'trend.stuck',
  family: 'trend',
  severity: 'warning',
  title: 'Training and validation loss both flat',
  thresholds: { epochs: 5, stillHighFraction: 0.7 },
  explanation: 'Neither curve moves: learning has hit a bottleneck — learning rate too low or too high, too little capacity, or a data/label problem.',
  fix: { text: 'Run an LR range test, then try a lower/higher learning rate or batch size, more capacity.' },
  source: 'seed 001 ("train and test loss both flat → learning hit a bottleneck")',
  explains: ['loss.plateau', 'loss.slow', 'loss.at-chance'],
  nextCheck: LR_CHECK,
  check(context) {
    const c = curves(context, this.thresholds.epochs);
    if (!c || c.trainDirection !== 'flat' || c.valDirection !== 'flat') return [];
    const first = context.epochs[0]?.logs.loss;
    if (first !== undefined && c.train[c.train.length - 1]! < this.thresholds.stillHighFraction * first) return [];
    return [{ summary: describe(c), values: values(c), epoch: c.window.at(-1)!.epoch }];
  },
});

const trendDiverging = defineRule({
  id: 'trend.diverging',
  family: 'trend',
  severity: 'error',
  title: 'Training and validation loss both rise',
  thresholds: { epochs: 4, minGrowth: 1.5 },
  explanation: 'Both losses increase: optimization is diverging — hyperparameters (learning rate), architecture or data are wrong.',
  fix: { text: 'Lower the learning rate, check the data pipeline and the architecture.' },
  source: 'seed 001 ("train loss rising, test loss rising")',
  explains: ['grad.exploding', 'update.ratio', 'loss.oscillating', 'loss.exploding'],
  nextCheck: LR_CHECK,
  check(context) {
    const c = curves(context, this.thresholds.epochs);
    if (!c || c.trainDirection !== 'up' || c.valDirection !== 'up') return [];
    // Noise near convergence also goes "up" for a few epochs; divergence rises well above the best.
    const minimum = (key: 'loss' | 'val_loss') => Math.min(...context.epochs.map((e) => e.logs[key]).filter((v): v is number => Number.isFinite(v)));
    if (c.train.at(-1)! < this.thresholds.minGrowth * minimum('loss') || c.val.at(-1)! < this.thresholds.minGrowth * minimum('val_loss')) return [];
    return [{ summary: describe(c), values: values(c), epoch: c.window.at(-1)!.epoch, fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights') }];
  },
});

const valOverconfident = defineRule({
  id: 'trend.val-overconfident',
  transient: true,
  family: 'trend',
  severity: 'warning',
  title: 'Validation loss rises while validation accuracy rises',
  thresholds: { epochs: WINDOW.epochs },
  explanation: 'The model still gets more validation samples right, but is increasingly confident on the ones it gets wrong, so the cross-entropy grows: an early sign of overfitting through overconfidence.',
  fix: { text: 'Regularize, use label smoothing, stop early on val_loss, or calibrate the probabilities.' },
  source: 'seed 002 #11',
  explains: ['trend.overfitting'],
  check(context) {
    const c = curves(context, this.thresholds.epochs);
    if (!c) return [];
    const key = accuracyName(c.window[0]!.logs, VALIDATION_PREFIX);
    if (!key) return [];
    const valAcc = c.window.map((e) => e.logs[key]!);
    if (c.valDirection === 'up' && direction(valAcc, WINDOW.flatBand / 2) === 'up')
      return [{ summary: `${describe(c)}; ${key} ${formatNumber(valAcc[0]!)} → ${formatNumber(valAcc.at(-1)!)}`, values: { ...values(c), valAccuracy: valAcc }, epoch: c.window.at(-1)!.epoch }];
    return [];
  },
});

const metricTooGood = defineRule({
  id: 'metric.too-good',
  family: 'trend',
  severity: 'warning',
  title: 'Validation metric is suspiciously perfect',
  thresholds: { accuracy: 0.999, withinEpochs: 2 },
  explanation: 'Near-perfect validation accuracy (or AUC = 1) in the first epochs almost always means a label leak, validation rows that are also in training, or a metric bug.',
  fix: { text: 'Check the split for duplicates, that no input column encodes the label, and how the metric is computed.' },
  source: 'seed 001 ("train AUC is 100% from the first epoch")',
  explains: ['trend.val-gap'],
  nextCheck: PREDICTIONS_CHECK,
  check(context) {
    const early = context.epochs.slice(0, this.thresholds.withinEpochs);
    for (const e of early) {
      const key = accuracyName(e.logs, VALIDATION_PREFIX);
      const auc = e.logs.val_auc;
      if ((key && e.logs[key]! >= this.thresholds.accuracy) || auc === 1)
        return [{ summary: `${key ?? 'val_auc'} ${formatNumber(key ? e.logs[key]! : auc!)} at epoch ${e.epoch}`, values: { value: key ? e.logs[key]! : auc!, epoch: e.epoch }, epoch: e.epoch }];
    }
    return [];
  },
});

const valGap = defineRule({
  id: 'trend.val-gap',
  transient: true,
  family: 'trend',
  severity: 'warning',
  title: 'Validation accuracy well above training accuracy',
  thresholds: { gap: 0.05, epochs: 3, standardErrors: 2 },
  explanation: 'Validation should not beat training by a wide margin. With dropout the training accuracy is measured with units dropped, which explains a small gap (info); otherwise the split differs in distribution or leaks.',
  fix: { text: 'Check that train and validation come from the same distribution and that nothing leaks; compare with dropout disabled.' },
  source: 'UMLAUT; seed 002 #19',
  explains: ['trend.data-problem', 'trend.stuck', 'loss.plateau'],
  nextCheck: PREDICTIONS_CHECK,
  check(context) {
    const recent = tail(context.epochs, this.thresholds.epochs);
    if (recent.length < this.thresholds.epochs) return [];
    const trainKey = accuracyName(recent[0]!.logs);
    const valKey = accuracyName(recent[0]!.logs, VALIDATION_PREFIX);
    if (!trainKey || !valKey) return [];
    const gaps = recent.map((e) => e.logs[valKey]! - e.logs[trainKey]!);
    // A small validation set makes its accuracy noisy: the gap must also exceed its sampling error.
    // p(1 − p) is taken at most at 0.25 and at least as if p were 0.25 away from the edge: near 100%
    // one misclassified row of 36 is already 3 points, which the binomial formula at p̂ hides.
    const p = Math.min(0.75, Math.max(0.25, recent.at(-1)!.logs[valKey]!));
    const n = context.fit?.validationSamples;
    const noise = n ? this.thresholds.standardErrors * Math.sqrt((p * (1 - p)) / n) : 0;
    if (gaps.every((g) => g > Math.max(this.thresholds.gap, noise))) {
      const hasDropout = context.model?.layers.some(isDropout) ?? false;
      const last = recent.at(-1)!;
      return [
        {
          summary: `${valKey} ${formatNumber(last.logs[valKey]!)} vs ${trainKey} ${formatNumber(last.logs[trainKey]!)} (gap ${formatNumber(gaps.at(-1)!)}) for ${recent.length} epochs${hasDropout ? '; the model uses dropout' : ''}`,
          values: { gap: gaps.at(-1)!, dropout: hasDropout },
          epoch: last.epoch,
          severity: hasDropout ? 'info' : 'warning',
        },
      ];
    }
    return [];
  },
});

const stoppedEarly = defineRule({
  id: 'trend.stopped-early',
  family: 'trend',
  severity: 'warning',
  title: 'Training stopped while the loss was still falling',
  role: 'cause',
  // Barely trained (fewer than minSteps steps, loss still near its start), or cut off while each of
  // the last epochs still took a tenth off the loss: a short but converging run is not a fault.
  thresholds: { minSteps: 20, barelyTrained: 0.8, stillHighFraction: 0.7, minRecentDrop: 0.1 },
  explanation:
    'The run ended after a few steps (tfjs fit defaults to epochs: 1) or while every epoch still lowered the loss a lot, far above where it is heading. The model is not broken, it is unfinished: its predictions look random or constant because it barely trained.',
  fix: { text: 'Train for more epochs (and keep going while the validation loss improves, with early stopping).' },
  source: 'Humbatova et al. 2020 (training: wrong number of epochs); datascience.stackexchange.com/q/55931',
  explains: ['output.saturated', 'loss.slow', 'loss.at-chance', 'trend.healthy'],
  check(context) {
    // A loss that went NaN/Inf is broken, not unfinished.
    if (context.phase !== 'finish' || context.status !== 'ok' || context.fit?.kind === 'custom' || context.firstNonFiniteLoss) return [];
    const t = this.thresholds;
    const losses = context.epochs.map((e) => e.logs.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const first = context.firstLosses.find(Number.isFinite);
    const last = losses.at(-1) ?? context.loss.values.filter(Number.isFinite).at(-1);
    // A loss that rose is diverging (loss.exploding, trend.diverging), not unfinished.
    if (first === undefined || last === undefined || !(first > 0) || last < t.stillHighFraction * first || last > first * 1.05) return [];
    const steps = (context.loss.steps.at(-1) ?? -1) + 1;
    const recent = losses.slice(-3);
    const stillFalling = recent.length >= 3 && recent.every((v, i) => i === 0 || v < recent[i - 1]! * (1 - t.minRecentDrop));
    const barely = steps < t.minSteps && last > t.barelyTrained * first;
    if (!barely && !stillFalling) return [];
    const epochs = context.fit?.epochs ?? context.epochs.length;
    const fixCode =
      context.fit?.kind === 'fit'
        ? `// Train ${Math.max(50, epochs * 10)} epochs, stopping when the validation loss stops improving.\nawait $model.fit($x, $y, { epochs: ${Math.max(50, epochs * 10)}${context.fit.batchSize ? `, batchSize: ${context.fit.batchSize}` : ''}${context.fit.validationSplit ? `, validationSplit: ${context.fit.validationSplit}, callbacks: tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 5 })` : ''} });`
        : undefined;
    return [
      {
        summary: `${steps} training step${steps === 1 ? '' : 's'} in ${epochs} epoch${epochs === 1 ? '' : 's'}; the loss ended at ${formatNumber(last)}, ${percent(last / first)} of its start${stillFalling ? ', still falling every epoch' : ''}`,
        values: { steps, epochs, firstLoss: first, lastLoss: last },
        ...(fixCode ? { fixCode } : {}),
      },
    ];
  },
});

export const trendRules: Rule[] = [stoppedEarly, trendHealthy, trendOverfitting, trendDataProblem, trendStuck, trendDiverging, valOverconfident, metricTooGood, valGap];
