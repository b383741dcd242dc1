// The sandboxed preload: exposes exactly one object, window.lossbook (the API's Electron
// transport, which the renderer wraps with the API client), through contextBridge — the page
// never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcTransport } from './ipc-transport';
import { installNotebookDrop } from './notebook-drop';
import { IPC_CALL_CHANNEL } from './channels';

contextBridge.exposeInMainWorld('lossbook', createIpcTransport(ipcRenderer));

installNotebookDrop(
  window as unknown as Parameters<typeof installNotebookDrop>[0],
  (file) => webUtils.getPathForFile(file as File),
  (paths) => void ipcRenderer.invoke(IPC_CALL_CHANNEL, { method: 'openFiles', params: { paths } }),
);
