import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ReportChart } from '../../shared/chart/report-chart';
import { compareRuns } from '../../shared/runs/compare';
import type { RunDetail, RunToStore, StoredSeries } from '../../shared/runs/model';
import { sampleFinding, sampleRun } from '../runs/store.testing';
import { renderComparisonReport } from './comparison';

const HOSTILE = '<img src=x onerror="window.__xss=1">';

// As a monitored run records them: the monitor's own series (timing, lr, per-layer) come first,
// and the model's metric is `mae` (ranked with the rest, unlike accuracy).
function detail(run: RunToStore, number: number): { run: RunDetail; series: StoredSeries[] } {
  const { series, ...rest } = run;
  const monitor = ['batch_ms', 'lr', 'grad_norm/dense_1'].map((name) => ({ name, steps: [0, 1, 2], values: [3, 2, 1] }));
  const model = series.map((entry) => ({ ...entry, name: entry.name === 'acc' ? 'mae' : entry.name }));
  return { run: { ...rest, number, tags: [], note: '', metrics: {} }, series: [...monitor, ...model].map((entry) => ({ runId: run.id, ...entry })) };
}

// A's cell: 20 lines, line 3 sets the rate; B changes line 3 and adds a line after line 18.
const lines = Array.from({ length: 20 }, (_, index) => `const line${index + 1} = ${index + 1};`);
const sourceA = [...lines.slice(0, 2), 'const lr = 0.1; // </script><script>window.__xss=2</script>', ...lines.slice(3)].join('\n');
const sourceB = [...lines.slice(0, 2), 'const lr = 0.001;', ...lines.slice(3, 18), 'console.log("<b>done</b>");', ...lines.slice(18)].join('\n');

const a = detail(
  sampleRun(4, {
    overrides: {
      source: sourceA,
      sourceHash: 'a',
      notebook: `/work/${HOSTILE}.lossbook`,
      findings: [{ ...sampleFinding('opt.lr-out-of-range'), title: `rate ${HOSTILE}` }, sampleFinding('loss.plateau', 'info')],
      verdict: { id: 'opt.lr-out-of-range', title: 'Learning rate out of range' },
    },
  }),
  1,
);
const b = detail(sampleRun(0, { overrides: { source: sourceB, sourceHash: 'b', findings: [sampleFinding('loss.plateau', 'info'), sampleFinding('grad.vanishing')] } }), 2);
const comparison = compareRuns(a.run, b.run, a.series, b.series);
const html = renderComparisonReport({ comparison, a: a.run, b: b.run, seriesA: a.series, seriesB: b.series, generatedAt: new Date('2026-01-02T03:04:00Z') });
/** The page without its scripts and JSON blocks: what the browser lays out. */
const body = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');

