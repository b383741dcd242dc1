// Dynamic checks on gradients and weight updates (catalog §3): vanishing/exploding gradients,
// weights that do not move, update/weight ratio.
import { explainsWhen, LR_CHECK, NOT_LEARNING, TINY_BATCH_CHECK, updatesTooSmall } from '../causality';
import { defineRule, type Rule, type RuleHit } from '../types';
import { formatNumber, median, tail } from '../stats';
import { learningRateFix } from '../fix-binding';
import { recentGradients } from './signals';
import { SERIES } from '../../series';

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

/** Adding a rule to this family: define it above and list it here (the engine picks it up from dynamic/index.ts). */
export const gradientRules: Rule[] = [gradVanishing, gradExploding, weightsUnchanged, updateRatio];
