// The preload's window.lossbook, wired to the real main-process router and app logic through
// fakes at the Electron boundary: what the renderer sends is what main accepts.
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../shared/api';
import { RecentDocuments } from '../main/documents';
import { fakeElectron, FakeBrowserWindow, FakeHost, settle } from '../main/fake-electron';
import { LossbookApp } from '../main/lossbook-app';
import { RENDERER_ENTRY_URL } from '../main/security';
import { createLossbookBridge, installNotebookDrop, LossbookCallError, type DragEventLike, type IpcRendererLike } from './bridge';
import { IPC_CALL_CHANNEL } from './channels';

async function wired() {
  FakeBrowserWindow.instances.length = 0;
  const electron = fakeElectron();
  const hosts: FakeHost[] = [];
  const app = new LossbookApp({
    electron,
    recent: new RecentDocuments({ read: async () => undefined, write: async () => undefined }),
    preloadPath: '/p.cjs',
    rendererUrl: RENDERER_ENTRY_URL,
    createHost: (dialogs) => {
      const host = new FakeHost(dialogs);
      host.answers.execute = () => ({ runId: 'run-1' });
      host.answers.saveNotebook = (call) => ({ path: call.params.path ?? '/chosen.lossbook' });
      host.answers.freeMemory = () => {
        throw Object.assign(new Error('The kernel is not running; restart it first.'), { name: 'ApiCallError', code: 'io' });
      };
      hosts.push(host);
      return host;
    },
  });
  app.install();
  await app.start(['lossbook'], '/');
  const window = FakeBrowserWindow.instances[0]!;
  const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
  // The renderer side of Electron IPC: invoke reaches ipcMain as this window's main frame; sends come back.
  const ipc: IpcRendererLike = {
    invoke: (channel, payload) => electron.ipcMain.invoke(channel, window.webContents, payload),
    on: (channel, listener) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(listener),
    removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
  };
  const deliver = () => {
    for (const { channel, payload } of window.webContents.sent.splice(0)) for (const listener of listeners.get(channel) ?? []) listener({}, payload);
  };
  return { electron, app, api: createLossbookBridge(ipc), hosts, deliver, window, ipc };
}

describe('window.lossbook over Electron IPC', () => {
  it('is the electron transport and every call reaches the host validated', async () => {
    const { api, hosts } = await wired();
    expect(api.transport).toBe('electron');
    expect(await api.execute({ cellId: 'c1', code: 'const x = 1' })).toEqual({ runId: 'run-1' });
    await api.interrupt();
    await api.restart();
    await api.setBackend('webgpu');
    await api.kernelInfo();
    await api.listExamples();
    const notebook = { metadata: { title: 'T', created: '', modified: '', lossbookVersion: '0.1.0' }, cells: [] };
    // Untitled: the host asks where (issue 17: the page may name only the document's own path).
    expect(await api.saveNotebook(notebook)).toEqual({ path: '/chosen.lossbook' });
    expect(await api.saveNotebook(notebook, '/chosen.lossbook')).toEqual({ path: '/chosen.lossbook' });
    await api.autosave(notebook);
    await api.exportReport(notebook);
    expect(hosts[0]!.calls).toEqual([
      { method: 'execute', params: { cellId: 'c1', code: 'const x = 1', language: 'typescript' } },
      { method: 'interrupt' },
      { method: 'restart' },
      { method: 'setBackend', params: 'webgpu' },
      { method: 'kernelInfo' },
      { method: 'listExamples' },
      { method: 'saveNotebook', params: { notebook } },
      { method: 'saveNotebook', params: { notebook, path: '/chosen.lossbook' } },
      { method: 'autosave', params: { notebook } },
      { method: 'exportReport', params: { notebook } },
    ]);
  });

  it('host errors reject with the user-facing message and code', async () => {
    const { api } = await wired();
    const error = await api.freeMemory().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LossbookCallError);
    expect(error).toMatchObject({ name: 'ApiCallError', message: 'The kernel is not running; restart it first.', code: 'io' });
  });

  it('invalid input is refused by main before the host sees it', async () => {
    const { api, hosts } = await wired();
    await expect(api.execute({ cellId: '', code: 'x' })).rejects.toThrow(/invalid call/);
    expect(hosts[0]!.calls).toEqual([]);
  });

  it('host events and menu commands arrive; subscribing to menu commands releases queued ones', async () => {
    const { api, app, hosts, deliver } = await wired();
    app.openPaths(['/n/queued.lossbook']);
    const events: unknown[] = [];
    const commands: MenuCommand[] = [];
    const subscription = api.onEvent((event) => events.push(event));
    api.onMenuCommand!((command) => commands.push(command));
    await settle();
    hosts[0]!.emit({ type: 'kernel-state', state: 'idle' });
    app.actions.runAll();
    deliver();
    expect(commands).toEqual([{ command: 'open-document', path: '/n/queued.lossbook' }, { command: 'run-all' }]);
    expect(events).toEqual([{ type: 'kernel-state', state: 'idle' }]);
    subscription.dispose();
    hosts[0]!.emit({ type: 'kernel-state', state: 'busy' });
    deliver();
    expect(events).toHaveLength(1);
  });

  it('setDocumentState marks the title', async () => {
    const { api, window } = await wired();
    api.setDocumentState!({ dirty: true, title: 'Sweep' });
    await settle();
    expect(window.title).toBe('● Sweep — Lossbook');
  });
});

describe('dropping files on the window', () => {
  function dropTarget() {
    const listeners: Record<string, (event: DragEventLike) => void> = {};
    return { listeners, addEventListener: (type: string, listener: (event: DragEventLike) => void) => void (listeners[type] = listener) };
  }
  const event = (names: string[], types = ['Files']) => {
    const record = { prevented: false, preventDefault: () => void (record.prevented = true), dataTransfer: { types, files: names.map((name) => ({ name })) } };
    return record;
  };

  it('opens dropped .lossbook files by their real path and leaves other drops alone', () => {
    const target = dropTarget();
    const opened: string[][] = [];
    installNotebookDrop(target, (file) => `/home/u/${file.name}`, (paths) => opened.push(paths));
    const over = event(['a.lossbook']);
    target.listeners.dragover!(over);
    expect(over.prevented).toBe(true);
    const drop = event(['a.lossbook', 'b.png', 'C.LOSSBOOK']);
    target.listeners.drop!(drop);
    expect(drop.prevented).toBe(true);
    expect(opened).toEqual([['/home/u/a.lossbook', '/home/u/C.LOSSBOOK']]);
    const text = event([], ['text/plain']);
    target.listeners.dragover!(text);
    target.listeners.drop!(text);
    const image = event(['b.png']);
    target.listeners.drop!(image);
    expect(text.prevented || image.prevented).toBe(false);
    expect(opened).toHaveLength(1);
  });

  it('the preload sends drops as an openFiles call main accepts', async () => {
    const { ipc, app } = await wired();
    await ipc.invoke(IPC_CALL_CHANNEL, { method: 'openFiles', params: { paths: ['/d/x.lossbook'] } });
    expect(app.openWindows[0]!.showsPath('/d/x.lossbook')).toBe(true);
  });
});
