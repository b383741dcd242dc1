// One API, two transports (design.md): Electron's preload exposes its IPC transport as
// `window.lossbook`; in browser mode the page talks to `lossbook serve` over a WebSocket, with
// the access token taken from the page's own URL. The one client wraps either.
import type { LossbookApi } from '../../../shared/api';
import { createApiClient } from '../../../shared/api-client';
import { pageSessionKey } from '../page-session';
import { WebSocketTransport } from './websocket-api';

export function createApi(location: Location = window.location): LossbookApi {
  if (window.lossbook) return createApiClient(window.lossbook);
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // The page's autosave session rides on the socket: the server treats it as live while connected.
  const query = new URLSearchParams({ token, session: pageSessionKey() });
  return createApiClient(new WebSocketTransport(`${protocol}//${location.host}/api?${query.toString()}`));
}

/** A notebook the page should open first: `?notebook=` (browser mode), or none. */
export function initialNotebookPath(location: Location = window.location): string | undefined {
  return new URLSearchParams(location.search).get('notebook') ?? undefined;
}
