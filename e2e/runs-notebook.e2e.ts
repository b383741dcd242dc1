// A comparison kept in the notebook (issue 20), browser mode in Chromium: two real runs of one
// script (the built CLI, learning rate 0.1 then 0.001) in a run store → Runs → Compare → Add to
// notebook → the Comparisons section appears below the cells → save → the .lossbook holds it →
// export the report → the downloaded file opens offline with the comparison's section and
// charts. Screenshots: runs-compare-added.png (the Compare view after Add to notebook),
// notebook-comparisons.png (the section) and its -dark twin, report-comparisons.png and
// report-comparisons-full.png (the report's section).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNotebookFile } from '../src/host/files';
import { startServer, type RunningServer } from '../src/host/server';
import { artifactsDir, launchChromium, openReportOffline, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));

function lossbook(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/lossbook.mjs'), ...args], { cwd, env: { ...process.env, CI: '1', LOSSBOOK_SEED: '3' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const script = (rate: number) => `const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.adam(${rate}), loss: 'meanSquaredError', metrics: ['mae'] });
const xs = tf.randomNormal([64, 4]);
const ys = xs.sum(1, true);
await model.fit(xs, ys, { epochs: 6, batchSize: 16, validationSplit: 0.25 });
`;

describe('a run comparison kept in the notebook (browser mode, Chromium)', () => {
  let folder: string;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lossbook-runs-notebook-e2e-'));
    for (const rate of [0.1, 0.001]) {
      await writeFile(join(folder, 'train.ts'), script(rate));
      const ran = await lossbook(['run', 'train.ts', '--runs-db', 'x.db'], folder);
      expect(ran.code, ran.stderr).toBe(0);
    }
    server = await startServer({ supervisor: new RecordingSupervisor(), runsDb: join(folder, 'x.db'), rendererDir: `${root}out/renderer`, examplesDir: `${root}examples`, notebookRoot: folder });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('Add to notebook puts the comparison below the cells; saving keeps it in the file', async () => {
    await page.click('[data-testid=open-runs]');
    const table = page.locator('[data-testid=runs-table]');
    for (const number of [1, 2]) await table.locator(`[data-run="${number}"]`).click();
    await page.click('[data-testid=runs-compare]');
    await page.locator('[data-testid=runs-compare-view]').waitFor();
    await page.click('[data-testid=runs-add-to-notebook]');
    await page.locator('.notice', { hasText: 'Added the comparison of run #1 and #2' }).waitFor();
    // The view says so where the user looks, and the same comparison is not added twice.
    await expect.poll(() => page.locator('[data-testid=runs-add-to-notebook]').textContent()).toContain('In the notebook');
    expect(await page.locator('[data-testid=runs-add-to-notebook]').isDisabled()).toBe(true);
    await screenshot(page, 'runs-compare-added');
    await page.click('[aria-label="Close runs"]');
    await expect.poll(() => page.locator('[data-testid=runs-view]').count()).toBe(0);

    const section = page.locator('[data-testid=notebook-comparisons]');
    await section.waitFor();
    const card = section.locator('[data-testid=comparison-card]');
    expect(await card.count()).toBe(1);
    expect(await card.locator('h3').textContent()).toMatch(/A\s*#1\s*vs\s*B\s*#2/);
    expect(await card.textContent()).toContain('learningRate');
    expect(await card.textContent()).toContain('0.1 → 0.001');
    expect(await card.textContent()).toContain('opt.lr-out-of-range');
    await card.locator('[data-testid=comparison-chart] .main-svg').first().waitFor();
    await section.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'notebook-comparisons');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await page.waitForTimeout(400);
    await screenshot(page, 'notebook-comparisons-dark');
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));

    // Remove takes it out; the notice's Undo puts it back.
    await card.locator('[data-testid=comparison-remove]').click();
    await expect.poll(() => page.locator('[data-testid=notebook-comparisons]').count()).toBe(0);
    await page.locator('.notice', { hasText: 'Removed the comparison of run #1 and #2' }).locator('[data-testid=notice-action]').click();
    await section.locator('[data-testid=comparison-card]').waitFor();

    await page.click('[data-testid=save]');
    const input = page.locator('[data-testid=path-input]');
    await input.waitFor();
    await input.fill('lr.lossbook');
    await page.click('[data-testid=path-ok]');
    await page.locator('.notice', { hasText: 'Saved' }).waitFor();
    const saved = await readNotebookFile(join(folder, 'lr.lossbook'));
    expect(saved.comparisons?.map((snapshot) => [snapshot.runs.a.number, snapshot.runs.b.number])).toEqual([[1, 2]]);
    expect(JSON.parse(await readFile(join(folder, 'lr.lossbook'), 'utf8')).formatVersion).toBe(2);
  });

  it('the exported report shows the comparison and opens offline', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[aria-label="Export HTML report"]')]);
    const file = join(folder, 'report.html');
    await download.saveAs(file);
    const { context, page: report, requests, errors } = await openReportOffline(browser, file, { width: 1200, height: 1400 });
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);

    const article = report.locator('article.comparison#comparison-0');
    expect(await article.locator('h3').textContent()).toContain('Run #1 vs #2');
    expect(await report.locator('a[href="#comparison-0"]').textContent()).toBe('Run #1 vs #2');
    await expect(article.locator('table.config-diff tr', { hasText: 'params.learningRate' }).locator('td').allTextContents()).resolves.toEqual(['params.learningRate', '0.1', '0.001']);
    expect(await article.locator('#comparison-0-chart-0 .legendtext').allTextContents()).toEqual(['A #1 loss', 'A #1 val_loss', 'B #2 loss', 'B #2 val_loss']);
    expect(await article.locator('.findings-gone .finding[data-finding="opt.lr-out-of-range"]').count()).toBe(1);
    await article.scrollIntoViewIfNeeded();
    await report.waitForTimeout(300);
    await report.screenshot({ path: join(artifactsDir, 'report-comparisons.png') });
    await article.screenshot({ path: join(artifactsDir, 'report-comparisons-full.png') });
    await context.close();
  });
});
