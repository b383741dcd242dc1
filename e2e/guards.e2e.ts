// Guards against losing work (issue 21), in Chromium against browser mode with a recording
// kernel stand-in (no training needed): an example over unsaved work asks Save / Discard /
// Cancel, closing the tab asks (beforeunload), clearing all outputs is undoable, and an untitled
// notebook's autosave is offered back to the next page — but never to a second tab while the
// page that wrote it is still open; saving over a file another program changed asks first.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveNotebookFile, writeRecoveryFile } from '../src/host/files';
import { startServer, type RunningServer } from '../src/host/server';
import { createNotebook } from '../src/shared/notebook/model';
import type { ExecuteOptions } from '../src/host/kernel-api';
import { launchChromium, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const memory = { numTensors: 0, numBytes: 0, rssBytes: 1, heapUsedBytes: 1, time: 0 };

let server: RunningServer;
let browser: Browser;
let supervisor: RecordingSupervisor;
let recoveryDir: string;

async function openPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(server.url);
  await page.locator('section.cell .monaco-editor').first().waitFor();
  return page;
}

async function typeInFirstCell(page: Page, text: string): Promise<void> {
  await page.click('section.cell .monaco-editor');
  await page.keyboard.type(text);
  await expect.poll(() => page.locator('.dirty').count()).toBe(1);
}

/** The kernel stand-in answers the last execute with a finished run that printed `text`. */
async function finishLastRun(text: string): Promise<void> {
  await expect.poll(() => supervisor.calls.filter((call) => call.method === 'execute').length).toBeGreaterThan(0);
  const executes = supervisor.calls.filter((call) => call.method === 'execute');
  const { cellId } = executes.at(-1)!.args[0] as ExecuteOptions;
  const runId = `run-${executes.length}`;
  supervisor.emit({ type: 'run-started', runId, cellId, executionCount: executes.length, time: Date.now() });
  supervisor.emit({ type: 'stream', runId, name: 'stdout', text });
  const run = { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 } };
  supervisor.emit({ type: 'run-finished', runId, status: 'ok', durationMs: 3, memory: run });
}

