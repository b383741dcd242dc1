// What explains what (issue 22): the symptom groups that rules list in `explains`, and the
// predicates that decide whether a cause's evidence fits a symptom's. Kept in one place so the
// rule files read as "this cause explains these symptoms" and stay consistent with each other.
import type { Finding } from '../protocol';
import type { Explains } from './types';

/** The network learns nothing, or very little: the loss does not move. */
export const NOT_LEARNING = ['loss.plateau', 'trend.stuck', 'loss.slow', 'loss.at-chance', 'output.saturated', 'output.constant'] as const;
/** No gradient reaches the weights. */
export const NO_GRADIENT = ['grad.vanishing', 'weights.unchanged'] as const;
/** Steps too large for the curvature: the loss jumps, explodes or turns NaN. */
export const OVERSHOOTING = ['loss.exploding', 'loss.nan', 'grad.exploding', 'trend.diverging', 'loss.oscillating'] as const;
/** Outputs or units pinned at the flat ends of their activation. */
export const SATURATION = ['loss.saturated', 'act.saturated', 'output.saturated', 'act.dead-relu'] as const;

/** The learning-rate finding says "too high" (it carries the upper bound it exceeded). */
export const lrTooHigh = (finding: Finding): boolean => typeof finding.evidence.values.max === 'number';
/** An update-ratio finding about weights that barely move (it carries the lower bound). */
export const updatesTooSmall = (finding: Finding): boolean => typeof finding.evidence.values.min === 'number';

/** `ids` explained whenever `when` holds for the cause (and the symptom). */
export function explainsWhen(ids: readonly string[], when: (cause: Finding, symptom: Finding) => boolean, sameLayer = false): Explains[] {
  return ids.map((id) => ({ id, when, ...(sameLayer ? { sameLayer } : {}) }));
}

/** update.ratio fits a too-high cause only when the updates are too large, a too-low cause only when too small. */
export function updateRatioFits(causeTooHigh: boolean, symptom: Finding): boolean {
  return symptom.id !== 'update.ratio' || updatesTooSmall(symptom) !== causeTooHigh;
}

/** model.bad-init on a kernel far above Glorot/He scale (not zeros, not too small). */
export const initTooLarge = (finding: Finding): boolean => typeof finding.evidence.values.ratio === 'number' && finding.evidence.values.ratio > 1;

/** A learning rate less than 10× outside the usual range. */
export function lrWithinTenfold(finding: Finding): boolean {
  const { learningRate, max, min } = finding.evidence.values;
  if (typeof learningRate !== 'number') return false;
  if (typeof max === 'number') return learningRate < 10 * max;
  if (typeof min === 'number') return learningRate > min / 10;
  return false;
}

export function maxAbsOf(finding: Finding): number {
  const { min, max } = finding.evidence.values;
  return Math.max(Math.abs(Number(min)), Math.abs(Number(max)));
}

// The sanity checks of the seeds (src/kernel/checks.ts) that tell a symptom's possible causes
// apart. `$model`, `$x`, `$y` are bound to the user's globals by the kernel (fix-binding.ts).
export const LR_CHECK = { text: 'Run a learning-rate range test: the loss against the learning rate on a log scale shows whether the rate is too high, too low or fine.', code: 'await lossbook.checks.lrRangeTest($model, $x, $y)' };
export const TINY_BATCH_CHECK = {
  text: 'Try to overfit 10 samples: a correct model, loss and labels reach ≈0 loss; if it cannot, the fault is in the model/loss/labels, not in the data size or the schedule (seed 000).',
  code: 'await lossbook.checks.overfitTinyBatch($model, $x, $y)',
};
export const PREDICTIONS_CHECK = { text: 'Look at predictions next to their labels for a few samples (seed 000).', code: 'lossbook.checks.predictionsVsLabels($model, $x, $y, 10)' };
