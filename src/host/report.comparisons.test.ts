// The notebook report's "Comparisons" section (issue 20): the run comparisons a notebook keeps,
// drawn with the standalone comparison page's section renderer.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReportChart } from '../shared/chart/report-chart';
import { createNotebook, type Notebook } from '../shared/notebook/model';
import { comparisonSnapshot } from '../shared/runs/comparison-snapshot';
import { testComparisonSource, testFinding } from '../shared/runs/comparison.testing';
import { renderReport } from './report';

const HOSTILE = '<img src=x onerror="window.__xss=1">';

function notebook(): Notebook {
  const book = createNotebook('Learning rates', '0.1.0');
  const steps = Array.from({ length: 30 }, (_, step) => step);
  book.cells = [
    { id: 'md', kind: 'markdown', source: '# Lowering the learning rate', outputs: [], runs: [], dismissed: [] },
    {
      id: 'train',
      kind: 'code',
      source: 'await model.fit(xs, ys)',
      outputs: [],
      dismissed: [],
      runs: [{ runId: 'r1', cellId: 'train', executionCount: 1, startedAt: 1_700_000_000_000, durationMs: 900, status: 'ok', series: [{ name: 'loss', steps, values: steps.map((step) => 1 / (step + 1)), epochs: [] }], findings: [], artifacts: [] }],
    },
  ];
  const hostile = testComparisonSource({
    a: {
      notebook: `/work/${HOSTILE}.lossbook`,
      source: 'const lr = 0.1; // </script><script>window.__xss=2</script>',
      findings: [testFinding('opt.lr-out-of-range', 'warning', `rate ${HOSTILE}`)],
      verdict: { id: 'opt.lr-out-of-range', title: `Learning rate ${HOSTILE}` },
    },
  });
  book.comparisons = [
    comparisonSnapshot(testComparisonSource(), { id: 'c-1', addedAt: new Date('2026-01-02T03:04:05Z') }),
    comparisonSnapshot(hostile, { id: 'c-2', addedAt: new Date('2026-01-02T03:05:05Z') }),
  ];
  return book;
}

const html = renderReport(notebook(), { generatedAt: new Date('2026-02-03T04:05:06Z') });
const body = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');
const charts = JSON.parse(/<script type="application\/json" id="lossbook-charts">([\s\S]*?)<\/script>/.exec(html)![1]!) as ReportChart[];

describe('a notebook report with comparisons', () => {
  it('shows a Comparisons section after the cells, one article per comparison, listed in the overview', () => {
    const cellsEnd = body.indexOf('</main>');
    const section = body.indexOf('<h2 id="comparisons">Comparisons</h2>');
    expect(cellsEnd).toBeGreaterThan(0);
    expect(section).toBeGreaterThan(cellsEnd);
    expect([...body.matchAll(/<article class="comparison" id="(comparison-\d)"/g)].map((match) => match[1])).toEqual(['comparison-0', 'comparison-1']);
    expect(body).toContain('<h3>Run #12 vs #13 <span class="run-line">added 2026-01-02');
    const overview = /<section class="overview" aria-label="Comparisons overview">([\s\S]*?)<\/section>/.exec(body)![1]!;
    expect(overview).toContain('<a href="#comparison-0">Run #12 vs #13</a>');
    expect(overview).toContain('verdict Learning rate out of range → none · 1 configuration difference');
    // The section renderer of the standalone page, one heading level down.
    expect(body).toContain('<h4>Configuration</h4>');
    expect(body).toContain('<tr><td><code>params.learningRate</code></td><td>0.1</td><td>0.001</td></tr>');
    expect(body).toMatch(/<h6>Appeared in B \(1\)<\/h6><div class="findings-appeared"><article class="finding severity-warning" data-finding="grad.vanishing">[\s\S]*?why grad\.vanishing[\s\S]*?fix grad\.vanishing/);
    expect(body).toMatch(/<h6>The cell <span class="changed">changed<\/span><\/h6><div class="table-scroll"><table class="diff">/);
  });

  it('gives every chart a unique id, the cells’ and the comparisons’ alike, each with its element', () => {
    const ids = charts.map((chart) => chart.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['cell-1-chart-0', 'comparison-0-chart-0', 'comparison-0-chart-1', 'comparison-1-chart-0', 'comparison-1-chart-1']);
    for (const id of ids) expect(body.match(new RegExp(`<div class="chart" id="${id}"`, 'g'))).toHaveLength(1);
    expect(charts.find((chart) => chart.id === 'comparison-0-chart-0')!.traces.map((trace) => trace.name)).toEqual(['A #12 loss', 'A #12 val_loss', 'B #13 loss', 'B #13 val_loss']);
  });

  it('escapes everything the runs hold, and keeps the report offline with only its two scripts', () => {
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img/i);
    expect(body).not.toMatch(/<[^>]*\son\w+=/i);
    expect(body).toContain('const lr = 0.1; // &lt;/script&gt;&lt;script&gt;window.__xss=2&lt;/script&gt;');
    expect(body).toContain('rate &lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
    expect(body).toContain('/work/&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;.lossbook');
    expect(body).not.toMatch(/https?:/i);
    expect([...html.matchAll(/<link\b[^>]*>/gi)].map((match) => match[0])).toEqual(['<link rel="icon" href="data:,">']);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    for (const script of scripts) expect(policy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('has no Comparisons section when the notebook keeps none', () => {
    const plain = renderReport({ ...notebook(), comparisons: undefined });
    expect(plain).not.toContain('Comparisons');
    expect(plain).not.toContain('class="comparison"');
  });
});
