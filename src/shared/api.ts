// The typed API the renderer sees. Two transports implement it: Electron's preload
// (contextBridge → ipcRenderer → src/main → src/host) and browser mode (a WebSocket to
// `lossbook serve` → src/host). The renderer never knows which one it has.
import { z } from 'zod';
import { BackendRequestSchema, CellLanguageSchema, type BackendInfo, type Disposable, type HostEvent, type KernelState, type MemorySnapshot } from './protocol';
import type { Notebook } from './notebook/model';

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

export interface LossbookApi {
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
  /** Autosave to the recovery file beside `path` (or a per-session file when unsaved). */
  autosave(notebook: Notebook, path?: string): Promise<void>;
  exportReport(notebook: Notebook, path?: string): Promise<{ path?: string; html?: string } | undefined>;
  listExamples(): Promise<Array<{ name: string; title: string; path: string; expected: string[] }>>;
}

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
  z.object({ method: z.literal('autosave'), params: z.object({ notebook: z.unknown(), path: z.string().optional() }) }),
  z.object({ method: z.literal('exportReport'), params: z.object({ notebook: z.unknown(), path: z.string().optional() }) }),
  z.object({ method: z.literal('listExamples') }),
]);
export type ApiCall = z.infer<typeof ApiCallSchema>;

export type { HostEvent };
