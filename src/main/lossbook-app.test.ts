import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_MENU_CHANNEL } from '../preload/channels';
import { RecentDocuments } from './documents';
import { fakeElectron, FakeBrowserWindow, FakeHost, settle, type FakeElectron } from './fake-electron';
import { LossbookApp } from './lossbook-app';
import { findMenuItem } from './menu';
import { RENDERER_ENTRY_URL } from './security';
import { ShellSettings } from './settings';

function memoryStorage() {
  let text: string | undefined;
  return { read: async () => text, write: async (value: string) => void (text = value), text: () => text };
}

interface Harness {
  electron: FakeElectron;
  app: LossbookApp;
  hosts: FakeHost[];
  recent: RecentDocuments;
  windows(): FakeBrowserWindow[];
  /** The renderer of window `index` calls main, as the preload would. */
  call(index: number, payload: unknown): Promise<any>;
}

async function harness(options: { platform?: NodeJS.Platform; argv?: string[]; beforeStart?: (h: Harness) => void; settings?: ShellSettings } = {}): Promise<Harness> {
  FakeBrowserWindow.instances.length = 0;
  const electron = fakeElectron(options.platform ?? 'linux');
  const hosts: FakeHost[] = [];
  const recent = new RecentDocuments(memoryStorage());
  const app = new LossbookApp({
    electron,
    recent,
    ...(options.settings ? { settings: options.settings } : {}),
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl: RENDERER_ENTRY_URL,
    createHost: (dialogs) => {
      const host = new FakeHost(dialogs);
      // A real host answers openNotebook with the file's notebook and saveNotebook with its path.
      host.answers.openNotebook = (call) => (call.params.path ? { path: call.params.path, notebook: { metadata: { title: 'T' }, cells: [] } } : undefined);
      host.answers.kernelInfo = () => ({ state: 'idle', lossbookVersion: '0.1.0', backend: { name: 'wasm', tfjsVersion: '4.22.0', device: 'wasm SIMD', attempts: [{ backend: 'webgpu', ok: false, reason: 'no GPU adapter' }] } });
      hosts.push(host);
      return host;
    },
  });
  const h: Harness = {
    electron,
    app,
    hosts,
    recent,
    windows: () => FakeBrowserWindow.instances.filter((window) => !window.destroyed),
    call: async (index, payload) => {
      const window = FakeBrowserWindow.instances[index]!;
      return electron.ipcMain.invoke(IPC_CALL_CHANNEL, window.webContents, payload);
    },
  };
  expect(app.install()).toBe(true);
  options.beforeStart?.(h);
  await app.start(options.argv ?? ['/usr/bin/lossbook'], '/home/user/work');
  await settle();
  return h;
}

const menuCommands = (window: FakeBrowserWindow) => window.webContents.sentOn(IPC_MENU_CHANNEL);

