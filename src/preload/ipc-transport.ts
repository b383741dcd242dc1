// The Electron transport of the API: every call goes over one IPC channel as a plain
// { method, params } object (validated in main), results come back in an envelope, host events
// and menu commands arrive on their own channels. The preload exposes this object as
// window.lossbook and the renderer wraps it with the one API client (src/shared/api-client.ts).
// Only types are imported: a sandboxed preload can require nothing but `electron`
// (preload-bundle.test.ts), and the API table carries zod.
import type { DocumentState, MenuCommand, ShellCall } from '../shared/api';
import type { ApiTransport } from '../shared/api-client';
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

export function createIpcTransport(ipc: IpcRendererLike): ApiTransport {
  const call = async (payload: { method: string; params?: unknown } | ShellCall): Promise<unknown> => {
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
    call,
    onEvent: (listener: (event: HostEvent) => void) => subscribe(IPC_EVENT_CHANNEL, listener),
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
