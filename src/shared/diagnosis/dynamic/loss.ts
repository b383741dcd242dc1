// Dynamic checks on the loss value itself (catalog §3): NaN, explosion, the clipping ceiling, chance
// level, zero from the start, a negative KL.
import { LR_CHECK, NO_GRADIENT, NOT_LEARNING, SATURATION, TINY_BATCH_CHECK } from '../causality';
import { defineRule, type Rule, type RuleHit } from '../types';
import { normalizedLoss } from '../model-shape';
import { formatNumber, median, tail } from '../stats';
import { learningRateFix, OUTPUT_LAYER, rescaleCode, retrainCode, optimizerCall, scaledLearningRate } from '../fix-binding';
import { accuracyName, classCount, initialLoss, TFJS_CLIPPED_LOSS } from './signals';

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

/** Adding a rule to this family: define it above and list it here (the engine picks it up from dynamic/index.ts). */
export const lossRules: Rule[] = [lossNan, lossExploding, lossSaturated, lossAtChance, lossZeroEarly, klNegative];
