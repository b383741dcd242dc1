// One API interface, two transports (design.md): Electron's preload exposes `window.lossbook`;
// in browser mode the page talks to `lossbook serve` over a WebSocket, with the access token
// taken from the page's own URL.
import type { LossbookApi } from '../../../shared/api';
import { WebSocketApi } from './websocket-api';

export function createApi(location: Location = window.location): LossbookApi {
  if (window.lossbook) return window.lossbook;
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new WebSocketApi(`${protocol}//${location.host}/api?token=${encodeURIComponent(token)}`);
}

/** A notebook the page should open first: `?notebook=` (browser mode), or none. */
export function initialNotebookPath(location: Location = window.location): string | undefined {
  return new URLSearchParams(location.search).get('notebook') ?? undefined;
}
