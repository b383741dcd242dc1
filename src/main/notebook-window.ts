// One window per notebook: the BrowserWindow (created with the security settings of
// security.ts), its own host (ApiHost + kernel supervisor, so one notebook's kernel crash or
// hang touches no other window), its title with the unsaved marker, and the close prompt.
import { basename, isAbsolute, resolve } from 'node:path';
import type { ApiCall, MenuCommand, ShellCall } from '../shared/api';
import type { BackendRequest, Disposable, HostEvent } from '../shared/protocol';
import { IPC_EVENT_CHANNEL, IPC_MENU_CHANNEL } from '../preload/channels';
import type { BrowserWindowSurface, ElectronSurface } from './electron-surface';
import { isNotebookPath } from './documents';

/** The host side of one notebook (src/host/api-host.ts's ApiHost in the app, a fake in tests). */
export interface NotebookHost {
  handle(call: unknown): Promise<unknown>;
  onEvent(listener: (event: HostEvent) => void): Disposable;
  /** Delete autosaved recovery copies: the document's (when `path` is given) and the untitled window's. */
  discardRecovery?(path: string | undefined): Promise<void>;
  dispose(): void;
}

/** Native file dialogs parented to this window, handed to the host (ApiHostDialogs). */
export interface HostDialogs {
  chooseOpenPath(): Promise<string | undefined>;
  chooseSavePath(suggested?: string): Promise<string | undefined>;
}

export interface NotebookWindowOptions {
  electron: Pick<ElectronSurface, 'BrowserWindow' | 'dialog' | 'platform'>;
  createHost(dialogs: HostDialogs): NotebookHost;
  preloadPath: string;
  rendererUrl: string;
  appName: string;
  iconPath?: string;
  backgroundColor?: string;
  /** A document was opened or saved at `path` (recent documents). */
  onDocumentPath(window: NotebookWindow, path: string): void;
  /** Files this window wants opened elsewhere (dropped files; Open from a window that holds a notebook). */
  onOpenFiles(paths: string[], from: NotebookWindow): void;
  /** The window gained focus: menu actions now act on it. */
  onFocus(window: NotebookWindow): void;
  /** Title or backend changed: the application menu may need rebuilding. */
  onStateChange(window: NotebookWindow): void;
  onClosed(window: NotebookWindow): void;
  /** A file asked for is gone (moved, deleted): it leaves the recent list. */
  onMissingFile?(path: string): void;
  /** A restored recovery copy was saved to a real file, or knowingly discarded: delete the copy. */
  onRecoveryResolved?(recoveryPath: string): void;
  log?(message: string): void;
}

export const NOTEBOOK_FILTERS = [{ name: 'Lossbook Notebook', extensions: ['lossbook'] }];
const OPEN_FILTERS = [...NOTEBOOK_FILTERS, { name: 'Script in percent format', extensions: ['ts', 'js'] }];

export function windowTitle(state: { path?: string; title?: string; dirty: boolean; appName: string }): string {
  const name = state.path ? basename(state.path) : state.title?.trim() || 'Untitled';
  // The marker leads so it stays visible when the title is truncated (taskbars, tabs).
  return `${state.dirty ? '● ' : ''}${name} — ${state.appName}`;
}

type SaveWaiter = (saved: boolean) => void;

const MAX_PAGE_RELOADS = 3;

export class NotebookWindow {
  readonly window: BrowserWindowSurface;
  readonly webContentsId: number;
  private readonly host: NotebookHost;
  private readonly hostSubscription: Disposable;
  private path: string | undefined;
  /** A file sent to the renderer to open that it has not opened yet. */
  private pendingPath: string | undefined;
  /** An orphaned recovery copy this window restores (opened as an untitled notebook). */
  private recoveredPath: string | undefined;
  /** How the last close was decided: 'discard' after Don't Save. */
  private closeDecision: 'clean' | 'saved' | 'discard' = 'clean';
  private title: string | undefined;
  private dirty = false;
  /** A document was loaded or is being loaded: this window is no longer free for the next file. */
  private hasDocument = false;
  private backendRequest: BackendRequest | undefined;
  private rendererReady = false;
  private readonly queuedCommands: MenuCommand[] = [];
  private saveWaiters: SaveWaiter[] = [];
  private prompting: Promise<boolean> | undefined;
  private closeAllowed = false;
  private pageReloads = 0;
  private closed = false;

