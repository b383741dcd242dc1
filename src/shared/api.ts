// The typed API the renderer sees, as one table (API_METHODS). Two transports carry it:
// Electron's preload (contextBridge → ipcRenderer → src/main → src/host) and browser mode (a
// WebSocket to `lossbook serve` → src/host); one client (api-client.ts) turns either into
// LossbookApi, so the renderer never knows which one it has.
import { z } from 'zod';
import { BackendRequestSchema, CellLanguageSchema, type BackendInfo, type Disposable, type HostEvent, type KernelState, type MemorySnapshot } from './protocol';
import type { Notebook } from './notebook/model';
import { callSchemaOf, method, returns, type CallOf, type ClientMethods, type HandlersOf } from './api-method';
import { RUNS_API_METHODS } from './runs/api';

export interface KernelInfo {
  state: KernelState;
  backend?: BackendInfo;
  memory?: MemorySnapshot;
  lossbookVersion: string;
}

export interface OpenedNotebook {
  /** Absolute path on disk, or undefined for a new, unsaved notebook. */
  path?: string;
  notebook: Notebook;
  /** A newer autosaved recovery copy exists for this file: offer it to the user. */
  recovery?: { path: string; modified: string; notebook: Notebook };
  /** The file's version on disk when it was read: saveNotebook's `expected`. */
  diskVersion?: string;
}

/**
 * The largest message browser mode's WebSocket carries: a notebook as plain JSON (1M points is
 * about 30 MB). The page refuses to send more and the server refuses to read more (issue 17).
 */
export const MAX_API_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'folder' | 'lossbook' | 'jupyter' | 'script';
  modified: string;
  size: number;
}

export interface FolderListing {
  /** The server's notebook folder: the top of what may be browsed. */
  root: string;
  path: string;
  /** The folder above, when it is still inside `root`. */
  parent?: string;
  entries: FolderEntry[];
  /** More entries than were listed. */
  truncated: boolean;
}

export interface UntitledRecoveryEntry {
  path: string;
  modified: string;
  title: string;
  cells: number;
}

/** A page's key for its untitled autosaves: a file-name-safe token. */
export const RecoverySessionSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const ExecuteRequestSchema = z.object({
  cellId: z.string().min(1).max(200),
  code: z.string().max(5_000_000),
  language: CellLanguageSchema.default('typescript'),
});
export type ExecuteRequest = z.input<typeof ExecuteRequestSchema>;

/** A notebook as the page sends it: typed for the client, validated by the host itself (its own error, 'invalid-notebook'). */
const NotebookPayloadSchema = z.custom<Notebook>().transform((notebook): unknown => notebook);
const FilePathSchema = z.string().min(1).max(4096);

export interface ExampleEntry {
  name: string;
  title: string;
  path: string;
  expected: string[];
}

/**
 * Every API method, once: its params (validated by the host), how the client passes them, its
 * result. The client (api-client.ts), the call schema and the host's handlers are derived from
 * it; adding a method is this entry plus its handler in src/host/api-host.ts.
 */
export const API_METHODS = {
  kernelInfo: method({ result: returns<KernelInfo>() }),
  execute: method({ params: ExecuteRequestSchema, args: 'params', result: returns<{ runId: string }>() }),
  interrupt: method({ result: returns<void>() }),
  restart: method({ result: returns<void>() }),
  /** Dispose what the backend pools (GPU buffers) — the "free GPU memory" action. */
  freeMemory: method({ result: returns<void>() }),
  setBackend: method({ params: BackendRequestSchema, args: 'params', result: returns<void>() }),
  openNotebook: method({ params: z.object({ path: z.string().optional() }), args: ['path'], result: returns<OpenedNotebook | undefined>() }),
  /**
   * Save; `expected` is the file's version the page opened or last saved (OpenedNotebook and this
   * result's `diskVersion`): a file changed on disk since is refused ('changed-on-disk') unless `overwrite`.
   */
  saveNotebook: method({
    params: z.object({ notebook: NotebookPayloadSchema, path: z.string().optional(), expected: z.string().max(200).optional(), overwrite: z.boolean().optional() }),
    args: ['notebook', 'path', 'expected', 'overwrite'],
    result: returns<{ path: string; diskVersion?: string } | undefined>(),
  }),
  /**
   * Autosave to the recovery copy of `path`, or (untitled) to the copy keyed by `session` (a key
   * the page picks once per load) or by the process. Resolves with the copy's path where known.
   */
  autosave: method({
    params: z.object({ notebook: NotebookPayloadSchema, path: z.string().optional(), session: RecoverySessionSchema.optional() }),
    args: ['notebook', 'path', 'session'],
    result: returns<{ path: string } | void>(),
  }),
  exportReport: method({ params: z.object({ notebook: NotebookPayloadSchema, path: z.string().optional() }), args: ['notebook', 'path'], result: returns<{ path?: string; html?: string } | undefined>() }),
  listExamples: method({ result: returns<ExampleEntry[]>() }),
  /**
   * Untitled notebooks' autosaves left by other pages (a closed tab, a crash), newest first.
   * Browser mode only: the desktop app offers its own orphans from Electron main.
   */
  listRecoveries: method({ params: z.object({ session: RecoverySessionSchema.optional() }), args: ['session'], result: returns<UntitledRecoveryEntry[]>(), browserOnly: true }),
  /** Open one of those copies (as a new, unsaved notebook). */
  openRecovery: method({ params: z.object({ path: FilePathSchema }), args: ['path'], result: returns<OpenedNotebook>(), browserOnly: true }),
  /** Delete one of those copies (restored and re-autosaved, or discarded by the user). */
  discardRecovery: method({ params: z.object({ path: FilePathSchema }), args: ['path'], result: returns<void>(), browserOnly: true }),
  /**
   * Browser mode's file browser (no native dialogs there): the folders and notebooks in `path`,
   * or in the server's notebook folder, like Jupyter's tree. Never above that folder.
   */
  listFolder: method({ params: z.object({ path: FilePathSchema.optional() }), args: ['path'], result: returns<FolderListing>(), browserOnly: true }),
  /** The run store (issue 20): list, compare, tag and delete recorded runs. */
  ...RUNS_API_METHODS,
};
export type ApiMethods = typeof API_METHODS;

