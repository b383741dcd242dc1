// Screenshots of a trained example at 1440×900 and 1024×700, light and dark (issue 21), with the
// real kernel on wasm. Saved in e2e/artifacts/ and looked at by a person; the test also checks
// the layout faults issue 21 found: no horizontal scrollbar, the toolbar fits, the chart with a
// finding marker starts at step 0, and no gap is left under the charts by the diagnosis.
import type { Browser, Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/host/server';
import { launchChromium, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
let server: RunningServer;
let browser: Browser;
let page: Page;

describe('screens (browser mode, Chromium, real kernel)', () => {
  beforeAll(async () => {
    server = await startServer({ backend: 'wasm', rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    await page.locator('[data-testid=kernel-status][data-state=idle]').waitFor({ timeout: 120_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a trained example with findings, at two sizes and in both themes', async () => {
    await page.click('[data-testid=examples]');
    await page.locator('[role=menuitem]', { hasText: /memorizes 40 noisy samples/i }).first().click();
    // The example loads asynchronously: Run all before it is in would run the empty notebook.
    await expect.poll(() => page.title()).toMatch(/memorizes 40 noisy samples/i);
    await page.click('[data-testid=run-all]');
    const finding = page.locator('[data-testid=finding][data-finding-id="trend.overfitting"]');
    await finding.waitFor({ timeout: 150_000 });
    const cell = page.locator('section.cell', { has: finding });
    await expect.poll(() => cell.locator('[data-testid=run-status]').getAttribute('data-status'), { timeout: 150_000 }).toBe('ok');
    for (const close of await page.locator('.notice button[aria-label=Dismiss]').all()) await close.click();
    const measurements: Record<string, unknown> = {};
    for (const [width, height] of [[1440, 900], [1024, 700]] as const) {
      await page.setViewportSize({ width, height });
      for (const theme of ['light', 'dark'] as const) {
        await page.selectOption('[data-testid=theme]', theme);
        await cell.locator('[data-testid=training-view]').evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await page.mouse.move(0, 0);
        await page.waitForTimeout(400);
        await screenshot(page, `screen-${width}x${height}-${theme}`);
        const measured = await page.evaluate(() => {
          const main = document.querySelector('main.notebook')!;
          const lossXAxis = [...document.querySelectorAll('.chart[data-chart=loss] .xtick text')].map((node) => Number((node.textContent ?? '').replace('−', '-')));
          const markers = [...document.querySelectorAll('.chart[data-chart=loss] .shape-label-text')].map((node) => node.textContent);
          const charts = document.querySelector('.charts-column')!.getBoundingClientRect();
          const training = document.querySelector('[data-testid=training-view]')!.getBoundingClientRect();
          const outline = document.querySelector('[aria-label="Toggle outline"]')!.getBoundingClientRect();
          const panel = document.querySelector('[data-testid=diagnosis-panel]')!.getBoundingClientRect();
          return {
            pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            mainOverflow: main.scrollWidth - main.clientWidth,
            lossXAxis,
            markers,
            gapUnderCharts: Math.round(training.bottom - charts.bottom),
            outlineToggleRight: Math.round(outline.right),
            panelBelowTraining: Math.round(panel.bottom - training.bottom),
          };
        });
        measurements[`${width}x${height}-${theme}`] = measured;
        // No horizontal scrollbar; the toolbar's last control is on screen.
        expect(measured.pageOverflow).toBe(0);
        expect(measured.mainOverflow).toBe(0);
        expect(measured.outlineToggleRight).toBeLessThanOrEqual(width);
        // The chart starts at step 0 even with a finding marker, whose label is drawn.
        expect(Math.min(...measured.lossXAxis)).toBe(0);
        expect(measured.markers).toContain('trend.overfitting');
        // The diagnosis beside the charts scrolls within their height instead of leaving a gap under them.
        if (width >= 1440) expect(measured.gapUnderCharts).toBeLessThanOrEqual(4);
        // ...and stays inside the cell: it must not spill over the outputs below.
        expect(measured.panelBelowTraining).toBeLessThanOrEqual(1);
      }
    }
    console.log(JSON.stringify(measurements, null, 1));
  });
});
