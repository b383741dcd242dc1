// The trials table of a sweep: columns for its parameters, one row per trial, sortable with the
// trials that have no value in the sorted column always last.
import type { SweepState, TrialRecord } from './scheduler';
import type { Params } from './space';
import { formatDurationShort, formatValue, isFiniteNumber } from './format';

export type SortKey = 'id' | 'status' | 'best' | 'final' | 'epochs' | 'duration' | 'findings' | 'where' | `param:${string}`;
export type SortDirection = 'asc' | 'desc';

export interface TableColumn {
  key: SortKey;
  label: string;
  numeric: boolean;
}

export interface TrialRow {
  id: number;
  status: TrialRecord['status'];
  params: Params;
  /** Best value of the sweep's metric; undefined when the trial never reported a finite one. */
  best?: number;
  final?: number;
  /** The metric went NaN/Infinity at some epoch. */
  diverged: boolean;
  epochs: number;
  durationMs?: number;
  findings: string[];
  prunedAt?: number;
  reason?: string;
  /** 1 = best trial; undefined for trials without a finite metric or still running. */
  rank?: number;
  /** Text of each column, by column key. */
  text: Record<string, string>;
}

const STATUS_ORDER: Record<TrialRecord['status'], number> = { completed: 0, pruned: 1, failed: 2, running: 3 };

/** Finished trials best first, as SweepScheduler.ranked() orders them. */
export function rankTrials(state: SweepState): TrialRecord[] {
  const sign = state.settings.goal === 'min' ? 1 : -1;
  const key = (trial: TrialRecord) => (isFiniteNumber(trial.best) ? sign * trial.best : Number.POSITIVE_INFINITY);
  return state.trials.filter((trial) => trial.status !== 'running').sort((a, b) => key(a) - key(b) || a.id - b.id);
}

export function columnsFor(state: SweepState): TableColumn[] {
  const metric = state.settings.metric;
  return [
    { key: 'id', label: 'Trial', numeric: true },
    { key: 'status', label: 'Status', numeric: false },
    ...Object.entries(state.settings.space).map(([name, spec]) => ({ key: `param:${name}` as SortKey, label: name, numeric: spec.kind !== 'choice' })),
    { key: 'best', label: `best ${metric}`, numeric: true },
    { key: 'final', label: `final ${metric}`, numeric: true },
    { key: 'epochs', label: 'Epochs', numeric: true },
    { key: 'duration', label: 'Time', numeric: true },
    { key: 'findings', label: 'Findings', numeric: false },
    // Only sweeps with trials outside the kernel (issue 23) say where each trial ran.
    ...(state.trials.some((trial) => trial.where !== undefined && trial.where !== 'kernel') ? [{ key: 'where' as const, label: 'Where', numeric: false }] : []),
  ];
}

export function rowsFor(state: SweepState): TrialRow[] {
  const metric = state.settings.metric;
  const ranks = new Map(
    rankTrials(state)
      .filter((trial) => isFiniteNumber(trial.best))
      .map((trial, index) => [trial.id, index + 1]),
  );
  return state.trials.map((trial) => {
    const diverged = trial.history.some((entry) => entry.metrics[metric] !== undefined && !Number.isFinite(entry.metrics[metric]));
    const findings = [...new Set(trial.findings.map((finding) => finding.id))];
    const epochs = trial.history.reduce((most, entry) => Math.max(most, entry.epoch), 0);
    const best = isFiniteNumber(trial.best) ? trial.best : undefined;
    const text: Record<string, string> = {
      id: String(trial.id),
      status: trial.status === 'pruned' && trial.prunedAt !== undefined ? `pruned at epoch ${trial.prunedAt}` : trial.status,
      best: best === undefined ? (diverged ? 'diverged' : '—') : formatValue(best),
      final: trial.final === undefined ? '—' : formatValue(trial.final),
      epochs: String(epochs),
      duration: formatDurationShort(trial.durationMs),
      findings: findings.join(', '),
      where: `${trial.where ?? '—'}${trial.attempts && trial.attempts > 1 ? ` (attempt ${trial.attempts})` : ''}`,
    };
    for (const name of Object.keys(state.settings.space)) text[`param:${name}`] = formatValue(trial.params[name]);
    return {
      id: trial.id,
      status: trial.status,
      params: trial.params,
      ...(best !== undefined ? { best } : {}),
      ...(trial.final !== undefined ? { final: trial.final } : {}),
      diverged,
      epochs,
      ...(trial.durationMs !== undefined ? { durationMs: trial.durationMs } : {}),
      findings,
      ...(trial.prunedAt !== undefined ? { prunedAt: trial.prunedAt } : {}),
      ...(trial.reason !== undefined ? { reason: trial.reason } : {}),
      ...(ranks.has(trial.id) ? { rank: ranks.get(trial.id)! } : {}),
      text,
    };
  });
}

type SortValue = number | string | boolean | undefined;

function sortValue(row: TrialRow, key: SortKey): SortValue {
  if (key.startsWith('param:')) return row.params[key.slice('param:'.length)];
  switch (key) {
    case 'id':
      return row.id;
    case 'status':
      return STATUS_ORDER[row.status];
    case 'best':
      return row.best;
    case 'final':
      return isFiniteNumber(row.final) ? row.final : undefined;
    case 'epochs':
      return row.epochs;
    case 'duration':
      return row.durationMs;
    case 'findings':
      return row.findings.length ? row.findings.join(',') : undefined;
    case 'where':
      return row.text.where === '—' ? undefined : row.text.where;
    default:
      return undefined;
  }
}

function compareValues(a: Exclude<SortValue, undefined>, b: Exclude<SortValue, undefined>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === typeof b) return String(a).localeCompare(String(b), 'en', { numeric: true });
  return typeof a < typeof b ? -1 : 1;
}

/** Rows sorted by a column; trials with no value in that column (no finite metric…) always sort last. */
export function sortRows(rows: readonly TrialRow[], key: SortKey, direction: SortDirection): TrialRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((left, right) => {
    const a = sortValue(left, key);
    const b = sortValue(right, key);
    if (a === undefined || b === undefined) return (a === undefined ? 1 : 0) - (b === undefined ? 1 : 0) || left.id - right.id;
    return sign * compareValues(a, b) || left.id - right.id;
  });
}

