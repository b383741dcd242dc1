// Browser mode's transport: the API's calls over one WebSocket to `lossbook serve`
// (src/host/server.ts), answered by id; HostEvents are pushed. The one API client
// (src/shared/api-client.ts) turns it into the same LossbookApi as Electron's preload.
import { MAX_API_MESSAGE_BYTES } from '../../../shared/api';
import type { ApiTransport } from '../../../shared/api-client';
import { Emitter } from '../../../shared/event';
import { replyIdOf } from '../../../shared/raw-json';
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

export class WebSocketTransport implements ApiTransport {
  readonly transport = 'browser' as const;
  private socket: WebSocket | undefined;
  private opened: Promise<WebSocket> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly hostEvents = new Emitter<HostEvent>();
  private readonly connectionChanges = new Emitter<boolean>();

  /** `openSocket`: how to open the WebSocket (the page's own; tests pass one that runs in Node). */
  constructor(
    private readonly url: string,
    private readonly openSocket: (url: string) => WebSocket = (address) => new WebSocket(address),
  ) {}

  /** Connection changes, for the "disconnected from Lossbook" banner. */
  readonly onConnection = this.connectionChanges.event;

  private connect(): Promise<WebSocket> {
    this.opened ??= new Promise<WebSocket>((resolve, reject) => {
      const socket = this.openSocket(this.url);
      this.socket = socket;
      socket.addEventListener('open', () => {
        this.connectionChanges.fire(true);
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
        this.connectionChanges.fire(false);
        reject(new HostCallError('Could not connect to Lossbook: the server refused or closed the connection.'));
      });
    });
    return this.opened;
  }

  private receive(data: string): void {
    let message: { id?: number; result?: unknown; error?: { name: string; message: string; code?: string }; event?: HostEvent };
    try {
      message = JSON.parse(data) as typeof message;
    } catch (error) {
      // A reply spliced from stored JSON (the runs listing) that does not parse fails its own
      // call, with the reason; the connection and every other call go on.
      const id = replyIdOf(data);
      const pending = id === undefined ? undefined : this.pending.get(id);
      if (pending) {
        this.pending.delete(id!);
        pending.reject(new HostCallError(`Lossbook sent an answer the page could not read (${(error as Error).message}).`, 'io'));
      }
      return;
    }
    if (message.event) {
      this.hostEvents.fire(message.event);
      return;
    }
    if (message.id === undefined) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.error) pending.reject(new HostCallError(message.error.message, message.error.code, message.error.name));
    else pending.resolve(message.result);
  }

  async call(call: { method: string; params?: unknown }): Promise<unknown> {
    const socket = await this.connect();
    const id = this.nextId++;
    const text = JSON.stringify({ id, call });
    const bytes = messageBytes(text);
    if (bytes > MAX_API_MESSAGE_BYTES) {
      throw new HostCallError(`The notebook is too large to send to Lossbook (${formatMegabytes(bytes)}; the limit is ${formatMegabytes(MAX_API_MESSAGE_BYTES)}). Clear some outputs or runs and try again.`, 'too-large');
    }
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      socket.send(text);
    });
  }

  onEvent(listener: (event: HostEvent) => void): Disposable {
    const subscription = this.hostEvents.event(listener);
    void this.connect().catch(() => undefined);
    return subscription;
  }

  close(): void {
    this.socket?.close();
  }
}
