// Dynamic checks on the activation probes (catalog §3): dead ReLUs, saturated sigmoid/tanh units,
// saturated or constant predictions.
import { LR_CHECK, NO_GRADIENT, NOT_LEARNING, TINY_BATCH_CHECK } from '../causality';
import { defineRule, type Rule } from '../types';
import { formatNumber, median, percent, tail } from '../stats';
import { learningRateFix } from '../fix-binding';
import { afterNonFinite, initialLoss, SATURATION_PRE_ACTIVATION } from './signals';

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
  thresholds: { saturatedFraction: 0.5, preActivationLimit: SATURATION_PRE_ACTIVATION },
  explanation: `Pre-activations beyond ±${SATURATION_PRE_ACTIVATION} put sigmoid/tanh on their flat tails, where the derivative is ≈0: those units stop passing gradient. Unnormalized inputs and large initial weights are the usual cause.`,
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

const outputConstant = defineRule({
  id: 'output.constant',
  family: 'dynamic',
  severity: 'warning',
  title: 'The model predicts the same value for every input',
  // A regression output whose spread over the probe samples is under 1% of the targets' spread,
  // on two probes in a row after some training: the inputs no longer reach the output.
  thresholds: { maxSpreadOfTargetStd: 0.01, minStep: 20 },
  explanation:
    'Across different inputs the model outputs (nearly) one number while the targets vary: it has collapsed to a constant, usually the mean target, which is all its output bias can learn once no signal comes through. Dead ReLU layers, a hidden layer with zero gradient, or inputs that carry nothing leave only the bias to fit.',
  fix: { text: 'Find where the signal dies: dead or saturated hidden layers (see the activation findings), the scale of the inputs, the initialization and the learning rate.' },
  source: 'tensorflow/tfjs#2770 and #3913 ("same output for every input")',
  nextCheck: TINY_BATCH_CHECK,
  check(context) {
    const t = this.thresholds;
    const probe = context.probes[context.probes.length - 1];
    const previous = context.probes[context.probes.length - 2];
    const targetStd = context.data?.y?.std;
    if (!probe?.output || !previous?.output || probe.step < t.minStep || afterNonFinite(context, probe.step)) return [];
    // Probabilities have their own finding (output.saturated); this is about regression outputs.
    if (probe.output.activation !== 'linear' || !(targetStd !== undefined && targetStd > 0)) return [];
    const spread = probe.output.max - probe.output.min;
    const limit = t.maxSpreadOfTargetStd * targetStd;
    if (spread > limit || previous.output.max - previous.output.min > limit) return [];
    return [
      {
        summary: `predictions span ${formatNumber(spread)} (${formatNumber(probe.output.min)} … ${formatNumber(probe.output.max)}) over the probe samples at step ${probe.step}, while the targets' standard deviation is ${formatNumber(targetStd)}`,
        values: { spread, min: probe.output.min, max: probe.output.max, targetStd },
        step: probe.step,
      },
    ];
  },
});

/** Adding a rule to this family: define it above and list it here (the engine picks it up from dynamic/index.ts). */
export const activationRules: Rule[] = [actDeadRelu, actSaturated, outputSaturated, outputConstant];
