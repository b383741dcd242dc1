// Browser mode's transport: the same LossbookApi as Electron's preload, over one WebSocket to
// `lossbook serve` (src/host/server.ts). Calls are answered by id; HostEvents are pushed.
import { MAX_API_MESSAGE_BYTES, type ApiCall, type LossbookApi } from '../../../shared/api';
import type { Disposable, HostEvent } from '../../../shared/protocol';

/** UTF-8 size of a message; the exact count only when it could be near the limit. */
function messageBytes(text: string): number {
  return text.length * 3 <= MAX_API_MESSAGE_BYTES ? text.length : new TextEncoder().encode(text).length;
}

function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

/** A call failed on the host; `message` is written for the user. */
export class HostCallError extends Error {
  constructor(message: string, readonly code?: string, override readonly name = 'HostCallError') {
    super(message);
  }
}

export class WebSocketApi implements LossbookApi {
  readonly transport = 'browser' as const;
  private socket: WebSocket | undefined;
  private opened: Promise<WebSocket> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(private readonly url: string) {}

  /** Connection changes, for the "disconnected from Lossbook" banner. */
  onConnection(listener: (connected: boolean) => void): Disposable {
    this.connectionListeners.add(listener);
    return { dispose: () => this.connectionListeners.delete(listener) };
  }

  private connect(): Promise<WebSocket> {
    this.opened ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.addEventListener('open', () => {
        for (const listener of this.connectionListeners) listener(true);
        resolve(socket);
      });
      socket.addEventListener('message', (message) => this.receive(String(message.data)));
      socket.addEventListener('close', (event) => {
        this.opened = undefined;
        this.socket = undefined;
        // 1009: the server refused a message over its size limit (and closed; the page reconnects).
        const why = event.code === 1009 ? `Lossbook refused a message larger than ${formatMegabytes(MAX_API_MESSAGE_BYTES)}.` : 'Lost the connection to Lossbook (is `lossbook serve` still running?).';
        for (const [, pending] of this.pending) pending.reject(new HostCallError(why));
        this.pending.clear();
        for (const listener of this.connectionListeners) listener(false);
        reject(new HostCallError('Could not connect to Lossbook: the server refused or closed the connection.'));
      });
    });
    return this.opened;
  }

  private receive(data: string): void {
    const message = JSON.parse(data) as { id?: number; result?: unknown; error?: { name: string; message: string; code?: string }; event?: HostEvent };
    if (message.event) {
      for (const listener of [...this.listeners]) listener(message.event);
      return;
    }
    if (message.id === undefined) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.error) pending.reject(new HostCallError(message.error.message, message.error.code, message.error.name));
    else pending.resolve(message.result);
  }

  private async call<T>(call: ApiCall): Promise<T> {
    const socket = await this.connect();
    const id = this.nextId++;
    const text = JSON.stringify({ id, call });
    const bytes = messageBytes(text);
    if (bytes > MAX_API_MESSAGE_BYTES) {
      throw new HostCallError(`The notebook is too large to send to Lossbook (${formatMegabytes(bytes)}; the limit is ${formatMegabytes(MAX_API_MESSAGE_BYTES)}). Clear some outputs or runs and try again.`, 'too-large');
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(text);
    });
  }

  onEvent(listener: (event: HostEvent) => void): Disposable {
    this.listeners.add(listener);
    void this.connect().catch(() => undefined);
    return { dispose: () => this.listeners.delete(listener) };
  }

  kernelInfo: LossbookApi['kernelInfo'] = () => this.call({ method: 'kernelInfo' });
  execute: LossbookApi['execute'] = (request) => this.call({ method: 'execute', params: { language: 'typescript', ...request } });
  interrupt: LossbookApi['interrupt'] = () => this.call({ method: 'interrupt' });
  restart: LossbookApi['restart'] = () => this.call({ method: 'restart' });
  freeMemory: LossbookApi['freeMemory'] = () => this.call({ method: 'freeMemory' });
  setBackend: LossbookApi['setBackend'] = (request) => this.call({ method: 'setBackend', params: request });
  openNotebook: LossbookApi['openNotebook'] = (path) => this.call({ method: 'openNotebook', params: { path } });
  saveNotebook: LossbookApi['saveNotebook'] = (notebook, path) => this.call({ method: 'saveNotebook', params: { notebook, path } });
  autosave: LossbookApi['autosave'] = (notebook, path, session) => this.call({ method: 'autosave', params: { notebook, path, session } });
  exportReport: LossbookApi['exportReport'] = (notebook, path) => this.call({ method: 'exportReport', params: { notebook, path } });
  listExamples: LossbookApi['listExamples'] = () => this.call({ method: 'listExamples' });
  listRecoveries: NonNullable<LossbookApi['listRecoveries']> = (session) => this.call({ method: 'listRecoveries', params: { session } });
  openRecovery: NonNullable<LossbookApi['openRecovery']> = (path) => this.call({ method: 'openRecovery', params: { path } });
  discardRecovery: NonNullable<LossbookApi['discardRecovery']> = (path) => this.call({ method: 'discardRecovery', params: { path } });
  listFolder: NonNullable<LossbookApi['listFolder']> = (path) => this.call({ method: 'listFolder', params: path === undefined ? {} : { path } });
  // The run store (issue 20), one block: see src/shared/runs/api.ts.
  listRuns: NonNullable<LossbookApi['listRuns']> = () => this.call({ method: 'listRuns' });
  getRun: NonNullable<LossbookApi['getRun']> = (id) => this.call({ method: 'getRun', params: { id } });
  runSeries: NonNullable<LossbookApi['runSeries']> = (ids, names) => this.call({ method: 'runSeries', params: { ids, names } });
  compareRuns: NonNullable<LossbookApi['compareRuns']> = (a, b) => this.call({ method: 'compareRuns', params: { a, b } });
  deleteRuns: NonNullable<LossbookApi['deleteRuns']> = (ids) => this.call({ method: 'deleteRuns', params: { ids } });
  tagRun: NonNullable<LossbookApi['tagRun']> = (id, add, remove) => this.call({ method: 'tagRun', params: { id, add, remove } });
  setRunNote: NonNullable<LossbookApi['setRunNote']> = (id, note) => this.call({ method: 'setRunNote', params: { id, note } });

  close(): void {
    this.socket?.close();
  }
}
