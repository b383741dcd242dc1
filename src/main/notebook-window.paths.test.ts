// Issue 17: in the Electron app the page may not choose where files are written. A save goes to
// the document's own path or to a path the user picked in the native dialog; a report goes where
// the Export dialog says. A page that names another path is refused before the host is asked.
import { beforeEach, describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL } from '../preload/channels';
import { RecentDocuments } from './documents';
import { fakeElectron, FakeBrowserWindow, FakeHost, settle } from './fake-electron';
import { LossbookApp } from './lossbook-app';
import { RENDERER_ENTRY_URL } from './security';

function memoryStorage() {
  let text: string | undefined;
  return { read: async () => text, write: async (value: string) => void (text = value) };
}

async function harness() {
  FakeBrowserWindow.instances.length = 0;
  const electron = fakeElectron('linux');
  const hosts: FakeHost[] = [];
  const app = new LossbookApp({
    electron,
    recent: new RecentDocuments(memoryStorage()),
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl: RENDERER_ENTRY_URL,
    createHost: (dialogs) => {
      const host = new FakeHost(dialogs);
      host.answers.openNotebook = (call) => (call.params.path ? { path: call.params.path, notebook: { metadata: { title: 'T' }, cells: [] } } : undefined);
      // As ApiHost does: without a path it asks the dialog, with one it writes there.
      host.answers.saveNotebook = async (call) => ({ path: call.params.path ?? (await dialogs.chooseSavePath('T.lossbook')) });
      host.answers.exportReport = async (call) => ({ path: call.params.path ?? (await dialogs.chooseSavePath('T.html')) });
      hosts.push(host);
      return host;
    },
  });
  expect(app.install()).toBe(true);
  await app.start(['/usr/bin/lossbook'], '/home/user');
  await settle();
  const call = (payload: unknown): Promise<{ ok: boolean; value?: any; error?: { name: string; message: string } }> =>
    electron.ipcMain.invoke(IPC_CALL_CHANNEL, FakeBrowserWindow.instances[0]!.webContents, payload) as Promise<never>;
  await call({ method: 'shellReady' });
  return { electron, hosts, call };
}

const notebook = { metadata: { title: 'T' }, cells: [] };

describe('write paths from the page (issue 17)', () => {
  beforeEach(() => {
    FakeBrowserWindow.instances.length = 0;
  });

  it('refuses a save to a path the page names, before the host sees it', async () => {
    const h = await harness();
    const answer = await h.call({ method: 'saveNotebook', params: { notebook, path: '/home/user/.bashrc' } });
    expect(answer.ok).toBe(false);
    expect(answer.error?.message).toMatch(/refused the request: a notebook is saved to its own file or to a path chosen in the Save dialog/);
    expect(h.hosts[0]!.methods()).not.toContain('saveNotebook');
  });

  it('saves to the document’s own path, and to a path chosen in the dialog, which becomes its own', async () => {
    const h = await harness();
    await h.call({ method: 'openNotebook', params: { path: '/home/user/exp.lossbook' } });
    expect((await h.call({ method: 'saveNotebook', params: { notebook, path: '/home/user/exp.lossbook' } })).ok).toBe(true);
    expect((await h.call({ method: 'saveNotebook', params: { notebook, path: '/home/user/other.lossbook' } })).ok).toBe(false);
    h.electron.dialog.saveAnswers.push('/home/user/chosen.lossbook');
    expect((await h.call({ method: 'saveNotebook', params: { notebook } })).value).toEqual({ path: '/home/user/chosen.lossbook' });
    expect((await h.call({ method: 'saveNotebook', params: { notebook, path: '/home/user/chosen.lossbook' } })).ok).toBe(true);
    expect((await h.call({ method: 'saveNotebook', params: { notebook, path: '/home/user/exp.lossbook' } })).ok).toBe(false);
  });

  it('writes a report only where the Export dialog says', async () => {
    const h = await harness();
    await h.call({ method: 'openNotebook', params: { path: '/home/user/exp.lossbook' } });
    const named = await h.call({ method: 'exportReport', params: { notebook, path: '/home/user/exp.lossbook' } });
    expect(named.ok).toBe(false);
    expect(named.error?.message).toMatch(/where the Export dialog says/);
    h.electron.dialog.saveAnswers.push('/home/user/report.html');
    expect((await h.call({ method: 'exportReport', params: { notebook } })).value).toEqual({ path: '/home/user/report.html' });
  });
});
