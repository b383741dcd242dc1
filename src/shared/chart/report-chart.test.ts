import { describe, expect, it } from 'vitest';
import type { RunRecord, Series } from '../notebook/model';
import type { Finding } from '../protocol';
import { firstSeenStep, stepOfEpoch } from './markers';
import { REPORT_CHART_BUCKETS, reportCharts } from './report-chart';

function series(name: string, values: Array<number | null>, epochs: number[] = []): Series {
  return { name, steps: values.map((_, index) => index), values, epochs };
}

function run(list: Series[], findings: Array<Partial<Finding>> = []): RunRecord {
  return { series: list, findings: findings as Finding[], progress: undefined } as unknown as RunRecord;
}

const finding = (id: string, severity: Finding['severity'], step?: number, extra: Partial<Finding> = {}): Partial<Finding> => ({ id, key: id, severity, step, ...extra });

describe('the report chart model', () => {
  it('groups train and val of a metric and the layers of a per-layer series, loss first', () => {
    const charts = reportCharts(run([series('acc', [0.5, 0.6]), series('grad_norm/dense_1', [1, 2]), series('val_loss', [2, 1]), series('loss', [3, 2]), series('grad_norm/dense_2', [1, 1]), series('empty', [])]), [], 'cell-1');
    expect(charts.map((chart) => chart.title)).toEqual(['loss', 'acc', 'grad_norm']);
    expect(charts.map((chart) => chart.id)).toEqual(['cell-1-chart-0', 'cell-1-chart-1', 'cell-1-chart-2']);
    expect(charts[0]!.traces.map((trace) => [trace.name, (trace.line as { dash: string }).dash])).toEqual([
      ['val_loss', 'dot'],
      ['loss', 'solid'],
    ]);
    expect(charts[2]!.traces.map((trace) => trace.name)).toEqual(['grad_norm/dense_1', 'grad_norm/dense_2']);
    expect(charts[0]!.layout.title).toEqual({ text: 'loss <span style="font-size:10px;color:#889">by step</span>', font: { size: 13 }, x: 0.01 });
  });

  it('marks findings with a step on the loss chart only, as a line and a staggered label in the severity color', () => {
    const marked = [finding('loss.nan', 'error', 4), finding('opt.lr', 'warning', 1), finding('perf.backend', 'info'), finding('loss.plateau', 'info', 3)];
    const [loss, acc] = reportCharts(run([series('loss', [1, 1, 1, 1, 2]), series('acc', [0.1, 0.2])]), marked as Finding[], 'c');
    expect(loss!.markers).toEqual([
      { step: 4, label: 'loss.nan', severity: 'error' },
      { step: 1, label: 'opt.lr', severity: 'warning' },
      { step: 3, label: 'loss.plateau', severity: 'info' },
    ]);
    expect(acc!.markers).toEqual([]);
    expect(acc!.layout.shapes).toEqual([]);
    const shapes = loss!.layout.shapes as Array<Record<string, unknown>>;
    expect(shapes[0]).toEqual({ type: 'line', xref: 'x', yref: 'paper', x0: 4, x1: 4, y0: 0, y1: 1, line: { color: '#c62828', width: 1, dash: 'dot' } });
    const annotations = loss!.layout.annotations as Array<{ text: string; y: number; font: { color: string } }>;
    expect(annotations.map((note) => [note.text, note.y, note.font.color])).toEqual([
      ['loss.nan', 1, '#c62828'],
      ['opt.lr', 0.91, '#ef6c00'],
      ['loss.plateau', 1 - 2 * 0.09, '#1565c0'],
    ]);
    // With no loss chart, the first chart carries the markers.
    expect(reportCharts(run([series('acc', [0.1, 0.2])]), marked as Finding[], 'c')[0]!.markers).toHaveLength(3);
  });

  it('chooses the y axis: log for a loss over three orders of magnitude, a fixed range for a constant series', () => {
    const [loss, flat, zero, other] = reportCharts(
      run([series('loss', [2000, 1, 0.5]), series('flat', [0.5, 0.5, 0.5]), series('zero', [0, 0]), series('wide', [1000, 0.1])]),
      [],
      'c',
    );
    expect(loss!.layout.yaxis).toEqual({ type: 'log', zeroline: false });
    expect(flat!.layout.yaxis).toEqual({ range: [0, 1], zeroline: false });
    expect(zero!.layout.yaxis).toEqual({ range: [-1, 1], zeroline: false });
    // Only a loss goes to a log axis; a negative constant keeps zero in view.
    expect(other!.layout.yaxis).toEqual({ type: 'linear', zeroline: false });
    expect(reportCharts(run([series('loss', [-2, -2])]), [], 'c')[0]!.layout.yaxis).toEqual({ range: [-4, 0], zeroline: false });
    expect(reportCharts(run([series('loss', [0, 2000, 1])]), [], 'c')[0]!.layout.yaxis).toEqual({ type: 'linear', zeroline: false });
  });

  it('decimates long series min/max, keeps spikes and turns non-finite values into gaps', () => {
    const length = 100_000;
    const values: Array<number | null> = Array.from({ length }, (_, index) => 1 + Math.sin(index) * 0.01);
    values[50_123] = 87.33;
    values[70_000] = Number.NaN;
    const [loss] = reportCharts(run([series('loss', values)]), [], 'c');
    const trace = loss!.traces[0] as { x: number[]; y: Array<number | null>; mode: string };
    expect(trace.x.length).toBeLessThanOrEqual(REPORT_CHART_BUCKETS * 5);
    expect(trace.y).toContain(87.33);
    expect(trace.y).toContain(null);
    expect(trace.mode).toBe('lines');
    // JSON keeps what Plotly draws: no NaN turned into something else on the way.
    expect(JSON.parse(JSON.stringify(loss)).traces[0].y).toEqual(trace.y);
    const [single] = reportCharts(run([series('val_only', [1.5])]), [], 'c');
    expect(single!.traces[0]!.mode).toBe('markers');
  });
});

describe('finding markers on the live chart', () => {
  const record = run([series('loss', [1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1])]);

  it('marks a finding where it was first seen, else at its step, else at the last step of its epoch', () => {
    expect(firstSeenStep(finding('a', 'error', 5, { firstStep: 2 }) as Finding, record)).toBe(2);
    expect(firstSeenStep(finding('a', 'error', 5) as Finding, record)).toBe(5);
    expect(firstSeenStep(finding('a', 'error', undefined, { epoch: 0 }) as Finding, record)).toBe(2);
    expect(firstSeenStep(finding('a', 'error') as Finding, record)).toBeUndefined();
  });

  it('finds an epoch from batches per epoch where no series records epochs', () => {
    const perEpoch = { ...run([series('loss', [1, 2])]), progress: { batchesPerEpoch: 10 } } as unknown as RunRecord;
    expect(stepOfEpoch(perEpoch, 2)).toBe(29);
    expect(stepOfEpoch(run([series('loss', [1, 2])]), 2)).toBeUndefined();
  });
});