describe('opening files: command line, OS, second instance, drop, recent', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances.length = 0;
  });

  it('opens an empty notebook window when started without files, loading our renderer URL', async () => {
    const h = await harness();
    expect(h.windows()).toHaveLength(1);
    expect(h.windows()[0]!.webContents.loaded).toEqual([RENDERER_ENTRY_URL]);
    expect(menuCommands(h.windows()[0]!)).toEqual([]);
  });

  it('opens each .lossbook from argv in its own window; the command waits until the renderer listens', async () => {
    const h = await harness({ argv: ['/usr/bin/lossbook', '--no-sandbox-flag-ignored', 'a.lossbook', '/data/b.lossbook', 'notes.txt'] });
    const [first, second] = h.windows();
    expect(h.windows()).toHaveLength(2);
    expect(menuCommands(first!)).toEqual([]);
    await h.call(0, { method: 'shellReady' });
    await h.call(1, { method: 'shellReady' });
    expect(menuCommands(first!)).toEqual([{ command: 'open-document', path: '/home/user/work/a.lossbook' }]);
    expect(menuCommands(second!)).toEqual([{ command: 'open-document', path: '/data/b.lossbook' }]);
  });

  it('a file from the OS reuses the untouched first window, then later files get new windows', async () => {
    const h = await harness();
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    h.electron.app.emit('open-file', event, '/docs/x.lossbook');
    expect(event.defaultPrevented).toBe(true);
    expect(h.windows()).toHaveLength(1);
    h.electron.app.emit('open-file', { preventDefault() {} }, '/docs/y.lossbook');
    expect(h.windows()).toHaveLength(2);
  });

  it('macOS open-file before ready is kept and opened at start', async () => {
    const h = await harness({
      platform: 'darwin',
      beforeStart: (early) => early.electron.app.emit('open-file', { preventDefault() {} }, '/early/first.lossbook'),
    });
    expect(h.windows()).toHaveLength(1);
    await h.call(0, { method: 'shellReady' });
    expect(menuCommands(h.windows()[0]!)).toEqual([{ command: 'open-document', path: '/early/first.lossbook' }]);
  });

  it('a second launch hands its files to the running instance (resolved against its own folder)', async () => {
    const h = await harness();
    await h.call(0, { method: 'shellReady' });
    h.electron.app.emit('second-instance', {}, ['/usr/bin/lossbook', 'sub/z.lossbook'], '/home/other');
    expect(menuCommands(h.windows()[0]!)).toEqual([{ command: 'open-document', path: '/home/other/sub/z.lossbook' }]);
  });

  it('a second launch without files just focuses a window', async () => {
    const h = await harness();
    const before = h.windows()[0]!.focused;
    h.electron.app.emit('second-instance', {}, ['/usr/bin/lossbook'], '/');
    expect(h.windows()[0]!.focused).toBe(before + 1);
    expect(h.windows()).toHaveLength(1);
  });

  it('registers the app id on Windows only', async () => {
    expect((await harness({ platform: 'win32' })).electron.app.appUserModelId).toBe('dev.lossbook.app');
    expect((await harness({ platform: 'linux' })).electron.app.appUserModelId).toBeUndefined();
  });

  it('the second instance does not start when the lock is taken', () => {
    const electron = fakeElectron();
    electron.app.lockGranted = false;
    const app = new LossbookApp({ electron, recent: new RecentDocuments(memoryStorage()), preloadPath: 'p', rendererUrl: RENDERER_ENTRY_URL, createHost: (d) => new FakeHost(d) });
    expect(app.install()).toBe(false);
    expect(electron.app.listenerCount('open-file')).toBe(0);
  });

  it('an opened file is added to recent documents (OS list and ours) and focusing it again does not reopen it', async () => {
    const h = await harness({ argv: ['lossbook', '/n/one.lossbook'] });
    await h.call(0, { method: 'shellReady' });
    const opened = await h.call(0, { method: 'openNotebook', params: { path: '/n/one.lossbook' } });
    expect(opened).toMatchObject({ ok: true, value: { path: '/n/one.lossbook' } });
    expect(h.electron.app.recentDocuments).toEqual(['/n/one.lossbook']);
    expect(h.recent.list()).toEqual(['/n/one.lossbook']);
    expect(h.windows()[0]!.title).toBe('one.lossbook — Lossbook');
    h.app.actions.openRecent('/n/one.lossbook');
    expect(h.windows()).toHaveLength(1);
    expect(menuCommands(h.windows()[0]!)).toHaveLength(1);
    // The File → Open Recent menu lists it.
    expect(findMenuItem(h.electron.menu.template!, 'recent-0')?.label).toContain('/n/one.lossbook');
  });

  it('a recent file that is gone leaves the recent list, and its window is free again', async () => {
    const h = await harness();
    await h.recent.add('/gone/old.lossbook');
    h.app.actions.openRecent('/gone/old.lossbook');
    h.hosts[0]!.answers.openNotebook = () => {
      throw Object.assign(new Error('/gone/old.lossbook does not exist.'), { name: 'NotebookFileError', reason: 'not-found' });
    };
    const answer = await h.call(0, { method: 'openNotebook', params: { path: '/gone/old.lossbook' } });
    expect(answer).toMatchObject({ ok: false, error: { message: '/gone/old.lossbook does not exist.' } });
    await settle();
    expect(h.recent.list()).toEqual([]);
    expect(h.app.openWindows[0]!.isPristine).toBe(true);
  });

  it('dropped .lossbook files (openFiles from the preload) open; other paths are ignored', async () => {
    const h = await harness();
    const answer = await h.call(0, { method: 'openFiles', params: { paths: ['/d/drop.lossbook', 'relative.lossbook', '/d/evil.exe'] } });
    expect(answer).toEqual({ ok: true, value: { opened: 1 } });
    await h.call(0, { method: 'shellReady' });
    expect(menuCommands(h.windows()[0]!)).toEqual([{ command: 'open-document', path: '/d/drop.lossbook' }]);
  });

  it("Open from a window that already holds a notebook opens the chosen file in a new window", async () => {
    const h = await harness({ argv: ['lossbook', '/n/one.lossbook'] });
    await h.call(0, { method: 'openNotebook', params: { path: '/n/one.lossbook' } });
    h.electron.dialog.openAnswers.push(['/n/two.lossbook']);
    const answer = await h.call(0, { method: 'openNotebook', params: {} });
    expect(answer).toEqual({ ok: true, value: undefined });
    expect(h.windows()).toHaveLength(2);
    expect(h.hosts[0]!.methods()).toEqual(['openNotebook']);
    // …and File → Open… from the menu routes the same way.
    h.electron.dialog.openAnswers.push(['/n/two.lossbook']);
    h.app.actions.open();
    await settle();
    expect(h.windows()).toHaveLength(2);
  });
});

