// Dynamic checks (catalog §3): per step / epoch, from the loss, gradients, weight updates and
// activation probes that the monitor collects while training runs.
import { explainsWhen, LR_CHECK, NO_GRADIENT, NOT_LEARNING, SATURATION, TINY_BATCH_CHECK, updatesTooSmall } from './causality';
import { defineRule, type DiagnosisContext, type Rule, type RuleHit } from './types';
import { normalizedLoss, outputHead } from './model-shape';
import { formatNumber, median, percent, tail } from './stats';
import { learningRateFix, OUTPUT_LAYER, rescaleCode, retrainCode, optimizerCall, scaledLearningRate } from './fix-binding';
import { accuracyName, SERIES } from '../series';

/** −ln(1e-7): the value of one fully wrong, clipped cross-entropy term in tfjs (epsilon 1e-7). */
export const TFJS_CLIPPED_LOSS = -Math.log(1e-7);

function epochLosses(context: DiagnosisContext): number[] {
  return context.epochs.map((e) => e.logs.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** After the loss went NaN/Inf the weights are garbage: activation statistics no longer diagnose anything. */
function afterNonFinite(context: DiagnosisContext, step: number): boolean {
  const first = context.firstNonFiniteLoss;
  return first !== undefined && step >= first.step;
}

function initialLoss(context: DiagnosisContext): number | undefined {
  return context.firstLosses.find((v) => Number.isFinite(v));
}

/** Number of classes the output head predicts over (undefined for regression). */
function classCount(context: DiagnosisContext): number | undefined {
  if (!context.model) return undefined;
  const head = outputHead(context.model);
  if (head.activation === 'sigmoid' && head.units === 1) return 2;
  if (head.activation === 'softmax' && (head.units ?? 0) > 1) return head.units;
  const loss = normalizedLoss(context.model.losses[0] ?? '');
  if (/crossentropy/.test(loss) && (head.units ?? 0) > 1) return head.units;
  if (loss === 'binarycrossentropy' || loss === 'sigmoidcrossentropy') return 2;
  return undefined;
}

const lossNan = defineRule({
  id: 'loss.nan',
  family: 'dynamic',
  severity: 'error',
  title: 'Loss became NaN/Inf',
  thresholds: {},
  explanation:
    'Once the loss is NaN every gradient is NaN and the next update writes NaN into the weights; training cannot recover. Usual causes: a learning rate that overflows the weights, log(0) or a division by zero in a custom loss, NaN already in the data.',
  fix: {
    text: 'Lower the learning rate, clip gradients, add an epsilon inside log/div, and locate the first non-finite layer with lossbook.checks.bisectNonFinite(model, xs).',
  },
  source: 'seed 002 #13 (Nan); seed 001; AUTOTRAINER',
  explains: ['grad.exploding', 'loss.exploding', 'update.ratio', 'trend.diverging', ...NO_GRADIENT, ...NOT_LEARNING, 'act.dead-relu', 'act.saturated'],
  nextCheck: { text: 'Find the first layer that produces NaN/Inf on a batch, then look at its inputs and weights.', code: 'lossbook.checks.bisectNonFinite($model, $x)' },
  check(context) {
    const first = context.firstNonFiniteLoss;
    if (!first) return [];
    const inputsBad = (context.data?.x.nan ?? 0) + (context.data?.x.infinite ?? 0) > 0;
    const targetsBad = (context.data?.y?.nan ?? 0) + (context.data?.y?.infinite ?? 0) > 0;
    const gradientStep = context.firstNonFiniteGradientStep;
    const probe = context.probes.find((p) => p.firstNonFiniteLayer);
    const causes: string[] = [];
    if (inputsBad || targetsBad) causes.push(`the ${inputsBad ? 'inputs' : 'targets'} already hold NaN/Inf`);
    if (gradientStep !== undefined) causes.push(`gradients first went non-finite at step ${gradientStep}`);
    if (probe) causes.push(`first non-finite layer on the probe batch: ${probe.firstNonFiniteLayer} (step ${probe.step})`);
    const previous = tail(context.loss.values.filter((v, i) => Number.isFinite(v) && context.loss.steps[i]! < first.step), 3);
    return [
      {
        summary: `loss ${first.value} at step ${first.step} (epoch ${first.epoch})${previous.length ? `; before: ${previous.map(formatNumber).join(', ')}` : ''}${causes.length ? `; ${causes.join('; ')}` : ''}`,
        values: {
          value: String(first.value),
          step: first.step,
          dataNonFinite: inputsBad || targetsBad,
          firstNonFiniteGradientStep: gradientStep ?? null,
          firstNonFiniteLayer: probe?.firstNonFiniteLayer ?? null,
          previousLosses: previous,
        },
        step: first.step,
        epoch: first.epoch,
        // With NaN in the data the data finding's fix applies; otherwise a 10× smaller step.
        ...(inputsBad || targetsBad ? {} : { fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights') }),
      },
    ];
  },
});

const lossExploding = defineRule({
  id: 'loss.exploding',
  family: 'dynamic',
  severity: 'error',
  title: 'Loss is exploding',
  thresholds: { growthOverInitial: 1e3, growthWithinWindow: 10, window: 30 },
  explanation: 'The loss grows by orders of magnitude: each update overshoots and makes the next gradient larger. Typically the learning rate is too high or gradients are unclipped.',
  fix: { text: 'Lower the learning rate (÷10), clip gradients, add BatchNormalization.' },
  source: 'seed 002 #3, #9',
  explains: ['grad.exploding', 'update.ratio', 'trend.diverging', 'loss.nan', 'loss.oscillating', ...SATURATION, ...NO_GRADIENT, 'loss.plateau'],
  nextCheck: LR_CHECK,
  check(context) {
    const initial = initialLoss(context);
    if (initial === undefined || initial <= 0) return [];
    const values = tail(context.loss.values, this.thresholds.window);
    const steps = tail(context.loss.steps, this.thresholds.window);
    const smoothed = values.map((_, i) => median(values.slice(Math.max(0, i - 2), i + 1).filter(Number.isFinite)));
    const last = smoothed[smoothed.length - 1];
    if (last === undefined || !Number.isFinite(last)) return [];
    const step = steps[steps.length - 1];
    if (last >= this.thresholds.growthOverInitial * initial)
      return [{ summary: `loss ${formatNumber(last)} at step ${step} is ${formatNumber(last / initial)}× the initial ${formatNumber(initial)}`, values: { loss: last, initial, ratio: last / initial }, step, fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights') }];
    const earlierMin = Math.min(...smoothed.slice(0, -1).filter(Number.isFinite));
    if (Number.isFinite(earlierMin) && earlierMin > 0 && last >= this.thresholds.growthWithinWindow * earlierMin && last > initial * 1.5)
      return [
        {
          summary: `loss grew ${formatNumber(last / earlierMin)}× within ${values.length} steps (${formatNumber(earlierMin)} → ${formatNumber(last)} at step ${step})`,
          values: { loss: last, windowMin: earlierMin, initial, ratio: last / earlierMin },
          step,
          fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights'),
        },
      ];
    return [];
  },
});

const CEILINGS: Array<[string, number]> = [
  ['−ln(1e-7), the tfjs cross-entropy clip', TFJS_CLIPPED_LOSS],
  ['−ln(1e-4), the fp16 clip', -Math.log(1e-4)],
  ['−ln(FLT_MIN), the Caffe 87.3356', 87.3365],
];

const lossSaturated = defineRule({
  id: 'loss.saturated',
  family: 'dynamic',
  severity: 'error',
  title: 'Loss stuck at the clipping ceiling',
  thresholds: { ceilingTolerance: 0.02, signatureTolerance: 0.03, minMatching: 5, window: 8, minLoss: 0.5 },
  explanation:
    'The predicted probabilities are exactly 0 or 1, so every wrong sample contributes the clipped maximum −ln(1e-7) ≈ 16.12 (87.34 in Caffe) and the gradient through the saturated output is ~0: the loss stops moving. Usual causes: huge logits from unnormalized inputs, large initial weights or a too-high learning rate.',
  fix: { text: 'Normalize the inputs, use smaller initial weights, lower the learning rate, and keep logits small (no relu on them).' },
  source: 'seed 001 ("loss stuck at 87.33"); seed 002 #1',
  explains: [...NO_GRADIENT, ...NOT_LEARNING, 'act.saturated', 'act.dead-relu'],
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const t = this.thresholds;
    const values = tail(context.loss.values, t.window);
    const steps = tail(context.loss.steps, t.window);
    if (values.length < t.minMatching) return [];
    const accName = accuracyName(context.metrics);
    const accSeries = accName ? context.metrics[accName] : undefined;
    let matching = 0;
    let evidence = '';
    let values0: RuleHit['values'] = {};
    for (let i = 0; i < values.length; i++) {
      const loss = values[i]!;
      if (!(loss > t.minLoss)) continue;
      const ceiling = CEILINGS.find(([, c]) => Math.abs(loss - c) / c < t.ceilingTolerance);
      const accIndex = accSeries ? accSeries.steps.indexOf(steps[i]!) : -1;
      const acc = accIndex >= 0 ? accSeries!.values[accIndex]! : undefined;
      const signature = acc !== undefined && acc < 1 && Math.abs(loss - TFJS_CLIPPED_LOSS * (1 - acc)) / loss < t.signatureTolerance;
      if (ceiling || signature) {
        matching++;
        evidence = ceiling
          ? `loss ${formatNumber(loss)} at step ${steps[i]} ≈ ${formatNumber(ceiling[1])} (${ceiling[0]})`
          : `loss ${formatNumber(loss)} at step ${steps[i]} = 16.12 × error rate ${formatNumber(1 - acc!)}: every wrong prediction is a clipped 0/1 probability`;
        values0 = { loss, step: steps[i]!, ceiling: ceiling ? ceiling[1] : TFJS_CLIPPED_LOSS, accuracy: acc ?? null };
      }
    }
    if (matching < t.minMatching) return [];
    // Scale the inputs only when they are not scaled already (dividing [0, 1] data by 255 again fixes nothing).
    const x = context.data?.x;
    const unscaled = x !== undefined && Math.max(Math.abs(x.min), Math.abs(x.max)) > 10;
    const fixCode = unscaled
      ? retrainCode({ prepare: rescaleCode('$x', x), optimizer: optimizerCall(context.model, scaledLearningRate(context.model, 1)), why: 'Scale the inputs, then train again from fresh weights.' })
      : learningRateFix(context.model, 0.1, 'Inputs are already scaled: a 10× smaller learning rate, from fresh weights');
    return [{ summary: `${evidence} (${matching} of the last ${values.length} steps)`, values: { ...values0, matchingSteps: matching }, step: steps[steps.length - 1], fixCode }];
    return [];
  },
});

const lossAtChance = defineRule({
  id: 'loss.at-chance',
  family: 'dynamic',
  severity: 'warning',
  title: 'Loss stays at chance level (≈ ln C)',
  thresholds: { tolerance: 0.05, minEpochs: 5, accuracyTolerance: 0.08 },
  explanation: 'A cross-entropy of ln C (0.693 for two classes) is what predicting the uniform distribution costs: the model outputs the same probabilities for every input and has learned nothing about the labels.',
  fix: { text: 'Check that labels match inputs, the loss matches the label encoding, the learning rate is not 0 or huge, and run lossbook.checks.overfitTinyBatch(model, xs, ys).' },
  source: 'seed 001 ("loss stays around 0.69"); seed 000',
  explains: ['loss.plateau', 'trend.stuck', 'output.saturated', 'loss.slow'],
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const classes = classCount(context);
    if (!classes) return [];
    const t = this.thresholds;
    const chance = Math.log(classes);
    const recent = tail(context.epochs, t.minEpochs);
    if (recent.length < t.minEpochs) return [];
    const accName = accuracyName(recent[0]!.logs);
    const atChance = recent.every((e) => {
      const loss = e.logs.loss;
      if (loss === undefined || Math.abs(loss - chance) / chance > t.tolerance) return false;
      if (!accName) return true;
      const acc = e.logs[accName]!;
      const majority = context.data?.labels ? Math.max(...context.data.labels.classCounts) / Math.max(1, context.data.labels.classCounts.reduce((a, b) => a + b, 0)) : 1 / classes;
      return acc <= Math.max(1 / classes, majority) + t.accuracyTolerance;
    });
    if (!atChance) return [];
    const last = recent[recent.length - 1]!;
    return [
      {
        summary: `loss ${formatNumber(last.logs.loss!)} ≈ ln ${classes} = ${formatNumber(chance)} for ${recent.length} epochs${accName ? `, accuracy ${formatNumber(last.logs[accName]!)}` : ''}`,
        values: { loss: last.logs.loss!, chance, classes, accuracy: accName ? last.logs[accName]! : null, epochs: recent.length },
        epoch: last.epoch,
        step: last.step,
      },
    ];
  },
});

const lossZeroEarly = defineRule({
  id: 'loss.zero-early',
  family: 'dynamic',
  severity: 'error',
  title: 'Loss is ≈0 from the first steps',
  thresholds: { maxLoss: 1e-4, withinSteps: 3 },
  explanation: 'No real model starts at zero loss. A loss of 0 right away means the loss cannot see the error: a single-unit softmax (always 1), labels leaking into the inputs, or a loss that does not match the targets.',
  fix: { text: 'Check the output layer and loss pairing, and that the targets are not part of the inputs.' },
  source: 'seed 001 ("train loss is 0 from the first step")',
  nextCheck: { text: 'Compare a few predictions with their labels: a loss of 0 from the start means the loss cannot see the error.', code: 'lossbook.checks.predictionsVsLabels($model, $x, $y, 10)' },
  check(context) {
    const early = context.firstLosses.slice(0, this.thresholds.withinSteps);
    if (early.length < Math.min(2, this.thresholds.withinSteps)) return [];
    if (early.every((v) => Number.isFinite(v) && Math.abs(v) <= this.thresholds.maxLoss))
      return [{ summary: `loss ${early.map(formatNumber).join(', ')} in the first ${early.length} steps`, values: { losses: early }, step: 0 }];
    return [];
  },
});

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

function recentGradients(context: DiagnosisContext, count: number) {
  return tail(context.gradients.filter((g) => !g.nonFinite && g.layers.length > 0), count);
}

const gradVanishing = defineRule({
  id: 'grad.vanishing',
  family: 'dynamic',
  severity: 'warning',
  title: 'Vanishing gradients',
  thresholds: { maxRatio: 1e-3, maxFirstNorm: 1e-4, maxMeanAbs: 1e-7, samples: 5, minLayers: 2 },
  explanation: 'The gradient reaching the first layers is orders of magnitude smaller than at the output, so the early layers barely learn. Saturating activations (sigmoid/tanh) and poor initialization multiply small derivatives layer after layer.',
  fix: { text: 'Use relu/elu with He initialization, add BatchNormalization, or residual connections.' },
  source: 'seed 003 (vanishing gradients); AUTOTRAINER; DeepDiagnosis',
  explains: ['weights.unchanged', ...NOT_LEARNING],
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const t = this.thresholds;
    const samples = recentGradients(context, t.samples);
    if (samples.length < t.samples) return [];
    // RMS bounds mean |g| from above, so this is at least as strict as the catalog's mean-|g| test.
    const maxRms = median(samples.map((s) => Math.max(...s.layers.map((l) => l.rms))));
    const step = samples[samples.length - 1]!.step;
    if (maxRms < t.maxMeanAbs)
      return [{ summary: maxRms === 0 ? `every gradient is exactly 0 (step ${step})` : `gradient RMS ≤ ${formatNumber(maxRms)} in every layer (step ${step})`, values: { maxRms }, step }];
    if (samples[0]!.layers.length < t.minLayers) return [];
    const first = median(samples.map((s) => s.layers[0]!.norm));
    const last = median(samples.map((s) => s.layers[s.layers.length - 1]!.norm));
    const ratio = last > 0 ? first / last : 0;
    if (ratio < t.maxRatio && first < t.maxFirstNorm) {
      const names = samples[samples.length - 1]!.layers;
      return [
        {
          summary: `‖g‖ of ${names[0]!.name} is ${formatNumber(first)}, ${formatNumber(ratio)}× that of ${names[names.length - 1]!.name} (${formatNumber(last)}), median of ${samples.length} samples to step ${step}`,
          values: { firstNorm: first, lastNorm: last, ratio },
          step,
          layer: names[0]!.name,
        },
      ];
    }
    return [];
  },
});

const gradExploding = defineRule({
  id: 'grad.exploding',
  family: 'dynamic',
  severity: 'warning',
  title: 'Exploding gradients',
  thresholds: { maxRatio: 70, maxGrowth: 100, samples: 3, minInitialNorm: 1e-8 },
  explanation: 'Gradients grow layer after layer towards the input (or over time), so updates become huge and the loss jumps or turns NaN.',
  fix: { text: 'Clip gradients (clipnorm/clipvalue) and lower the learning rate; check the initialization scale.' },
  source: 'seed 003 (gradient clipping); seed 002 #9',
  explains: ['update.ratio', 'loss.oscillating', 'loss.exploding'],
  nextCheck: LR_CHECK,
  check(context) {
    const t = this.thresholds;
    const samples = recentGradients(context, t.samples);
    if (samples.length < t.samples) return [];
    const step = samples[samples.length - 1]!.step;
    if (samples[0]!.layers.length >= 2) {
      const first = median(samples.map((s) => s.layers[0]!.norm));
      const last = median(samples.map((s) => s.layers[s.layers.length - 1]!.norm));
      if (last > 0 && first / last > t.maxRatio) {
        const names = samples[samples.length - 1]!.layers;
        return [
          {
            summary: `‖g‖ of ${names[0]!.name} is ${formatNumber(first / last)}× that of ${names[names.length - 1]!.name} (${formatNumber(first)} vs ${formatNumber(last)}) at step ${step}`,
            values: { firstNorm: first, lastNorm: last, ratio: first / last },
            step,
            fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights'),
          },
        ];
      }
    }
    const initial = median(context.firstGradients.filter((g) => !g.nonFinite).slice(0, t.samples).map((g) => g.globalNorm));
    const current = median(samples.map((s) => s.globalNorm));
    if (initial > t.minInitialNorm && current / initial > t.maxGrowth)
      return [{ summary: `global gradient norm grew ${formatNumber(current / initial)}× (${formatNumber(initial)} → ${formatNumber(current)}) by step ${step}`, values: { initialNorm: initial, currentNorm: current, growth: current / initial }, step, fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights') }];
    return [];
  },
});

const actDeadRelu = defineRule({
  id: 'act.dead-relu',
  family: 'dynamic',
  severity: 'warning',
  title: 'Dead ReLU units',
  thresholds: { deadFraction: 0.7, minUnits: 4 },
  explanation: 'A ReLU unit whose input is negative for every sample outputs 0 and gets zero gradient, so it never recovers. Large updates (high learning rate) or negative bias/initialization push whole layers there.',
  fix: { text: 'Use leakyReLU/elu, lower the learning rate, or He initialization with a small positive bias.' },
  source: 'seed 003 (dying ReLUs); AUTOTRAINER',
  explains: [...NO_GRADIENT, ...NOT_LEARNING],
  nextCheck: LR_CHECK,
  // Narrow inputs leave many ReLUs dead in a network that still fits well (a 1-D regression): dead
  // units are a fault when the loss stalls or a cause explains them, a note otherwise.
  needsSymptom: () => true,
  check(context) {
    const probe = context.probes[context.probes.length - 1];
    if (!probe || afterNonFinite(context, probe.step)) return [];
    return probe.layers
      .filter((l) => l.deadFraction !== undefined && l.nonFinite === 0 && l.units >= this.thresholds.minUnits && l.deadFraction >= this.thresholds.deadFraction)
      .map((l) => ({
        summary: `${percent(l.deadFraction!)} of ${l.units} units of ${l.name} output 0 on every probe sample at step ${probe.step}`,
        values: { deadFraction: l.deadFraction!, units: l.units },
        step: probe.step,
        layer: l.name,
        fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate keeps the ReLUs alive; fresh weights'),
      }));
  },
});

const actSaturated = defineRule({
  id: 'act.saturated',
  family: 'dynamic',
  severity: 'warning',
  title: 'Saturated sigmoid/tanh units',
  thresholds: { saturatedFraction: 0.5, preActivationLimit: 5 },
  explanation: 'Pre-activations beyond ±5 put sigmoid/tanh on their flat tails, where the derivative is ≈0: those units stop passing gradient. Unnormalized inputs and large initial weights are the usual cause.',
  fix: { text: 'Normalize the inputs, add BatchNormalization before the activation, or use smaller initial weights.' },
  source: 'DeepDiagnosis; seed 001 ("saturated neurons")',
  explains: ['grad.vanishing', 'output.saturated', 'loss.saturated', 'loss.plateau', 'trend.stuck', 'loss.slow'],
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const probe = context.probes[context.probes.length - 1];
    if (!probe || afterNonFinite(context, probe.step)) return [];
    return probe.layers
      .filter((l) => l.saturatedFraction !== undefined && l.nonFinite === 0 && l.saturatedFraction > this.thresholds.saturatedFraction)
      .map((l) => ({
        summary: `${percent(l.saturatedFraction!)} of ${l.name}'s ${l.activation} pre-activations are beyond ±${this.thresholds.preActivationLimit} at step ${probe.step}`,
        values: { saturatedFraction: l.saturatedFraction!, units: l.units },
        step: probe.step,
        layer: l.name,
      }));
  },
});

const outputSaturated = defineRule({
  id: 'output.saturated',
  transient: true,
  family: 'dynamic',
  severity: 'warning',
  title: 'Predictions are saturated (all ≈0/1 or one class)',
  // Predicting the majority class is the first thing every classifier learns: one class for all is a
  // fault only while the loss has barely moved from where it started (oneClassStillHigh).
  thresholds: { extremeFraction: 0.95, dominantShare: 0.98, maxMajorityShare: 0.9, stillHighFraction: 0.5, oneClassStillHigh: 0.8, minStep: 10, minStepOneClass: 30 },
  explanation: 'The output probabilities sit at 0 or 1 (or every sample gets the same class) while the loss is still high: the output is saturated, its gradient is ≈0, and training stalls — the "predictions are all 1.0" of seed 000.',
  fix: { text: 'See loss.saturated: normalize inputs, smaller initialization, lower learning rate; and check that the loss matches the output (seed 000).' },
  source: 'seed 000 ("most predictions are 1"); seed 001',
  explains: ['loss.plateau', 'trend.stuck', 'loss.at-chance', 'loss.slow'],
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const t = this.thresholds;
    const probe = context.probes[context.probes.length - 1];
    const previous = context.probes[context.probes.length - 2];
    const output = probe?.output;
    // An untrained model often predicts one class for everything: judge only after some training,
    // and only when two consecutive probes agree.
    if (!probe || !output || !previous?.output || probe.step < t.minStep || afterNonFinite(context, probe.step)) return [];
    const initial = initialLoss(context);
    const lossNow = median(tail(context.loss.values.filter(Number.isFinite), 5));
    const stillHigh = initial !== undefined && Number.isFinite(lossNow) && lossNow > t.stillHighFraction * initial;
    const counts = context.data?.labels?.classCounts ?? [];
    const total = counts.reduce((a, b) => a + b, 0);
    const majority = total ? Math.max(...counts) / total : 0;
    const probabilities = output.activation === 'sigmoid' || output.activation === 'softmax';
    if (probabilities && output.extremeFraction >= t.extremeFraction && previous.output.extremeFraction >= t.extremeFraction && stillHigh)
      return [
        {
          summary: `${percent(output.extremeFraction)} of output probabilities are within 1e-3 of 0 or 1 at step ${probe.step}, while the loss is ${formatNumber(lossNow)} (initial ${formatNumber(initial!)})`,
          values: { extremeFraction: output.extremeFraction, loss: lossNow, initialLoss: initial!, min: output.min, max: output.max },
          step: probe.step,
        },
      ];
    if (probabilities && probe.step >= t.minStepOneClass && output.units > 0 && output.dominantClassShare >= t.dominantShare && previous.output.dominantClassShare >= t.dominantShare && total > 0 && majority < t.maxMajorityShare && counts.filter((c) => c > 0).length >= 2 && stillHigh && lossNow > t.oneClassStillHigh * initial!)
      return [
        {
          summary: `${percent(output.dominantClassShare)} of probe samples are predicted as one class at step ${probe.step} (largest true class is ${percent(majority)})`,
          values: { dominantClassShare: output.dominantClassShare, majorityShare: majority },
          step: probe.step,
        },
      ];
    return [];
  },
});

const weightsUnchanged = defineRule({
  id: 'weights.unchanged',
  family: 'dynamic',
  severity: 'error',
  title: 'Weights do not change',
  thresholds: { samples: 3 },
  explanation: 'The optimizer runs but ‖ΔW‖ = 0: the learning rate is 0, the layers are frozen, or the loss does not depend on the weights being updated.',
  fix: { text: 'Check the learning rate value (and any schedule), trainable flags, and that the loss is computed from the model output.' },
  source: 'DeepDiagnosis',
  explains: ['grad.vanishing', 'update.ratio', ...NOT_LEARNING],
  nextCheck: { text: 'Print the learning rate the optimizer actually uses and the trainable weights.', code: 'console.log($model.optimizer.getConfig(), $model.trainableWeights.map((w) => w.name));' },
  check(context) {
    const samples = tail(context.updates, this.thresholds.samples);
    if (samples.length < this.thresholds.samples) return [];
    const kernels = new Set(samples.flatMap((s) => s.layers.map((l) => l.name)));
    const frozen = [...kernels].filter((name) => samples.every((s) => s.layers.find((l) => l.name === name)?.deltaNorm === 0));
    if (!frozen.length) return [];
    const step = samples[samples.length - 1]!.step;
    const lr = context.metrics[SERIES.learningRate]?.values.at(-1) ?? context.model?.optimizer?.learningRate;
    if (frozen.length === kernels.size)
      return [{ summary: `‖ΔW‖ = 0 for all ${kernels.size} weight tensors over ${samples.length} sampled updates (to step ${step})${lr !== undefined ? `; learning rate ${formatNumber(lr)}` : ''}`, values: { weights: [...kernels], learningRate: lr ?? null }, step }];
    return frozen.map((name) => ({ summary: `‖ΔW‖ = 0 for ${name} over ${samples.length} sampled updates while other layers change`, values: { weight: name }, step, layer: name }));
  },
});

const updateRatio = defineRule({
  id: 'update.ratio',
  family: 'dynamic',
  severity: 'warning',
  title: 'Update-to-weight ratio out of range',
  thresholds: { max: 0.1, min: 1e-5, samples: 3 },
  explanation: 'A healthy update changes a weight matrix by roughly 1e-3 of its norm per step (‖lr·ΔW‖/‖W‖, cs231n/Cockpit). Much larger ratios overwrite the weights each step (too high a learning rate); much smaller ones mean they barely move.',
  fix: { text: 'Adjust the learning rate towards a ratio of ~1e-3.' },
  source: 'DeepDiagnosis; Cockpit',
  explains: [
    ...explainsWhen(['loss.oscillating', 'loss.exploding', 'grad.exploding', 'act.dead-relu', 'trend.diverging'], (cause) => !updatesTooSmall(cause)),
    ...explainsWhen([...NOT_LEARNING], (cause) => updatesTooSmall(cause)),
  ],
  nextCheck: LR_CHECK,
  // The update/weight ratio is a proxy (small weights make it large, Adam's first steps too): alone
  // it is a note; it counts when the loss shows the overshooting or the stall it predicts.
  needsSymptom: () => true,
  check(context) {
    const t = this.thresholds;
    const samples = tail(context.updates, t.samples);
    if (samples.length < t.samples) return [];
    const names = [...new Set(samples.flatMap((s) => s.layers.map((l) => l.name)))];
    const medians = names
      .map((name) => ({ name, ratio: median(samples.map((s) => s.layers.find((l) => l.name === name)?.ratio).filter((r): r is number => r !== undefined && Number.isFinite(r))) }))
      .filter((m) => Number.isFinite(m.ratio));
    const step = samples[samples.length - 1]!.step;
    const high = medians.filter((m) => m.ratio > t.max);
    const low = medians.filter((m) => m.ratio > 0 && m.ratio < t.min);
    const hits: RuleHit[] = [];
    if (high.length)
      hits.push({ summary: `update/weight ratio ${high.map((m) => `${m.name} ${formatNumber(m.ratio)}`).join(', ')} > ${t.max} (median of ${samples.length} samples to step ${step})`, values: { layers: high.map((m) => m.name), ratios: high.map((m) => m.ratio), max: t.max }, step, detail: 'Too high: the learning rate overwrites the weights.', fixCode: learningRateFix(context.model, 0.1, 'A 10× smaller learning rate, from fresh weights') });
    if (low.length && low.length === medians.length)
      hits.push({ summary: `update/weight ratio ${low.map((m) => `${m.name} ${formatNumber(m.ratio)}`).join(', ')} < ${t.min} (median to step ${step})`, values: { layers: low.map((m) => m.name), ratios: low.map((m) => m.ratio), min: t.min }, step, detail: 'Too low: the weights barely move.', fixCode: learningRateFix(context.model, 100, 'A 100× larger learning rate') });
    return hits;
  },
});

const klNegative = defineRule({
  id: 'kl.negative',
  family: 'dynamic',
  severity: 'error',
  title: 'KL divergence is negative',
  thresholds: {},
  explanation: 'KL(P‖Q) ≥ 0 for probability distributions. A negative value means the inputs are not distributions: the predictions lack a softmax (tfjs clips them to [1e-7, 1]) or the targets do not sum to 1.',
  fix: { text: 'Put softmax on the output and make the targets probability rows.', code: retrainCode({ change: `${OUTPUT_LAYER}\nhead.activation = 'softmax';`, why: 'Probabilities out of the student: softmax on the output.' }) },
  source: 'seed 002 #20',
  explains: [...NOT_LEARNING],
  nextCheck: { text: 'Look at the predictions next to the targets: both must be probability rows.', code: 'lossbook.checks.predictionsVsLabels($model, $x, $y, 10)' },
  check(context) {
    if (!context.model?.losses.some((l) => normalizedLoss(l) === 'kld')) return [];
    const index = context.loss.values.findIndex((v) => v < 0);
    if (index < 0) return [];
    return [{ summary: `KL loss ${formatNumber(context.loss.values[index]!)} < 0 at step ${context.loss.steps[index]}`, values: { loss: context.loss.values[index]! }, step: context.loss.steps[index]! }];
  },
});

export const dynamicRules: Rule[] = [
  lossNan,
  lossExploding,
  lossSaturated,
  lossAtChance,
  lossZeroEarly,
  lossPlateau,
  lossOscillating,
  lossSlow,
  gradVanishing,
  gradExploding,
  actDeadRelu,
  actSaturated,
  outputSaturated,
  weightsUnchanged,
  updateRatio,
  klNegative,
];
