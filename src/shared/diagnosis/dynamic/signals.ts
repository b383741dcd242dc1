// What several dynamic rules read from the context the monitor fills in while training runs.
import type { DiagnosisContext } from '../types';
import { normalizedLoss, outputHead } from '../model-shape';
import { tail } from '../stats';

/** −ln(1e-7): the value of one fully wrong, clipped cross-entropy term in tfjs (epsilon 1e-7). */
export const TFJS_CLIPPED_LOSS = -Math.log(1e-7);

/**
 * |pre-activation| beyond which a sigmoid/tanh unit counts as saturated: the kernel's probes measure
 * with it (src/kernel/probes.ts) and act.saturated reports it, so the two cannot drift apart.
 */
export const SATURATION_PRE_ACTIVATION = 5;

/** Which accuracy series a run has (the one list of names, shared/series). */
export { accuracyName } from '../../series';

export function epochLosses(context: DiagnosisContext): number[] {
  return context.epochs.map((e) => e.logs.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** After the loss went NaN/Inf the weights are garbage: activation statistics no longer diagnose anything. */
export function afterNonFinite(context: DiagnosisContext, step: number): boolean {
  const first = context.firstNonFiniteLoss;
  return first !== undefined && step >= first.step;
}

export function initialLoss(context: DiagnosisContext): number | undefined {
  return context.firstLosses.find((v) => Number.isFinite(v));
}

/** Number of classes the output head predicts over (undefined for regression). */
export function classCount(context: DiagnosisContext): number | undefined {
  if (!context.model) return undefined;
  const head = outputHead(context.model);
  if (head.activation === 'sigmoid' && head.units === 1) return 2;
  if (head.activation === 'softmax' && (head.units ?? 0) > 1) return head.units;
  const loss = normalizedLoss(context.model.losses[0] ?? '');
  if (/crossentropy/.test(loss) && (head.units ?? 0) > 1) return head.units;
  if (loss === 'binarycrossentropy' || loss === 'sigmoidcrossentropy') return 2;
  return undefined;
}

export function recentGradients(context: DiagnosisContext, count: number) {
  return tail(context.gradients.filter((g) => !g.nonFinite && g.layers.length > 0), count);
}