describe('menu actions reach the focused window', () => {
  it('renderer-only actions become typed menu commands; kernel actions call the host directly', async () => {
    const h = await harness();
    await h.call(0, { method: 'shellReady' });
    const template = h.electron.menu.template!;
    for (const id of ['save', 'save-as', 'export-report', 'run-all', 'toggle-diagnosis', 'catalog']) findMenuItem(template, id)!.click!();
    expect(menuCommands(h.windows()[0]!)).toEqual([
      { command: 'save' },
      { command: 'save-as' },
      { command: 'export-report' },
      { command: 'run-all' },
      { command: 'toggle-panel', panel: 'diagnosis' },
      { command: 'show-catalog' },
    ]);
    findMenuItem(template, 'interrupt')!.click!();
    findMenuItem(template, 'restart')!.click!();
    findMenuItem(template, 'free-memory')!.click!();
    findMenuItem(template, 'backend-webgpu')!.click!();
    await settle();
    expect(h.hosts[0]!.calls).toEqual([{ method: 'interrupt' }, { method: 'restart' }, { method: 'freeMemory' }, { method: 'setBackend', params: 'webgpu' }]);
    // The menu now shows the chosen backend.
    expect(findMenuItem(h.electron.menu.template!, 'backend-webgpu')?.checked).toBe(true);
    expect(findMenuItem(h.electron.menu.template!, 'backend-auto')?.checked).toBe(false);
  });

  it('New opens a window, Close closes the focused one, and the kernel host of a closed window is disposed', async () => {
    const h = await harness();
    findMenuItem(h.electron.menu.template!, 'new')!.click!();
    expect(h.windows()).toHaveLength(2);
    findMenuItem(h.electron.menu.template!, 'close')!.click!();
    expect(h.windows()).toHaveLength(1);
    expect(h.hosts.map((host) => host.disposed)).toEqual([false, true]);
  });

  it('theme sets nativeTheme (the page follows prefers-color-scheme) and tells every window', async () => {
    const h = await harness();
    await h.call(0, { method: 'shellReady' });
    findMenuItem(h.electron.menu.template!, 'theme-dark')!.click!();
    expect(h.electron.nativeTheme.themeSource).toBe('dark');
    expect(menuCommands(h.windows()[0]!)).toEqual([{ command: 'set-theme', theme: 'dark' }]);
    expect(findMenuItem(h.electron.menu.template!, 'theme-dark')?.checked).toBe(true);
  });

  it('the chosen theme is remembered and applied at the next launch, to every new window', async () => {
    const storage = memoryStorage();
    const first = await harness({ beforeStart: () => undefined, settings: new ShellSettings(storage) });
    findMenuItem(first.electron.menu.template!, 'theme-light')!.click!();
    await settle();
    expect(JSON.parse(storage.text()!)).toEqual({ version: 1, theme: 'light' });
    const second = await harness({ settings: new ShellSettings(storage) });
    expect(second.electron.nativeTheme.themeSource).toBe('light');
    expect(findMenuItem(second.electron.menu.template!, 'theme-light')?.checked).toBe(true);
    await second.call(0, { method: 'shellReady' });
    expect(menuCommands(second.windows()[0]!)).toEqual([{ command: 'set-theme', theme: 'light' }]);
  });

  it('About names the versions and the kernel backend with the reasons for skipped ones', async () => {
    const h = await harness();
    findMenuItem(h.electron.menu.template!, 'about')!.click!();
    await settle();
    const detail = h.electron.dialog.messageBoxes.at(-1)?.detail ?? '';
    expect(detail).toContain('Version 0.1.0');
    expect(detail).toContain('Electron 38.8.6');
    expect(detail).toContain('Chromium 140.0.0.0');
    expect(detail).toContain('Node.js 22.19.0');
    expect(detail).toContain('TensorFlow.js 4.22.0');
    expect(detail).toContain('Backend wasm — wasm SIMD');
    expect(detail).toContain('skipped webgpu: no GPU adapter');
  });

  it('a failing kernel action is shown to the user instead of being lost', async () => {
    const h = await harness();
    h.hosts[0]!.answers.restart = () => {
      throw new Error('the kernel could not be restarted: out of memory');
    };
    h.app.actions.restart();
    await settle();
    expect(h.electron.dialog.messageBoxes.at(-1)).toMatchObject({ type: 'error', detail: 'the kernel could not be restarted: out of memory' });
  });
});

