// A stand-in for the host API in store tests: it records which cells were sent to execute and
// lets each test decide what the "kernel" answers (events into the store, now or later).
import type { LossbookApi } from '../../../shared/api';

export interface ExecutedRun {
  runId: string;
  cellId: string;
  /** 1 for the first execute, 2 for the second… */
  count: number;
}

export function fakeApi(onExecute: (run: ExecutedRun) => void): { api: LossbookApi; executed: string[] } {
  const executed: string[] = [];
  let runs = 0;
  const api = {
    transport: 'browser',
    onEvent: () => ({ dispose() {} }),
    kernelInfo: async () => ({ state: 'idle', lossbookVersion: '0' }),
    listExamples: async () => [],
    execute: async ({ cellId }: { cellId: string }) => {
      executed.push(cellId);
      const run = { runId: `run-${++runs}`, cellId, count: runs };
      onExecute(run);
      return { runId: run.runId };
    },
  } as unknown as LossbookApi;
  return { api, executed };
}
