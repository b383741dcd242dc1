// The one client of the API table: Electron's preload and browser mode's WebSocket each give
// a transport (a way to send `{ method, params }` and to hear host events); this turns it into
// the LossbookApi the renderer uses, one function per entry of API_METHODS.
import { API_METHODS, type LossbookApi, type LossbookShellApi } from './api';
import { callFromArguments } from './api-method';
import type { Disposable, HostEvent } from './protocol';
import { resolveRawJson } from './raw-json';

export interface ApiTransport extends LossbookShellApi {
  readonly transport: 'electron' | 'browser';
  /** Send one call; resolves with the host's answer, rejects with its user-facing error. */
  call(call: { method: string; params?: unknown }): Promise<unknown>;
  onEvent(listener: (event: HostEvent) => void): Disposable;
  onConnection?(listener: (connected: boolean) => void): Disposable;
}

export function createApiClient(transport: ApiTransport): LossbookApi {
  // Wrappers, not the transport's own functions: contextBridge hands the page copies that
  // lose `this`, and the client must offer exactly the members LossbookApi names.
  const client: Record<string, unknown> = {
    transport: transport.transport,
    onEvent: (listener: (event: HostEvent) => void) => transport.onEvent(listener),
  };
  if (transport.onConnection) client.onConnection = (listener: (connected: boolean) => void) => transport.onConnection!(listener);
  if (transport.onMenuCommand) client.onMenuCommand = (listener: Parameters<NonNullable<LossbookShellApi['onMenuCommand']>>[0]) => transport.onMenuCommand!(listener);
  if (transport.setDocumentState) client.setDocumentState = (state: Parameters<NonNullable<LossbookShellApi['setDocumentState']>>[0]) => transport.setDocumentState!(state);
  for (const [name, definition] of Object.entries(API_METHODS)) {
    if ('browserOnly' in definition && transport.transport !== 'browser') continue;
    // A result the host gave as JSON text (raw-json.ts) is parsed here when the transport handed
    // it over as text (IPC); the WebSocket's reply already carried it parsed.
    client[name] = (...args: unknown[]) => transport.call(callFromArguments(name, definition, args)).then(resolveRawJson);
  }
  return client as unknown as LossbookApi;
}
