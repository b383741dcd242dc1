// The app's live training chart (MetricChart.vue) as plain Plotly data: raw RunRecord series
// become traces decimated min/max (one bucket per pixel) so a million-point series draws as a
// few thousand points, smoothed with the debiased EMA, the raw curve faint behind, the previous
// run dashed for comparison. The report's charts are built beside it (report-chart.ts) from
// the same markers and decimation. The chart benchmark (bench/chart.bench.ts) runs this exact path.
import { MinMaxBlockIndex } from '../series/decimate';
import { IncrementalEma } from '../series/ema';
import type { Series } from '../notebook/model';
import { markerLine } from './markers';

export type XMode = 'step' | 'epoch';

export interface ChartSeriesInput {
  name: string;
  label: string;
  color: string;
  series: Series | undefined;
  previous: Series | undefined;
}

export interface BuildTracesOptions {
  xMode: XMode;
  smoothing: number;
  /** Steps per epoch, where known (for the epoch axis). */
  batchesPerEpoch?: number;
  previousBatchesPerEpoch?: number;
  /** Visible step range (zoom); undefined draws everything. */
  stepRange?: [number, number];
  /** Pixels across: one decimation bucket per pixel. */
  width: number;
}

const emaCaches = new WeakMap<object, IncrementalEma>();
function smoothedValues(series: Series, smoothing: number): Array<number | null> {
  let cache = emaCaches.get(series.values);
  if (!cache) {
    cache = new IncrementalEma();
    emaCaches.set(series.values, cache);
  }
  return cache.compute(series.values, smoothing);
}

/** Step → x on the chosen axis. Epoch x is fractional: step / batches per epoch, or the recorded epoch. */
export function xTransform(series: Series, xMode: XMode, batchesPerEpoch: number | undefined): (step: number) => number {
  if (xMode === 'step') return (step) => step;
  if (batchesPerEpoch && batchesPerEpoch > 0) return (step) => step / batchesPerEpoch;
  if (series.epochs.length === series.steps.length && series.epochs.length > 0) {
    return (step) => {
      let low = 0;
      let high = series.steps.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (series.steps[mid]! < step) low = mid + 1;
        else high = mid;
      }
      return series.epochs[low]!;
    };
  }
  return (step) => step;
}

const blockIndexes = new WeakMap<object, MinMaxBlockIndex>();
function blockIndexFor(values: ArrayLike<number | null>): MinMaxBlockIndex {
  let index = blockIndexes.get(values);
  if (!index) {
    index = new MinMaxBlockIndex();
    blockIndexes.set(values, index);
  }
  return index;
}

/**
 * Buckets per pixel: each bucket draws up to four points (first, min, max, last), so one bucket
 * per two pixels already draws every spike; the faint raw curve behind the smoothed one gets
 * half of that. Plotly's cost grows with the points drawn, not with the series (bench/chart).
 */
const PIXELS_PER_BUCKET = 2;
const RAW_PIXELS_PER_BUCKET = 4;

function line(series: Series, values: ArrayLike<number | null>, options: BuildTracesOptions, batchesPerEpoch: number | undefined, pixelsPerBucket = PIXELS_PER_BUCKET) {
  const decimated = blockIndexFor(values).decimate(series.steps, values, {
    buckets: Math.max(50, Math.round(options.width / pixelsPerBucket)),
    xMin: options.stepRange?.[0],
    xMax: options.stepRange?.[1],
  });
  const transform = xTransform(series, options.xMode, batchesPerEpoch);
  return { x: options.xMode === 'step' ? decimated.x : decimated.x.map(transform), y: decimated.y };
}

export function buildTraces(inputs: ChartSeriesInput[], options: BuildTracesOptions): unknown[] {
  const traces: unknown[] = [];
  const smoothing = options.smoothing;
  for (const input of inputs) {
    if (input.previous && input.previous.steps.length) {
      const values = smoothing > 0 ? smoothedValues(input.previous, smoothing) : input.previous.values;
      traces.push({
        type: 'scatter',
        mode: input.previous.steps.length === 1 ? 'markers' : 'lines',
        name: `${input.label} · previous run`,
        legendgroup: `${input.name}-previous`,
        ...line(input.previous, values, options, options.previousBatchesPerEpoch),
        line: { color: input.color, width: 1.5, dash: 'dash' },
        opacity: 0.45,
        hovertemplate: `%{y:.4g}<extra>${input.label} (previous)</extra>`,
      });
    }
    const series = input.series;
    if (!series || !series.steps.length) continue;
    const single = series.steps.length === 1;
    const sparse = series.steps.length < 60;
    if (smoothing > 0 && !sparse) {
      traces.push({
        type: 'scatter',
        mode: 'lines',
        name: `${input.label} (raw)`,
        legendgroup: input.name,
        showlegend: false,
        ...line(series, series.values, options, options.batchesPerEpoch, RAW_PIXELS_PER_BUCKET),
        line: { color: input.color, width: 1 },
        opacity: 0.22,
        hoverinfo: 'skip',
      });
    }
    const values = smoothing > 0 && !sparse ? smoothedValues(series, smoothing) : series.values;
    traces.push({
      type: 'scatter',
      mode: single || sparse ? 'lines+markers' : 'lines',
      name: input.label,
      legendgroup: input.name,
      ...line(series, values, options, options.batchesPerEpoch),
      line: { color: input.color, width: 2 },
      marker: { color: input.color, size: 5 },
      hovertemplate: `%{y:.4g}<extra>${input.label}</extra>`,
    });
  }
  return traces;
}