  constructor(private readonly options: NotebookWindowOptions) {
    const BrowserWindow = options.electron.BrowserWindow;
    // Electron's security checklist, written as a literal so electronegativity can read it too
    // (security.test.ts checks the options a window really receives).
    this.window = new BrowserWindow({
      width: 1280,
      height: 860,
      minWidth: 720,
      minHeight: 480,
      show: false,
      title: windowTitle({ dirty: false, appName: options.appName }),
      ...(options.iconPath ? { icon: options.iconPath } : {}),
      backgroundColor: options.backgroundColor ?? '#1e1e1e',
      webPreferences: {
        preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK (reviewed: exposes only window.lossbook, never ipcRenderer)
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        // A dropped file must not replace the notebook page; the preload opens dropped .lossbook files.
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: true,
        // Middle-click would open links in a new window, which we never allow.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    this.webContentsId = this.window.webContents.id;
    this.host = options.createHost(this.dialogs());
    this.hostSubscription = this.host.onEvent((event) => {
      this.send(IPC_EVENT_CHANNEL, event);
      // Kernel → Backend shows what the running kernel was asked for (a setting, LOSSBOOK_BACKEND, the default).
      if (event.type === 'ready' && event.backend.requested !== this.backendRequest) {
        this.backendRequest = event.backend.requested;
        this.options.onStateChange(this);
      }
    });

    this.window.once('ready-to-show', () => this.window.show());
    this.window.on('focus', () => options.onFocus(this));
    this.window.on('close', (event) => {
      if (this.closeAllowed || !this.dirty) return;
      event.preventDefault();
      void this.requestClose().then((canClose) => {
        if (canClose) this.forceClose();
      });
    });
    this.window.on('closed', () => this.dispose());
    this.window.webContents.on('render-process-gone', (_event, details) => {
      // The page died (crash, OOM); the kernel and the autosaved recovery copy are unaffected.
      // Reload it a few times, not forever: a page that keeps crashing stays down (and says so in the log).
      this.rendererReady = false;
      const reload = details.reason !== 'clean-exit' && !this.window.isDestroyed() && this.pageReloads < MAX_PAGE_RELOADS;
      options.log?.(`notebook page ended (${details.reason}, exit ${details.exitCode})${reload ? '; reloading' : ''}`);
      if (!reload) return;
      this.pageReloads++;
      // The reloaded page asks for the file again; it opens the document this window holds.
      const path = this.path;
      if (path && !this.queuedCommands.some((command) => command.command === 'open-document' && command.path === path)) this.queuedCommands.push({ command: 'open-document', path });
      void this.window.webContents.loadURL(options.rendererUrl);
    });
  }

  load(): Promise<void> {
    return this.window.webContents.loadURL(this.options.rendererUrl);
  }

  get documentPath(): string | undefined {
    return this.path;
  }

  /** The file this window shows or is about to show. */
  showsPath(path: string): boolean {
    return this.path === path || this.pendingPath === path;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  get backend(): BackendRequest | undefined {
    return this.backendRequest;
  }

  /** No document loaded or on its way, nothing typed: the next opened file may take this window. */
  get isPristine(): boolean {
    return !this.hasDocument && !this.dirty;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ask the renderer to load `path` here (it calls openNotebook(path), which also offers recovery). */
  openDocument(path: string): void {
    this.hasDocument = true;
    this.pendingPath = path;
    this.sendCommand({ command: 'open-document', path });
  }

  /**
   * Restore a recovery copy a crashed session left: the renderer opens it and sees it as an
   * unsaved, untitled notebook with a recovery offer; saving it (anywhere) deletes the copy.
   */
  openRecovered(recoveryPath: string): void {
    this.recoveredPath = recoveryPath;
    this.openDocument(recoveryPath);
  }

  /** Menu commands wait until the renderer has subscribed (shellReady), then go in order. */
  sendCommand(command: MenuCommand): void {
    if (!this.rendererReady) {
      this.queuedCommands.push(command);
      return;
    }
    this.send(IPC_MENU_CHANNEL, command);
  }

  focus(): void {
    if (this.window.isDestroyed()) return;
    if (this.window.isMinimized()) this.window.restore();
    this.window.focus();
  }

  /** A call from this window's renderer, already validated by the IPC router. */
  async handleApiCall(call: ApiCall): Promise<unknown> {
    const refused = this.refusedWritePath(call);
    if (refused) {
      this.options.log?.(`refused a ${call.method} from the page: ${refused}`);
      if (call.method === 'saveNotebook') this.settleSave(false);
      throw new WritePathRefused(refused);
    }
    if (call.method === 'openNotebook' && !call.params.path && !this.isPristine) {
      // One window per notebook: a file chosen from a window that holds one opens in its own window.
      const chosen = await this.dialogs().chooseOpenPath();
      if (chosen) this.options.onOpenFiles([chosen], this);
      return undefined;
    }
    if (call.method === 'openNotebook') this.hasDocument = true;
    let result: unknown;
    try {
      result = await this.host.handle(call);
    } catch (error) {
      if (call.method === 'saveNotebook') this.settleSave(false);
      if (call.method === 'openNotebook' && call.params.path === this.pendingPath) {
        // The file could not be opened (the renderer shows why): the window is free again.
        this.pendingPath = undefined;
        if (!this.path) this.hasDocument = this.dirty;
      }
      if (call.method === 'openNotebook' && call.params.path && (error as { reason?: unknown }).reason === 'not-found') this.options.onMissingFile?.(call.params.path);
      throw error;
    }
    if (call.method === 'openNotebook' && call.params.path !== undefined && call.params.path === this.recoveredPath) result = this.asRecovered(result);
    this.observe(call, result);
    return result;
  }

  /**
   * Where the page may have files written (issue 17). A compromised page must not choose any
   * path on disk: a save goes to the document's own path or, without a path, to one the user
   * picks in the native dialog (the host asks); a report is always written where the dialog says.
   */
  private refusedWritePath(call: ApiCall): string | undefined {
    if (call.method === 'saveNotebook' && call.params.path !== undefined) {
      if (this.path !== undefined && resolve(call.params.path) === this.path) return undefined;
      return 'a notebook is saved to its own file or to a path chosen in the Save dialog, not to a path the page names.';
    }
    if (call.method === 'exportReport' && call.params.path !== undefined) {
      return 'a report is written where the Export dialog says, not to a path the page names.';
    }
    return undefined;
  }

  /** A recovery copy opens without a path (Save asks where) and with the recovery offer the page knows. */
  private asRecovered(result: unknown): unknown {
    if (typeof result !== 'object' || result === null || !('notebook' in result)) return result;
    const notebook = (result as { notebook: { metadata?: { modified?: unknown } } }).notebook;
    this.pendingPath = undefined;
    const modified = typeof notebook.metadata?.modified === 'string' ? notebook.metadata.modified : new Date().toISOString();
    return { notebook, recovery: { path: this.recoveredPath, modified, notebook } };
  }

  async handleShellCall(call: ShellCall): Promise<unknown> {
    switch (call.method) {
      case 'shellReady': {
        this.rendererReady = true;
        const queued = this.queuedCommands.splice(0);
        for (const command of queued) this.send(IPC_MENU_CHANNEL, command);
        return { queued: queued.length };
      }
      case 'setDocumentState':
        this.dirty = call.params.dirty;
        if (call.params.title !== undefined) this.title = call.params.title;
        if (this.dirty) this.hasDocument = true;
        this.updateTitle();
        return undefined;
      case 'openFiles': {
        const paths = call.params.paths.filter((path) => isAbsolute(path) && isNotebookPath(path));
        if (paths.length > 0) this.options.onOpenFiles(paths, this);
        return { opened: paths.length };
      }
    }
  }

  /** Call the host directly (menu actions that need no renderer: interrupt, restart, backend). */
  async callHost(call: ApiCall): Promise<unknown> {
    const result = await this.host.handle(call);
    this.observe(call, result);
    return result;
  }

  /**
   * May this window close? Clean: yes. Dirty: ask Save / Don't Save / Cancel; Save asks the
   * renderer to save and resolves when that save finishes (false if it was cancelled or failed).
   */
  requestClose(): Promise<boolean> {
    if (!this.dirty || this.closeAllowed) return Promise.resolve(true);
    // A second close (or quit) while the prompt is open waits for the same answer.
    this.prompting ??= this.promptToSave().finally(() => {
      this.prompting = undefined;
    });
    return this.prompting;
  }

  /** Close without asking (after requestClose said yes). */
  forceClose(): void {
    this.closeAllowed = true;
    if (!this.window.isDestroyed()) this.window.close();
  }

  private async promptToSave(): Promise<boolean> {
    this.focus();
    const name = this.path ? basename(this.path) : this.title?.trim() || 'Untitled';
    const { response } = await this.options.electron.dialog.showMessageBox(this.window, {
      type: 'warning',
      buttons: ['Save', "Don't Save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
      title: 'Unsaved changes',
      message: `Do you want to save the changes you made to “${name}”?`,
      detail: "Your changes will be lost if you don't save them.",
    });
    if (response === 1) {
      this.closeDecision = 'discard';
      return true;
    }
    if (response !== 0) return false;
    const saved = new Promise<boolean>((resolve) => this.saveWaiters.push(resolve));
    this.sendCommand({ command: 'save' });
    if (await saved) this.closeDecision = 'saved';
    return saved;
  }

  private observe(call: ApiCall, result: unknown): void {
    const path = typeof result === 'object' && result !== null && 'path' in result && typeof result.path === 'string' ? result.path : undefined;
    switch (call.method) {
      case 'openNotebook':
        if (result === undefined) {
          // Cancelled: the window holds what it held before.
          if (!this.path && !this.pendingPath) this.hasDocument = this.dirty;
          return;
        }
        if (path === this.pendingPath) this.pendingPath = undefined;
        this.path = path;
        this.title = titleOf(result) ?? this.title;
        this.dirty = false;
        if (path) this.options.onDocumentPath(this, path);
        this.updateTitle();
        return;
      case 'saveNotebook':
        if (path && this.recoveredPath) {
          // The restored notebook now lives in a real file: its crash copy has served.
          const recovered = this.recoveredPath;
          this.recoveredPath = undefined;
          this.options.onRecoveryResolved?.(recovered);
        }
        if (path) {
          this.path = path;
          this.dirty = false;
          this.options.onDocumentPath(this, path);
          this.updateTitle();
        }
        this.settleSave(path !== undefined);
        return;
      case 'setBackend':
        this.backendRequest = call.params;
        this.options.onStateChange(this);
        return;
      default:
        return;
    }
  }

  private settleSave(saved: boolean): void {
    const waiters = this.saveWaiters.splice(0);
    for (const resolve of waiters) resolve(saved);
  }

  private updateTitle(): void {
    if (this.window.isDestroyed()) return;
    this.window.setTitle(windowTitle({ path: this.path, title: this.title, dirty: this.dirty, appName: this.options.appName }));
    if (this.options.electron.platform === 'darwin') {
      this.window.setDocumentEdited(this.dirty);
      this.window.setRepresentedFilename(this.path ?? '');
    }
    this.options.onStateChange(this);
  }

  private dialogs(): HostDialogs {
    const { dialog } = this.options.electron;
    return {
      chooseOpenPath: async () => {
        const result = await dialog.showOpenDialog(this.window, { title: 'Open Notebook', properties: ['openFile'], filters: OPEN_FILTERS });
        return result.canceled ? undefined : result.filePaths[0];
      },
      chooseSavePath: async (suggested) => {
        const html = suggested?.toLowerCase().endsWith('.html') ?? false;
        const result = await dialog.showSaveDialog(this.window, {
          title: html ? 'Export HTML Report' : 'Save Notebook',
          ...(suggested ? { defaultPath: suggested } : {}),
          filters: html ? [{ name: 'HTML Report', extensions: ['html'] }] : NOTEBOOK_FILTERS,
        });
        return result.canceled || !result.filePath ? undefined : result.filePath;
      },
    };
  }

  private send(channel: string, payload: unknown): void {
    if (this.closed || this.window.isDestroyed() || this.window.webContents.isDestroyed()) return;
    this.window.webContents.send(channel, payload);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.settleSave(false);
    this.hostSubscription.dispose();
    // The user closed it knowingly (clean, saved, or Don't Save): its autosaves are not needed.
    // After Don't Save the document's own recovery copy goes too; a clean window keeps it
    // (an offer the user has not answered yet).
    void this.host
      .discardRecovery?.(this.closeDecision === 'discard' ? this.path : undefined)
      .catch((error: unknown) => this.options.log?.(`could not remove a recovery copy: ${(error as Error).message}`));
    if (this.closeDecision === 'discard' && this.recoveredPath) this.options.onRecoveryResolved?.(this.recoveredPath);
    // Disposing the host shuts this notebook's kernel down.
    this.host.dispose();
    this.options.onClosed(this);
  }
}

/** A write the page asked for at a path it may not choose; `message` is for the user. */
export class WritePathRefused extends Error {
  override readonly name = 'WritePathRefused';
  readonly code = 'invalid-call';
  constructor(reason: string) {
    super(`Lossbook refused the request: ${reason}`);
  }
}

function titleOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || !('notebook' in result)) return undefined;
  const notebook = (result as { notebook?: { metadata?: { title?: unknown } } }).notebook;
  return typeof notebook?.metadata?.title === 'string' ? notebook.metadata.title : undefined;
}
