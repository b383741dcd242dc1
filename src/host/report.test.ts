import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Notebook } from '../shared/notebook/model';
import type { Finding } from '../shared/protocol';
import { sweepViews } from '../shared/sweep/view-model';
import { runSyntheticSweep } from '../shared/sweep/view-model.testing';
import { renderMarkdown, renderReport } from './report';

const XSS_MARKDOWN = [
  '# Results <script>window.__xss = 1</script>',
  '<img src="x" onerror="window.__xss = 2">',
  '[click](javascript:window.__xss=3) and [docs](https://js.tensorflow.org)',
  '<iframe src="https://example.com"></iframe><style>body{display:none}</style>',
  '![remote](https://example.com/track.png) <a href="https://example.com" onclick="window.__xss=4">x</a>',
  '<svg><script>window.__xss=5</script></svg><form action="https://example.com"><button>go</button></form>',
].join('\n\n');

function finding(id: string, severity: Finding['severity'], step: number): Finding {
  return {
    id,
    key: id,
    family: 'dynamic',
    severity,
    title: `${id} title`,
    evidence: { summary: `evidence for ${id} <b>bold</b>`, values: { step, ratio: 0.123456, layers: ['dense_1', 'dense_2'] } },
    step,
    epoch: 0,
    explanation: 'explanation text',
    fix: { text: 'fix text', code: 'model.compile({ optimizer: tf.train.adam(1e-3), loss: "meanSquaredError" })' },
    source: 'seed 001',
    count: 2,
  };
}

