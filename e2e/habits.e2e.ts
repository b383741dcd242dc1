// Jupyter habits in Chromium (browser mode, recording kernel stand-in): the file browser of the
// server's notebook folder with recents, a .ipynb opened from it, the document name in the title,
// the command palette and shortcut sheet, Alt+arrows, stale cells, Esc closing popovers.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/host/server';
import type { ExecuteOptions } from '../src/host/kernel-api';
import { launchChromium, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const memory = { numTensors: 0, numBytes: 0, rssBytes: 1, heapUsedBytes: 1, time: 0 };

let server: RunningServer;
let browser: Browser;
let page: Page;
let supervisor: RecordingSupervisor;
let folder: string;

const cellText = (index: number) => page.locator('section.cell').nth(index).locator('.view-lines').textContent();

/** Answer every execute the page sent since `from` with a finished run. */
function finishRuns(from: number): void {
  const executes = supervisor.calls.filter((call) => call.method === 'execute');
  executes.slice(from).forEach((call, offset) => {
    const { cellId } = call.args[0] as ExecuteOptions;
    const runId = `run-${from + offset + 1}`;
    supervisor.emit({ type: 'run-started', runId, cellId, executionCount: from + offset + 1, time: Date.now() });
    const run = { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 } };
    supervisor.emit({ type: 'run-finished', runId, status: 'ok', durationMs: 1, memory: run });
  });
}

