// What every sweep view shows (issue 9): the app's SweepView, the HTML report and `--json` all
// read a run's sweep artifacts through these pure functions, so the three agree. The kernel
// publishes a whole snapshot after each finished trial; the last artifact per sweep name wins.
// Plotly figures are built here as plain data (no Plotly import), drawn by the component and by
// the report's inline script alike.
import { z } from 'zod';
import type { RunRecord } from '../notebook/model';
import type { SweepSettings, SweepState, TrialRecord } from './scheduler';
import { ParamSpecSchema, refineSpace, type ParamSpec, type Params, type ParamValue, type SearchSpace } from './space';
import type { CommonFinding } from './summary';

// ───────────────────────────── reading artifacts ─────────────────────────────

// JSON (a saved .lossbook, a JSON IPC hop) turns NaN and Infinity into null; in memory they stay
// numbers (z.number() would refuse them): accept both.
const MetricValueSchema = z.union([z.custom<number>((value) => typeof value === 'number'), z.null()]);
const ParamValueSchema = z.union([z.number(), z.string(), z.boolean()]);
const SeveritySchema = z.enum(['error', 'warning', 'info']);

const TrialSchema = z.object({
  id: z.number(),
  params: z.record(z.string(), ParamValueSchema),
  status: z.enum(['running', 'completed', 'pruned', 'failed']),
  history: z.array(z.object({ epoch: z.number(), metrics: z.record(z.string(), MetricValueSchema) })),
  best: MetricValueSchema.optional(),
  final: MetricValueSchema.optional(),
  prunedAt: z.number().nullable().optional(),
  reason: z.string().nullable().optional(),
  findings: z.array(z.object({ id: z.string(), severity: SeveritySchema })).optional(),
  durationMs: z.number().nullable().optional(),
  where: z.string().optional(),
  task: z.string().optional(),
  attempts: z.number().optional(),
});

const SweepArtifactSchema = z.object({
  name: z.string(),
  state: z.object({
    settings: z.looseObject({
      space: z.record(z.string(), ParamSpecSchema),
      trials: z.number(),
      strategy: z.enum(['random', 'grid', 'halving']),
      metric: z.string(),
      goal: z.enum(['min', 'max']),
    }),
    trials: z.array(TrialSchema),
    draws: z.number().optional(),
  }),
  summary: z.looseObject({
    commonFindings: z.array(
      z.object({
        id: z.string(),
        severity: SeveritySchema,
        trials: z.array(z.number()),
        share: z.number(),
        association: z.object({ param: z.string(), direction: z.enum(['high', 'low']), threshold: z.number(), text: z.string() }).nullable().optional(),
      }),
    ),
  }),
});

/** One sweep as the kernel published it last: its state and the summary of that state. */
export interface SweepArtifact {
  name: string;
  state: SweepState;
  commonFindings: CommonFinding[];
}

const toNumber = (value: number | null | undefined): number | undefined => (value === null || value === undefined ? undefined : value);

function normalizeArtifact(data: z.infer<typeof SweepArtifactSchema>): SweepArtifact {
  const settings = data.state.settings as unknown as SweepSettings;
  const trials: TrialRecord[] = data.state.trials.map((trial) => ({
    id: trial.id,
    params: trial.params,
    status: trial.status,
    history: trial.history.map((entry) => ({ epoch: entry.epoch, metrics: Object.fromEntries(Object.entries(entry.metrics).map(([key, value]) => [key, value ?? Number.NaN])) })),
    best: toNumber(trial.best),
    // A final value that JSON turned into null was not finite (the trial diverged).
    final: trial.final === null ? Number.NaN : trial.final,
    prunedAt: toNumber(trial.prunedAt),
    reason: trial.reason ?? undefined,
    findings: trial.findings ?? [],
    durationMs: toNumber(trial.durationMs),
    ...(trial.where !== undefined ? { where: trial.where } : {}),
    ...(trial.task !== undefined ? { task: trial.task } : {}),
    ...(trial.attempts !== undefined ? { attempts: trial.attempts } : {}),
  }));
  const commonFindings = data.summary.commonFindings.map((finding) => ({ ...finding, association: finding.association ?? undefined }));
  return { name: data.name, state: { settings, trials, draws: data.state.draws ?? 0 }, commonFindings };
}

