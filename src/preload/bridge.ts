// window.lossbook for the Electron transport: every LossbookApi call goes over one IPC channel
// as a plain { method, params } object (validated in main), results come back in an envelope,
// host events and menu commands arrive on their own channels. Only types are imported: a
// sandboxed preload can require nothing but `electron` (see preload-bundle.test.ts).
import type { ApiCall, DocumentState, LossbookApi, MenuCommand, ShellCall } from '../shared/api';
import type { Disposable, HostEvent } from '../shared/protocol';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, IPC_MENU_CHANNEL, type IpcEnvelope } from './channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** An error from the host, with the message written for the user and its code. */
export class LossbookCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

function isEnvelope(value: unknown): value is IpcEnvelope {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof (value as { ok: unknown }).ok === 'boolean';
}

export function createLossbookBridge(ipc: IpcRendererLike): LossbookApi {
  const call = async (payload: ApiCall | ShellCall): Promise<any> => {
    const envelope = await ipc.invoke(IPC_CALL_CHANNEL, payload);
    if (!isEnvelope(envelope)) throw new LossbookCallError('Error', 'Lossbook answered with something unexpected.');
    if (!envelope.ok) throw new LossbookCallError(envelope.error.name, envelope.error.message, envelope.error.code);
    return envelope.value;
  };
  const subscribe = <T>(channel: string, listener: (value: T) => void): Disposable => {
    const handler = (_event: unknown, payload: unknown): void => listener(payload as T);
    ipc.on(channel, handler);
    return { dispose: () => void ipc.removeListener(channel, handler) };
  };

  return {
    transport: 'electron',
    kernelInfo: () => call({ method: 'kernelInfo' }),
    execute: (request) => call({ method: 'execute', params: { cellId: request.cellId, code: request.code, language: request.language ?? 'typescript' } }),
    interrupt: () => call({ method: 'interrupt' }),
    restart: () => call({ method: 'restart' }),
    freeMemory: () => call({ method: 'freeMemory' }),
    setBackend: (request) => call({ method: 'setBackend', params: request }),
    onEvent: (listener: (event: HostEvent) => void) => subscribe(IPC_EVENT_CHANNEL, listener),
    openNotebook: (path) => call({ method: 'openNotebook', params: path === undefined ? {} : { path } }),
    saveNotebook: (notebook, path) => call({ method: 'saveNotebook', params: path === undefined ? { notebook } : { notebook, path } }),
    autosave: (notebook, path) => call({ method: 'autosave', params: path === undefined ? { notebook } : { notebook, path } }),
    exportReport: (notebook, path) => call({ method: 'exportReport', params: path === undefined ? { notebook } : { notebook, path } }),
    listExamples: () => call({ method: 'listExamples' }),
    // The run store (issue 20), one block: see src/shared/runs/api.ts.
    listRuns: () => call({ method: 'listRuns' }),
    getRun: (id) => call({ method: 'getRun', params: { id } }),
    runSeries: (ids, names) => call({ method: 'runSeries', params: names === undefined ? { ids } : { ids, names } }),
    compareRuns: (a, b) => call({ method: 'compareRuns', params: { a, b } }),
    deleteRuns: (ids) => call({ method: 'deleteRuns', params: { ids } }),
    tagRun: (id, add, remove) => call({ method: 'tagRun', params: { id, add, remove } }),
    setRunNote: (id, note) => call({ method: 'setRunNote', params: { id, note } }),
    onMenuCommand: (listener: (command: MenuCommand) => void) => {
      const subscription = subscribe(IPC_MENU_CHANNEL, listener);
      // Main holds commands (a file to open) until the page listens for them.
      void call({ method: 'shellReady' }).catch(() => undefined);
      return subscription;
    },
    setDocumentState: (state: DocumentState) => {
      void call({ method: 'setDocumentState', params: state.title === undefined ? { dirty: state.dirty } : { dirty: state.dirty, title: state.title } }).catch(() => undefined);
    },
  };
}

export interface DropTarget {
  addEventListener(type: 'dragover' | 'drop', listener: (event: DragEventLike) => void): void;
}
export interface DragEventLike {
  preventDefault(): void;
  dataTransfer: { types: readonly string[]; files: ArrayLike<{ name: string }> } | null;
}

/** Files dropped on the window: each .lossbook opens (in its own window, main decides). */
export function installNotebookDrop(target: DropTarget, pathForFile: (file: { name: string }) => string, openFiles: (paths: string[]) => void): void {
  const hasFiles = (event: DragEventLike): boolean => event.dataTransfer?.types.includes('Files') ?? false;
  target.addEventListener('dragover', (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  target.addEventListener('drop', (event) => {
    if (!hasFiles(event) || !event.dataTransfer) return;
    const paths = Array.from(event.dataTransfer.files)
      .filter((file) => file.name.toLowerCase().endsWith('.lossbook'))
      .map((file) => pathForFile(file))
      .filter((path) => path.length > 0);
    if (paths.length === 0) return;
    event.preventDefault();
    openFiles(paths);
  });
}
