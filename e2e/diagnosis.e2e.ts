// The verdict in the diagnosis panel (issue 22), in Chromium against the real kernel: a
// zero-initialized network shows one cause — the initializer — with its symptoms (dead units,
// vanishing gradients, weights that never change) folded under it. The screenshot is looked at.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/host/server';
import { artifactsDir, launchChromium, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));

let server: RunningServer;
let browser: Browser;
let page: Page;

describe('diagnosis verdict (browser mode, Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    server = await startServer({ backend: 'wasm', rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    await page.locator('[data-testid=kernel-status][data-state=idle]').waitFor({ timeout: 90_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a zero-initialized net: one cause on top, its symptoms folded under it', async () => {
    await page.click('[data-testid=examples]');
    const item = page.locator('[role=menuitem]', { hasText: /Kernels initialized to zeros/i }).first();
    await item.waitFor();
    await item.click();
    await page.locator('section.cell').first().waitFor();
    await expect.poll(() => page.locator('[data-testid=kernel-status]').getAttribute('data-busy')).toBe('false');
    await page.click('[data-testid=run-all]');
    const verdict = page.locator('[data-testid=verdict]');
    await verdict.waitFor({ timeout: 150_000 });
    const cell = page.locator('section.cell', { has: verdict });
    await expect.poll(() => cell.locator('[data-testid=run-status]').getAttribute('data-status'), { timeout: 150_000 }).toBe('ok');

    expect(await verdict.getAttribute('data-verdict-id')).toBe('model.bad-init');
    expect(await verdict.textContent()).toMatch(/Most likely cause/);
    // One top-level finding above a note: the cause; everything else it explains is folded.
    const panel = cell.locator('[data-testid=diagnosis-panel]');
    const loud = panel.locator('[data-testid=finding].warning, [data-testid=finding].error');
    await expect.poll(() => loud.count()).toBe(1);
    const cause = panel.locator('[data-testid=finding][data-finding-id="model.bad-init"]');
    expect(await cause.locator('[data-testid=folded-finding]').count()).toBe(0);
    await cause.locator('[data-testid=folded-toggle]').click();
    const folded = await cause.locator('[data-testid=folded-finding]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-finding-id')));
    expect(folded).toEqual(expect.arrayContaining(['act.dead-relu', 'weights.unchanged']));
    expect(folded.length).toBeGreaterThanOrEqual(3);
    // The cause's fix names the notebook's own variables and retrains.
    expect(await cause.locator('.fix pre').textContent()).toMatch(/model = await tf\.models\.modelFromJSON[\s\S]*await model\.fit\(xs, ys/);

    await cell.locator('[data-testid=training-view]').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await panel.evaluate((element) => (element.scrollTop = 0));
    await page.mouse.move(0, 0);
    for (const close of await page.locator('.notice button').all()) await close.click();
    await screenshot(page, '09-zero-init-verdict');
    await panel.screenshot({ path: `${artifactsDir}09b-zero-init-panel.png` });
  });
});