describe('unsaved changes', () => {
  async function dirtyWindow(h: Harness, index = 0) {
    await h.call(index, { method: 'shellReady' });
    await h.call(index, { method: 'setDocumentState', params: { dirty: true, title: 'My experiment' } });
  }

  it('the title carries a marker while dirty (and macOS gets the edited dot)', async () => {
    const h = await harness({ platform: 'darwin' });
    await dirtyWindow(h);
    expect(h.windows()[0]!.title).toBe('● My experiment — Lossbook');
    expect(h.windows()[0]!.documentEdited).toBe(true);
    await h.call(0, { method: 'setDocumentState', params: { dirty: false } });
    expect(h.windows()[0]!.title).toBe('My experiment — Lossbook');
    expect(h.windows()[0]!.documentEdited).toBe(false);
  });

  it('closing a clean window does not ask', async () => {
    const h = await harness();
    h.windows()[0]!.close();
    expect(h.electron.dialog.messageBoxes).toHaveLength(0);
    expect(h.windows()).toHaveLength(0);
  });

  it('closing a dirty window asks; Cancel keeps it open', async () => {
    const h = await harness();
    await dirtyWindow(h);
    h.electron.dialog.messageBoxAnswers.push(2);
    h.windows()[0]!.close();
    await settle();
    expect(h.electron.dialog.messageBoxes[0]).toMatchObject({ buttons: ['Save', "Don't Save", 'Cancel'], message: expect.stringContaining('My experiment') });
    expect(h.windows()).toHaveLength(1);
    expect(h.hosts[0]!.disposed).toBe(false);
  });

  it("Don't Save closes it and shuts its kernel host down", async () => {
    const h = await harness();
    await dirtyWindow(h);
    h.electron.dialog.messageBoxAnswers.push(1);
    h.windows()[0]!.close();
    await settle();
    expect(h.windows()).toHaveLength(0);
    expect(h.hosts[0]!.disposed).toBe(true);
  });

  it('Save asks the renderer to save and closes once the save lands on disk', async () => {
    const h = await harness();
    await dirtyWindow(h);
    h.hosts[0]!.answers.saveNotebook = () => ({ path: '/saved/exp.lossbook' });
    h.electron.dialog.messageBoxAnswers.push(0);
    h.windows()[0]!.close();
    await settle();
    expect(menuCommands(h.windows()[0]!)).toEqual([{ command: 'save' }]);
    expect(h.windows()).toHaveLength(1);
    // The renderer answers the command as it would: it saves (the host asks for a path).
    await h.call(0, { method: 'saveNotebook', params: { notebook: {} } });
    await settle();
    expect(h.windows()).toHaveLength(0);
    expect(h.electron.app.recentDocuments).toEqual(['/saved/exp.lossbook']);
  });

  it('Save whose dialog is cancelled keeps the window open', async () => {
    const h = await harness();
    await dirtyWindow(h);
    h.hosts[0]!.answers.saveNotebook = () => undefined;
    h.electron.dialog.messageBoxAnswers.push(0);
    h.windows()[0]!.close();
    await settle();
    await h.call(0, { method: 'saveNotebook', params: { notebook: {} } });
    await settle();
    expect(h.windows()).toHaveLength(1);
  });

  it('quit asks each dirty window in turn; Cancel on one keeps the app and every window', async () => {
    const h = await harness();
    h.app.newWindow();
    await dirtyWindow(h, 0);
    await dirtyWindow(h, 1);
    h.electron.dialog.messageBoxAnswers.push(1, 2); // first: Don't Save, second: Cancel
    h.electron.app.quit();
    await settle();
    expect(h.electron.dialog.messageBoxes).toHaveLength(2);
    expect(h.electron.app.quitCompleted).toBe(false);
    expect(h.windows()).toHaveLength(2);
  });

  it("quit with Don't Save on every dirty window quits", async () => {
    const h = await harness();
    h.app.newWindow();
    await dirtyWindow(h, 0);
    await dirtyWindow(h, 1);
    h.electron.dialog.messageBoxAnswers.push(1, 1);
    h.electron.app.quit();
    await settle();
    expect(h.electron.app.quitCompleted).toBe(true);
    expect(h.windows()).toHaveLength(0);
    expect(h.hosts.every((host) => host.disposed)).toBe(true);
  });

  it('quit with nothing unsaved does not ask', async () => {
    const h = await harness();
    h.electron.app.quit();
    expect(h.electron.dialog.messageBoxes).toHaveLength(0);
    expect(h.electron.app.quitCompleted).toBe(true);
  });

  it('the last window closing quits on Linux/Windows but not on macOS', async () => {
    const linux = await harness();
    linux.electron.app.emit('window-all-closed');
    expect(linux.electron.app.quitCompleted).toBe(true);
    const mac = await harness({ platform: 'darwin' });
    mac.electron.app.emit('window-all-closed');
    expect(mac.electron.app.quitRequested).toBe(0);
  });
});

