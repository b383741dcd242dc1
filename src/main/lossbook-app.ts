// The application: which window a file opens in, the single-instance lock, recent documents,
// the menus, and quitting without losing unsaved work. Everything Electron-specific arrives
// through ElectronSurface, so tests drive the whole flow with fakes.
import type { ApiCall, MenuCommand, ThemeChoice } from '../shared/api';
import type { Disposable } from '../shared/protocol';
import type { ElectronSurface, MenuItemSpec } from './electron-surface';
import { isNotebookPath, notebookPathsFromArgv, type RecentDocuments } from './documents';
import type { ShellSettings } from './settings';
import { registerIpcRouter } from './ipc-router';
import { buildMenuTemplate, type MenuActions } from './menu';
import { NotebookWindow, NOTEBOOK_FILTERS, type HostDialogs, type NotebookHost } from './notebook-window';
import { hardenWebContents, isTrustedRendererUrl } from './security';

export const APP_USER_MODEL_ID = 'dev.lossbook.app';

export interface LossbookAppOptions {
  electron: ElectronSurface;
  /** Builds one notebook's host (ApiHost over its own kernel supervisor). */
  createHost(dialogs: HostDialogs): NotebookHost;
  recent: RecentDocuments;
  /** The remembered theme (settings.ts); without it the theme follows the system each launch. */
  settings?: ShellSettings;
  preloadPath: string;
  rendererUrl: string;
  /** Set only for `electron-vite dev` in an unpackaged app. */
  devServerOrigin?: string;
  iconPath?: string;
  appName?: string;
  /** Recovery copies a crashed session left behind (recovery.ts), offered back at start. */
  recovery?: {
    findOrphaned(): Promise<Array<{ path: string; modified: Date }>>;
    discard(path: string): Promise<void>;
  };
  log?(message: string): void;
}

export class LossbookApp implements Disposable {
  private readonly windows = new Set<NotebookWindow>();
  private focused: NotebookWindow | undefined;
  private ready = false;
  /** Files that arrived before the app was ready (macOS open-file fires before 'ready'). */
  private readonly pendingPaths: string[] = [];
  private quitConfirmed = false;
  private quitting: Promise<void> | undefined;
  private theme: ThemeChoice = 'system';
  private readonly disposables: Disposable[] = [];
  readonly appName: string;

  constructor(private readonly options: LossbookAppOptions) {
    this.appName = options.appName ?? 'Lossbook';
  }

