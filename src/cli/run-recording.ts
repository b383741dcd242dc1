// `lossbook run` records its runs in the run store (issue 20), through the same recorder as the app.
import { resolve } from 'node:path';
import type { KernelSupervisorApi } from '../host/kernel-api';
import { runStorePath } from '../host/runs/location';
import { withRunRecording } from '../host/runs/recorder';
import { RunStore } from '../host/runs/store';
import type { Notebook } from '../shared/notebook/model';
import type { CommandIo } from './commands';

export interface RunRecordingOptions {
  runsDb?: string;
  /** false with --no-record. */
  record?: boolean;
}

/**
 * `lossbook run` records every cell run in the store (--runs-db, LOSSBOOK_RUNS_DB, or the user
 * data folder; --no-record or LOSSBOOK_RUNS_DB=off to skip). A store that cannot be used is
 * reported and the run goes on: recording never costs the user a training run.
 */
export function recordCliRuns(supervisor: KernelSupervisorApi, notebook: Notebook, input: string, options: RunRecordingOptions, io: CommandIo): { supervisor: KernelSupervisorApi; finish(): Promise<void> } {
  const passThrough = { supervisor, finish: () => Promise.resolve() };
  if (options.record === false || io.env.LOSSBOOK_RUNS_DB === 'off') return passThrough;
  const path = runStorePath({ flag: options.runsDb, env: io.env });
  let store: RunStore;
  try {
    store = RunStore.open(path);
  } catch (error) {
    io.stderr.write(`lossbook: runs are not recorded: ${(error as Error).message}\n`);
    return passThrough;
  }
  const notebookPath = resolve(input);
  let recorded = 0;
  let warned = false;
  const wrapped = withRunRecording(
    supervisor,
    {
      add: (run) => {
        store.add(run);
        recorded++;
      },
    },
    {
      origin: 'cli',
      env: io.env,
      locate: (cellId) => {
        const index = notebook.cells.findIndex((cell) => cell.id === cellId);
        return { notebook: notebookPath, cellIndex: index >= 0 ? index : null };
      },
      onError: (error) => {
        if (warned) return;
        warned = true;
        io.stderr.write(`lossbook: could not record a run in ${path}: ${error.message}\n`);
      },
    },
  );
  return {
    supervisor: wrapped,
    finish: async () => {
      // A run whose kernel never answered (a forced stop) has nothing more to write: do not wait on it.
      await Promise.race([wrapped.recorder.flush(), new Promise((resolveLater) => setTimeout(resolveLater, 5000).unref())]);
      wrapped.recorder.dispose();
      store.close();
      if (recorded) io.stderr.write(`lossbook: recorded ${recorded} run(s) in ${path} (lossbook runs list)\n`);
    },
  };
}