export interface ChartColors {
  text: string;
  grid: string;
  font: string;
  hoverBackground: string;
  hoverBorder: string;
}

export interface LayoutOptions {
  height: number;
  logY: boolean;
  colors: ChartColors;
  shapes?: unknown[];
  annotations?: unknown[];
  /** Plotly keeps the user's zoom while this stays the same. */
  uirevision: string;
}

/**
 * The Plotly layout of a metric chart. Title and legend are drawn in HTML by MetricChart, not by
 * Plotly: Plotly re-measures every text it draws on each update (getBoundingClientRect was the
 * top cost in a profile of a live 1M-point chart), fixed margins avoid automargin's second pass, and
 * ticklabeloverflow 'allow' skips measuring every tick label against the plot edge on each draw.
 */
export function buildLayout(options: LayoutOptions): Record<string, unknown> {
  const { colors } = options;
  return {
    height: options.height,
    // The top margin holds Plotly's toolbar, which otherwise covers the tops of the curves.
    margin: { l: 46, r: 10, t: 26, b: 24 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: colors.font, size: 11, color: colors.text },
    showlegend: false,
    hovermode: 'x unified',
    hoverlabel: { bgcolor: colors.hoverBackground, bordercolor: colors.hoverBorder, font: { color: colors.text } },
    xaxis: { gridcolor: colors.grid, zeroline: false, linecolor: colors.grid, ticklen: 3, ticklabeloverflow: 'allow' },
    yaxis: { type: options.logY ? 'log' : 'linear', gridcolor: colors.grid, zeroline: false, linecolor: colors.grid, exponentformat: 'SI', ticklen: 3, ticklabeloverflow: 'allow' },
    shapes: options.shapes ?? [],
    annotations: options.annotations ?? [],
    uirevision: options.uirevision,
  };
}

export const CHART_CONFIG = {
  displaylogo: false,
  responsive: true,
  // Plotly's own PNG button saves a bare 350×200 "newplot.png": the chart's head has PNG, SVG and
  // CSV exports with title, axes and legend instead.
  modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d', 'toggleSpikelines', 'toImage'],
  doubleClick: 'reset',
} as const;

/** Pixels of a downloaded chart image (PNG at twice this). */
export const EXPORT_SIZE = { width: 1000, height: 480 } as const;

/**
 * The layout of a downloaded chart (PNG, SVG): the live layout with what the page draws in HTML
 * put back into the figure — title, legend, axis titles — on an opaque background, so the file
 * reads on its own.
 */
export function exportLayout(live: Record<string, unknown>, options: { title: string; xMode: XMode; logY: boolean; background: string }): Record<string, unknown> {
  const axis = (layout: unknown, title: string) => ({ ...(layout as Record<string, unknown>), title: { text: title } });
  return {
    ...live,
    ...EXPORT_SIZE,
    title: { text: options.title, x: 0.02 },
    showlegend: true,
    legend: { orientation: 'h', y: -0.18 },
    margin: { l: 70, r: 20, t: 50, b: 90 },
    paper_bgcolor: options.background,
    plot_bgcolor: options.background,
    xaxis: axis(live.xaxis, options.xMode === 'epoch' ? 'epoch' : 'step'),
    // minorloglabels 'complete': under one decade Plotly labels 0.9, 0.8 … as "9", "8" — too
    // crowded to write out on the 200 px live chart, but a file read on its own needs the values.
    yaxis: { ...axis(live.yaxis, options.logY ? `${options.title} (log)` : options.title), minorloglabels: 'complete' },
  };
}

/**
 * A finding's marker: a dotted vertical line with its rule id written along it. A shape label, not
 * an annotation — Plotly widens the x range to fit annotations (charts started at x = −100), and
 * vertical text does not collide with the next marker's label on a narrow chart.
 */
export function findingMarker(x: number, text: string, color: string): Record<string, unknown> {
  return { ...markerLine(x, color, 1.5), label: { text, textposition: 'end', textangle: -90, xanchor: 'right', yanchor: 'top', padding: 2, font: { size: 10, color } } };
}

/** The plotted series as CSV: one row per step, a column per series (empty where it has no value). */
export function seriesCsv(series: ReadonlyArray<{ label: string; series: Series | undefined }>): string {
  const present = series.filter((entry): entry is { label: string; series: Series } => !!entry.series && entry.series.steps.length > 0);
  const byStep = new Map<number, { epoch?: number; values: Array<number | null | undefined> }>();
  present.forEach((entry, column) => {
    entry.series.steps.forEach((step, index) => {
      const row = byStep.get(step) ?? { values: [] };
      row.values[column] = entry.series.values[index];
      if (row.epoch === undefined && entry.series.epochs.length === entry.series.steps.length) row.epoch = entry.series.epochs[index];
      byStep.set(step, row);
    });
  });
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [['step', 'epoch', ...present.map((entry) => entry.label)].map(quote).join(',')];
  for (const step of [...byStep.keys()].sort((a, b) => a - b)) {
    const row = byStep.get(step)!;
    lines.push([step, row.epoch ?? '', ...present.map((_, column) => row.values[column] ?? '')].join(','));
  }
  return lines.join('\n') + '\n';
}
