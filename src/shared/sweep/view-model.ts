// What every sweep view shows (issue 9): the app's SweepView, the HTML report and `--json` all
// read a run's sweep artifacts through these pure functions, so the three agree. The kernel
// publishes a whole snapshot after each finished trial; the last artifact per sweep name wins.
// Plotly figures are built here as plain data (no Plotly import), drawn by the component and by
// the report's inline script alike.
//
// The parts, one file per job: artifacts.ts (reading), format.ts (numbers), trials-table.ts,
// trial-plots.ts (curves, parallel coordinates, scatter), refine.ts, figures.ts (Plotly data).
// This file builds the whole view and re-exports the parts, so callers import one module.
import type { RunRecord } from '../notebook/model';
import type { SweepSettings, SweepState, TrialRecord } from './scheduler';
import type { Params } from './space';
import type { CommonFinding } from './summary';
import { latestSweepArtifacts, type SweepArtifact } from './artifacts';
import { formatValue, isFiniteNumber } from './format';
import { columnsFor, rankTrials, rowsFor, type SortDirection, type SortKey, type TableColumn, type TrialRow } from './trials-table';
import { curveMetrics, learningCurves, metricScatter, parallelCoordinates, type LearningCurves, type MetricScatter, type ParallelCoordinates } from './trial-plots';
import { refineProposal, type RefineProposal } from './refine';

export * from './artifacts';
export { formatDurationShort, formatValue, logTicks } from './format';
export { rankTrials, sortRows, type SortDirection, type SortKey, type TableColumn, type TrialRow } from './trials-table';
export * from './trial-plots';
export * from './refine';
export * from './figures';

// ───────────────────────────── common findings ─────────────────────────────

export interface CommonFindingView {
  id: string;
  severity: CommonFinding['severity'];
  trials: number[];
  /** "4/20 trials" */
  shareText: string;
  /** "all 4 with lr ≥ 0.03", when one parameter separates the trials with it from those without. */
  association?: string;
  text: string;
}

export function commonFindingViews(artifact: SweepArtifact): CommonFindingView[] {
  const finished = artifact.state.trials.filter((trial) => trial.status !== 'running').length;
  return artifact.commonFindings.map((finding) => {
    const shareText = `${finding.trials.length}/${finished} trials`;
    const association = finding.association?.text;
    return {
      id: finding.id,
      severity: finding.severity,
      trials: finding.trials,
      shareText,
      ...(association ? { association } : {}),
      text: `${finding.id} in ${shareText}${association ? ` — ${association}` : ''}`,
    };
  });
}


// ───────────────────────────── the whole view ─────────────────────────────

export interface SweepView {
  name: string;
  metric: string;
  goal: 'min' | 'max';
  strategy: SweepSettings['strategy'];
  plannedTrials: number;
  counts: { finished: number; completed: number; pruned: number; failed: number; running: number };
  best?: { trialId: number; params: Params; value: number; text: string };
  columns: TableColumn[];
  rows: TrialRow[];
  defaultSort: { key: SortKey; direction: SortDirection };
  curveMetrics: string[];
  curves: LearningCurves;
  parallel?: ParallelCoordinates;
  scatter?: MetricScatter;
  findings: CommonFindingView[];
  refine?: RefineProposal;
  state: SweepState;
}

export function buildSweepView(artifact: SweepArtifact): SweepView {
  const { state } = artifact;
  const { settings } = state;
  const count = (status: TrialRecord['status']) => state.trials.filter((trial) => trial.status === status).length;
  const top = rankTrials(state).find((trial) => isFiniteNumber(trial.best));
  return {
    name: artifact.name,
    metric: settings.metric,
    goal: settings.goal,
    strategy: settings.strategy,
    plannedTrials: settings.trials,
    counts: { finished: state.trials.length - count('running'), completed: count('completed'), pruned: count('pruned'), failed: count('failed'), running: count('running') },
    ...(top
      ? {
          best: {
            trialId: top.id,
            params: top.params,
            value: top.best!,
            text: `trial ${top.id}: ${settings.metric} ${formatValue(top.best)} with ${Object.entries(top.params)
              .map(([name, value]) => `${name} = ${formatValue(value)}`)
              .join(', ')}`,
          },
        }
      : {}),
    columns: columnsFor(state),
    rows: rowsFor(state),
    defaultSort: { key: 'best', direction: settings.goal === 'min' ? 'asc' : 'desc' },
    curveMetrics: curveMetrics(state),
    curves: learningCurves(state),
    ...optional('parallel', parallelCoordinates(state)),
    ...optional('scatter', metricScatter(state)),
    findings: commonFindingViews(artifact),
    ...optional('refine', refineProposal(state)),
    state,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** Every sweep of a run, ready to show; empty when the run ran no sweep. */
export function sweepViews(run: Pick<RunRecord, 'artifacts'>): SweepView[] {
  return latestSweepArtifacts(run).map(buildSweepView);
}
