// The runs view's overlay: one curve per selected run, as inputs to the cell charts' buildTraces
// (so the same decimation and smoothing apply). Shared with bench/runs.bench.ts.
import type { RunEntry, StoredSeries } from '../runs/model';
import type { ChartSeriesInput } from './live-chart';

/** Twenty distinguishable colours (the overlay's limit), readable on light and dark. */
export const OVERLAY_COLORS = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777', '#4f46e5', '#65a30d', '#0d9488', '#c2410c', '#7c3aed', '#059669', '#e11d48', '#0284c7', '#a16207', '#be185d', '#475569', '#84cc16'];

export function overlayInputs(series: readonly StoredSeries[], runs: readonly RunEntry[]): ChartSeriesInput[] {
  const byId = new Map(runs.map((run) => [run.id, run]));
  return series.map((entry, index) => {
    const run = byId.get(entry.runId);
    const lr = run?.params.learningRate;
    return {
      name: entry.runId,
      label: `#${run?.number ?? '?'}${typeof lr === 'number' ? ` lr=${lr}` : ''}`,
      color: OVERLAY_COLORS[index % OVERLAY_COLORS.length]!,
      series: { name: entry.name, steps: entry.steps, values: entry.values, epochs: [] },
      previous: undefined,
    };
  });
}
