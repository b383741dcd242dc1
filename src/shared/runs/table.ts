// The runs table's columns and sort, pure so the view, the bench and tests share them. A column
// is a fixed field, a param (learningRate, a trial's params) or a metric's final value.
import type { RunEntry, RunParamValue } from './model';

export interface RunColumn {
  key: string;
  label: string;
  kind: 'field' | 'param' | 'metric';
  numeric: boolean;
}

const FIELDS: RunColumn[] = [
  { key: 'number', label: '#', kind: 'field', numeric: true },
  { key: 'createdAt', label: 'Started', kind: 'field', numeric: true },
  { key: 'status', label: 'Status', kind: 'field', numeric: false },
  { key: 'notebook', label: 'Notebook', kind: 'field', numeric: false },
];
const TAIL: RunColumn[] = [
  { key: 'durationMs', label: 'Time', kind: 'field', numeric: true },
  { key: 'verdict', label: 'Verdict', kind: 'field', numeric: false },
  { key: 'tags', label: 'Tags', kind: 'field', numeric: false },
];
const FIRST_PARAMS = ['learningRate', 'optimizer', 'batchSize', 'epochs', 'validationSplit', 'lossFunction', 'totalParams'];
/** The metrics people read first (table columns, compare's order). */
export const FIRST_METRICS = ['loss', 'val_loss', 'acc', 'val_acc'];
/** Params that are facts about the run rather than choices (shown in Show/Compare, not as columns). */
const HIDDEN_PARAMS = new Set(['modelHash', 'backend', 'xShape', 'samples', 'shuffle', 'layers', 'trialStatus', 'where']);

/** Columns for these runs: fields, params by how common they are, the usual metrics, then tail fields. */
export function runColumns(runs: readonly RunEntry[], maxParams = 10): RunColumn[] {
  const params = new Map<string, { count: number; numeric: boolean }>();
  const metrics = new Set<string>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(run.params)) {
      const entry = params.get(name) ?? { count: 0, numeric: true };
      entry.count++;
      if (value !== null && typeof value !== 'number') entry.numeric = false;
      params.set(name, entry);
    }
    for (const name of Object.keys(run.metrics)) metrics.add(name);
  }
  const rank = (name: string) => (FIRST_PARAMS.includes(name) ? FIRST_PARAMS.indexOf(name) : 100);
  const paramColumns = [...params.entries()]
    .filter(([name]) => !HIDDEN_PARAMS.has(name))
    .sort((a, b) => rank(a[0]) - rank(b[0]) || b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, maxParams)
    .map(([key, info]): RunColumn => ({ key, label: key, kind: 'param', numeric: info.numeric }));
  const metricColumns = FIRST_METRICS.filter((name) => metrics.has(name)).map((key): RunColumn => ({ key, label: key, kind: 'metric', numeric: true }));
  return [...FIELDS, ...paramColumns, ...metricColumns, ...TAIL];
}

/** A param or metric as the table, Compare and `runs list` print it: 4 significant digits, exponents for the tiny and huge. */
export function formatRunValue(value: RunParamValue | undefined, digits = 4): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number' || Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(digits - 2) : String(Number(value.toPrecision(digits)));
}

export function cellValue(run: RunEntry, column: Pick<RunColumn, 'key' | 'kind'>): RunParamValue {
  if (column.kind === 'param') return run.params[column.key] ?? null;
  if (column.kind === 'metric') return run.metrics[column.key]?.last ?? null;
  switch (column.key) {
    case 'verdict':
      return run.verdict?.id ?? null;
    case 'tags':
      return run.tags.join(', ');
    default:
      return (run as unknown as Record<string, RunParamValue>)[column.key] ?? null;
  }
}

/** Sorted copy; empty cells last whichever the direction. */
export function sortRuns(runs: readonly RunEntry[], column: Pick<RunColumn, 'key' | 'kind'>, direction: 'asc' | 'desc'): RunEntry[] {
  const sign = direction === 'asc' ? 1 : -1;
  const keyed = runs.map((run) => ({ run, value: cellValue(run, column) }));
  keyed.sort((x, y) => {
    if (x.value === null || x.value === '') return y.value === null || y.value === '' ? 0 : 1;
    if (y.value === null || y.value === '') return -1;
    if (typeof x.value === 'number' && typeof y.value === 'number') return sign * (x.value - y.value);
    return sign * String(x.value).localeCompare(String(y.value), undefined, { numeric: true });
  });
  return keyed.map((entry) => entry.run);
}

/** Group rows by a column's value (the view shows a header per group), groups in row order. */
export function groupRuns(runs: readonly RunEntry[], column: Pick<RunColumn, 'key' | 'kind'>): Array<{ value: RunParamValue; runs: RunEntry[] }> {
  const groups = new Map<string, { value: RunParamValue; runs: RunEntry[] }>();
  for (const run of runs) {
    const value = cellValue(run, column);
    const key = JSON.stringify(value);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { value, runs: [] }));
    group.runs.push(run);
  }
  return [...groups.values()];
}