describe('the Backend menu follows the kernel', () => {
  it('checks the backend the running kernel was asked for', async () => {
    const h = await harness();
    const memory = { numTensors: 0, numBytes: 0, rssBytes: 1, heapUsedBytes: 1, time: 0 };
    h.hosts[0]!.emit({ type: 'ready', protocolVersion: 1, pid: 1, memory, lossbookVersion: '0.1.0', backend: { name: 'wasm', requested: 'wasm', requestedBy: 'env', attempts: [], tfjsVersion: '4.22.0', isGpu: false } });
    expect(findMenuItem(h.electron.menu.template!, 'backend-wasm')?.checked).toBe(true);
    expect(findMenuItem(h.electron.menu.template!, 'backend-auto')?.checked).toBe(false);
  });
});

describe('kernel events reach only their own window', () => {
  it('forwards each host event to the window whose kernel sent it', async () => {
    const h = await harness();
    h.app.newWindow();
    h.hosts[1]!.emit({ type: 'kernel-state', state: 'busy' });
    expect(h.windows()[1]!.webContents.sentOn('lossbook:host-event')).toEqual([{ type: 'kernel-state', state: 'busy' }]);
    expect(h.windows()[0]!.webContents.sentOn('lossbook:host-event')).toEqual([]);
  });
});

