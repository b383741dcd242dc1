// Issue 17 in the browser: a markdown cell of 2,500 nested block quotes renders (it was blank),
// a markdown link opens in a new tab (it navigated the notebook away), and a hostile file opened
// by the page is refused with the reason while the page and server stay up. Screenshots go to
// e2e/artifacts/hostile-*.png.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/host/server';
import { MAX_MARKDOWN_QUOTE_DEPTH } from '../src/shared/markdown-limits';
import { deepBlockquote, memoryBomb } from '../src/host/hostile-notebooks.testing';
import { launchChromium, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'lossbook-hostile-e2e-'));
const quotes = join(folder, 'quotes.lossbook');
const document = JSON.parse(deepBlockquote(2_500)) as { cells: Array<Record<string, unknown>> };
document.cells.unshift({ id: 'link', kind: 'markdown', source: 'Read [the tfjs guide](https://www.tensorflow.org/js/guide) first.', outputs: [], runs: [], dismissed: [] });
writeFileSync(quotes, JSON.stringify(document));
const bomb = join(folder, 'bomb.lossbook');
writeFileSync(bomb, memoryBomb());

let server: RunningServer;
let browser: Browser;
let page: Page;

describe('hostile notebooks in browser mode (issue 17, Chromium)', () => {
  beforeAll(async () => {
    server = await startServer({ supervisor: new RecordingSupervisor(), rendererDir: `${root}out/renderer`, examplesDir: `${root}examples`, notebookPath: quotes });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders 2,500 nested block quotes (clamped), not a blank cell', async () => {
    const cell = page.locator('section.cell', { hasText: 'quoted' }).first();
    await cell.waitFor({ timeout: 60_000 });
    expect(await cell.locator('.markdown blockquote').count()).toBe(MAX_MARKDOWN_QUOTE_DEPTH);
    expect(await cell.locator('.markdown').innerText()).toContain('quoted');
    await screenshot(page, 'hostile-deep-blockquote');
  });

  it('opens a markdown link in a new tab; the notebook stays', async () => {
    const link = page.locator('.markdown a', { hasText: 'the tfjs guide' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    const notebookUrl = page.url();
    const popup = page.context().waitForEvent('page');
    await link.click();
    const opened = await popup;
    // No network here: the new tab shows Chromium's error page for the site; what matters is that it is a new tab.
    expect(opened.url()).toMatch(/tensorflow\.org|about:blank|chrome-error/);
    await opened.close();
    expect(page.url()).toBe(notebookUrl);
    expect(await page.locator('section.cell', { hasText: 'quoted' }).count()).toBe(1);
  });

  it('refuses the 7 KB memory bomb with the reason; the page and server stay up', async () => {
    // The 5 s bound is asserted where it is measured alone (src/host/server.hostile.test.ts);
    // here the page's own start-up (Monaco, the bundle) on a loaded CI box is in the way.
    await page.goto(`http://127.0.0.1:${server.port}/?token=${server.token}&notebook=${encodeURIComponent(bomb)}`);
    const notice = page.locator('.notice.error');
    await notice.waitFor({ timeout: 60_000 });
    expect(await notice.innerText()).toMatch(/epochs for \d+ values/);
    await screenshot(page, 'hostile-memory-bomb-refused');
    await page.goto(server.url);
    await page.locator('section.cell', { hasText: 'quoted' }).first().waitFor();
  });
});
