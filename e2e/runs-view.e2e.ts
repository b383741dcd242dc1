// The runs view in browser mode (issue 20), Chromium: a store of 2,000 recorded runs opens as a
// table that draws only the rows in view, filters and sorts, overlays the selected runs' curves,
// and compares two in Monaco's diff editor. Screenshots go to e2e/artifacts/ for a person to look at.
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../src/host/runs/store';
import { sampleFinding, sampleRun } from '../src/host/runs/store.testing';
import { startServer, type RunningServer } from '../src/host/server';
import { launchChromium, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 2000;
let folder: string;
let server: RunningServer;
let browser: Browser;
let page: Page;

describe('runs view (browser mode, Chromium)', () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lossbook-runs-view-'));
    const store = RunStore.open(join(folder, 'runs.db'));
    for (let index = 0; index < RUNS; index++) {
      const run = sampleRun(index, { points: 200 });
      // The largest learning rate carries the finding a smaller one makes go away.
      if (run.params.learningRate === 0.1) run.findings = [...run.findings, sampleFinding('opt.lr-out-of-range')];
      if (index % 5 === 4) run.tags = ['baseline'];
      store.add(run);
    }
    store.close();
    server = await startServer({ supervisor: new RecordingSupervisor(), runsDb: join(folder, 'runs.db'), rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lists thousands of runs drawing only the rows in view, filters, sorts and overlays', async () => {
    await page.click('[data-testid=open-runs]');
    const table = page.locator('[data-testid=runs-table]');
    await table.locator('[data-run]').first().waitFor();
    await expect.poll(() => page.locator('.runs .store').textContent()).toContain(`${RUNS.toLocaleString('en-US')} recorded`);
    // Virtualized: a screenful of rows in the DOM, not 2,000.
    expect(await table.locator('[data-run]').count()).toBeLessThan(100);
    // Newest first: run #2000 leads.
    expect(await table.locator('[data-run]').first().getAttribute('data-run')).toBe(String(RUNS));

    for (const number of [RUNS, RUNS - 1, RUNS - 2, RUNS - 3]) await table.locator(`[data-run="${number}"]`).click();
    await page.locator('[data-testid=runs-overlay] .main-svg').first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'runs-view-1440x900');

    await page.fill('[data-testid=runs-filter]', 'learningRate>=0.03 tag=baseline');
    await expect.poll(async () => (await table.locator('[data-run]').count()) > 0).toBe(true);
    const filtered = await table.locator('[data-run]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-run'))));
    // Runs 5k+4 have learningRate 0.1 and the baseline tag; none other passes both terms.
    expect(filtered.every((number) => (number - 1) % 5 === 4)).toBe(true);
    await page.fill('[data-testid=runs-filter]', '');

    await page.locator('[role=columnheader]', { hasText: 'learningRate' }).click();
    await expect.poll(() => table.locator('[data-run]').first().locator('.cell.param').first().textContent()).toContain('0.1');

    // Parallel coordinates over every run in the table: an axis per varying param, then the metric.
    await page.click('[role=tab]:has-text("Parallel coordinates")');
    await page.locator('[data-testid=runs-parallel] .parcoords').first().waitFor();
    const axes = await page.locator('[data-testid=runs-parallel] .axis-title').allTextContents();
    expect(axes).toEqual(expect.arrayContaining(['learningRate (log)', 'optimizer', 'batchSize', 'loss (final)']));
    await page.waitForTimeout(300);
    await screenshot(page, 'runs-parallel-1440x900');
    await page.click('[role=tab]:has-text("Curves")');
  });

  it('compares two runs: code diff in Monaco, configuration, metric deltas, findings', async () => {
    const table = page.locator('[data-testid=runs-table]');
    await page.click('[data-testid=runs-clear-selection]');
    // Runs 5 and 6: learning rates 0.1 and 0.001; only the first has the learning-rate finding.
    await page.fill('[data-testid=runs-filter]', 'number<=10');
    for (const number of [5, 6]) await table.locator(`[data-run="${number}"]`).click();
    await page.click('[data-testid=runs-compare]');
    const view = page.locator('[data-testid=runs-compare-view]');
    await view.locator('[data-testid=runs-code-diff] .monaco-diff-editor').waitFor();
    await expect.poll(() => view.locator('.config').textContent()).toContain('learningRate');
    expect(await view.locator('.findings').textContent()).toContain('opt.lr-out-of-range');
    expect(await view.locator('.metrics').textContent()).toContain('loss');
    await page.waitForTimeout(500);
    await screenshot(page, 'runs-compare-1440x900');
  });
});
