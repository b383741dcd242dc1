// The sandboxed preload: exposes exactly one object, window.lossbook (LossbookApi with the
// Electron transport), through contextBridge — the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createLossbookBridge, installNotebookDrop } from './bridge';
import { IPC_CALL_CHANNEL } from './channels';

const api = createLossbookBridge(ipcRenderer);
contextBridge.exposeInMainWorld('lossbook', api);

installNotebookDrop(
  window as unknown as Parameters<typeof installNotebookDrop>[0],
  (file) => webUtils.getPathForFile(file as File),
  (paths) => void ipcRenderer.invoke(IPC_CALL_CHANNEL, { method: 'openFiles', params: { paths } }),
);
