import { describe, expect, it } from 'vitest';
import { buildLayout, CHART_CONFIG, exportLayout, findingMarker, seriesCsv } from './live-chart';

describe('chart export and markers', () => {
  it('writes the plotted series as CSV: one row per step, a column per series, blanks where missing', () => {
    const csv = seriesCsv([
      { label: 'train', series: { name: 'loss', steps: [0, 1, 2], values: [2.5, null, 1.25], epochs: [0, 0, 1] } },
      { label: 'validation, held out', series: { name: 'val_loss', steps: [1, 3], values: [2, 1.5], epochs: [] } },
      { label: 'absent', series: undefined },
    ]);
    expect(csv).toBe('step,epoch,train,"validation, held out"\n0,0,2.5,\n1,0,,2\n2,1,1.25,\n3,,,1.5\n');
  });

  it('marks a finding with a labelled line, never an annotation (annotations widen the x range)', () => {
    const marker = findingMarker(12, 'trend.overfitting', '#f00');
    expect(marker).toMatchObject({ type: 'line', xref: 'x', x0: 12, x1: 12, label: { text: 'trend.overfitting', textangle: -90 } });
    const layout = buildLayout({ height: 200, logY: false, colors: { text: '', grid: '', font: '', hoverBackground: '', hoverBorder: '' }, shapes: [marker], uirevision: 'a' });
    expect(layout.annotations).toEqual([]);
    // The toolbar sits in the top margin, not over the curves; Plotly's bare PNG button is replaced.
    expect((layout.margin as { t: number }).t).toBeGreaterThanOrEqual(24);
    expect(CHART_CONFIG.modeBarButtonsToRemove).toContain('toImage');
  });

  it('puts title, legend and axis titles into a downloaded chart, keeping the live axes', () => {
    const live = buildLayout({ height: 200, logY: true, colors: { text: '#111', grid: '#eee', font: 'sans', hoverBackground: '', hoverBorder: '' }, uirevision: 'a' });
    const layout = exportLayout(live, { title: 'Loss', xMode: 'epoch', logY: true, background: '#fff' });
    expect(layout).toMatchObject({ width: 1000, height: 480, showlegend: true, title: { text: 'Loss' }, paper_bgcolor: '#fff', plot_bgcolor: '#fff' });
    expect(layout.xaxis).toMatchObject({ gridcolor: '#eee', title: { text: 'epoch' } });
    expect(layout.yaxis).toMatchObject({ type: 'log', title: { text: 'Loss (log)' }, minorloglabels: 'complete' });
    expect((exportLayout(live, { title: 'Loss', xMode: 'step', logY: false, background: '#000' }).xaxis as { title: { text: string } }).title.text).toBe('step');
  });
});
