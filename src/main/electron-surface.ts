// The part of Electron that Lossbook's main process uses, as narrow structural types. Only
// electron-adapter.ts imports `electron` and hands these to the rest of src/main, so every
// decision here (window options, navigation guards, IPC validation, menus, file routing, the
// unsaved-changes flow) is unit-tested against fakes without an Electron binary.

export interface PreventableEvent {
  preventDefault(): void;
}

/** A frame that sent an IPC message (Electron's WebFrameMain). */
export interface FrameSurface {
  readonly url: string;
  readonly parent: FrameSurface | null;
}

export type WindowOpenResponse = { action: 'deny' } | { action: 'allow' };

export interface WebContentsSurface {
  readonly id: number;
  readonly mainFrame: FrameSurface;
  send(channel: string, ...args: any[]): void;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  getZoomLevel(): number;
  setZoomLevel(level: number): void;
  setWindowOpenHandler(handler: (details: { url: string }) => WindowOpenResponse): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-redirect', listener: (event: PreventableEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: 'did-finish-load', listener: () => void): this;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): this;
}

/** The options Lossbook passes to `new BrowserWindow` (a subset of BrowserWindowConstructorOptions). */
export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    nodeIntegrationInWorker: boolean;
    nodeIntegrationInSubFrames: boolean;
    webSecurity: boolean;
    allowRunningInsecureContent: boolean;
    experimentalFeatures: boolean;
    webviewTag: boolean;
    navigateOnDragDrop: boolean;
    safeDialogs: boolean;
    spellcheck: boolean;
    disableBlinkFeatures: string;
  };
}

export interface BrowserWindowSurface {
  readonly id: number;
  readonly webContents: WebContentsSurface;
  setTitle(title: string): void;
  setDocumentEdited(edited: boolean): void;
  setRepresentedFilename(filename: string): void;
  show(): void;
  focus(): void;
  close(): void;
  destroy(): void;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  on(event: 'close', listener: (event: PreventableEvent) => void): this;
  on(event: 'closed', listener: () => void): this;
  on(event: 'focus', listener: () => void): this;
  once(event: 'ready-to-show', listener: () => void): this;
}

export type BrowserWindowConstructor = new (options: WindowOptions) => BrowserWindowSurface;

export interface MessageBoxOptions {
  type: 'none' | 'info' | 'error' | 'question' | 'warning';
  buttons: string[];
  defaultId?: number;
  cancelId?: number;
  title?: string;
  message: string;
  detail?: string;
  noLink?: boolean;
}

export interface DialogSurface {
  showOpenDialog(
    window: BrowserWindowSurface | undefined,
    options: { title?: string; defaultPath?: string; properties: Array<'openFile' | 'multiSelections'>; filters: Array<{ name: string; extensions: string[] }> },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(
    window: BrowserWindowSurface | undefined,
    options: { title?: string; defaultPath?: string; filters: Array<{ name: string; extensions: string[] }> },
  ): Promise<{ canceled: boolean; filePath?: string }>;
  showMessageBox(window: BrowserWindowSurface | undefined, options: MessageBoxOptions): Promise<{ response: number }>;
}

/** Roles Lossbook's menus use (Electron implements them natively). */
export type MenuRole =
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'pasteAndMatchStyle' | 'delete' | 'selectAll'
  | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'toggleDevTools' | 'reload'
  | 'about' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'quit' | 'minimize' | 'zoom' | 'front' | 'window'
  | 'recentDocuments' | 'clearRecentDocuments' | 'appMenu' | 'windowMenu';

export interface MenuItemSpec {
  id?: string;
  label?: string;
  role?: MenuRole;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  accelerator?: string;
  enabled?: boolean;
  checked?: boolean;
  visible?: boolean;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

export interface MenuSurface {
  setApplicationMenu(template: MenuItemSpec[]): void;
}

export interface IpcInvokeEventSurface {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameSurface | null;
}

export interface IpcMainSurface {
  handle(channel: string, handler: (event: IpcInvokeEventSurface, ...args: any[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface UtilityProcessSurface {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: any): void;
  kill(): boolean;
  on(event: 'message', listener: (message: any) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  on(event: 'spawn', listener: () => void): this;
  removeListener(event: 'message', listener: (message: any) => void): this;
  removeListener(event: 'exit', listener: (code: number) => void): this;
}

export interface UtilityForkOptions {
  env?: Record<string, string>;
  execArgv?: string[];
  cwd?: string;
  stdio?: Array<'pipe' | 'ignore' | 'inherit'>;
  serviceName?: string;
}

export type UtilityFork = (modulePath: string, args: string[], options: UtilityForkOptions) => UtilityProcessSurface;

export interface AppSurface {
  readonly isPackaged: boolean;
  getVersion(): string;
  getAppPath(): string;
  getPath(name: 'userData' | 'documents' | 'temp'): string;
  requestSingleInstanceLock(): boolean;
  /** Windows: ties taskbar, jump list (recent documents) and notifications to the installed app. */
  setAppUserModelId(id: string): void;
  whenReady(): Promise<unknown>;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[], workingDirectory: string) => void): this;
  on(event: 'open-file', listener: (event: PreventableEvent, path: string) => void): this;
  on(event: 'window-all-closed', listener: () => void): this;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): this;
  on(event: 'activate', listener: () => void): this;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsSurface) => void): this;
}

export interface SessionSurface {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
      ) => void,
    ): void;
  };
}

export interface ProtocolSurface {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Everything the shell needs from Electron, injected (the real one in electron-adapter.ts). */
export interface ElectronSurface {
  app: AppSurface;
  BrowserWindow: BrowserWindowConstructor;
  dialog: DialogSurface;
  menu: MenuSurface;
  ipcMain: IpcMainSurface;
  /** Opens a URL in the OS browser; the adapter refuses anything but https (isSafeExternalUrl). */
  shell: { openInBrowser(url: string): Promise<void> };
  session: SessionSurface;
  protocol: ProtocolSurface;
  nativeTheme: { themeSource: 'system' | 'light' | 'dark' };
  forkUtilityProcess: UtilityFork;
  /** process.platform, injectable so menus and quit rules are tested for every OS. */
  platform: NodeJS.Platform;
  versions: { electron?: string; chrome?: string; node: string; v8: string };
}
