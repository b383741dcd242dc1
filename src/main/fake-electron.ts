// Test support: fakes of the Electron APIs at the adapter boundary (ElectronSurface). They
// record what the shell did (window options, handlers, sent messages, dialogs shown) and let
// a test play the user (click, close, answer a dialog) — no Electron binary involved.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { Emitter } from '../shared/event';
import type { HostEvent } from '../shared/protocol';
import type {
  AppSurface,
  BrowserWindowSurface,
  DialogSurface,
  ElectronSurface,
  FrameSurface,
  IpcInvokeEventSurface,
  IpcMainSurface,
  MenuItemSpec,
  MessageBoxOptions,
  PreventableEvent,
  SessionSurface,
  UtilityForkOptions,
  UtilityProcessSurface,
  WebContentsSurface,
  WindowOpenResponse,
  WindowOptions,
} from './electron-surface';
import type { NotebookHost, HostDialogs } from './notebook-window';

export function preventable(): PreventableEvent & { defaultPrevented: boolean } {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

let nextId = 1;

export class FakeWebContents extends EventEmitter implements WebContentsSurface {
  readonly id = nextId++;
  readonly mainFrame: FrameSurface & { url: string } = { url: '', parent: null };
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly loaded: string[] = [];
  windowOpenHandler: ((details: { url: string }) => WindowOpenResponse) | undefined;
  destroyed = false;
  zoomLevel = 0;

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getZoomLevel(): number {
    return this.zoomLevel;
  }
  setZoomLevel(level: number): void {
    this.zoomLevel = level;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenResponse): void {
    this.windowOpenHandler = handler;
  }
  sentOn(channel: string): unknown[] {
    return this.sent.filter((message) => message.channel === channel).map((message) => message.payload);
  }
}

export class FakeBrowserWindow extends EventEmitter implements BrowserWindowSurface {
  static readonly instances: FakeBrowserWindow[] = [];
  readonly id = nextId++;
  readonly webContents = new FakeWebContents();
  title = '';
  documentEdited = false;
  representedFilename = '';
  shown = false;
  focused = 0;
  destroyed = false;
  minimized = false;

  constructor(readonly options: WindowOptions) {
    super();
    this.title = options.title;
    FakeBrowserWindow.instances.push(this);
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setDocumentEdited(edited: boolean): void {
    this.documentEdited = edited;
  }
  setRepresentedFilename(filename: string): void {
    this.representedFilename = filename;
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {
    this.focused++;
    this.emit('focus');
  }
  /** Like Electron: 'close' may be prevented; otherwise the window is destroyed and 'closed' follows. */
  close(): void {
    if (this.destroyed) return;
    const event = preventable();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
}

export class FakeDialog implements DialogSurface {
  readonly messageBoxes: MessageBoxOptions[] = [];
  readonly openDialogs: unknown[] = [];
  readonly saveDialogs: unknown[] = [];
  /** Answers to give, in order (button indices); a test pushes them before acting. */
  readonly messageBoxAnswers: number[] = [];
  readonly openAnswers: string[][] = [];
  readonly saveAnswers: Array<string | undefined> = [];

  async showOpenDialog(_window: BrowserWindowSurface | undefined, options: unknown): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.openDialogs.push(options);
    const paths = this.openAnswers.shift() ?? [];
    return { canceled: paths.length === 0, filePaths: paths };
  }
  async showSaveDialog(_window: BrowserWindowSurface | undefined, options: unknown): Promise<{ canceled: boolean; filePath?: string }> {
    this.saveDialogs.push(options);
    const path = this.saveAnswers.shift();
    return path ? { canceled: false, filePath: path } : { canceled: true };
  }
  async showMessageBox(_window: BrowserWindowSurface | undefined, options: MessageBoxOptions): Promise<{ response: number }> {
    this.messageBoxes.push(options);
    return { response: this.messageBoxAnswers.shift() ?? options.cancelId ?? 0 };
  }
}

export class FakeApp extends EventEmitter implements AppSurface {
  isPackaged = false;
  lockGranted = true;
  quitRequested = 0;
  quitCompleted = false;
  readonly recentDocuments: string[] = [];

  getVersion(): string {
    return '0.1.0';
  }
  getAppPath(): string {
    return '/opt/lossbook/resources/app.asar';
  }
  getPath(name: string): string {
    return `/tmp/fake-electron/${name}`;
  }
  requestSingleInstanceLock(): boolean {
    return this.lockGranted;
  }
  appUserModelId: string | undefined;
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  addRecentDocument(path: string): void {
    this.recentDocuments.push(path);
  }
  clearRecentDocuments(): void {
    this.recentDocuments.length = 0;
  }
  /** Like Electron: before-quit may be prevented; otherwise the app quits. */
  quit(): void {
    this.quitRequested++;
    const event = preventable();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitCompleted = true;
  }
}

export class FakeIpcMain implements IpcMainSurface {
  readonly handlers = new Map<string, (event: IpcInvokeEventSurface, ...args: any[]) => Promise<unknown>>();
  handle(channel: string, handler: (event: IpcInvokeEventSurface, ...args: any[]) => Promise<unknown>): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Invoke as the renderer of `contents` would (its main frame sends). */
  invoke(channel: string, contents: FakeWebContents, payload: unknown, frame: FrameSurface | null = contents.mainFrame): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ sender: { id: contents.id }, senderFrame: frame }, payload);
  }
}

