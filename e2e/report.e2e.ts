// The exported HTML report, opened in real Chromium with every network request intercepted
// (issue 7): no request may leave the page, the Plotly charts must render, and script hidden in
// the notebook's markdown must not run. The notebook comes from a real run of the built CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotebookFile, saveNotebookFile } from '../src/host/files';

const root = fileURLToPath(new URL('..', import.meta.url));
const artifacts = join(root, 'e2e/artifacts');

const SCRIPT = `// @title: Report check
// %% [markdown]
// # Two runs, one healthy and one diverging
// The second model uses **SGD with lr = 10**. <script>window.__xss = 'script tag'</script>
// <img src="x" onerror="window.__xss = 'onerror'"> [a link](javascript:window.__xss='link')
// ![remote](https://example.com/tracker.png)
// %%
import * as tf from '@tensorflow/tfjs';
const xs = tf.randomNormal([64, 4], 0, 1, 'float32', 1);
const ys = xs.sum(1, true).mul(0.5);
// %%
const healthy = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
healthy.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
await healthy.fit(xs, ys, { epochs: 6, batchSize: 8, validationSplit: 0.25, verbose: 0 });
console.log('healthy model trained </pre><script>window.__xss = "stream"</script>');
// %%
const diverging = tf.sequential({ layers: [tf.layers.dense({ units: 16, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
diverging.compile({ optimizer: tf.train.sgd(10), loss: 'meanSquaredError' });
await diverging.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 });
// %%
const sweep = await lossbook.sweep({
  name: 'lr-l2-search',
  space: { lr: lossbook.sweep.logUniform(1e-3, 3), l2: lossbook.sweep.logUniform(1e-5, 1e-1), batchSize: lossbook.sweep.choice([8, 16]) },
  trials: 10,
  metric: 'val_loss',
  seed: 3,
  train: async ({ lr, l2, batchSize }, report) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2 }) }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { epochs: 4, batchSize, validationSplit: 0.25, verbose: 0, callbacks: [report.callback] });
  },
});
`;