/** The latest artifact of each sweep in the run, in the order the sweeps started. Malformed ones are skipped. */
export function latestSweepArtifacts(run: Pick<RunRecord, 'artifacts'>): SweepArtifact[] {
  // A sweep publishes a whole snapshot per trial: validate only the newest readable one per name
  // (views re-read on every event), walking back from the end.
  const order = new Map<string, number>();
  run.artifacts.forEach((artifact, index) => {
    const name = artifact.kind === 'sweep' ? (artifact.data as { name?: unknown } | null)?.name : undefined;
    if (typeof name === 'string' && !order.has(name)) order.set(name, index);
  });
  const latest = new Map<string, SweepArtifact>();
  for (let index = run.artifacts.length - 1; index >= 0; index--) {
    const artifact = run.artifacts[index]!;
    if (artifact.kind !== 'sweep') continue;
    const name = (artifact.data as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || latest.has(name)) continue;
    const parsed = SweepArtifactSchema.safeParse(artifact.data);
    if (parsed.success) latest.set(name, normalizeArtifact(parsed.data));
  }
  // In the order the sweeps started.
  return [...latest.values()].sort((a, b) => order.get(a.name)! - order.get(b.name)!);
}

// ───────────────────────────── numbers ─────────────────────────────

/** Short, readable numbers: 0.00123, 3.2e-5, 128, 0.5. */
export function formatValue(value: ParamValue | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e5) return String(Number(value.toPrecision(4)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

export function formatDurationShort(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A positive series spanning two decades or more reads better on a log axis. */
function wantsLog(values: number[]): boolean {
  const finite = values.filter(isFiniteNumber);
  if (finite.length < 2) return false;
  const low = Math.min(...finite);
  return low > 0 && Math.max(...finite) / low >= 100;
}

/**
 * Ticks for an axis drawn in log10 units (Plotly's parcoords has no log axis): whole decades
 * when the range holds two or more, else the ends and the middle, labelled in real units.
 */
export function logTicks(lowLog: number, highLog: number): { tickvals: number[]; ticktext: string[] } {
  const first = Math.ceil(lowLog - 1e-9);
  const last = Math.floor(highLog + 1e-9);
  // At most about seven labels: an exploding trial can stretch a metric axis over 15 decades.
  const step = Math.max(1, Math.ceil((last - first + 1) / 7));
  const decades: number[] = [];
  for (let exponent = first; exponent <= last; exponent += step) decades.push(exponent);
  const tickvals = decades.length >= 2 ? decades : [...new Set([lowLog, (lowLog + highLog) / 2, highLog])];
  return { tickvals, ticktext: tickvals.map((tick) => tickLabel(Number((10 ** tick).toPrecision(2)))) };
}

/** Axis labels: plain numbers in the everyday range, 1e5 / 1e-6 outside it. */
function tickLabel(value: number): string {
  const size = Math.abs(value);
  return size >= 1e4 || (size > 0 && size < 1e-3) ? value.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e') : formatValue(value);
}

// ───────────────────────────── trials table ─────────────────────────────

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

function columnsFor(state: SweepState): TableColumn[] {
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

function rowsFor(state: SweepState): TrialRow[] {
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

// ───────────────────────────── learning curves ─────────────────────────────

export interface TrialCurve {
  trialId: number;
  label: string;
  status: TrialRecord['status'];
  isBest: boolean;
  /** 0 = the best trial's best value, 1 = the worst finite one; undefined without a finite metric. */
  quality?: number;
  epochs: number[];
  /** null where the value was not finite (NaN, Infinity) or not reported that epoch. */
  values: Array<number | null>;
}

export interface LearningCurves {
  metric: string;
  yLog: boolean;
  curves: TrialCurve[];
}

/** Metric names the trials reported per epoch; the sweep's own metric first. */
export function curveMetrics(state: SweepState): string[] {
  const names = new Set<string>([state.settings.metric]);
  for (const trial of state.trials) for (const entry of trial.history) for (const name of Object.keys(entry.metrics)) names.add(name);
  return [...names];
}

/** Where a value sits between the best and worst finite bests (log-aware), 0 = best. */
function qualityScale(state: SweepState): (value: number | undefined) => number | undefined {
  const bests = state.trials.map((trial) => trial.best).filter(isFiniteNumber);
  const log = wantsLog(bests);
  const map = (value: number) => (log ? Math.log10(value) : value);
  const mapped = bests.map(map);
  const low = Math.min(...mapped);
  const high = Math.max(...mapped);
  return (value) => {
    if (!isFiniteNumber(value) || bests.length === 0) return undefined;
    const position = high > low ? (map(value) - low) / (high - low) : 0;
    return state.settings.goal === 'min' ? position : 1 - position;
  };
}

export function learningCurves(state: SweepState, metric = state.settings.metric): LearningCurves {
  const bestId = rankTrials(state).find((trial) => isFiniteNumber(trial.best))?.id;
  const quality = qualityScale(state);
  const curves = state.trials
    .filter((trial) => trial.history.some((entry) => entry.metrics[metric] !== undefined))
    .map((trial) => {
      const points = trial.history.filter((entry) => entry.metrics[metric] !== undefined);
      const q = quality(trial.best);
      return {
        trialId: trial.id,
        label: `trial ${trial.id}`,
        status: trial.status,
        isBest: trial.id === bestId,
        ...(q !== undefined ? { quality: q } : {}),
        epochs: points.map((entry) => entry.epoch),
        values: points.map((entry) => (isFiniteNumber(entry.metrics[metric]) ? entry.metrics[metric]! : null)),
      };
    });
  return { metric, yLog: wantsLog(curves.flatMap((curve) => curve.values.filter(isFiniteNumber))), curves };
}

// ───────────────────────────── parallel coordinates ─────────────────────────────

export interface ParallelDimension {
  label: string;
  /** Drawn values: log10 of the real value on log axes, the choice's index on categorical ones. */
  values: number[];
  range: [number, number];
  tickvals?: number[];
  ticktext?: string[];
  log: boolean;
}

export interface ParallelCoordinates {
  dimensions: ParallelDimension[];
  /** The metric's drawn values (last dimension), which colour the lines. */
  color: number[];
  colorRange: [number, number];
  /** Colour ticks in real units when the metric axis is log-scaled. */
  colorTicks?: { tickvals: number[]; ticktext: string[] };
  /** Colour scale runs low → high; for goal 'max' the scale is reversed so "good" has one colour. */
  reverseScale: boolean;
  trialIds: number[];
  /** Finished trials left out because they have no finite metric (diverged or failed). */
  omitted: number[];
}

function padRange(low: number, high: number): [number, number] {
  if (high > low) return [low, high];
  const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
  return [low - pad, high + pad];
}

function paramDimension(name: string, spec: ParamSpec, values: ParamValue[]): ParallelDimension {
  if (spec.kind === 'choice') {
    const indices = values.map((value) => spec.values.findIndex((choice) => choice === value));
    return { label: name, values: indices, range: padRange(0, spec.values.length - 1), tickvals: spec.values.map((_, index) => index), ticktext: spec.values.map((value) => formatValue(value)), log: false };
  }
  const numbers = values.map((value) => (typeof value === 'number' ? value : Number.NaN));
  if (spec.kind === 'logUniform') {
    const range = padRange(Math.log10(spec.low), Math.log10(spec.high));
    return { label: `${name} (log)`, values: numbers.map((value) => Math.log10(value)), range, ...logTicks(range[0], range[1]), log: true };
  }
  return { label: name, values: numbers, range: padRange(spec.low, spec.high), log: false };
}

export function parallelCoordinates(state: SweepState): ParallelCoordinates | undefined {
  const finished = state.trials.filter((trial) => trial.status !== 'running');
  const drawn = finished.filter((trial) => isFiniteNumber(trial.best));
  if (drawn.length === 0) return undefined;
  const dimensions = Object.entries(state.settings.space).map(([name, spec]) => paramDimension(name, spec, drawn.map((trial) => trial.params[name]!)));
  const bests = drawn.map((trial) => trial.best!);
  const log = wantsLog(bests);
  const values = log ? bests.map((value) => Math.log10(value)) : bests;
  const range = padRange(Math.min(...values), Math.max(...values));
  const ticks = log ? logTicks(range[0], range[1]) : undefined;
  dimensions.push({ label: `best ${state.settings.metric}${log ? ' (log)' : ''}`, values, range, ...(ticks ?? {}), log });
  return {
    dimensions,
    color: values,
    colorRange: range,
    ...(ticks ? { colorTicks: ticks } : {}),
    reverseScale: state.settings.goal === 'max',
    trialIds: drawn.map((trial) => trial.id),
    omitted: finished.filter((trial) => !isFiniteNumber(trial.best)).map((trial) => trial.id),
  };
}

// ───────────────────────────── metric vs learning rate ─────────────────────────────

export interface ScatterPoint {
  trialId: number;
  x: number;
  y: number;
  status: TrialRecord['status'];
  label: string;
}

export interface MetricScatter {
  param: string;
  xLog: boolean;
  metric: string;
  yLog: boolean;
  points: ScatterPoint[];
  /** Trials with no finite metric, drawn at `ceiling` so a diverging region stays visible. */
  noFinite: ScatterPoint[];
  ceiling?: number;
  /** The searched range of the parameter (padded a little), in real units. */
  xRange?: [number, number];
}

/** The learning rate if the space names one, else the first log-scaled, else the first numeric parameter. */
export function scatterParam(space: SearchSpace): string | undefined {
  const entries = Object.entries(space);
  return (
    entries.find(([name, spec]) => /^(lr|learning[_-]?rate)$/i.test(name) && spec.kind !== 'choice')?.[0] ??
    entries.find(([, spec]) => spec.kind === 'logUniform')?.[0] ??
    entries.find(([, spec]) => spec.kind !== 'choice')?.[0]
  );
}

function trialLabel(trial: TrialRecord, metric: string): string {
  const params = Object.entries(trial.params)
    .map(([name, value]) => `${name} ${formatValue(value)}`)
    .join(' · ');
  const outcome = trial.status === 'pruned' ? ` (pruned at epoch ${trial.prunedAt ?? '?'})` : trial.status === 'failed' ? ' (failed)' : '';
  return `trial ${trial.id}: ${params} → ${metric} ${isFiniteNumber(trial.best) ? formatValue(trial.best) : 'not finite'}${outcome}`;
}

export function metricScatter(state: SweepState, param = scatterParam(state.settings.space)): MetricScatter | undefined {
  if (param === undefined) return undefined;
  const spec = state.settings.space[param];
  const metric = state.settings.metric;
  const finished = state.trials.filter((trial) => trial.status !== 'running' && isFiniteNumber(trial.params[param]));
  const toPoint = (trial: TrialRecord, y: number): ScatterPoint => ({ trialId: trial.id, x: trial.params[param] as number, y, status: trial.status, label: trialLabel(trial, metric) });
  const points = finished.filter((trial) => isFiniteNumber(trial.best)).map((trial) => toPoint(trial, trial.best!));
  const yLog = wantsLog(points.map((point) => point.y));
  const ys = points.map((point) => point.y);
  const ceiling = ys.length ? (yLog ? Math.max(...ys) * 2 : Math.max(...ys) + Math.max(0.1 * (Math.max(...ys) - Math.min(...ys)), Math.abs(Math.max(...ys)) * 0.05 || 1)) : 1;
  const noFinite = finished.filter((trial) => !isFiniteNumber(trial.best)).map((trial) => toPoint(trial, ceiling));
  if (points.length === 0 && noFinite.length === 0) return undefined;
  const xLog = spec?.kind === 'logUniform' || wantsLog(finished.map((trial) => trial.params[param] as number));
  let xRange: [number, number] | undefined;
  if (spec && spec.kind !== 'choice' && spec.high > spec.low) {
    const pad = xLog ? (spec.high / spec.low) ** 0.04 : (spec.high - spec.low) * 0.04;
    xRange = xLog ? [spec.low / pad, spec.high * pad] : [spec.low - pad, spec.high + pad];
  }
  return { param, xLog, metric, yLog, points, noFinite, ...(noFinite.length ? { ceiling } : {}), ...(xRange ? { xRange } : {}) };
}

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

// ───────────────────────────── refine (coarse → fine) ─────────────────────────────

export interface RefineProposal {
  /** Trials the narrower space is built around, best first. */
  basedOn: number[];
  space: SearchSpace;
  /** What changed, per parameter: "1e-5 … 0.1 → 0.0005 … 0.008". */
  changes: Array<{ param: string; from: string; to: string }>;
  /** Ready to paste into a lossbook.sweep({...}) call: `space: { lr: lossbook.sweep.logUniform(…), … },` */
  snippet: string;
  /** A runnable cell defining `refinedSpace`, for "insert as a cell". */
  cellCode: string;
}

/** A number literal with 3 significant digits, rounded outward so the written range still covers the refined one. */
function codeNumber(value: number, direction: 'down' | 'up'): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  let rounded = Number(value.toPrecision(3));
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2);
  if (direction === 'down' && rounded > value) rounded = Number((rounded - unit).toPrecision(3));
  if (direction === 'up' && rounded < value) rounded = Number((rounded + unit).toPrecision(3));
  return String(rounded);
}

function specCode(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'choice':
      return `lossbook.sweep.choice([${spec.values.map((value) => JSON.stringify(value)).join(', ')}])`;
    case 'intUniform':
      return `lossbook.sweep.intUniform(${spec.low}, ${spec.high})`;
    default: {
      const low = codeNumber(spec.low, 'down');
      const high = codeNumber(spec.high, 'up');
      // Rounding down can reach 0 or cross high on tiny spans; keep the literal valid for its kind.
      const safeLow = spec.kind === 'logUniform' && !(Number(low) > 0) ? String(spec.low) : low;
      return `lossbook.sweep.${spec.kind}(${safeLow}, ${Number(high) >= Number(safeLow) ? high : String(spec.high)})`;
    }
  }
}

function specRange(spec: ParamSpec): string {
  return spec.kind === 'choice' ? spec.values.map((value) => formatValue(value)).join(', ') : `${formatValue(spec.low)} … ${formatValue(spec.high)}`;
}

const propertyName = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

export function refineProposal(state: SweepState, top = 3, margin = 2): RefineProposal | undefined {
  // The same trials SweepResult.refine() uses: finished, not failed, with a finite metric.
  const best = rankTrials(state)
    .filter((trial) => trial.status !== 'failed' && isFiniteNumber(trial.best))
    .slice(0, top);
  if (best.length === 0) return undefined;
  const space = refineSpace(state.settings.space, best.map((trial) => trial.params), margin);
  const lines = Object.entries(space).map(([name, spec]) => `  ${propertyName(name)}: ${specCode(spec)},`);
  const snippet = `space: {\n${lines.join('\n')}\n},`;
  const ids = best.map((trial) => trial.id).join(', ');
  const cellCode = [
    `// Coarse → fine (seed 001): a narrower space around the best ${best.length} trial${best.length > 1 ? 's' : ''} (${ids}) of this sweep.`,
    `// Run the sweep again with it: lossbook.sweep({ ...yourOptions, space: refinedSpace })`,
    `const refinedSpace = {\n${lines.join('\n')}\n};`,
  ].join('\n');
  const changes = Object.entries(space).map(([param, spec]) => ({ param, from: specRange(state.settings.space[param]!), to: specRange(spec) }));
  return { basedOn: best.map((trial) => trial.id), space, changes, snippet, cellCode };
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

// ───────────────────────────── Plotly figures (plain data) ─────────────────────────────

export interface SweepPalette {
  text: string;
  muted: string;
  grid: string;
  background: string;
  font: string;
  /** The failed/diverged colour. */
  error: string;
  best: string;
}

/** Good → bad: blue, cyan, green, amber; red stays the colour of failures. Reads on light and dark. */
export const QUALITY_SCALE: Array<[number, string]> = [
  [0, '#1d4ed8'],
  [0.33, '#0891b2'],
  [0.66, '#65a30d'],
  [1, '#ca8a04'],
];

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** The colour of `position` (0…1) on QUALITY_SCALE. */
export function qualityColor(position: number): string {
  const clamped = Math.min(1, Math.max(0, position));
  const upper = QUALITY_SCALE.findIndex(([stop]) => stop >= clamped);
  const [highStop, highColor] = QUALITY_SCALE[Math.max(upper, 1)]!;
  const [lowStop, lowColor] = QUALITY_SCALE[Math.max(upper, 1) - 1]!;
  const t = highStop > lowStop ? (clamped - lowStop) / (highStop - lowStop) : 0;
  const [r1, g1, b1] = hexToRgb(lowColor);
  const [r2, g2, b2] = hexToRgb(highColor);
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(r1, r2)}, ${mix(g1, g2)}, ${mix(b1, b2)})`;
}

export interface PlotlyFigure {
  kind: 'curves' | 'parallel' | 'scatter';
  title: string;
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
  /** Drawn instead where Plotly shows its "WebGL is not supported" notice (parcoords needs WebGL). */
  fallback?: { data: Array<Record<string, unknown>>; layout: Record<string, unknown> };
}

function baseLayout(palette: SweepPalette, title: string, height: number): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 13, color: palette.text }, x: 0.01, xanchor: 'left' },
    height,
    paper_bgcolor: palette.background,
    plot_bgcolor: palette.background,
    font: { family: palette.font, size: 11, color: palette.muted },
    hoverlabel: { namelength: -1 },
  };
}

export function curvesFigure(curves: LearningCurves, palette: SweepPalette): PlotlyFigure {
  // The best trial is drawn last (on top) and thicker; the rest are coloured by how good they got.
  const ordered = [...curves.curves].sort((a, b) => Number(a.isBest) - Number(b.isBest));
  const data = ordered.map((curve) => ({
    type: 'scatter',
    mode: curve.epochs.length > 1 ? 'lines+markers' : 'markers',
    name: `${curve.label}${curve.isBest ? ' (best)' : ''}`,
    x: curve.epochs,
    y: curve.values,
    connectgaps: false,
    line: { width: curve.isBest ? 3 : 1.4, color: curve.isBest ? palette.best : curve.quality === undefined ? palette.error : qualityColor(curve.quality), dash: curve.status === 'pruned' ? 'dot' : 'solid' },
    marker: { size: curve.isBest ? 6 : 4 },
    opacity: curve.isBest ? 1 : 0.75,
    hovertemplate: `${curve.label}<br>epoch %{x}<br>${curves.metric} %{y:.4g}<extra></extra>`,
  }));
  return {
    kind: 'curves',
    title: `${curves.metric} per epoch, every trial`,
    data,
    layout: {
      ...baseLayout(palette, `${curves.metric} per epoch, every trial`, 300),
      margin: { l: 55, r: 15, t: 34, b: 40 },
      showlegend: curves.curves.length <= 12,
      legend: { font: { size: 10 } },
      xaxis: { title: { text: 'epoch', standoff: 4 }, gridcolor: palette.grid, zeroline: false, dtick: maxEpoch(curves) <= 12 ? 1 : undefined },
      yaxis: { type: curves.yLog ? 'log' : 'linear', gridcolor: palette.grid, zeroline: false, exponentformat: 'power' },
      hovermode: 'closest',
    },
  };
}

function maxEpoch(curves: LearningCurves): number {
  return curves.curves.reduce((most, curve) => Math.max(most, ...curve.epochs), 0);
}

export function parallelFigure(parallel: ParallelCoordinates, metric: string, palette: SweepPalette): PlotlyFigure {
  const colorbarTitle = `best ${metric}`;
  return {
    kind: 'parallel',
    title: `Parameters → ${metric}`,
    data: [
      {
        type: 'parcoords',
        line: {
          color: parallel.color,
          cmin: parallel.colorRange[0],
          cmax: parallel.colorRange[1],
          colorscale: QUALITY_SCALE,
          reversescale: parallel.reverseScale,
          showscale: true,
          colorbar: { title: { text: colorbarTitle, side: 'right' }, thickness: 12, len: 0.9, ...(parallel.colorTicks ?? {}) },
        },
        labelfont: { size: 12, color: palette.text },
        tickfont: { size: 10, color: palette.muted },
        rangefont: { size: 9, color: palette.muted },
        dimensions: parallel.dimensions.map((dimension) => ({
          label: dimension.label,
          values: dimension.values,
          range: dimension.range,
          ...(dimension.tickvals ? { tickvals: dimension.tickvals, ticktext: dimension.ticktext } : {}),
        })),
      },
    ],
    layout: (() => {
      const layout = baseLayout(palette, `Parameters → ${metric} (drag along an axis to filter)`, 340);
      // The axis labels sit above the axes: the title goes to the very top, clear of them.
      return { ...layout, title: { ...(layout.title as object), yref: 'container', y: 0.98, yanchor: 'top' }, margin: { l: 60, r: 80, t: 84, b: 24 } };
    })(),
    fallback: parallelLinesFigure(parallel, metric, palette),
  };
}

/**
 * The same parallel coordinates as SVG lines (no WebGL): each axis scaled to 0…1 from its
 * range, tick labels in real units written beside the axis, lines coloured by the metric.
 */
export function parallelLinesFigure(parallel: ParallelCoordinates, metric: string, palette: SweepPalette): { data: Array<Record<string, unknown>>; layout: Record<string, unknown> } {
  const { dimensions } = parallel;
  const scale = (dimension: ParallelDimension, value: number) => (value - dimension.range[0]) / (dimension.range[1] - dimension.range[0]);
  const [colorLow, colorHigh] = parallel.colorRange;
  const data = parallel.trialIds.map((trialId, index) => {
    const position = colorHigh > colorLow ? (parallel.color[index]! - colorLow) / (colorHigh - colorLow) : 0;
    return {
      type: 'scatter',
      mode: 'lines',
      name: `trial ${trialId}`,
      x: dimensions.map((_, axis) => axis),
      y: dimensions.map((dimension) => scale(dimension, dimension.values[index]!)),
      line: { width: 1.6, color: qualityColor(parallel.reverseScale ? 1 - position : position) },
      hovertemplate: `trial ${trialId}<extra></extra>`,
    };
  });
  const ticks = dimensions.flatMap((dimension, axis) => {
    const tickvals = dimension.tickvals ?? [dimension.range[0], (dimension.range[0] + dimension.range[1]) / 2, dimension.range[1]];
    const ticktext = dimension.ticktext ?? tickvals.map((value) => formatValue(Number(value.toPrecision(3))));
    return tickvals.map((value, tick) => ({ x: axis, y: scale(dimension, value), text: ticktext[tick] ?? '', xanchor: 'right', xshift: -3, showarrow: false, bgcolor: palette.background, font: { size: 9, color: palette.muted } }));
  });
  const labels = dimensions.map((dimension, axis) => ({ x: axis, y: 1.04, yanchor: 'bottom', text: dimension.label, showarrow: false, font: { size: 11, color: palette.text } }));
  const axes = dimensions.map((_, axis) => ({ type: 'line', x0: axis, x1: axis, y0: 0, y1: 1, line: { color: palette.muted, width: 1 } }));
  return {
    data,
    layout: {
      ...baseLayout(palette, `Parameters → ${metric} (blue: best, amber: worst)`, 320),
      margin: { l: 60, r: 30, t: 60, b: 20 },
      showlegend: false,
      hovermode: 'closest',
      xaxis: { visible: false, range: [-0.35, dimensions.length - 0.8] },
      yaxis: { visible: false, range: [-0.04, 1.12] },
      shapes: axes,
      annotations: [...ticks, ...labels],
    },
  };
}

export function scatterFigure(scatter: MetricScatter, palette: SweepPalette): PlotlyFigure {
  const statusSymbol: Record<string, string> = { completed: 'circle', pruned: 'circle-open', failed: 'x', running: 'diamond' };
  const groups: Array<[string, ScatterPoint[]]> = [
    ['completed', scatter.points.filter((point) => point.status === 'completed')],
    ['stopped early', scatter.points.filter((point) => point.status === 'pruned')],
    ['failed', scatter.points.filter((point) => point.status === 'failed')],
  ];
  const data: Array<Record<string, unknown>> = groups
    .filter(([, points]) => points.length > 0)
    .map(([name, points]) => ({
      type: 'scatter',
      mode: 'markers',
      name,
      x: points.map((point) => point.x),
      y: points.map((point) => point.y),
      text: points.map((point) => point.label),
      hovertemplate: '%{text}<extra></extra>',
      marker: { size: 9, color: palette.best, symbol: statusSymbol[points[0]!.status] ?? 'circle', line: { width: 1.5, color: palette.best } },
    }));
  if (scatter.noFinite.length) {
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `no finite ${scatter.metric}`,
      x: scatter.noFinite.map((point) => point.x),
      y: scatter.noFinite.map((point) => point.y),
      text: scatter.noFinite.map((point) => point.label),
      hovertemplate: '%{text}<extra></extra>',
      marker: { size: 10, color: palette.error, symbol: 'x-thin', line: { width: 2, color: palette.error } },
    });
  }
  const title = `best ${scatter.metric} vs ${scatter.param}`;
  return {
    kind: 'scatter',
    title,
    data,
    layout: {
      ...baseLayout(palette, title, 300),
      margin: { l: 55, r: 15, t: 34, b: 44 },
      showlegend: data.length > 1,
      legend: { orientation: 'h', y: -0.2, yanchor: 'top', font: { size: 10 } },
      xaxis: {
        title: { text: `${scatter.param}${scatter.xLog ? ' (log)' : ''}`, standoff: 4 },
        type: scatter.xLog ? 'log' : 'linear',
        // The whole searched range, so the plot shows where in the space the good trials sit.
        ...(scatter.xRange ? { range: scatter.xLog ? scatter.xRange.map((value) => Math.log10(value)) : scatter.xRange } : {}),
        gridcolor: palette.grid,
        zeroline: false,
        exponentformat: 'power',
      },
      yaxis: { title: { text: `best ${scatter.metric}`, standoff: 4 }, type: scatter.yLog ? 'log' : 'linear', gridcolor: palette.grid, zeroline: false, exponentformat: 'power' },
      hovermode: 'closest',
    },
  };
}

/** The figures of one sweep, in the order the views show them. */
export function sweepFigures(view: SweepView, palette: SweepPalette, curves: LearningCurves = view.curves): PlotlyFigure[] {
  const figures: PlotlyFigure[] = [];
  if (curves.curves.length) figures.push(curvesFigure(curves, palette));
  if (view.scatter) figures.push(scatterFigure(view.scatter, palette));
  if (view.parallel) figures.push(parallelFigure(view.parallel, view.metric, palette));
  return figures;
}
