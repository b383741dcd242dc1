// Host events of a run, for tests of whatever folds them (the run fold, the app's store).
import type { HostEvent } from '../protocol';

const memory = { numTensors: 3, numBytes: 12, rssBytes: 1, heapUsedBytes: 1, time: 0 };

/** A `run-finished` with an unremarkable memory account. */
export function runFinished(runId: string, status: 'ok' | 'error' = 'ok'): HostEvent {
  return {
    type: 'run-finished',
    runId,
    status,
    durationMs: 1,
    memory: { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 } },
  };
}
