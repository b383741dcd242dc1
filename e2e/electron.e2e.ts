// The desktop app itself, driven by Playwright's Electron support: launch the built app, check
// the security settings on the real window, open an example, run it from the Kernel menu and
// export the HTML report from the File menu. It needs an Electron binary and a display; where
// either is missing the suite is reported SKIPPED with the reason (in its name and on the
// console), never passed. Everything it drives is also unit-tested with fakes in src/main.
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const artifacts = join(root, 'e2e/artifacts');
const require = createRequire(import.meta.url);

function electronBinary(): string | undefined {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    // node_modules/electron throws when its binary was never downloaded.
    return undefined;
  }
}

function skipReason(): string | undefined {
  if (process.env.LOSSBOOK_SKIP_ELECTRON_E2E === '1') return 'LOSSBOOK_SKIP_ELECTRON_E2E=1';
  if (!electronBinary()) return 'the Electron binary is not installed (node_modules/electron has no dist; its download is not possible here)';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY/WAYLAND_DISPLAY unset; run under xvfb-run)';
  if (!existsSync(join(root, 'out/main/index.js')) || !existsSync(join(root, 'out/node/kernel.mjs'))) return 'the app is not built (npm run build)';
  return undefined;
}

const reason = skipReason();
if (reason) console.log(`electron e2e: SKIPPED — ${reason}`);

describe.skipIf(reason !== undefined)(reason ? `Electron app (SKIPPED: ${reason})` : 'Electron app', () => {
  let app: ElectronApplication;
  let window: Page;
  let workspace: string;

  /** Click a native menu item by its id, as a user would from the menu bar. */
  const clickMenu = (id: string) =>
    app.evaluate(({ Menu }, itemId) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
      if (!item) throw new Error(`no menu item ${itemId}`);
      item.click();
    }, id);

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    workspace = await mkdtemp(join(tmpdir(), 'lossbook-electron-e2e-'));
    app = await _electron.launch({
      executablePath: electronBinary()!,
      args: [root, `--user-data-dir=${join(workspace, 'user-data')}`],
      cwd: root,
      env: { ...process.env, LOSSBOOK_BACKEND: 'wasm', LOSSBOOK_RECOVERY_DIR: join(workspace, 'recovery') } as Record<string, string>,
    });
    app.process().stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[electron] ${chunk.toString()}`));
    window = await app.firstWindow();
    window.on('pageerror', (error) => console.error('page error:', error.message));
    await window.locator('#app').waitFor();
  });

  afterAll(async () => {
    if (app) {
      // Never leave a modal "save changes?" between the test and the exit.
      await app.evaluate(({ dialog }) => {
        dialog.showMessageBox = (async () => ({ response: 1, checkboxChecked: false })) as typeof dialog.showMessageBox;
      });
      await app.close();
    }
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it('loads our renderer in a sandboxed, isolated window with window.lossbook only', async () => {
    expect(window.url()).toBe('lossbook://app/index.html');
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      // Electron's internal (untyped) record of the preferences the page really runs with.
      const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> | null };
      const web = contents.getLastWebPreferences();
      return { sandbox: web?.sandbox, contextIsolation: web?.contextIsolation, nodeIntegration: web?.nodeIntegration, webviewTag: web?.webviewTag };
    });
    expect(preferences).toEqual({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false });
    const page = await window.evaluate(() => ({
      transport: (window as unknown as { lossbook?: { transport: string } }).lossbook?.transport,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
    }));
    expect(page).toEqual({ transport: 'electron', require: 'undefined', process: 'undefined' });
    // The CSP header arrived with the page: inline script is refused.
    const inlineRan = await window.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true';
      document.head.appendChild(script);
      return (window as unknown as { __inline?: boolean }).__inline === true;
    });
    expect(inlineRan).toBe(false);
  });

  it('opens an example, runs it from Kernel → Run All, and exports the report from File', async () => {
    await window.click('[data-testid=examples]');
    await window.locator('[role=menuitem]', { hasText: /standardized regression/i }).first().click();
    await window.locator('.cell').first().waitFor();
    await window.locator('[data-testid=kernel-status][data-state=idle]').waitFor({ timeout: 120_000 });

    await clickMenu('run-all');
    const statuses = window.locator('[data-testid=run-status]');
    await expect.poll(() => statuses.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => (await statuses.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-status')))).join(','), { timeout: 170_000, interval: 500 })
      .toMatch(/^(ok,?)+$/);
    await window.screenshot({ path: join(artifacts, 'electron-ran-example.png') });

    const reportPath = join(workspace, 'report.html');
    await app.evaluate(({ dialog }, path) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
    }, reportPath);
    await clickMenu('export-report');
    await expect.poll(() => existsSync(reportPath), { timeout: 60_000 }).toBe(true);
    const html = await readFile(reportPath, 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/standardized regression/i);
  });
});
