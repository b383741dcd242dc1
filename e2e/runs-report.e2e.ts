// `lossbook runs compare A B --html` through the built binary (issue 20): two real runs of one
// script whose code and learning rate changed in between, compared into one HTML file that then
// opens offline in Chromium — no request leaves the page, the overlaid curves draw, the diff and
// findings read right, and script hidden in the code does not run. Screenshots: runs-compare.png
// (the top) and runs-compare-full.png (the whole page).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, launchChromium, openReportOffline, screenshot } from './helpers';

const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin/lossbook.mjs');

function lossbook(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: '1', LOSSBOOK_SEED: '3' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const script = (optimizer: string, comment: string) => `const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
${comment}
model.compile({ optimizer: ${optimizer}, loss: 'meanSquaredError', metrics: ['mae'] });
const xs = tf.randomNormal([64, 4]);
const ys = xs.sum(1, true);
await model.fit(xs, ys, { epochs: 6, batchSize: 16, validationSplit: 0.25 });
`;

describe('lossbook runs compare --html (built CLI, Chromium)', () => {
  let folder: string;
  let browser: Browser;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lossbook-runs-report-e2e-'));
    await writeFile(join(folder, 'train.ts'), script('tf.train.adam(0.1)', "// first try </script><script>window.__xss = 'code'</script>"));
    expect((await lossbook(['run', 'train.ts', '--runs-db', 'x.db'], folder)).code).toBe(0);
    await writeFile(join(folder, 'train.ts'), script('tf.train.adam(0.001)', '// a smaller rate'));
    expect((await lossbook(['run', 'train.ts', '--runs-db', 'x.db'], folder)).code).toBe(0);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('writes one self-contained page that opens offline with the curves, diffs and findings', async () => {
    const written = await lossbook(['runs', 'compare', '1', '2', '--html', 'out/compare.html', '--runs-db', 'x.db'], folder);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stderr).toContain('lossbook: wrote the comparison to out/compare.html');
    expect(written.stdout).toContain('params.learningRate: 0.1 → 0.001'); // the text comparison still prints
    const file = join(folder, 'out/compare.html');
    expect(await readFile(file, 'utf8')).not.toMatch(/<(script|img|link|iframe)[^>]*\s(src|href)=["']?https?:/i);

    const { context, page, requests, errors } = await openReportOffline(browser, file, { width: 1200, height: 1500 });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]); // no CSP violation: Plotly and the page script run under the page's policy

    // Loss and the first metric, each run's curves (train and validation) overlaid.
    expect(await page.getAttribute('html', 'data-charts-rendered')).toBe('2');
    expect(await page.locator('#compare-chart-0 .legendtext').allTextContents()).toEqual(['A #1 loss', 'A #1 val_loss', 'B #2 loss', 'B #2 val_loss']);
    expect(await page.locator('#compare-chart-1 .legendtext').allTextContents()).toEqual(['A #1 mae', 'A #1 val_mae', 'B #2 mae', 'B #2 val_mae']);
    expect(await page.locator('#compare-chart-0 .scatterlayer path.js-line').count()).toBe(4);

    await expect(page.locator('table.config-diff tr', { hasText: 'params.learningRate' }).locator('td').allTextContents()).resolves.toEqual(['params.learningRate', '0.1', '0.001']);
    const changed = page.locator('table.diff tr.change');
    expect(await changed.count()).toBe(2);
    expect(await changed.nth(0).locator('td.removed').textContent()).toBe("// first try </script><script>window.__xss = 'code'</script>");
    expect(await changed.nth(1).locator('td.added').textContent()).toBe("model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError', metrics: ['mae'] });");
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(await page.locator('tr[data-metric="loss"] td.delta').textContent()).toMatch(/^[+−]\d/);
    // Adam at 0.1 is out of the usual range; at 0.001 it is not: the finding is gone in B.
    expect(await page.locator('.findings-gone .finding[data-finding="opt.lr-out-of-range"]').count()).toBe(1);

    await screenshot(page, 'runs-compare');
    // The whole page (metric deltas and findings below the fold), with the earlier steps unfolded.
    await page.locator('tr[data-metric="loss"] details.steps summary').click();
    await page.screenshot({ path: join(artifactsDir, 'runs-compare-full.png'), fullPage: true });
    await context.close();
  });

  it('writes the page to stdout with --html -, and refuses --html - with --json (both would be stdout)', async () => {
    const piped = await lossbook(['runs', 'compare', '1', '2', '--html', '-', '--runs-db', 'x.db'], folder);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(piped.stdout).toContain('<h1>Run #1 vs #2</h1>');
    const refused = await lossbook(['runs', 'compare', '1', '2', '--html', '-', '--json', '--runs-db', 'x.db'], folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--json and --html - both write to stdout');
    expect(refused.stdout).toBe('');
  });
});
