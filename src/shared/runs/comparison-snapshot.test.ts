import { describe, expect, it } from 'vitest';
import { COMPARISON_LIMITS, RunComparisonSnapshotSchema } from '../notebook/model';
import { serializeNotebook } from '../notebook/format';
import { createNotebook } from '../notebook/model';
import { compareRuns } from './compare';
import { boundDiff, comparisonSnapshot, UNBOUNDED } from './comparison-snapshot';
import { testComparisonSource } from './comparison.testing';
import { diffLineCount, diffLines } from './line-diff';

describe('a comparison snapshot', () => {
  it('keeps both headers, the findings that appeared and went in full, and only the curves the chart draws', () => {
    const snapshot = comparisonSnapshot(testComparisonSource(), { id: 'comparison-1', addedAt: new Date('2026-01-02T03:04:05Z') });
    expect(RunComparisonSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot).toMatchObject({ id: 'comparison-1', addedAt: '2026-01-02T03:04:05.000Z' });
    expect(snapshot.runs.a).toEqual({ id: 'run-12', number: 12, createdAt: 1_700_000_720_000, durationMs: 1200, status: 'ok', verdict: { id: 'opt.lr-out-of-range', title: 'Learning rate out of range' }, notebook: '/work/lr.lossbook', cellId: 'cell-train', cellIndex: 1 });
    expect(snapshot.runs.b.verdict).toBeNull();
    expect(snapshot.comparison.config).toEqual([{ key: 'params.learningRate', a: 0.1, b: 0.001 }]);
    expect(snapshot.findingDetails.added.map((finding) => [finding.id, finding.explanation, finding.fix.text])).toEqual([['grad.vanishing', 'why grad.vanishing', 'fix grad.vanishing']]);
    expect(snapshot.findingDetails.removed.map((finding) => finding.id)).toEqual(['opt.lr-out-of-range']);
    expect(snapshot.comparison.findings.kept.map((finding) => finding.id)).toEqual(['loss.plateau']);
    // loss and val_loss (one chart) and acc, the first compiled metric: not lr, not grad_norm/…
    expect(snapshot.curves.a.map((series) => series.name)).toEqual(['loss', 'val_loss', 'acc']);
    expect(snapshot.curves.b.map((series) => series.name)).toEqual(['loss', 'val_loss', 'acc']);
    // Metric deltas keep every series; per-layer ones only their final delta.
    expect(snapshot.comparison.metrics.find((metric) => metric.name === 'grad_norm/dense_1')).toMatchObject({ points: [], final: { step: 59 } });
    expect(snapshot.comparison.metrics.find((metric) => metric.name === 'loss')!.points.length).toBeGreaterThan(1);
  });

  it(`bounds every curve to ${COMPARISON_LIMITS.seriesPoints} points, keeping the last point and a spike`, () => {
    const source = testComparisonSource({ points: 100_000 });
    const loss = source.seriesB.find((series) => series.name === 'loss')!;
    // Noise with a gap every 97 steps: every bucket keeps all five of its points (first, min, max, gap, last).
    loss.values = loss.steps.map((step) => (step % 97 === 50 ? null : ((step * 7919) % 1009) / 1009));
    loss.values[54_321] = 87.33;
    loss.values[70_000] = null;
    const snapshot = comparisonSnapshot(source);
    for (const series of [...snapshot.curves.a, ...snapshot.curves.b]) {
      expect(series.steps.length).toBeLessThanOrEqual(COMPARISON_LIMITS.seriesPoints);
      expect(series.values.length).toBe(series.steps.length);
    }
    const kept = snapshot.curves.b.find((series) => series.name === 'loss')!;
    expect(kept.steps.length).toBeGreaterThan(COMPARISON_LIMITS.seriesPoints * 0.95);
    expect(kept.steps.at(-1)).toBe(99_999);
    expect(kept.values[kept.steps.indexOf(54_321)]).toBeCloseTo(87.33);
    expect(kept.values[kept.steps.indexOf(70_000)]).toBeNull();
    // val_loss has 10,000 points: decimated too; a short series is kept whole.
    expect(snapshot.curves.a.find((series) => series.name === 'val_loss')!.steps.length).toBeLessThanOrEqual(COMPARISON_LIMITS.seriesPoints);
    expect(comparisonSnapshot(testComparisonSource({ points: 300 })).curves.a[0]!.steps).toHaveLength(300);
    // The unbounded page keeps every point.
    expect(comparisonSnapshot(source, { limits: UNBOUNDED }).curves.b[0]!.steps).toHaveLength(100_000);
  });

  it('never keeps the prior code whole: an unchanged 200 KB prelude becomes a bounded number of short rows', () => {
    const prior = Array.from({ length: 4000 }, (_, index) => `const value${index} = ${'x'.repeat(index === 7 ? 5000 : 40)};`).join('\n');
    const source = testComparisonSource({ a: { priorCode: prior }, b: { priorCode: prior } });
    expect(prior.length).toBeGreaterThan(200_000);
    const snapshot = comparisonSnapshot(source);
    const rows = snapshot.comparison.code.prior;
    expect(rows).toHaveLength(COMPARISON_LIMITS.diffRows + 1);
    expect(rows.at(-1)).toEqual({ kind: 'omitted', count: 4000 - COMPARISON_LIMITS.diffRows });
    expect(diffLineCount(rows)).toBe(4000);
    for (const row of rows) if ('text' in row) expect(row.text.length).toBeLessThanOrEqual(COMPARISON_LIMITS.lineChars);
    expect(JSON.stringify(snapshot).length).toBeLessThan(100_000);
    // Saved in a notebook, one comparison of 100,000-point runs with that prelude stays small.
    const notebook = { ...createNotebook('Big'), comparisons: [comparisonSnapshot({ ...testComparisonSource({ points: 100_000, a: { priorCode: prior }, b: { priorCode: prior } }) })] };
    expect(serializeNotebook(notebook).length).toBeLessThan(250_000);
  });

  it('folds a long changed diff around its changes and counts what it cannot keep, so line numbers stay right', () => {
    const before = Array.from({ length: 3000 }, (_, index) => `line ${index}`);
    const after = before.map((line, index) => (index % 10 === 0 ? `${line} changed` : line));
    const lines = diffLines(before.join('\n'), after.join('\n'));
    const rows = boundDiff(lines, true, COMPARISON_LIMITS);
    expect(rows).toHaveLength(COMPARISON_LIMITS.diffRows + 1);
    expect(rows.at(-1)!.kind).toBe('omitted');
    expect(diffLineCount(rows)).toBe(lines.length);
    // Unchanged code far from any change is folded, not kept.
    const sparse = diffLines(before.join('\n'), before.map((line, index) => (index === 1500 ? 'changed' : line)).join('\n'));
    expect(boundDiff(sparse, true, COMPARISON_LIMITS).map((row) => row.kind)).toEqual(['folded', 'same', 'same', 'same', 'removed', 'added', 'same', 'same', 'same', 'folded']);
  });

  it('turns numbers JSON cannot hold into missing values', () => {
    const source = testComparisonSource();
    source.a.params.learningRate = Number.NaN;
    const snapshot = comparisonSnapshot({ ...source, comparison: compareRuns(source.a, source.b, source.seriesA, source.seriesB) });
    expect(snapshot.comparison.config[0]).toEqual({ key: 'params.learningRate', a: null, b: 0.001 });
    expect(RunComparisonSnapshotSchema.safeParse(snapshot).success).toBe(true);
  });
});
