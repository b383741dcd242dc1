// Electron main: the composition root. It wires the real Electron (electron-adapter.ts), the
// shared host (ApiHost over a KernelSupervisor whose kernel runs in a utilityProcess) and the
// app logic of lossbook-app.ts. Everything with a decision in it lives in those tested modules.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiHost } from '../host/api-host';
import { discardRecovery, findRecovery, recoveryDirectory, saveNotebookFile, writeRecoveryFile } from '../host/files';
import { readNotebookFileIsolated, sharedNotebookReader } from '../host/isolated-reader';
import { KernelSupervisor } from '../host/kernel-supervisor';
import { renderReport } from '../host/report';
import { runStorePath } from '../host/runs/location';
import { withRunRecording } from '../host/runs/recorder';
import { RunsHost } from '../host/runs/runs-host';
import { fileStorage, RecentDocuments } from './documents';
import { electronSurface, registerRendererScheme } from './electron-adapter';
import { LossbookApp } from './lossbook-app';
import type { NotebookHost } from './notebook-window';
import { findOrphanedUntitledRecoveries, untitledRecoveryKey } from './recovery';
import { createRendererProtocolHandler } from './renderer-protocol';
import { ShellSettings } from './settings';
import { addCspToDevServerResponses, denyAllPermissions, RENDERER_ENTRY_URL, RENDERER_SCHEME } from './security';
import { createUtilityProcessLauncher } from './utility-launcher';

const log = (message: string): void => console.error(`lossbook: ${message}`);

registerRendererScheme();
const electron = electronSurface();
const { app } = electron;
const root = app.getAppPath();
// electron-vite dev serves the renderer with hot reload; a packaged app never trusts a dev server.
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;

const launcher = createUtilityProcessLauncher(electron.forkUtilityProcess, { baseEnv: process.env });
const kernelEntry = join(root, 'out/node/kernel.mjs');

let windowNumber = 0;
// One run store for every window (issue 20): LOSSBOOK_RUNS_DB, or runs.db in the user data folder.
const runs = new RunsHost(runStorePath({ dataFolder: app.getPath('userData') }));

const lossbook = new LossbookApp({
  electron,
  recent: new RecentDocuments(fileStorage(join(app.getPath('userData'), 'recent-documents.json'))),
  settings: new ShellSettings(fileStorage(join(app.getPath('userData'), 'shell-settings.json'))),
  preloadPath: join(root, 'out/preload/index.cjs'),
  rendererUrl: devServerUrl ?? RENDERER_ENTRY_URL,
  ...(devServerOrigin ? { devServerOrigin } : {}),
  iconPath: join(root, 'resources/icons/512x512.png'),
  log,
  recovery: {
    findOrphaned: () => findOrphanedUntitledRecoveries(recoveryDirectory()),
    discard: (path) => rm(path, { force: true }),
  },
  createHost: (dialogs): NotebookHost => {
    // Every window lives in this process: each untitled window autosaves under its own key.
    const untitledKey = untitledRecoveryKey(recoveryDirectory(), ++windowNumber);
    // One kernel per notebook window, in a utilityProcess, always this app's own build of it.
    const supervisor = withRunRecording(new KernelSupervisor({ launcher, entry: kernelEntry }), runs.sink, { origin: 'app', env: process.env, locate: (cellId) => runs.locate(cellId), onError: (error) => log(`a run was not recorded: ${error.message}`) });
    const host = new ApiHost({
      supervisor,
      runs,
      // Untrusted files are parsed and validated in a worker thread with its own heap, never in
      // this process: a hostile notebook ends only its reader (issue 17).
      files: {
        readNotebookFile: (path) => readNotebookFileIsolated(path),
        saveNotebookFile,
        writeRecoveryFile: (notebook, path) => writeRecoveryFile(notebook, path ?? untitledKey),
        findRecovery: (path) => findRecovery(path, (recovery) => readNotebookFileIsolated(recovery)),
        renderReport,
      },
      examplesDir: join(root, 'examples'),
      dialogs,
    });
    void supervisor.start().catch((error: unknown) => log(`kernel did not start: ${(error as Error).message}`));
    return {
      handle: (call) => host.handle(call),
      onEvent: (listener) => host.onEvent(listener),
      discardRecovery: async (path) => {
        if (path) await discardRecovery(path);
        await discardRecovery(untitledKey);
      },
      dispose: () => {
        host.dispose();
        void supervisor
          .shutdown()
          .catch((error: unknown) => log(`kernel shutdown: ${(error as Error).message}`))
          .finally(() => supervisor.dispose());
      },
    };
  },
});

if (!lossbook.install()) {
  // Another Lossbook is running: it received our command line (second-instance) and opens the files.
  app.quit();
} else {
  await app.whenReady();
  // The notebook reader's worker starts now, so the first file opens without its start-up delay.
  sharedNotebookReader().warmUp();
  electron.protocol.handle(RENDERER_SCHEME, createRendererProtocolHandler({ rootDir: join(root, 'out/renderer') }));
  denyAllPermissions(electron.session);
  if (devServerOrigin) addCspToDevServerResponses(electron.session, devServerOrigin);
  await lossbook.start(process.argv, process.cwd());
}
