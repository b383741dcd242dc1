// Axes of the runs view's parallel coordinates: every param column that varies across the runs
// (numbers as they are, text as ticks), then the chosen metric's final value.
import type { RunEntry } from '../runs/model';
import { cellValue, type RunColumn } from '../runs/table';

export interface ParcoordsDimension {
  label: string;
  values: number[];
  tickvals?: number[];
  ticktext?: string[];
}

/**
 * A numeric axis; positive values spanning two decades or more (learning rates, weight decay) on a
 * log axis — Plotly's parcoords has none, so the values are log10 and the ticks say the real
 * numbers — else linear, where 0.001 and 0.003 would sit on top of each other next to 0.1.
 */
export function numericDimension(label: string, values: number[]): ParcoordsDimension {
  const finite = values.filter((value) => Number.isFinite(value));
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (!finite.length || min <= 0 || max / min < 100) return { label, values };
  const decades: number[] = [];
  for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) decades.push(exponent);
  return {
    label: `${label} (log)`,
    values: values.map((value) => (Number.isFinite(value) && value > 0 ? Math.log10(value) : Number.NaN)),
    tickvals: decades,
    ticktext: decades.map((exponent) => (exponent >= -4 && exponent <= 4 ? String(10 ** exponent) : `1e${exponent}`)),
  };
}

export function parallelDimensions(runs: readonly RunEntry[], columns: readonly RunColumn[], metric: string): { dimensions: ParcoordsDimension[]; color: number[] } {
  const dimensions: ParcoordsDimension[] = [];
  for (const column of columns.filter((candidate) => candidate.kind === 'param')) {
    const values = runs.map((run) => cellValue(run, column));
    const distinct = [...new Set(values.map((value) => (value === null ? '—' : String(value))))];
    if (distinct.length < 2) continue;
    if (column.numeric) dimensions.push(numericDimension(column.label, values.map((value) => (typeof value === 'number' ? value : Number.NaN))));
    else {
      const ticks = distinct.sort();
      dimensions.push({ label: column.label, values: values.map((value) => ticks.indexOf(value === null ? '—' : String(value))), tickvals: ticks.map((_, index) => index), ticktext: ticks });
    }
  }
  const color = runs.map((run) => run.metrics[metric]?.last ?? Number.NaN);
  dimensions.push({ label: `${metric} (final)`, values: color });
  return { dimensions, color };
}
