// The typed API the renderer sees. Two transports implement it: Electron's preload
// (contextBridge → ipcRenderer → src/main → src/host) and browser mode (a WebSocket to
// `lossbook serve` → src/host). The renderer never knows which one it has.
import { z } from 'zod';
import { BackendRequestSchema, CellLanguageSchema, type BackendInfo, type Disposable, type HostEvent, type KernelState, type MemorySnapshot } from './protocol';
import type { Notebook } from './notebook/model';
import { RUNS_API_CALLS, type RunsApi } from './runs/api';

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
}

export interface LossbookApi extends LossbookShellApi, Partial<RunsApi> {
  /** Which transport this is: the UI shows "browser mode" where it matters. */
  readonly transport: 'electron' | 'browser';
  kernelInfo(): Promise<KernelInfo>;
  execute(request: ExecuteRequest): Promise<{ runId: string }>;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
  /** Dispose what the backend pools (GPU buffers) — the "free GPU memory" action. */
  freeMemory(): Promise<void>;
  setBackend(request: z.infer<typeof BackendRequestSchema>): Promise<void>;
  onEvent(listener: (event: HostEvent) => void): Disposable;

  openNotebook(path?: string): Promise<OpenedNotebook | undefined>;
  saveNotebook(notebook: Notebook, path?: string): Promise<{ path: string } | undefined>;
  /**
   * Autosave to the recovery copy of `path`, or (untitled) to the copy keyed by `session` (a key
   * the page picks once per load) or by the process. Resolves with the copy's path where known.
   */
  autosave(notebook: Notebook, path?: string, session?: string): Promise<{ path: string } | void>;
  exportReport(notebook: Notebook, path?: string): Promise<{ path?: string; html?: string } | undefined>;
  listExamples(): Promise<Array<{ name: string; title: string; path: string; expected: string[] }>>;
  /**
   * Untitled notebooks' autosaves left by other pages (a closed tab, a crash), newest first.
   * Browser mode only: the desktop app offers its own orphans from Electron main.
   */
  listRecoveries?(session?: string): Promise<UntitledRecoveryEntry[]>;
  /** Open one of those copies (as a new, unsaved notebook). */
  openRecovery?(path: string): Promise<OpenedNotebook>;
  /** Delete one of those copies (restored and re-autosaved, or discarded by the user). */
  discardRecovery?(path: string): Promise<void>;
  /**
   * Browser mode's file browser (no native dialogs there): the folders and notebooks in `path`,
   * or in the server's notebook folder, like Jupyter's tree. Never above that folder.
   */
  listFolder?(path?: string): Promise<FolderListing>;
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

/** Names of API calls as they cross IPC / WebSocket, with their payload schemas (validated on the host side). */
export const ApiCallSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('kernelInfo') }),
  z.object({ method: z.literal('execute'), params: ExecuteRequestSchema }),
  z.object({ method: z.literal('interrupt') }),
  z.object({ method: z.literal('restart') }),
  z.object({ method: z.literal('freeMemory') }),
  z.object({ method: z.literal('setBackend'), params: BackendRequestSchema }),
  z.object({ method: z.literal('openNotebook'), params: z.object({ path: z.string().optional() }) }),
  z.object({ method: z.literal('saveNotebook'), params: z.object({ notebook: z.unknown(), path: z.string().optional() }) }),
  z.object({ method: z.literal('autosave'), params: z.object({ notebook: z.unknown(), path: z.string().optional(), session: RecoverySessionSchema.optional() }) }),
  z.object({ method: z.literal('exportReport'), params: z.object({ notebook: z.unknown(), path: z.string().optional() }) }),
  z.object({ method: z.literal('listExamples') }),
  z.object({ method: z.literal('listRecoveries'), params: z.object({ session: RecoverySessionSchema.optional() }) }),
  z.object({ method: z.literal('openRecovery'), params: z.object({ path: z.string().min(1).max(4096) }) }),
  z.object({ method: z.literal('discardRecovery'), params: z.object({ path: z.string().min(1).max(4096) }) }),
  z.object({ method: z.literal('listFolder'), params: z.object({ path: z.string().min(1).max(4096).optional() }) }),
  // The run store (issue 20): one block, in src/shared/runs/api.ts.
  ...RUNS_API_CALLS,
]);
export type ApiCall = z.infer<typeof ApiCallSchema>;

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
