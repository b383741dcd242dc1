// What a sweep tells the user beyond "the best trial": which findings were common, and which
// parameter range they go with ("all high-LR trials diverged: loss.nan in 4/20, all with lr ≥ 0.03").
import { severityRank } from '../diagnosis/engine';
import type { Params } from './space';
import type { SweepState, TrialRecord } from './scheduler';

export interface CommonFinding {
  id: string;
  severity: 'error' | 'warning' | 'info';
  trials: number[];
  share: number;
  /** The numeric parameter that best separates trials with the finding from those without it. */
  association?: { param: string; direction: 'high' | 'low'; threshold: number; text: string };
}

export interface SweepSummary {
  metric: string;
  goal: 'min' | 'max';
  total: number;
  completed: number;
  pruned: number;
  failed: number;
  best?: { id: number; params: Params; value: number };
  commonFindings: CommonFinding[];
}

export function summarizeSweep(state: SweepState, ranked: TrialRecord[]): SweepSummary {
  const done = state.trials.filter((t) => t.status !== 'running');
  const byId = new Map<string, CommonFinding>();
  for (const trial of done) {
    for (const finding of new Map(trial.findings.map((f) => [f.id, f])).values()) {
      const entry = byId.get(finding.id) ?? { id: finding.id, severity: finding.severity, trials: [], share: 0 };
      entry.trials.push(trial.id);
      byId.set(finding.id, entry);
    }
  }
  const commonFindings = [...byId.values()]
    .map((entry) => ({ ...entry, share: entry.trials.length / Math.max(1, done.length), association: associate(entry.trials, done) }))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.trials.length - a.trials.length);
  const top = ranked[0];
  return {
    metric: state.settings.metric,
    goal: state.settings.goal,
    total: done.length,
    completed: done.filter((t) => t.status === 'completed').length,
    pruned: done.filter((t) => t.status === 'pruned').length,
    failed: done.filter((t) => t.status === 'failed').length,
    best: top && top.best !== undefined && Number.isFinite(top.best) ? { id: top.id, params: top.params, value: top.best } : undefined,
    commonFindings,
  };
}


/**
 * A threshold on one numeric parameter that splits trials with the finding from those without
 * it perfectly (every trial with it above, every one without it below, or the reverse).
 */
function associate(withIds: number[], trials: TrialRecord[]): CommonFinding['association'] {
  if (withIds.length === 0 || withIds.length === trials.length) return undefined;
  const has = new Set(withIds);
  const names = Object.keys(trials[0]?.params ?? {});
  for (const param of names) {
    const values = trials.map((t) => ({ value: t.params[param], has: has.has(t.id) }));
    if (!values.every((v) => typeof v.value === 'number')) continue;
    const withValues = values.filter((v) => v.has).map((v) => v.value as number);
    const withoutValues = values.filter((v) => !v.has).map((v) => v.value as number);
    if (Math.min(...withValues) > Math.max(...withoutValues)) {
      const threshold = Math.min(...withValues);
      return { param, direction: 'high', threshold, text: `all ${withIds.length} with ${param} ≥ ${format(threshold)}` };
    }
    if (Math.max(...withValues) < Math.min(...withoutValues)) {
      const threshold = Math.max(...withValues);
      return { param, direction: 'low', threshold, text: `all ${withIds.length} with ${param} ≤ ${format(threshold)}` };
    }
  }
  return undefined;
}

function format(value: number): string {
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? Number(value.toPrecision(3)).toString() : value.toExponential(2);
}
