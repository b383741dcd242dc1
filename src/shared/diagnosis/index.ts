// The diagnosis catalog as rules, one file per family (docs/catalog.md is generated from them).
import { allRules } from './rules';
import type { Rule } from './types';

export { DiagnosisEngine, severityRank } from './engine';
export type * from './types';
export { SATURATION_PRE_ACTIVATION, TFJS_CLIPPED_LOSS } from './dynamic';

export { allRules };

/** A rule by its id (the gallery, the bench and tests look rules up this way). */
export function ruleById(id: string): Rule | undefined {
  return allRules.find((rule) => rule.id === id);
}

/** An empty context: the monitor fills it in as training runs; tests start from it. */
export function emptyContext(phase: import('./types').DiagnosisContext['phase'] = 'step'): import('./types').DiagnosisContext {
  return {
    phase,
    step: 0,
    epoch: 0,
    loss: { steps: [], values: [] },
    firstLosses: [],
    metrics: {},
    epochs: [],
    gradients: [],
    firstGradients: [],
    updates: [],
    probes: [],
    memory: [],
    timing: { stepMs: [], betweenBatchMs: [], evaluateCalls: 0, evaluateMs: 0, batches: 0 },
  };
}
export { diagnose, canExplain, roleOf, type Diagnosis, type FindingGroup, type Verdict } from './verdict';
