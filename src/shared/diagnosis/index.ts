// The diagnosis catalog (../shared/checklists.md) as rules, one file per family.
import { dataRules } from './data';
import { dynamicRules } from './dynamic';
import { resourceRules } from './resources';
import { staticRules } from './static';
import { trendRules } from './trend';
import type { Rule } from './types';

export { DiagnosisEngine, severityRank } from './engine';
export type * from './types';
export { TFJS_CLIPPED_LOSS } from './dynamic';

export const allRules: readonly Rule[] = [...staticRules, ...dataRules, ...dynamicRules, ...trendRules, ...resourceRules];

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