describe('runs compare --html', () => {
  it('is self-contained: no network reference, a CSP that allows only its own two scripts by hash', () => {
    expect([...html.matchAll(/<link\b[^>]*>/gi)].map((match) => match[0])).toEqual(['<link rel="icon" href="data:,">']);
    expect(body).not.toMatch(/https?:/i);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(policy).toContain("default-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]!.length).toBeGreaterThan(1_000_000); // Plotly, inlined
    for (const script of scripts) expect(policy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('escapes everything from the runs: code, paths, finding titles', () => {
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img/i);
    expect(body).not.toMatch(/<[^>]*\son\w+=/i); // no event attribute on any element
    expect(body).toContain('const lr = 0.1; // &lt;/script&gt;&lt;script&gt;window.__xss=2&lt;/script&gt;');
    expect(body).toContain('rate &lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;');
    expect(body).toContain('console.log(&quot;&lt;b&gt;done&lt;/b&gt;&quot;);');
  });

  it('shows both headers and the configuration diff', () => {
    expect(body).toContain('<h1>Run #1 vs #2</h1>');
    expect(body).toMatch(/<span class="side"[^>]*>A<\/span> Run #1 <span class="status ok">ok<\/span>/);
    expect(body).toMatch(/<span class="side"[^>]*>B<\/span> Run #2 <span class="status error">error<\/span>/);
    expect(body).toContain('Learning rate out of range <code>opt.lr-out-of-range</code>');
    expect(body).toContain('Verdict: Learning rate out of range → Loss became NaN');
    expect(body).toContain('<tr><td><code>params.learningRate</code></td><td>0.1</td><td>0.001</td></tr>');
  });

  it('draws the code diff side by side: the changed line next to its replacement, an added line, unchanged stretches folded', () => {
    const diff = /<h4>The cell <span class="changed">changed<\/span><\/h4>([\s\S]*?)<\/table>/.exec(body)![1]!;
    const rows = [...diff.matchAll(/<tr class="(\w+)">([\s\S]*?)<\/tr>/g)].map((match) => ({ kind: match[1], cells: [...match[2]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]) }));
    const changes = rows.filter((row) => row.kind === 'change');
    expect(changes).toEqual([
      { kind: 'change', cells: ['3', 'const lr = 0.1; // &lt;/script&gt;&lt;script&gt;window.__xss=2&lt;/script&gt;', '3', 'const lr = 0.001;'] },
      { kind: 'change', cells: ['', '', '19', 'console.log(&quot;&lt;b&gt;done&lt;/b&gt;&quot;);'] },
    ]);
    expect(diff).toMatch(/<td class="code removed">const lr = 0.1;/);
    expect(diff).toMatch(/<td class="code added">const lr = 0.001;<\/td>/);
    // Lines 7 to 15 are 3 or more away from both changes: one fold row; the last line after the
    // addition keeps B's numbering one ahead of A's.
    expect(rows.filter((row) => row.kind === 'fold').map((row) => row.cells[0])).toEqual(['⋯ 9 unchanged lines']);
    expect(rows.at(-1)).toEqual({ kind: 'same', cells: ['20', 'const line20 = 20;', '21', 'const line20 = 20;'] });
    // The code before the cell is the same: folded away as one block, not a diff.
    expect(body).toContain('<h4>The code that ran before it</h4><details class="code-same"><summary>the same in both runs (2 lines)</summary>');
  });

  it('lists metric deltas at matched steps and the findings that appeared and went', () => {
    const loss = /<tr data-metric="loss">.*?<td class="delta">[^<]*<\/td>/.exec(body)![0];
    const final = comparison.metrics.find((metric) => metric.name === 'loss')!.final!;
    expect(loss).toContain(`<td>50</td><td>49</td>`);
    expect(final.delta).toBeGreaterThan(0); // lr 0.001 learns slower: B's loss is higher
    expect(loss).toMatch(/<td class="delta">\+\d/);
    expect(body).toContain('And 1 per-layer series (grad_norm): <code>lossbook runs compare --json</code> has them.');
    expect(body).toMatch(/<h4>Appeared in B \(1\)<\/h4><div class="findings-appeared"><article class="finding severity-warning" data-finding="grad.vanishing">/);
    expect(body).toMatch(/<h4>Gone in B \(1\)<\/h4><div class="findings-gone"><article class="finding severity-warning" data-finding="opt.lr-out-of-range">/);
    expect(body).toMatch(/<h4>In both \(1\)<\/h4><ul class="findings-kept"><li>[^]*loss\.plateau/);
  });

  it('overlays the two runs’ loss and first metric on one chart each, in the runs’ colours', () => {
    const charts = JSON.parse(/<script type="application\/json" id="lossbook-charts">([\s\S]*?)<\/script>/.exec(html)![1]!) as ReportChart[];
    // Not batch_ms, lr or grad_norm: the first metric the model compiled.
    expect(charts.map((chart) => chart.title)).toEqual(['loss', 'mae']);
    expect(charts[0]!.traces.map((trace) => trace.name)).toEqual(['A #1 loss', 'B #2 loss']);
    const colours = charts[0]!.traces.map((trace) => (trace.line as { color: string }).color);
    expect(new Set(colours).size).toBe(2);
    expect(charts[1]!.traces.map((trace) => trace.name)).toEqual(['A #1 mae', 'B #2 mae']);
    for (const chart of charts) expect(body).toContain(`<div class="chart" id="${chart.id}"`);
  });
});
