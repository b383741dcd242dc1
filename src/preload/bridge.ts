// What the renderer sees in the desktop app: the one API client (src/shared/api-client.ts)
// over the IPC transport the preload exposes as window.lossbook. The preload itself loads only
// ipc-transport.ts and notebook-drop.ts (no zod in a sandboxed preload); the renderer does this
// composition (src/renderer/src/api/client.ts), and the tests use it here.
import type { LossbookApi } from '../shared/api';
import { createApiClient } from '../shared/api-client';
import { createIpcTransport, type IpcRendererLike } from './ipc-transport';

export { createIpcTransport, LossbookCallError, type IpcRendererLike } from './ipc-transport';
export { installNotebookDrop, type DragEventLike, type DropTarget } from './notebook-drop';

export function createLossbookBridge(ipc: IpcRendererLike): LossbookApi {
  return createApiClient(createIpcTransport(ipc));
}
