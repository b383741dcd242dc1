// The HTML report's training charts as plain Plotly figures, built here in TypeScript and drawn
// as they are by the report's page script (issue 19: the report used to ship the raw series and
// an ES5 trace builder of its own). A printed report has no smoothing slider or step/epoch
// switch, so its charts are static: every series of a group, min/max-decimated to a fixed
// number of points, with Plotly's own title and legend (the app draws those in HTML).
import type { RunRecord, Series } from '../notebook/model';
import type { Finding } from '../protocol';
import { decimateMinMax } from '../series/decimate';
import { markerLine, type ChartMarker } from './markers';
import { ACCURACY_NAMES, isInternalSeries, isValidationName, parsePerLayer, SERIES, trainingName } from '../series/names';

/** Points per series drawn in the report: min/max decimation keeps spikes (NaN, 87.33) visible. */
export const REPORT_CHART_BUCKETS = 1500;

/** One chart of the report: the Plotly traces and layout, and the findings it marks. */
export interface ReportChart {
  id: string;
  title: string;
  traces: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
  markers: ChartMarker[];
}

/** The report's colors for finding markers (its stylesheet's --error, --warning, --info). */
export const REPORT_SEVERITY_COLORS: Record<Finding['severity'], string> = { error: '#c62828', warning: '#ef6c00', info: '#1565c0' };

/** train/val of a metric share a chart (loss + val_loss); per-layer series share one (grad_norm/*). */
export function chartGroup(name: string): string {
  const base = trainingName(name);
  return parsePerLayer(base)?.series ?? base;
}

const GROUP_ORDER: readonly string[] = [SERIES.loss, ...ACCURACY_NAMES];

function rank(group: string): number {
  const index = GROUP_ORDER.indexOf(group);
  return index >= 0 ? index : GROUP_ORDER.length;
}

function reportTrace(series: Series, label = series.name, color?: string): Record<string, unknown> {
  const { x, y } = decimateMinMax(series.steps, series.values, { buckets: REPORT_CHART_BUCKETS });
  // Validation series are dotted, as in the app's legend of train vs validation.
  const dash = isValidationName(series.name) ? 'dot' : 'solid';
  return { type: 'scatter', mode: x.length > 1 ? 'lines' : 'markers', name: label, x, y, line: { width: 1.6, dash, ...(color ? { color } : {}) }, connectgaps: false, hovertemplate: '%{y:.5g}' };
}

interface YAxisChoice {
  log: boolean;
  /** Fixed y range for a constant series (Plotly would centre it on a misleading ±1 range). */
  range?: [number, number];
}

function yAxisFor(group: string, members: Series[]): YAxisChoice {
  const finite = members.flatMap((series) => series.values.filter((value): value is number => value !== null && Number.isFinite(value)));
  const min = finite.length ? finite.reduce((a, b) => Math.min(a, b)) : 0;
  const max = finite.length ? finite.reduce((a, b) => Math.max(a, b)) : 0;
  // A loss spanning orders of magnitude (divergence, 87.33 plateaus) reads better on a log axis.
  const log = group === SERIES.loss && min > 0 && max / min > 1000;
  if (!finite.length || min !== max) return { log };
  return { log, range: min === 0 ? [-1, 1] : [Math.min(0, min * 2), Math.max(0, max * 2)] };
}

function reportLayout(title: string, yAxis: YAxisChoice, markers: ChartMarker[]): Record<string, unknown> {
  const color = (marker: ChartMarker) => REPORT_SEVERITY_COLORS[marker.severity];
  return {
    title: { text: `${title} <span style="font-size:10px;color:#889">by step</span>`, font: { size: 13 }, x: 0.01 },
    height: 260,
    margin: { l: 55, r: 15, t: 32, b: 38 },
    xaxis: { zeroline: false, hoverformat: 'd' },
    yaxis: yAxis.range ? { range: yAxis.range, zeroline: false } : { type: yAxis.log ? 'log' : 'linear', zeroline: false },
    legend: { orientation: 'h', y: -0.12, yanchor: 'top', font: { size: 11 } },
    shapes: markers.map((marker) => markerLine(marker.step, color(marker), 1)),
    // Labels written across, staggered over three heights so neighbouring markers stay readable.
    annotations: markers.map((marker, index) => ({
      xref: 'x',
      yref: 'paper',
      x: marker.step,
      y: 1 - (index % 3) * 0.09,
      text: marker.label,
      showarrow: false,
      xanchor: 'left',
      font: { size: 10, color: color(marker) },
      bgcolor: 'rgba(255,255,255,0.8)',
    })),
    hovermode: 'x unified',
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: '#fafafa',
    font: { family: 'system-ui, sans-serif' },
  };
}

