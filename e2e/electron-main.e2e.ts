// The built Electron main process (out/main/index.js, the real composition root) run under
// Node with a stand-in `electron` module, where no Electron binary exists: the renderer scheme
// serves the built page with its CSP, IPC from the window reaches the real ApiHost, and the
// utilityProcess launcher starts the real kernel (the stand-in forks it with child_process,
// which the kernel speaks as well). It opens an example, runs its cells, exports the report,
// and checks that closing the window ends the kernel. The stand-in records what main did; the
// checks are on what really happened (files written, kernel events, process gone).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../src/shared/protocol';
import type { Notebook } from '../src/shared/notebook/model';
import { applyRunEvent, createRunRecord } from '../src/shared/notebook/run-reducer';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = ['out/main/index.js', 'out/node/kernel.mjs', 'out/renderer/index.html'].every((path) => existsSync(join(root, path)));
const skip = built ? undefined : 'the app is not built (npm run build)';
if (skip) console.log(`electron main e2e: SKIPPED — ${skip}`);

// The stand-in `electron`: just enough of each API, driven over the test's IPC channel.
const FAKE_ELECTRON = String.raw`
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
const send = (message) => process.send?.(message);
const record = (kind, data) => send({ type: 'record', kind, data });

class App extends EventEmitter {
  isPackaged = false;
  getVersion() { return '0.1.0'; }
  getAppPath() { return process.env.FAKE_APP_PATH; }
  getPath(name) { return process.env.FAKE_USER_DATA + '/' + name; }
  requestSingleInstanceLock() { return true; }
  setAppUserModelId(id) { record('appUserModelId', id); }
  whenReady() { return new Promise((resolve) => setImmediate(resolve)); }
  addRecentDocument(path) { record('recent', path); }
  clearRecentDocuments() {}
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) record('quit', true);
  }
}
export const app = new App();
let nextId = 1;
const windows = [];
class WebContents extends EventEmitter {
  id = nextId++;
  mainFrame = { url: '', parent: null };
  windowOpenHandler;
  send(channel, payload) { send({ type: 'sent', channel, payload }); }
  async loadURL(url) { this.mainFrame.url = url; record('loaded', url); }
  isDestroyed() { return false; }
  getZoomLevel() { return 0; }
  setZoomLevel() {}
  setWindowOpenHandler(handler) { this.windowOpenHandler = handler; }
}
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.id = nextId++;
    this.options = options;
    this.webContents = new WebContents();
    this.destroyed = false;
    windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  setTitle(title) { record('title', title); }
  setDocumentEdited() {}
  setRepresentedFilename() {}
  show() {}
  focus() { this.emit('focus'); }
  isMinimized() { return false; }
  restore() {}
  isDestroyed() { return this.destroyed; }
  destroy() { if (!this.destroyed) { this.destroyed = true; this.emit('closed'); } }
  close() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  static getAllWindows() { return windows.filter((window) => !window.destroyed); }
}
const handlers = new Map();
export const ipcMain = { handle(channel, handler) { handlers.set(channel, handler); }, removeHandler(channel) { handlers.delete(channel); } };
let applicationMenu;
export const Menu = { buildFromTemplate: (template) => template, setApplicationMenu: (menu) => { applicationMenu = menu; } };
const schemes = new Map();
export const protocol = { registerSchemesAsPrivileged: (list) => record('schemes', list), handle: (scheme, handler) => schemes.set(scheme, handler) };
export const session = { defaultSession: {
  permissionRequestHandler: undefined,
  setPermissionRequestHandler(handler) { this.permissionRequestHandler = handler; },
  setPermissionCheckHandler() {},
  webRequest: { onHeadersReceived() {} },
} };
export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: false, filePath: process.env.FAKE_SAVE_PATH }),
  showMessageBox: async (_window, options) => { record('messageBox', options.message); return { response: 1 }; },
};
export const shell = { openExternal: async (url) => record('openExternal', url) };
export const nativeTheme = { themeSource: 'system' };
export const utilityProcess = {
  // Electron forks a utility process; here child_process does, with the same surface.
  fork(modulePath, args, options) {
    const child = fork(modulePath, args, { env: options.env, cwd: options.cwd, execArgv: options.execArgv ?? [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const emitter = new EventEmitter();
    Object.assign(emitter, {
      get pid() { return child.pid; },
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message) => child.send(message),
      kill: () => child.kill(),
    });
    child.on('message', (message) => emitter.emit('message', message));
    child.on('exit', (code, signal) => emitter.emit('exit', code ?? (signal ? 1 : 0)));
    record('fork', { modulePath, serviceName: options.serviceName, stdio: options.stdio });
    return emitter;
  },
};
export default { app, BrowserWindow, ipcMain, Menu, protocol, session, dialog, shell, nativeTheme, utilityProcess };

const findItem = (items, id) => {
  for (const item of items ?? []) {
    if (item.id === id) return item;
    const inner = findItem(item.submenu, id);
    if (inner) return inner;
  }
};
process.on('message', async (message) => {
  const reply = (result) => send({ type: 'reply', id: message.id, result });
  const window = windows[0];
  try {
    switch (message.cmd) {
      case 'invoke': {
        const frame = message.frameUrl ? { url: message.frameUrl, parent: null } : window.webContents.mainFrame;
        return reply(await handlers.get('lossbook:call')({ sender: { id: window.webContents.id }, senderFrame: frame }, message.payload));
      }
      case 'fetch': {
        const response = await schemes.get('lossbook')(new Request(message.url));
        return reply({ status: response.status, csp: response.headers.get('content-security-policy'), type: response.headers.get('content-type'), body: await response.text() });
      }
      case 'window': return reply({ options: window.options, windows: BrowserWindow.getAllWindows().length });
      case 'window-open': return reply(window.webContents.windowOpenHandler({ url: message.url }));
      case 'permission': return reply(await new Promise((resolve) => session.defaultSession.permissionRequestHandler({}, message.permission, resolve)));
      case 'menu': findItem(applicationMenu, message.item).click(); return reply(true);
      case 'close': window.close(); return reply(BrowserWindow.getAllWindows().length);
    }
  } catch (error) {
    send({ type: 'reply', id: message.id, error: String(error?.stack ?? error) });
  }
});
`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: ${JSON.stringify('FAKE_URL')}, shortCircuit: true };
  return next(specifier, context);
}`;

describe.skipIf(skip !== undefined)(skip ? `Electron main process (SKIPPED: ${skip})` : 'Electron main process under a stand-in electron', () => {
  let workspace: string;
  let main: ChildProcess;
  const messages: any[] = [];
  let nextId = 1;
  const hostEvents = () => messages.filter((message) => message.type === 'sent' && message.channel === 'lossbook:host-event').map((message) => message.payload as HostEvent);
  const records = (kind: string) => messages.filter((message) => message.type === 'record' && message.kind === kind).map((message) => message.data);

  function command(message: Record<string, unknown>): Promise<any> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: any) => {
        if (reply?.type !== 'reply' || reply.id !== id) return;
        main.off('message', onMessage);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply.result);
      };
      main.on('message', onMessage);
      main.send({ ...message, id });
    });
  }
  const call = (payload: unknown) => command({ cmd: 'invoke', payload });

  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 150_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      if (main.exitCode !== null) throw new Error(`main exited (${main.exitCode}) while waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'lossbook-main-e2e-'));
    const fakeUrl = pathToFileURL(join(workspace, 'electron.mjs')).href;
    writeFileSync(join(workspace, 'electron.mjs'), FAKE_ELECTRON);
    writeFileSync(join(workspace, 'hooks.mjs'), HOOKS.replace(JSON.stringify('FAKE_URL'), JSON.stringify(fakeUrl)));
    writeFileSync(join(workspace, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(workspace, 'hooks.mjs')).href)});\n`);
    mkdirSync(join(workspace, 'user-data'));
    main = fork(join(root, 'out/main/index.js'), [], {
      cwd: root,
      execArgv: ['--import', pathToFileURL(join(workspace, 'register.mjs')).href],
      env: {
        ...process.env,
        FAKE_APP_PATH: root,
        FAKE_USER_DATA: join(workspace, 'user-data'),
        FAKE_SAVE_PATH: join(workspace, 'report.html'),
        LOSSBOOK_BACKEND: 'wasm',
        LOSSBOOK_RECOVERY_DIR: join(workspace, 'recovery'),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    main.on('message', (message) => messages.push(message));
    await waitFor(() => records('loaded')[0], 'the window to load its page', 60_000);
  });

  afterAll(async () => {
    if (main && main.exitCode === null) main.kill();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  });

  it('opens one secure window on lossbook://app and registers the scheme before ready', async () => {
    expect(records('loaded')).toEqual(['lossbook://app/index.html']);
    expect(records('schemes')[0]).toEqual([{ scheme: 'lossbook', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const { options, windows } = await command({ cmd: 'window' });
    expect(windows).toBe(1);
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, preload: join(root, 'out/preload/index.cjs') });
    expect(existsSync(options.webPreferences.preload)).toBe(true);
    expect(await command({ cmd: 'window-open', url: 'https://example.com/docs' })).toEqual({ action: 'deny' });
    expect(await command({ cmd: 'permission', permission: 'media' })).toBe(false);
  });

  it('serves the built renderer with the CSP header and refuses paths outside it', async () => {
    const page = await command({ cmd: 'fetch', url: 'lossbook://app/index.html' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    expect(page.csp).toContain("script-src 'self'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect(await command({ cmd: 'fetch', url: `lossbook://app/${script}` })).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect((await command({ cmd: 'fetch', url: 'lossbook://app/..%2f..%2fpackage.json' })).status).toBe(404);
  });

  it('rejects a call from a frame that is not our renderer', async () => {
    const answer = await command({ cmd: 'invoke', payload: { method: 'kernelInfo' }, frameUrl: 'https://evil.example/' });
    expect(answer).toMatchObject({ ok: false, error: { name: 'IpcRejection' } });
  });

  it('a hung cell and a crashed kernel never block the window: calls keep answering, the kernel comes back', async () => {
    const before = hostEvents().length;
    const hang = await call({ method: 'execute', params: { cellId: 'hang', code: 'while (true) {}' } });
    expect(hang.ok).toBe(true);
    await waitFor(() => hostEvents().slice(before).find((event) => event.type === 'run-started'), 'the hung run to start');
    // Main answers while the kernel spins.
    expect(await call({ method: 'kernelInfo' })).toMatchObject({ ok: true, value: { state: 'busy' } });
    await command({ cmd: 'menu', item: 'interrupt' });
    const ended = await waitFor(() => hostEvents().slice(before).find((event) => event.type === 'run-finished' && event.runId === hang.value.runId), 'the hung run to end', 60_000);
    expect(['interrupted', 'killed']).toContain((ended as { status: string }).status);

    const crashFrom = hostEvents().length;
    const crash = await call({ method: 'execute', params: { cellId: 'crash', code: "process.kill(process.pid, 'SIGKILL')" } });
    expect(crash.ok).toBe(true);
    const exit = await waitFor(() => hostEvents().slice(crashFrom).find((event) => event.type === 'kernel-exit'), 'the kernel exit to be reported', 60_000);
    expect(exit).toMatchObject({ expected: false });
    expect(await call({ method: 'kernelInfo' })).toMatchObject({ ok: true });
    await call({ method: 'restart' });
    const after = await call({ method: 'execute', params: { cellId: 'after', code: 'console.log(6 * 7)' } });
    const finished = await waitFor(() => hostEvents().find((event) => event.type === 'run-finished' && event.runId === after.value.runId), 'a run after the restart');
    expect((finished as { status: string }).status).toBe('ok');
    expect(hostEvents().some((event) => event.type === 'stream' && event.runId === after.value.runId && event.text.includes('42'))).toBe(true);
  });

  it('opens an example, runs it on the real kernel in the launcher-started process, and exports the report', async () => {
    expect((await call({ method: 'shellReady' })).ok).toBe(true);
    const examples = await call({ method: 'listExamples' });
    const example = (examples.value as Array<{ name: string; path: string }>).find((entry) => entry.name === 'healthy-regression');
    expect(example).toBeDefined();
    const opened = await call({ method: 'openNotebook', params: { path: example!.path } });
    expect(opened.ok).toBe(true);
    const notebook = opened.value.notebook as Notebook;
    const codeCells = notebook.cells.filter((cell) => cell.kind === 'code');
    expect(codeCells.length).toBeGreaterThan(1);

    // Run every cell as the renderer would, folding the events into the notebook (run-reducer).
    for (const cell of codeCells) {
      const executed = await call({ method: 'execute', params: { cellId: cell.id, code: cell.source, language: cell.language ?? 'typescript' } });
      expect(executed.ok, JSON.stringify(executed)).toBe(true);
      const runId = executed.value.runId as string;
      const finished = await waitFor(() => hostEvents().find((event) => event.type === 'run-finished' && event.runId === runId), `cell ${cell.id} to finish`);
      const run = createRunRecord(runId, cell.id, 1, Date.now());
      for (const event of hostEvents()) if ('runId' in event && event.runId === runId) applyRunEvent(run, cell.outputs, event);
      cell.runs.push(run);
      expect((finished as { status: string }).status, JSON.stringify(cell.outputs).slice(0, 2000)).toBe('ok');
    }
    // The kernel really ran in the process the launcher started, as a named service with piped output.
    expect(records('fork')[0]).toMatchObject({ modulePath: join(root, 'out/node/kernel.mjs'), serviceName: 'Lossbook Kernel', stdio: ['ignore', 'pipe', 'pipe'] });
    // The kernel now running (an earlier test killed and restarted one).
    const ready = hostEvents().findLast((event) => event.type === 'ready') as Extract<HostEvent, { type: 'ready' }>;
    expect(processAlive(ready.pid)).toBe(true);
    expect(ready.backend.name).toBe('wasm');
    const training = codeCells.find((cell) => cell.runs[0]?.series.some((series) => series.name === 'loss'));
    expect(training, 'a cell recorded a loss series').toBeDefined();
    const loss = training!.runs[0]!.series.find((series) => series.name === 'loss')!.values.filter((value): value is number => value !== null);
    // 20 epochs really trained: many steps, and the loss went down.
    expect(loss.length).toBeGreaterThanOrEqual(20);
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.5);

    // File → Export HTML Report asks the page; the page answers with exportReport (the dialog is stubbed).
    await command({ cmd: 'menu', item: 'export-report' });
    expect(messages.some((message) => message.type === 'sent' && message.channel === 'lossbook:menu-command' && message.payload.command === 'export-report')).toBe(true);
    const exported = await call({ method: 'exportReport', params: { notebook } });
    expect(exported).toEqual({ ok: true, value: { path: join(workspace, 'report.html') } });
    const html = await readFile(join(workspace, 'report.html'), 'utf8');
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/standardized regression/i);

    // Closing the window ends its kernel.
    expect(await command({ cmd: 'close' })).toBe(0);
    await waitFor(() => (processAlive(ready.pid) ? undefined : true), 'the kernel process to end', 30_000);
  });
});
