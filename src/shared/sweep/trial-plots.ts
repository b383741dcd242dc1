// The data behind a sweep's plots: learning curves per trial, parallel coordinates over the
// parameters, and the metric against the learning rate (or the parameter that stands for it).
import type { SweepState, TrialRecord } from './scheduler';
import type { ParamSpec, ParamValue, SearchSpace } from './space';
import { formatValue, isFiniteNumber, logTicks, wantsLog } from './format';
import { rankTrials } from './trials-table';

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