  /**
   * Wire app events before 'ready' (open-file may come first). Returns false when another
   * instance holds the lock: our files were handed to it and this process should quit.
   */
  install(): boolean {
    const { app } = this.options.electron;
    if (!app.requestSingleInstanceLock()) return false;
    // The id electron-builder gives the installed app (electron-builder.ts appId).
    if (this.options.electron.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
    app.on('second-instance', (_event, argv, workingDirectory) => {
      const paths = notebookPathsFromArgv(argv, workingDirectory);
      if (paths.length > 0) this.openPaths(paths);
      else this.focusSomeWindow();
    });
    app.on('open-file', (event, path) => {
      event.preventDefault();
      this.openPaths([path]);
    });
    app.on('web-contents-created', (_event, contents) => {
      // Every web contents, not only ours: no new windows, no navigation, no <webview>.
      hardenWebContents(contents, {
        openInBrowser: (url) => void this.options.electron.shell.openInBrowser(url).catch((error: unknown) => this.options.log?.((error as Error).message)),
        openNotebookFile: (path) => this.openPaths([path]),
        log: this.options.log,
      });
    });
    app.on('before-quit', (event) => {
      if (this.quitConfirmed) return;
      if (![...this.windows].some((window) => window.isDirty)) {
        this.quitConfirmed = true;
        return;
      }
      event.preventDefault();
      void this.confirmQuit();
    });
    app.on('window-all-closed', () => {
      // macOS apps stay in the dock with no window; elsewhere the last window ends the app.
      if (this.options.electron.platform !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (this.ready && this.windows.size === 0) this.newWindow();
    });
    return true;
  }

  /** After 'ready': IPC, menus, and the first window(s) — the command line's files or an empty notebook. */
  async start(argv: readonly string[], workingDirectory: string): Promise<void> {
    const { electron } = this.options;
    this.disposables.push(
      registerIpcRouter(electron.ipcMain, {
        targetFor: (id) => [...this.windows].find((window) => window.webContentsId === id && !window.isClosed),
        isTrustedUrl: (url) => isTrustedRendererUrl(url, this.options.devServerOrigin),
        log: this.options.log,
      }),
    );
    this.disposables.push(this.options.recent.onChange(() => this.updateMenu()));
    await this.options.recent.load();
    if (this.options.settings) {
      await this.options.settings.load();
      this.theme = this.options.settings.theme;
      electron.nativeTheme.themeSource = this.theme;
    }
    this.ready = true;
    const paths = [...this.pendingPaths.splice(0), ...notebookPathsFromArgv(argv, workingDirectory)];
    if (paths.length > 0) this.openPaths(paths);
    else this.newWindow();
    this.updateMenu();
    await this.offerRecovery();
  }

  /** Unsaved notebooks of a session that ended unexpectedly: restore them, discard them, or ask again next time. */
  async offerRecovery(): Promise<void> {
    const recovery = this.options.recovery;
    if (!recovery) return;
    let orphans: Array<{ path: string; modified: Date }>;
    try {
      orphans = await recovery.findOrphaned();
    } catch (error) {
      this.options.log?.(`could not look for recovery copies: ${(error as Error).message}`);
      return;
    }
    if (orphans.length === 0) return;
    const { response } = await this.options.electron.dialog.showMessageBox(this.focused?.window, {
      type: 'question',
      buttons: ['Restore', 'Discard', 'Not Now'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
      title: 'Restore unsaved notebooks',
      message: `Lossbook found ${orphans.length === 1 ? 'an unsaved notebook' : `${orphans.length} unsaved notebooks`} from a session that ended unexpectedly.`,
      detail: orphans.map((orphan) => `Autosaved ${orphan.modified.toLocaleString()}`).join('\n'),
    });
    if (response === 0) {
      for (const orphan of orphans) {
        const reusable = this.focused && this.focused.isPristine ? this.focused : undefined;
        const window = reusable ?? this.newWindow();
        window.openRecovered(orphan.path);
      }
    } else if (response === 1) {
      for (const orphan of orphans) await recovery.discard(orphan.path).catch(() => undefined);
    }
  }

  get openWindows(): readonly NotebookWindow[] {
    return [...this.windows];
  }

  /**
   * Open each file: focus the window that already shows it, else use the focused window if it
   * is still an untouched new notebook, else open a new window.
   */
  openPaths(paths: readonly string[]): void {
    const notebooks = paths.filter(isNotebookPath);
    if (!this.ready) {
      this.pendingPaths.push(...notebooks);
      return;
    }
    for (const path of notebooks) {
      const existing = [...this.windows].find((window) => window.showsPath(path));
      if (existing) {
        existing.focus();
        continue;
      }
      const reusable = this.focused && !this.focused.isClosed && this.focused.isPristine ? this.focused : [...this.windows].find((window) => window.isPristine);
      const target = reusable ?? this.newWindow();
      target.openDocument(path);
      target.focus();
    }
  }

  newWindow(): NotebookWindow {
    const window = new NotebookWindow({
      electron: this.options.electron,
      createHost: this.options.createHost,
      preloadPath: this.options.preloadPath,
      rendererUrl: this.options.rendererUrl,
      appName: this.appName,
      iconPath: this.options.iconPath,
      onDocumentPath: (_window, path) => {
        this.options.electron.app.addRecentDocument(path);
        void this.options.recent.add(path);
      },
      onOpenFiles: (paths) => this.openPaths(paths),
      onMissingFile: (path) => void this.options.recent.remove(path),
      onRecoveryResolved: (path) => void this.options.recovery?.discard(path).catch(() => undefined),
      onFocus: (focused) => {
        if (!focused.isClosed) this.focused = focused;
        this.updateMenu();
      },
      onStateChange: () => this.updateMenu(),
      onClosed: (closed) => {
        this.windows.delete(closed);
        if (this.focused === closed) this.focused = [...this.windows].at(-1);
        this.updateMenu();
      },
      log: this.options.log,
    });
    this.windows.add(window);
    this.focused = window;
    // A chosen theme reaches the page as soon as it listens (the system theme needs no message).
    if (this.theme !== 'system') window.sendCommand({ command: 'set-theme', theme: this.theme });
    void window.load().catch((error: unknown) => this.options.log?.(`could not load the notebook page: ${(error as Error).message}`));
    return window;
  }

  /** The menu's actions, against the focused window. */
  readonly actions: MenuActions = {
    newNotebook: () => void this.newWindow(),
    open: () => void this.chooseAndOpen(),
    openRecent: (path) => this.openPaths([path]),
    clearRecent: () => {
      this.options.electron.app.clearRecentDocuments();
      void this.options.recent.clear();
    },
    save: () => this.command({ command: 'save' }),
    saveAs: () => this.command({ command: 'save-as' }),
    exportReport: () => this.command({ command: 'export-report' }),
    close: () => this.focused?.window.close(),
    runAll: () => this.command({ command: 'run-all' }),
    interrupt: () => void this.callFocused({ method: 'interrupt' }),
    restart: () => void this.callFocused({ method: 'restart' }),
    freeMemory: () => void this.callFocused({ method: 'freeMemory' }),
    setBackend: (backend) => void this.callFocused({ method: 'setBackend', params: backend }),
    setTheme: (theme) => {
      this.theme = theme;
      // Chromium's prefers-color-scheme follows themeSource, so the page restyles itself.
      this.options.electron.nativeTheme.themeSource = theme;
      void this.options.settings?.setTheme(theme).catch((error: unknown) => this.options.log?.(`could not remember the theme: ${(error as Error).message}`));
      for (const window of this.windows) window.sendCommand({ command: 'set-theme', theme });
      this.updateMenu();
    },
    togglePanel: (panel) => this.command({ command: 'toggle-panel', panel }),
    showCatalog: () => this.command({ command: 'show-catalog' }),
    showAbout: () => void this.showAbout(),
  };

  menuTemplate(): MenuItemSpec[] {
    return buildMenuTemplate(
      {
        platform: this.options.electron.platform,
        appName: this.appName,
        isPackaged: this.options.electron.app.isPackaged,
        recent: this.options.recent.list(),
        backend: this.focused?.backend,
        theme: this.theme,
        hasWindow: this.focused !== undefined && !this.focused.isClosed,
      },
      this.actions,
    );
  }

  /** The About text: app, Electron, Chromium, Node, V8, and the focused kernel's tfjs backend. */
  async aboutDetail(): Promise<string> {
    const { electron } = this.options;
    const lines = [
      `Version ${electron.app.getVersion()}`,
      `Electron ${electron.versions.electron ?? '—'}`,
      `Chromium ${electron.versions.chrome ?? '—'}`,
      `Node.js ${electron.versions.node}`,
      `V8 ${electron.versions.v8}`,
    ];
    const info = this.focused ? await this.callFocused({ method: 'kernelInfo' }) : undefined;
    const kernel = info as { state?: string; backend?: { name: string; device?: string; tfjsVersion: string; attempts?: Array<{ backend: string; ok: boolean; reason?: string }> } } | undefined;
    if (kernel?.backend) {
      lines.push(`TensorFlow.js ${kernel.backend.tfjsVersion}`, `Backend ${kernel.backend.name}${kernel.backend.device ? ` — ${kernel.backend.device}` : ''}`);
      for (const attempt of kernel.backend.attempts ?? []) if (!attempt.ok) lines.push(`  skipped ${attempt.backend}: ${attempt.reason ?? 'unavailable'}`);
    } else {
      lines.push(`Kernel ${kernel?.state ?? 'not started'} (the backend is known once it has started)`);
    }
    return lines.join('\n');
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async showAbout(): Promise<void> {
    await this.options.electron.dialog.showMessageBox(this.focused?.window, {
      type: 'info',
      buttons: ['OK'],
      title: `About ${this.appName}`,
      message: this.appName,
      detail: await this.aboutDetail(),
    });
  }

  private async chooseAndOpen(): Promise<void> {
    const result = await this.options.electron.dialog.showOpenDialog(this.focused?.window, {
      title: 'Open Notebook',
      properties: ['openFile', 'multiSelections'],
      filters: NOTEBOOK_FILTERS,
    });
    if (!result.canceled) this.openPaths(result.filePaths);
  }

  private command(command: MenuCommand): void {
    this.focused?.sendCommand(command);
  }

  private async callFocused(call: ApiCall): Promise<unknown> {
    const window = this.focused;
    if (!window) return undefined;
    try {
      return await window.callHost(call);
    } catch (error) {
      this.options.log?.(`${call.method} failed: ${(error as Error).message}`);
      await this.options.electron.dialog.showMessageBox(window.window, { type: 'error', buttons: ['OK'], message: `${call.method} failed`, detail: (error as Error).message });
      return undefined;
    }
  }

  private focusSomeWindow(): void {
    const window = this.focused ?? [...this.windows].at(-1);
    if (window) window.focus();
    else if (this.ready) this.newWindow();
  }

  private updateMenu(): void {
    if (!this.ready) return;
    this.options.electron.menu.setApplicationMenu(this.menuTemplate());
  }

  /** Quit asks each window with unsaved changes in turn; Cancel on any of them keeps the app running. */
  private confirmQuit(): Promise<void> {
    this.quitting ??= (async () => {
      try {
        for (const window of [...this.windows]) {
          if (!window.isDirty) continue;
          if (!(await window.requestClose())) return;
        }
        this.quitConfirmed = true;
        for (const window of [...this.windows]) window.forceClose();
        this.options.electron.app.quit();
      } finally {
        this.quitting = undefined;
      }
    })();
    return this.quitting;
  }
}