describe('Jupyter habits (browser mode, Chromium)', () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lossbook-habits-'));
    process.env.LOSSBOOK_RECOVERY_DIR = join(folder, '.recovery');
    mkdirSync(join(folder, 'experiments'));
    copyFileSync(`${root}examples/jupyter/linear-regression.tslab.ipynb`, join(folder, 'experiments', 'regression.ipynb'));
    supervisor = new RecordingSupervisor();
    server = await startServer({ supervisor, rendererDir: `${root}out/renderer`, examplesDir: `${root}examples`, notebookRoot: folder });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    await page.locator('section.cell .monaco-editor').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens a Jupyter notebook from the file browser of the notebook folder', async () => {
    await page.click('[aria-label="Open notebook"]');
    const browserPanel = page.locator('[data-testid=file-browser]');
    await browserPanel.waitFor();
    await page.locator('[data-entry=experiments]').click();
    await page.locator('[data-entry="regression.ipynb"]').waitFor();
    await screenshot(page, 'habits-01-file-browser');
    await page.locator('[data-entry="regression.ipynb"]').dblclick();
    await expect.poll(() => page.locator('.title').inputValue()).toBe('regression');
    expect(await page.locator('section.cell').count()).toBe(4);
    await expect.poll(() => cellText(1)).toMatch(/import\s\*\sas\stf/);
    // Static outputs from Jupyter: shown, but no run record behind them.
    await expect.poll(() => page.locator('section.cell').nth(2).locator('[data-testid=outputs]').textContent()).toContain('final loss 0.0213');
    expect(await page.title()).toBe('regression — Lossbook');
  });

  it('Save As names the document after its file: title, tab title and recents', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+S');
    const input = page.locator('[data-testid=path-input]');
    await input.waitFor();
    await page.locator('[data-testid=file-browser]').waitFor();
    await input.fill('fitted-line.lossbook');
    await page.click('[data-testid=path-ok]');
    await page.locator('.notice', { hasText: 'Saved' }).waitFor();
    expect(await page.title()).toBe('fitted-line — Lossbook');
    expect(await page.locator('.file').textContent()).toContain(join(folder, 'experiments', 'fitted-line.lossbook'));
    await page.click('[aria-label="Open notebook"]');
    await expect.poll(() => page.locator('[data-testid=recent-file]').allTextContents()).toEqual([expect.stringContaining('fitted-line.lossbook')]);
    await page.locator('[data-entry="fitted-line.lossbook"]').waitFor();
    await screenshot(page, 'habits-02-open-with-recents');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=path-input]').count()).toBe(0);
  });

  it('command palette lists every action with its shortcut and runs one; H shows the shortcut sheet', async () => {
    await page.keyboard.press('Control+Shift+P');
    const palette = page.locator('[data-testid=command-palette]');
    await palette.waitFor();
    expect(await palette.locator('[data-command]').count()).toBeGreaterThan(25);
    expect(await palette.locator('[data-command=move-down] kbd').textContent()).toBe('Alt+↓');
    await page.keyboard.type('insert below');
    // "Run cell and insert below" and "Insert cell below": arrows move the highlight, Enter runs it.
    await expect.poll(() => palette.locator('[data-command]').evaluateAll((items) => items.map((item) => item.getAttribute('data-command')))).toEqual(['run-insert', 'insert-below']);
    await page.keyboard.press('ArrowDown');
    expect(await palette.locator('.highlighted').getAttribute('data-command')).toBe('insert-below');
    await screenshot(page, 'habits-03-palette');
    const before = await page.locator('section.cell').count();
    await page.keyboard.press('Enter');
    await expect.poll(() => palette.count()).toBe(0);
    await expect.poll(() => page.locator('section.cell').count()).toBe(before + 1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('h');
    await page.locator('[data-testid=shortcut-sheet]').waitFor();
    expect(await page.locator('[data-testid=shortcut-sheet]').textContent()).toMatch(/Alt\+↑\s*Move cell up/);
    await screenshot(page, 'habits-04-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=shortcut-sheet]').count()).toBe(0);
    // Keys act on the notebook again once it is closed: D D deletes the inserted cell.
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('section.cell').count()).toBe(before);
  });

  it('moves a cell with Alt+arrows, marks cells below an edited cell stale, and Esc closes the backend popover', async () => {
    await page.locator('section.cell').nth(1).locator('.monaco-editor').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => cellText(0)).toMatch(/import\s\*\sas\stf/);
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => cellText(1)).toMatch(/import\s\*\sas\stf/);

    const sent = supervisor.calls.filter((call) => call.method === 'execute').length;
    await page.click('[data-testid=run-all]');
    // Run all: the page sends one cell at a time and waits for it to finish (3 code cells).
    for (let cell = 0; cell < 3; cell++) {
      await expect.poll(() => supervisor.calls.filter((call) => call.method === 'execute').length).toBe(sent + cell + 1);
      finishRuns(sent + cell);
    }
    await expect.poll(() => page.locator('[data-testid=stale]').count()).toBe(0);
    // Edit the first code cell: it and the cells below it that ran are stale, nothing re-runs.
    await page.locator('section.cell').nth(1).locator('.monaco-editor').click();
    await page.keyboard.press('End');
    await page.keyboard.type(' // edited');
    await expect.poll(() => page.locator('[data-testid=stale]').count()).toBe(3);
    expect(supervisor.calls.filter((call) => call.method === 'execute').length).toBe(sent + 3);
    await screenshot(page, 'habits-05-stale');

    await page.keyboard.press('Escape');
    await page.click('[data-testid=backend] summary');
    await expect.poll(() => page.locator('[data-testid=backend]').getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid=backend]').getAttribute('open')).toBeNull();
    await page.click('[data-testid=backend] summary');
    await page.mouse.click(700, 400);
    await expect.poll(() => page.locator('[data-testid=backend]').getAttribute('open')).toBeNull();
  });
  it('finds across the notebook (Ctrl+F), replaces all (Ctrl+H) and takes the replacement back with Z', async () => {
    const allText = async () => (await page.locator('section.cell .view-lines').allTextContents()).join('\n').replace(/\u00a0/g, ' ');
    const before = await allText();
    const occurrences = before.match(/\bmodel\b/g)?.length ?? 0;
    expect(occurrences).toBeGreaterThan(1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+f');
    const bar = page.locator('[data-testid=find-bar]');
    await bar.waitFor();
    await page.keyboard.type('model');
    await page.click('[data-testid=find-word]');
    await expect.poll(() => page.locator('[data-testid=find-status]').textContent()).toBe(`1 of ${occurrences}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid=find-status]').textContent()).toBe(`2 of ${occurrences}`);
    // Every match is highlighted in the editors, the current one selected.
    await expect.poll(() => page.locator('.lb-find-match').count()).toBe(occurrences);
    await screenshot(page, 'habits-06-find');

    await page.keyboard.press('Control+h');
    await page.locator('[data-testid=find-replacement]').fill('net');
    await page.click('[data-testid=find-replace-all]');
    await page.locator('.notice', { hasText: `Replaced ${occurrences} matches` }).waitFor();
    await expect.poll(() => page.locator('[data-testid=find-status]').textContent()).toBe('No results');
    await expect.poll(allText).not.toMatch(/\bmodel\b/);
    expect((await allText()).match(/\bnet\b/g)?.length).toBe(occurrences);
    await screenshot(page, 'habits-07-replaced');

    await page.keyboard.press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
    await page.keyboard.press('z');
    await expect.poll(allText).toBe(before);
  });
});
