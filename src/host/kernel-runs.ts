// Run bookkeeping of the supervisor: a cell waiting or running, the batch times that decide its
// interrupt grace, and the final events of a run the kernel never finished.
import type { HostEvent, KernelEvent, MemorySnapshot, RunMemory, RunStatus } from '../shared/protocol';
import type { ExecuteOptions } from './kernel-api';
import { emptySnapshot } from './kernel-messages';

export type RunFinished = Extract<HostEvent, { type: 'run-finished' }>;

/** Batch times the supervisor keeps per run (the kernel's `batch_ms` metric). */
const RECENT_BATCHES = 8;

export interface PendingRun {
  runId: string;
  options: ExecuteOptions;
  resolve(event: RunFinished): void;
  done: Promise<RunFinished>;
  started: number;
  /** Which execute request this was for its kernel process (the interrupt pipe names runs by it). */
  sequence: number;
  memoryAtStart: MemorySnapshot | undefined;
  /** Recent training-batch durations of this run, from its `batch_ms` metric (ms). */
  batchMs?: number[];
}

export function createPendingRun(runId: string, options: ExecuteOptions): PendingRun {
  let resolve!: (event: RunFinished) => void;
  const done = new Promise<RunFinished>((settle) => {
    resolve = settle;
  });
  return { runId, options, resolve, done, started: 0, sequence: 0, memoryAtStart: undefined };
}

/** Keep the running cell's recent batch times (interruptGraceFor reads them). */
export function recordBatchTimes(run: PendingRun, event: Extract<KernelEvent, { type: 'metrics' }>): void {
  if (run.runId !== event.runId) return;
  for (const point of event.points) {
    if (point.name !== 'batch_ms' || point.value === null || !Number.isFinite(point.value)) continue;
    (run.batchMs ??= []).push(point.value);
    if (run.batchMs.length > RECENT_BATCHES) run.batchMs.shift();
  }
}

/** The final events of a run the kernel never finished (killed, or cancelled in the queue). */
export function syntheticRunEnd(
  run: PendingRun,
  status: RunStatus,
  message: string,
  phase: 'killed' | 'interrupted',
  lastMemory: MemorySnapshot | undefined,
): { error: Extract<HostEvent, { type: 'error' }>; finished: RunFinished } {
  const now = Date.now();
  const snapshot = run.memoryAtStart ?? lastMemory ?? emptySnapshot(now);
  const memory: RunMemory = {
    before: snapshot,
    after: snapshot,
    kept: { tensors: 0, bytes: 0 },
    disposed: { tensors: 0, bytes: 0 },
    leaked: { tensors: 0, bytes: 0 },
    // Nothing was measured at the end of a killed run: its memory went with the process.
    ...(phase === 'killed' ? { processEnded: true } : {}),
  };
  return {
    error: { type: 'error', runId: run.runId, error: { name: phase === 'killed' ? 'KernelRestarted' : 'Interrupted', message, phase } },
    finished: { type: 'run-finished', runId: run.runId, status, durationMs: run.started ? now - run.started : 0, memory },
  };
}
