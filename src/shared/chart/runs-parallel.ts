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

export function parallelDimensions(runs: readonly RunEntry[], columns: readonly RunColumn[], metric: string): { dimensions: ParcoordsDimension[]; color: number[] } {
  const dimensions: ParcoordsDimension[] = [];
  for (const column of columns.filter((candidate) => candidate.kind === 'param')) {
    const values = runs.map((run) => cellValue(run, column));
    const distinct = [...new Set(values.map((value) => (value === null ? '—' : String(value))))];
    if (distinct.length < 2) continue;
    if (column.numeric) dimensions.push({ label: column.label, values: values.map((value) => (typeof value === 'number' ? value : Number.NaN)) });
    else {
      const ticks = distinct.sort();
      dimensions.push({ label: column.label, values: values.map((value) => ticks.indexOf(value === null ? '—' : String(value))), tickvals: ticks.map((_, index) => index), ticktext: ticks });
    }
  }
  const color = runs.map((run) => run.metrics[metric]?.last ?? Number.NaN);
  dimensions.push({ label: `${metric} (final)`, values: color });
  return { dimensions, color };
}