export class FakeSession implements SessionSurface {
  permissionRequestHandler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: ((webContents: unknown, permission: string) => boolean) | undefined;
  headersListener: Parameters<SessionSurface['webRequest']['onHeadersReceived']>[0] | undefined;
  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionRequestHandler']>): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: NonNullable<FakeSession['permissionCheckHandler']>): void {
    this.permissionCheckHandler = handler;
  }
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };
}

export class FakeUtilityProcess extends EventEmitter implements UtilityProcessSurface {
  pid: number | undefined = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  killed = 0;
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly forkOptions: UtilityForkOptions,
  ) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed++;
    return true;
  }
}

export interface FakeElectron extends ElectronSurface {
  app: FakeApp;
  dialog: FakeDialog;
  ipcMain: FakeIpcMain;
  session: FakeSession;
  menu: { setApplicationMenu(template: MenuItemSpec[]): void; template: MenuItemSpec[] | undefined };
  shell: { openInBrowser(url: string): Promise<void>; opened: string[] };
  forked: FakeUtilityProcess[];
}

export function fakeElectron(platform: NodeJS.Platform = 'linux'): FakeElectron {
  const forked: FakeUtilityProcess[] = [];
  const opened: string[] = [];
  const menu = {
    template: undefined as MenuItemSpec[] | undefined,
    setApplicationMenu(template: MenuItemSpec[]) {
      menu.template = template;
    },
  };
  const app = new FakeApp();
  // Like Electron, creating a window creates its web contents and announces it on the app.
  const BrowserWindow = class extends FakeBrowserWindow {
    constructor(options: WindowOptions) {
      super(options);
      app.emit('web-contents-created', {}, this.webContents);
    }
  };
  return {
    app,
    BrowserWindow,
    dialog: new FakeDialog(),
    menu,
    ipcMain: new FakeIpcMain(),
    shell: {
      opened,
      openInBrowser: async (url: string) => {
        opened.push(url);
      },
    },
    session: new FakeSession(),
    protocol: { handle: () => undefined },
    nativeTheme: { themeSource: 'system' },
    forkUtilityProcess: (modulePath, args, options) => {
      const child = new FakeUtilityProcess(modulePath, args, options);
      forked.push(child);
      return child;
    },
    forked,
    platform,
    versions: { electron: '38.8.6', chrome: '140.0.0.0', node: '22.19.0', v8: '14.0' },
  };
}

/** A host that records calls and answers from a table (the real one is ApiHost over a kernel). */
export class FakeHost implements NotebookHost {
  readonly calls: any[] = [];
  private readonly events = new Emitter<HostEvent>();
  disposed = false;
  answers: Record<string, (call: any) => unknown> = {};
  discardRecovery?: (path: string | undefined) => Promise<void>;
  constructor(readonly dialogs: HostDialogs) {}
  async handle(call: unknown): Promise<unknown> {
    this.calls.push(call);
    const method = (call as { method: string }).method;
    const answer = this.answers[method];
    return answer ? await answer(call) : undefined;
  }
  readonly onEvent = this.events.event;
  emit(event: HostEvent): void {
    this.events.fire(event);
  }
  dispose(): void {
    this.disposed = true;
  }
  methods(): string[] {
    return this.calls.map((call) => (call as { method: string }).method);
  }
}

/** Let queued promise callbacks run (dialogs and host calls are async). */
export async function settle(rounds = 10): Promise<void> {
  for (let index = 0; index < rounds; index++) await new Promise((resolve) => setImmediate(resolve));
}