function notebook(): Notebook {
  const steps = Array.from({ length: 50 }, (_, i) => i);
  return {
    metadata: { title: 'Report <test>', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', lossbookVersion: '0.1.0' },
    cells: [
      { id: 'm', kind: 'markdown', source: XSS_MARKDOWN, outputs: [], runs: [], dismissed: [] },
      {
        id: 'c',
        kind: 'code',
        source: 'const model = tf.sequential();\nawait model.fit(xs, ys, { epochs: 5 });',
        language: 'typescript',
        executionCount: 2,
        outputs: [
          { type: 'stream', name: 'stdout', text: 'done </pre><script>window.__xss=6</script>' },
          { type: 'display', value: { kind: 'html', html: '<b>bold</b><script>window.__xss=7</script><img src="https://example.com/x.png">' } },
          { type: 'display', value: { kind: 'table', columns: ['<th>'], rows: [['<td>', 1.5, null]] } },
        ],
        dismissed: ['opt.lr-out-of-range'],
        runs: [
          { runId: 'r0', cellId: 'c', executionCount: 1, startedAt: 1, durationMs: 10, status: 'error', series: [], findings: [], artifacts: [] },
          {
            runId: 'r1',
            cellId: 'c',
            executionCount: 2,
            startedAt: 1_700_000_000_000,
            durationMs: 4200,
            status: 'ok',
            backend: {
              name: 'wasm',
              requested: 'auto',
              requestedBy: 'default',
              attempts: [
                { backend: 'tensorflow-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
                { backend: 'wasm', ok: true, ms: 31 },
              ],
              device: 'wasm SIMD, 1 thread',
              tfjsVersion: '4.22.0',
              isGpu: false,
            },
            series: [
              { name: 'loss', steps, values: steps.map((s) => 1 / (s + 1)), epochs: [] },
              { name: 'val_loss', steps: [9, 19, 29, 39, 49], values: [0.2, 0.1, 0.08, 0.07, 0.06], epochs: [0, 1, 2, 3, 4] },
              { name: 'acc', steps, values: steps.map((s) => s / 50), epochs: [] },
            ],
            findings: [finding('loss.plateau', 'warning', 30), finding('opt.lr-out-of-range', 'error', 0)],
            memory: {
              before: { numTensors: 0, numBytes: 0, rssBytes: 1, heapUsedBytes: 1, time: 1 },
              after: { numTensors: 6, numBytes: 96, rssBytes: 1, heapUsedBytes: 1, time: 2 },
              kept: { tensors: 6, bytes: 96 },
              disposed: { tensors: 1200, bytes: 50_000 },
              leaked: { tensors: 0, bytes: 0 },
            },
            artifacts: [],
          },
        ],
      },
    ],
  };
}

describe('HTML report', () => {
  const html = renderReport(notebook(), { generatedAt: new Date('2026-02-03T04:05:06Z') });

  it('folds a long JSON output (model.fit’s History) behind a summary, and leaves a short one open', () => {
    const document = notebook();
    const history = { validationData: null, params: { epochs: 60 }, epoch: Array.from({ length: 60 }, (_, i) => i), history: { loss: Array.from({ length: 60 }, (_, i) => 1 / (i + 1)) } };
    document.cells[1]!.outputs = [
      { type: 'display', value: { kind: 'json', json: history } },
      { type: 'display', value: { kind: 'json', json: { short: 1 } } },
    ];
    const html = renderReport(document);
    // Booleans, not toContain: a failure would print the whole report (Plotly included).
    expect(html.includes('<details class="output json-fold"><summary>{ validationData, params, epoch, history }</summary><pre class="output">{\n  &quot;validationData&quot;')).toBe(true);
    expect(html.includes('<pre class="output">{\n  &quot;short&quot;: 1\n}</pre>')).toBe(true);
  });

  it('is self-contained: no external resource, a CSP that allows only its own scripts by hash', () => {
    expect([...html.matchAll(/<link\b[^>]*>/gi)].map((match) => match[0])).toEqual(['<link rel="icon" href="data:,">']);
    expect(html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=["']?https?:/i);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(policy).toContain("default-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]!.length).toBeGreaterThan(1_000_000); // Plotly, inlined
    for (const script of scripts) expect(policy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(policy).not.toMatch(/unsafe-inline'[^;]*;?\s*$|script-src[^;]*unsafe/);
  });

  it('sanitizes markdown and html outputs, and escapes text outputs', () => {
    const body = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/\son\w+=/i);
    expect(body).not.toMatch(/javascript:/i);
    expect(body).not.toMatch(/<iframe|<form|<style>body/i);
    expect(body).not.toContain('https://example.com/track.png');
    expect(body).not.toContain('https://example.com/x.png');
    expect(body).toContain('done &lt;/pre&gt;&lt;script&gt;');
    expect(body).toContain('<b>bold</b>');
    expect(body).toContain('<a href="https://js.tensorflow.org" rel="noopener noreferrer" target="_blank">docs</a>');
    expect(renderMarkdown('**strong** `code`')).toBe('<p><strong>strong</strong> <code>code</code></p>\n');
  });

  it('shows highlighted code, findings (dismissed marked), environment and memory', () => {
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toMatch(/class="finding severity-warning" data-finding="loss.plateau"/);
    expect(html).toMatch(/class="finding severity-error dismissed" data-finding="opt.lr-out-of-range"[\s\S]*?dismissed<\/span>/);
    expect(html).toContain('evidence for loss.plateau &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(html).toContain('wasm SIMD, 1 thread');
    expect(html).toContain('2026-02-03T04:05:06.000Z');
    expect(html).toContain('<title>Report &lt;test&gt;</title>');
    expect(html).toMatch(/<tr class="no-leak"><td>Leaked<\/td><td>0<\/td>/);
    expect(html).toContain('1 earlier run');
  });

  it('leads a run with its verdict and folds the symptoms it explains under the cause', () => {
    const book = notebook();
    const cell = book.cells[1]!;
    if (cell.kind !== 'code') throw new Error('fixture');
    cell.dismissed = [];
    const run = cell.runs[1]!;
    run.findings = [
      { ...finding('loss.saturated', 'error', 12), family: 'dynamic' },
      { ...finding('opt.lr-out-of-range', 'warning', 0), family: 'static', step: undefined, epoch: undefined, evidence: { summary: 'Adam learning rate 1 > 0.01', values: { learningRate: 1, max: 0.01 } } },
    ];
    const report = renderReport(book);
    expect(report).toMatch(/<div class="verdict severity-error" data-verdict="opt.lr-out-of-range"><span class="label">Most likely cause<\/span>/);
    // The symptom sits inside the cause's fold, after the cause.
    expect(report).toMatch(/data-finding="opt.lr-out-of-range"[\s\S]*<details class="folded" data-explained-by="opt.lr-out-of-range"><summary>1 finding explained by[\s\S]*data-finding="loss.saturated"[\s\S]*<\/details>/);
  });

  it('puts train and val of a metric on one chart, with finding markers', () => {
    const block = /<script type="application\/json" id="lossbook-charts">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const charts = JSON.parse(block) as Array<{ id: string; title: string; traces: Array<{ name: string; x: number[] }>; markers: Array<{ label: string }> }>;
    expect(charts.map((chart) => chart.title)).toEqual(['loss', 'acc']);
    expect(charts[0]!.traces.map((trace) => trace.name)).toEqual(['loss', 'val_loss']);
    // The dismissed finding is not marked on the chart; the active one is.
    expect(charts[0]!.markers.map((marker) => marker.label)).toEqual(['loss.plateau']);
    for (const chart of charts) expect(html).toContain(`<div class="chart" id="${chart.id}"`);
  });

  it('shows artifacts and renders an empty notebook', () => {
    const withArtifact = notebook();
    withArtifact.cells[1]!.runs[1]!.artifacts.push({ kind: 'lr-range-test', data: { suggested: 0.003, note: '<script>' } });
    const report = renderReport(withArtifact);
    expect(report).toContain('<summary>lr-range-test</summary>');
    expect(report).toContain('&quot;note&quot;: &quot;&lt;script&gt;&quot;');
    const empty = renderReport({ metadata: { title: 'Empty', created: '', modified: '', lossbookVersion: '0.1.0' }, cells: [] });
    expect(empty).toContain('No run recorded a backend.');
    expect(empty).toContain('<script type="application/json" id="lossbook-charts">[]</script>');
  });

  it('decimates long series so the report stays small', () => {
    const big = notebook();
    const run = big.cells[1]!.runs[1]!;
    const length = 200_000;
    run.series = [{ name: 'loss', steps: Array.from({ length }, (_, i) => i), values: Array.from({ length }, (_, i) => Math.sin(i)), epochs: [] }];
    const report = renderReport(big);
    const block = /<script type="application\/json" id="lossbook-charts">([\s\S]*?)<\/script>/.exec(report)![1]!;
    expect(block.length).toBeLessThan(400_000);
  });

  it('renders a sweep: trials table, curves, scatter on a log axis, parcoords, common findings, refine snippet', () => {
    const withSweep = notebook();
    const sweep = runSyntheticSweep();
    const run = withSweep.cells[1]!.runs[1]!;
    run.artifacts.push(...sweep.run.artifacts, { kind: 'lr-range-test', data: { suggested: 0.003 } });
    const report = renderReport(withSweep);
    const view = sweepViews(run)[0]!;

    const figureBlock = /<script type="application\/json" id="lossbook-figures">([\s\S]*?)<\/script>/.exec(report)![1]!;
    const figures = JSON.parse(figureBlock) as Array<{ id: string; kind: string; data: Array<{ type: string; dimensions?: Array<{ label: string }> }>; layout: { xaxis?: { type: string } } }>;
    expect(figures.map((figure) => figure.kind)).toEqual(['curves', 'scatter', 'parallel']);
    for (const figure of figures) expect(report).toContain(`id="${figure.id}"`);
    const parallel = figures.find((figure) => figure.kind === 'parallel')!;
    expect(parallel.data[0]!.type).toBe('parcoords');
    expect(parallel.data[0]!.dimensions!.map((dimension) => dimension.label)).toEqual(['lr (log)', 'l2 (log)', 'batchSize', 'best val_loss']);
    expect(figures.find((figure) => figure.kind === 'scatter')!.layout.xaxis!.type).toBe('log');

    // One section for the sweep (the last snapshot), not one JSON dump per trial; other artifacts still shown.
    expect(report.match(/<section class="sweep"/g)).toHaveLength(1);
    expect(report).not.toContain('<summary>sweep</summary>');
    expect(report).toContain('<summary>lr-range-test</summary>');
    const table = /<table class="trials sortable">([\s\S]*?)<\/table>/.exec(report)![1]!;
    expect(table.match(/<tr data-trial=/g)).toHaveLength(sweep.scheduler.state.trials.length);
    // Best first, as the scheduler ranks them.
    expect(/<tr data-trial="(\d+)"/.exec(table)![1]).toBe(String(sweep.scheduler.ranked()[0]!.id));
    expect(report).toContain(view.findings.find((finding) => finding.id === 'loss.nan')!.association!.replace(/≥/, '≥'));
    const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
    const snippet = /<pre class="code refine-snippet"><code[^>]*>([\s\S]*?)<\/code><\/pre>/.exec(report)![1]!;
    expect(text(snippet)).toBe(view.refine!.snippet);

    // Still exactly the two scripts of the CSP.
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(report)![1]!;
    const scripts = [...report.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    for (const script of scripts) expect(policy).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('escapes sweep names, parameter names and choice values', () => {
    const hostile = notebook();
    const sweep = runSyntheticSweep({ name: '<img src=x onerror=alert(1)>', trials: 3 });
    hostile.cells[1]!.runs[1]!.artifacts.push(sweep.run.artifacts.at(-1)!);
    const report = renderReport(hostile);
    const body = report.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');
    expect(body).not.toMatch(/<img src=x/);
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
