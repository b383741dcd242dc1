// Plotly figures of a sweep as plain data (no Plotly import), drawn by the app's SweepView and by
// the report's inline script alike.
import type { LearningCurves, MetricScatter, ParallelCoordinates, ParallelDimension, ScatterPoint } from './trial-plots';
import { formatValue } from './format';
import type { SweepView } from './view-model';

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