/** Names of API calls as they cross IPC / WebSocket, with their payload schemas (validated on the host side). */
export const ApiCallSchema = callSchemaOf(API_METHODS);
export type ApiCall = CallOf<ApiMethods>;
/** What the host implements (src/host/api-host.ts). */
export type ApiHandlers = HandlersOf<ApiMethods>;

/** The typed API the renderer sees, whichever transport carries it (api-client.ts). */
export interface LossbookApi extends ClientMethods<ApiMethods>, LossbookShellApi {
  /** Which transport this is: the UI shows "browser mode" where it matters. */
  readonly transport: 'electron' | 'browser';
  onEvent(listener: (event: HostEvent) => void): Disposable;
  /** Browser mode: connection changes, for the "disconnected from Lossbook" banner. */
  onConnection?(listener: (connected: boolean) => void): Disposable;
}

export type { HostEvent };

// ───────────── Desktop shell (Electron only; optional, so browser mode is unaffected) ─────────────
// Added by the Electron shell (issue 8): native menus send the renderer what only it can do
// (it holds the notebook), and the renderer tells the shell whether the document is dirty so
// the title shows a marker and closing or quitting asks before losing work.

export const PanelNameSchema = z.enum(['diagnosis', 'memory', 'outline']);
export type PanelName = z.infer<typeof PanelNameSchema>;
export const ThemeChoiceSchema = z.enum(['system', 'light', 'dark']);
export type ThemeChoice = z.infer<typeof ThemeChoiceSchema>;

/** What a native menu (or the shell routing a file) asks the renderer to do. */
export const MenuCommandSchema = z.discriminatedUnion('command', [
  /** Load this file into this window: call `openNotebook(path)` and show it (recovery offer included). */
  z.object({ command: z.literal('open-document'), path: z.string() }),
  /** Save to the current path (`saveNotebook(notebook, path)`), or ask for one when untitled. */
  z.object({ command: z.literal('save') }),
  /** Save under a new name: `saveNotebook(notebook)` without a path (the host asks). */
  z.object({ command: z.literal('save-as') }),
  /** `exportReport(notebook)` without a path (the host asks where). */
  z.object({ command: z.literal('export-report') }),
  z.object({ command: z.literal('run-all') }),
  z.object({ command: z.literal('set-theme'), theme: ThemeChoiceSchema }),
  z.object({ command: z.literal('toggle-panel'), panel: PanelNameSchema }),
  /** Help → Diagnosis Catalog: show the catalog of failures Lossbook recognises. */
  z.object({ command: z.literal('show-catalog') }),
]);
export type MenuCommand = z.infer<typeof MenuCommandSchema>;

/** What the renderer reports about its document; the shell derives the window title from it. */
export interface DocumentState {
  /** Unsaved changes exist: the title shows a marker and close/quit prompts. */
  dirty: boolean;
  /** The notebook's title, used for untitled documents. */
  title?: string;
}

/** Calls the shell itself answers (never forwarded to the host), validated in src/main. */
export const ShellCallSchema = z.discriminatedUnion('method', [
  /** The renderer subscribed to menu commands: queued commands (a file to open) may be sent. */
  z.object({ method: z.literal('shellReady') }),
  z.object({ method: z.literal('setDocumentState'), params: z.object({ dirty: z.boolean(), title: z.string().max(500).optional() }) }),
  /** Files dropped on the window: each `.lossbook` opens in its own window. */
  z.object({ method: z.literal('openFiles'), params: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(64) }) }),
]);
export type ShellCall = z.infer<typeof ShellCallSchema>;

/** The Electron transport's extras; browser mode leaves them undefined. */
export interface LossbookShellApi {
  onMenuCommand?(listener: (command: MenuCommand) => void): Disposable;
  setDocumentState?(state: DocumentState): void;
}