describe('guards against losing work (browser mode, Chromium)', () => {
  beforeAll(async () => {
    recoveryDir = mkdtempSync(join(tmpdir(), 'lossbook-guards-recovery-'));
    process.env.LOSSBOOK_RECOVERY_DIR = recoveryDir;
    supervisor = new RecordingSupervisor();
    server = await startServer({ supervisor, rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an example over unsaved work asks Save / Discard / Cancel; Cancel keeps the work', async () => {
    const page = await openPage();
    await typeInFirstCell(page, 'const precious = 42;');
    await page.click('[data-testid=examples]');
    await page.locator('[role=menuitem]', { hasText: /MNIST MLP/ }).first().click();
    const dialog = page.locator('[data-testid=unsaved-dialog]');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Save changes to “Untitled”\?.*open the example/s);
    await screenshot(page, 'guard-01-example-over-unsaved');
    await page.click('[data-testid=unsaved-cancel]');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.locator('section.cell .view-lines').first().textContent()).toContain('precious');

    // Esc is Cancel too; New (+) asks the same question.
    await page.click('[aria-label="New notebook"]');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.locator('section.cell .view-lines').first().textContent()).toContain('precious');

    // Discard replaces it with the example.
    await page.click('[data-testid=examples]');
    await page.locator('[role=menuitem]', { hasText: /MNIST MLP/ }).first().click();
    await page.click('[data-testid=unsaved-discard]');
    await expect.poll(() => page.locator('.title').inputValue()).toMatch(/MNIST MLP/);
    await expect.poll(() => page.title()).toMatch(/MNIST MLP.*— Lossbook/);
    await page.close();
  });

  it('closing or reloading the tab with unsaved changes asks (beforeunload); dismissing keeps the page', async () => {
    const page = await openPage();
    await typeInFirstCell(page, 'const notYetSaved = 1;');
    expect(await page.title()).toBe('● Untitled — Lossbook');
    // The page's beforeunload handler cancels the unload (what makes the browser ask).
    expect(await page.evaluate(() => !window.dispatchEvent(new Event('beforeunload', { cancelable: true })))).toBe(true);
    // The real prompt, through a reload: headless Chromium does not summon it for a CDP close.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.dismiss();
      }),
    );
    void page.reload().catch(() => undefined);
    expect(await asked).toBe('beforeunload');
    // Dismissed ("Stay"): the page and its work are still there.
    expect(await page.locator('section.cell .view-lines').first().textContent()).toMatch(/notYetSaved/);
    expect(await page.locator('.dirty').count()).toBe(1);
    await page.close();
  });

  it('Clear outputs is labelled and undoable (Z, the notice’s Undo, Ctrl+Z)', async () => {
    const page = await openPage();
    await typeInFirstCell(page, 'console.log("trained for an hour")');
    await page.keyboard.press('Control+Enter');
    await finishLastRun('trained for an hour\n');
    const outputs = page.locator('section.cell [data-testid=outputs]').first();
    await expect.poll(() => outputs.textContent()).toContain('trained for an hour');
    const clear = page.locator('[data-testid=clear-outputs]');
    expect((await clear.textContent())?.trim()).toBe('Clear outputs');

    await clear.click();
    await expect.poll(() => page.locator('section.cell [data-testid=outputs]').count()).toBe(0);
    await page.locator('.notice', { hasText: 'Cleared the outputs of 1 cell' }).waitFor();
    await screenshot(page, 'guard-02-cleared-with-undo');
    await page.keyboard.press('Escape');
    await page.keyboard.press('z');
    await expect.poll(() => outputs.textContent()).toContain('trained for an hour');
    expect(await page.locator('section.cell [data-testid=execution-count]').first().textContent()).toBe('[1]');

    await clear.click();
    await expect.poll(() => page.locator('section.cell [data-testid=outputs]').count()).toBe(0);
    await page.locator('.notice', { hasText: 'Cleared' }).last().locator('[data-testid=notice-action]').click();
    await expect.poll(() => outputs.textContent()).toContain('trained for an hour');

    await clear.click();
    await expect.poll(() => page.locator('section.cell [data-testid=outputs]').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => outputs.textContent()).toContain('trained for an hour');
    await page.close();
  });

  it('restart asks first, saying what it loses; Cancel keeps the kernel, and with nothing to lose it does not ask', async () => {
    const restarts = () => supervisor.calls.filter((call) => call.method === 'restart').length;
    const page = await openPage();
    // Nothing ran yet: the toolbar's restart goes straight through.
    const before = restarts();
    await page.click('[data-testid=restart]');
    await expect.poll(restarts).toBe(before + 1);
    expect(await page.locator('[data-testid=restart-dialog]').count()).toBe(0);

    await typeInFirstCell(page, 'const model = "an hour of training";');
    await page.keyboard.press('Control+Enter');
    await finishLastRun('');
    await expect.poll(() => page.locator('section.cell [data-testid=execution-count]').first().textContent()).toMatch(/^\[\d+\]$/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('0');
    await page.keyboard.press('0');
    const dialog = page.locator('[data-testid=restart-dialog]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid=restart-lost]').textContent()).toMatch(/the variables of 1 cell that ran/);
    await screenshot(page, 'guard-04-restart-asks');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(restarts()).toBe(before + 1);

    await page.keyboard.press('0');
    await page.keyboard.press('0');
    await dialog.waitFor();
    await page.click('[data-testid=restart-confirm]');
    await expect.poll(restarts).toBe(before + 2);
    // The first restart's notice ("0 cells") may still be showing: find this one by what it lost.
    await page.locator('.notice', { hasText: 'Kernel restarted: lost' }).filter({ hasText: /variables of 1 cell that ran/ }).waitFor();
    await page.close();
  });

  it('an untitled notebook’s autosave is offered back to the next page and restores', async () => {
    const first = await openPage();
    await typeInFirstCell(first, 'const unsavedModel = "restore me";');
    // Autosave runs every few seconds once something changed.
    const autosaved = () => readdirSync(recoveryDir).filter((name) => name.startsWith('untitled-') && readFileSync(join(recoveryDir, name), 'utf8').includes('restore me'));
    await expect.poll(() => autosaved().length, { timeout: 20_000 }).toBe(1);
    await first.close();

    const second = await openPage();
    const offer = second.locator('[data-testid=untitled-recovery]');
    await offer.waitFor();
    expect(await offer.textContent()).toMatch(/“Untitled” \(1 cell\)/);
    await screenshot(second, 'guard-03-untitled-recovery');
    const offered = Number(await offer.getAttribute('data-count'));
    await second.click('[data-testid=restore-untitled]');
    await expect.poll(() => second.locator('section.cell .view-lines').first().textContent()).toMatch(/restore\sme/);
    expect(await second.locator('.dirty').count()).toBe(1);
    // The restored copy is no longer offered (copies other tests left may still be).
    await expect.poll(async () => ((await offer.count()) ? Number(await offer.getAttribute('data-count')) : 0)).toBe(offered - 1);
    // Its old copy is gone once the new page autosaved it under its own key: never offered twice.
    await expect.poll(() => autosaved().length, { timeout: 20_000 }).toBe(1);
    await second.close();
  });

  it('a second open tab is not offered the first tab’s untitled work; once the first tab closed, the next page is', async () => {
    const holding = (text: string) => readdirSync(recoveryDir).filter((name) => name.startsWith('untitled-') && readFileSync(join(recoveryDir, name), 'utf8').includes(text));
    // A tab closed earlier left its work: the second tab has that to be offered (so its banner shows either way).
    await writeRecoveryFile(createNotebook('Closed tab work', '0.1.0'), undefined, 'closed-tab');

    const first = await openPage();
    await typeInFirstCell(first, 'const liveWork = "still being written";');
    await expect.poll(() => holding('still being written').length, { timeout: 20_000 }).toBe(1);
    // Renamed after that autosave: the rename alone must be autosaved too.
    await first.fill('.title', 'Live tab work');
    await expect.poll(() => holding('Live tab work').length, { timeout: 20_000 }).toBe(1);

    const second = await openPage();
    const offer = second.locator('[data-testid=untitled-recovery]');
    await offer.waitFor();
    // Newest first: the live tab's copy would lead the offer; the closed tab's leads instead.
    expect(await offer.textContent()).toMatch(/“Closed tab work”/);
    const offeredWhileOpen = Number(await offer.getAttribute('data-count'));
    await screenshot(second, 'guard-05-second-tab-not-offered-live-work');
    await second.close();

    await first.close();
    const next = await openPage();
    const nextOffer = next.locator('[data-testid=untitled-recovery]');
    await nextOffer.waitFor();
    expect(await nextOffer.textContent()).toMatch(/“Live tab work” \(1 cell\)/);
    // The same copies as before, and the closed tab's work besides (the second tab wrote none).
    expect(Number(await nextOffer.getAttribute('data-count'))).toBe(offeredWhileOpen + 1);
    // Tidy: the offered copy can be discarded from here.
    await next.click('[data-testid=discard-untitled]');
    await expect.poll(() => holding('Live tab work').length).toBe(0);
    await next.close();
  });

  it('saving over a file another program changed asks first: Cancel writes nothing, Overwrite writes the page’s version', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lossbook-guards-disk-'));
    const path = join(folder, 'shared.lossbook');
    await saveNotebookFile(path, createNotebook('Shared', '0.1.0'));
    const own = await startServer({ supervisor: new RecordingSupervisor(), rendererDir: `${root}out/renderer`, examplesDir: `${root}examples`, notebookPath: path });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    try {
      await page.goto(own.url);
      await page.locator('section.cell .monaco-editor').first().waitFor();
      await typeInFirstCell(page, 'const mine = 1;');
      // Another program writes the file meanwhile (as `lossbook runs compare --into` does).
      const theirs = readFileSync(path, 'utf8').replace('"title": "Shared"', '"title": "Theirs"');
      expect(theirs).toContain('Theirs');
      writeFileSync(path, theirs);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+s');
      const dialog = page.locator('[data-testid=disk-conflict-dialog]');
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('“shared.lossbook” changed on disk');
      await screenshot(page, 'guard-06-changed-on-disk');
      await page.click('[data-testid=disk-conflict-cancel]');
      await dialog.waitFor({ state: 'hidden' });
      expect(readFileSync(path, 'utf8')).toBe(theirs);
      expect(await page.locator('.dirty').count()).toBe(1);

      await page.keyboard.press('Control+s');
      await dialog.waitFor();
      await page.click('[data-testid=disk-conflict-confirm]');
      await expect.poll(() => readFileSync(path, 'utf8')).toContain('const mine = 1;');
      await expect.poll(() => page.locator('.dirty').count()).toBe(0);
    } finally {
      await page.close();
      await own.close();
    }
  });
});