describe('crash recovery', () => {
  async function recoveryHarness(orphans: string[]) {
    FakeBrowserWindow.instances.length = 0;
    const electron = fakeElectron();
    const hosts: FakeHost[] = [];
    const discarded: string[] = [];
    const app = new LossbookApp({
      electron,
      recent: new RecentDocuments(memoryStorage()),
      preloadPath: '/p.cjs',
      rendererUrl: RENDERER_ENTRY_URL,
      recovery: {
        findOrphaned: async () => orphans.map((path) => ({ path, modified: new Date(2026, 10, 23, 8, 0) })),
        discard: async (path) => void discarded.push(path),
      },
      createHost: (dialogs) => {
        const host = new FakeHost(dialogs);
        host.answers.openNotebook = (call) => ({ path: call.params.path, notebook: { metadata: { title: 'Lost work', modified: '2026-11-23T08:00:00.000Z' }, cells: [] } });
        host.answers.saveNotebook = () => ({ path: '/home/u/rescued.lossbook' });
        hosts.push(host);
        return host;
      },
    });
    app.install();
    return { electron, app, hosts, discarded, call: (index: number, payload: unknown) => electron.ipcMain.invoke(IPC_CALL_CHANNEL, FakeBrowserWindow.instances[index]!.webContents, payload) as Promise<any> };
  }

  it('Restore opens each copy as an untitled notebook with the recovery offer; saving it deletes the copy', async () => {
    const h = await recoveryHarness(['/r/untitled-1-a.recovery.lossbook', '/r/untitled-2-b.recovery.lossbook']);
    h.electron.dialog.messageBoxAnswers.push(0);
    await h.app.start(['lossbook'], '/');
    expect(h.electron.dialog.messageBoxes[0]?.message).toContain('2 unsaved notebooks');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    await h.call(0, { method: 'shellReady' });
    expect(menuCommands(FakeBrowserWindow.instances[0]!)).toEqual([{ command: 'open-document', path: '/r/untitled-1-a.recovery.lossbook' }]);
    const opened = await h.call(0, { method: 'openNotebook', params: { path: '/r/untitled-1-a.recovery.lossbook' } });
    expect(opened.value.path).toBeUndefined();
    expect(opened.value.recovery).toMatchObject({ path: '/r/untitled-1-a.recovery.lossbook', modified: '2026-11-23T08:00:00.000Z' });
    expect(FakeBrowserWindow.instances[0]!.title).toBe('Lost work — Lossbook');
    expect(h.discarded).toEqual([]);
    await h.call(0, { method: 'saveNotebook', params: { notebook: {} } });
    await settle();
    expect(h.discarded).toEqual(['/r/untitled-1-a.recovery.lossbook']);
  });

  it("Discard deletes the copies; Not Now keeps them for next time", async () => {
    const discard = await recoveryHarness(['/r/untitled-1-a.recovery.lossbook']);
    discard.electron.dialog.messageBoxAnswers.push(1);
    await discard.app.start(['lossbook'], '/');
    expect(discard.discarded).toEqual(['/r/untitled-1-a.recovery.lossbook']);
    expect(FakeBrowserWindow.instances.filter((window) => !window.destroyed)).toHaveLength(1);
    const later = await recoveryHarness(['/r/untitled-1-a.recovery.lossbook']);
    later.electron.dialog.messageBoxAnswers.push(2);
    await later.app.start(['lossbook'], '/');
    expect(later.discarded).toEqual([]);
  });

  it('closing asks the host to drop autosaves: the document copy only after Don’t Save', async () => {
    const h = await recoveryHarness([]);
    await h.app.start(['lossbook', '/n/doc.lossbook'], '/');
    const discarded: Array<string | undefined> = [];
    h.hosts[0]!.discardRecovery = async (path) => void discarded.push(path);
    await h.call(0, { method: 'openNotebook', params: { path: '/n/doc.lossbook' } });
    await h.call(0, { method: 'setDocumentState', params: { dirty: true } });
    h.electron.dialog.messageBoxAnswers.push(1);
    FakeBrowserWindow.instances[0]!.close();
    await settle();
    expect(discarded).toEqual(['/n/doc.lossbook']);
    h.app.newWindow();
    h.hosts[1]!.discardRecovery = async (path) => void discarded.push(path);
    FakeBrowserWindow.instances[1]!.close();
    expect(discarded).toEqual(['/n/doc.lossbook', undefined]);
    expect(h.electron.dialog.messageBoxes).toHaveLength(1);
  });
});

describe('a crashed notebook page', () => {
  it('is reloaded with its document, at most three times', async () => {
    const h = await harness({ argv: ['lossbook', '/n/one.lossbook'] });
    await h.call(0, { method: 'shellReady' });
    await h.call(0, { method: 'openNotebook', params: { path: '/n/one.lossbook' } });
    const contents = h.windows()[0]!.webContents;
    for (let crash = 0; crash < 5; crash++) contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(contents.loaded).toEqual([RENDERER_ENTRY_URL, RENDERER_ENTRY_URL, RENDERER_ENTRY_URL, RENDERER_ENTRY_URL]);
    const before = menuCommands(h.windows()[0]!).length;
    await h.call(0, { method: 'shellReady' });
    expect(menuCommands(h.windows()[0]!).slice(before)).toEqual([{ command: 'open-document', path: '/n/one.lossbook' }]);
    expect(h.hosts[0]!.disposed).toBe(false);
  });
});