function lossbook(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/lossbook.mjs'), ...args], { cwd, env: { ...process.env, CI: '1' }, timeout: 170_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function chromiumPath(): string {
  const found = [process.env.LOSSBOOK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
  if (!found) throw new Error('No Chromium found: install it (apt-get install chromium) or set LOSSBOOK_CHROMIUM.');
  return found;
}

describe('HTML report in Chromium', () => {
  let folder: string;
  let browser: Browser;
  let reportPath: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lossbook-report-e2e-'));
    await writeFile(join(folder, 'check.ts'), SCRIPT);
    const run = await lossbook(['run', 'check.ts', '--backend', 'cpu', '--save', 'check.lossbook'], folder);
    expect(run.stderr).toContain('wrote notebook');
    // The user dismissed one finding in the app: the report shows it as dismissed.
    const notebook = await readNotebookFile(join(folder, 'check.lossbook'));
    const diverging = notebook.cells[3]!;
    const dismissedKey = diverging.runs[0]!.findings.find((finding) => finding.id === 'opt.lr-out-of-range')?.key;
    expect(dismissedKey).toBeDefined();
    diverging.dismissed.push(dismissedKey!);
    await saveNotebookFile(join(folder, 'check.lossbook'), notebook);
    reportPath = join(folder, 'check.html');
    const exported = await lossbook(['export', 'check.lossbook', '--html', 'check.html'], folder);
    expect(exported.code).toBe(0);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'] });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('renders charts and findings with no network request and no script from the notebook', async () => {
    const html = await readFile(reportPath, 'utf8');
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const documentUrl = pathToFileURL(reportPath).href;
    const requests: string[] = [];
    const intercepted: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === documentUrl) return route.continue();
      intercepted.push(url);
      return route.abort('blockedbyclient');
    });
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(documentUrl);
    await page.waitForSelector('html[data-charts-rendered]', { timeout: 60_000 });

    // Network: only the document itself was loaded; nothing was even attempted.
    expect(requests.filter((url) => url !== documentUrl && !url.startsWith('data:'))).toEqual([]);
    expect(intercepted).toEqual([]);
    // No CSP violation or script error: Plotly runs under the report's own policy.
    expect(consoleErrors).toEqual([]);

    // Charts: one Plotly SVG per chart div; train and val loss share the healthy run's chart.
    const chartCount = await page.locator('.chart').count();
    expect(chartCount).toBeGreaterThanOrEqual(3);
    expect(await page.getAttribute('html', 'data-charts-rendered')).toBe(String(chartCount));
    expect(await page.locator('.chart svg.main-svg').count()).toBeGreaterThanOrEqual(chartCount);
    const healthyLegend = await page.locator('#cell-2 .chart').first().locator('.legendtext').allTextContents();
    expect(healthyLegend).toEqual(expect.arrayContaining(['loss', 'val_loss']));
    expect(await page.locator('#cell-2 .chart').first().locator('path.js-line').count()).toBeGreaterThanOrEqual(2);

    // The markdown's script, event handler and javascript: link did nothing.
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    await page.locator('.markdown a', { hasText: 'a link' }).click();
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(await page.locator('.markdown script, .markdown [onerror]').count()).toBe(0);
    expect(await page.locator('.markdown strong').first().textContent()).toBe('SGD with lr = 10');

    // Findings of the diverging run, the dismissed one marked; code highlighted; environment shown.
    expect(await page.locator('#cell-3 .finding[data-finding="loss.nan"]').count()).toBe(1);
    await expect(page.locator('#cell-3 .finding.dismissed[data-finding="opt.lr-out-of-range"] .dismissed-badge').textContent()).resolves.toBe('dismissed');
    expect(await page.locator('pre.source .hljs-keyword').count()).toBeGreaterThan(3);
    const environment = await page.locator('section.environment').textContent();
    expect(environment).toContain('cpu');
    expect(environment).toContain('4.22.0');
    expect(html).toContain('Content-Security-Policy');

    // The sweep (issue 9): one section, every chart drawn — parcoords by WebGL under the report's
    // no-eval CSP (Plotly's strict bundle), the scatter on a log x axis — and the refine snippet.
    const sweep = page.locator('#cell-4 section.sweep');
    expect(await sweep.count()).toBe(1);
    expect(await sweep.locator('.no-webgl').count()).toBe(0);
    expect(await sweep.locator('.sweep-parallel').getAttribute('data-fallback')).toBeNull();
    expect(await sweep.locator('.sweep-parallel .parcoords').count()).toBe(1);
    expect(await sweep.locator('.sweep-parallel .parcoords .axis-title').allTextContents()).toEqual(['lr (log)', 'l2 (log)', 'batchSize', expect.stringMatching(/^best val_loss/)]);
    const scatterAxis = await sweep.locator('.sweep-scatter').evaluate((element) => (element as unknown as { _fullLayout: { xaxis: { type: string } } })._fullLayout.xaxis.type);
    expect(scatterAxis).toBe('log');
    expect(await sweep.locator('.sweep-curves path.js-line').count()).toBeGreaterThanOrEqual(1);
    const snippet = (await sweep.locator('pre.refine-snippet').textContent()) ?? '';
    expect(snippet).toMatch(/^space: \{\n {2}lr: lossbook\.sweep\.logUniform\([\d.e-]+, [\d.e-]+\),\n {2}l2: lossbook\.sweep\.logUniform\(/);
    expect(await sweep.locator('table.trials tbody tr').count()).toBe(10);
    // Sortable in place: by lr, ascending.
    await sweep.locator('table.trials th', { hasText: /^lr$/ }).click();
    const lrs = await sweep.locator('table.trials tbody tr td:nth-child(3)').evaluateAll((cells) => cells.map((cell) => Number(cell.getAttribute('data-value'))));
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
    await sweep.locator('table.trials th', { hasText: /^best val_loss/ }).click();

    mkdirSync(artifacts, { recursive: true });
    // Clip in page coordinates (an element screenshot resizes the viewport, and Plotly re-lays out).
    const sweepBox = await sweep.evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return { x: rect.left + window.scrollX, y: rect.top + window.scrollY, width: rect.width, height: rect.height };
    });
    await page.screenshot({ path: join(artifacts, 'report-sweep.png'), fullPage: true, clip: sweepBox });
    await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(artifacts, 'report-print.png'), fullPage: true });
    await context.close();
  });
});