/**
 * The charts of one run in the report: loss first, then accuracy, then the rest; `marked` are
 * the findings to mark (the caller leaves out dismissed ones), drawn on the loss chart, or on
 * the first chart where there is no loss.
 */
export function reportCharts(run: RunRecord, marked: readonly Finding[], idPrefix: string): ReportChart[] {
  const groups = new Map<string, Series[]>();
  for (const series of run.series) {
    if (series.steps.length === 0) continue;
    const group = chartGroup(series.name);
    groups.set(group, [...(groups.get(group) ?? []), series]);
  }
  const names = [...groups.keys()].sort((a, b) => rank(a) - rank(b));
  const markers = marked.filter((finding) => finding.step !== undefined).map((finding) => ({ step: finding.step!, label: finding.id, severity: finding.severity }));
  return names.map((group, index) => {
    const members = groups.get(group)!;
    const chartMarkers = group === SERIES.loss || index === 0 ? markers : [];
    return { id: `${idPrefix}-chart-${index}`, title: group, traces: members.map((series) => reportTrace(series)), layout: reportLayout(group, yAxisFor(group, members), chartMarkers), markers: chartMarkers };
  });
}

/** One run of a comparison chart: its label (the legend says "#12 loss") and colour. */
export interface ComparedRun {
  label: string;
  color: string;
  series: readonly Series[];
}

/**
 * The chart groups a comparison draws: loss, and the first metric group of the model's own, each
 * only where both runs recorded it (a notebook's saved comparison keeps just these curves).
 */
export function comparisonChartGroups(runs: readonly [Pick<ComparedRun, 'series'>, Pick<ComparedRun, 'series'>]): string[] {
  // Per-layer series (grad_norm/<layer>) are many curves per run: not a comparison chart.
  const groupsOf = (run: Pick<ComparedRun, 'series'>) => new Set(run.series.filter((series) => series.steps.length > 0 && !parsePerLayer(trainingName(series.name))).map((series) => chartGroup(series.name)));
  const inB = groupsOf(runs[1]);
  const shared = [...groupsOf(runs[0])].filter((group) => inB.has(group)).sort((a, b) => rank(a) - rank(b));
  const loss = shared.includes(SERIES.loss) ? [SERIES.loss] : [];
  // The first metric the user compiled (accuracy first, by rank): not one the monitor adds (lr, batch_ms, …).
  const monitorSeries = new Set<string>(Object.values(SERIES));
  const firstMetric = shared.filter((group) => !monitorSeries.has(group) && !isInternalSeries(group)).slice(0, 1);
  return [...loss, ...firstMetric];
}

/**
 * The run comparison's charts (`lossbook runs compare --html`): the loss group and the first
 * metric group of the model's own both runs recorded, each run's curves overlaid in its own colour (validation
 * dotted), drawn like the notebook report's charts.
 */
export function comparisonCharts(runs: readonly [ComparedRun, ComparedRun], idPrefix: string): ReportChart[] {
  return comparisonChartGroups(runs).map((group, index) => {
    const members = runs.map((run) => ({ run, series: run.series.filter((series) => series.steps.length > 0 && chartGroup(series.name) === group) }));
    const traces = members.flatMap(({ run, series }) => series.map((entry) => reportTrace(entry, `${run.label} ${entry.name}`, run.color)));
    const all = members.flatMap(({ series }) => series);
    return { id: `${idPrefix}-chart-${index}`, title: group, traces, layout: reportLayout(group, yAxisFor(group, all), []), markers: [] };
  });
}
