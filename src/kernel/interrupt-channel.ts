// A second path for interrupts that does not need the kernel's event loop. The host's
// `interrupt` message is read by the main thread, which a synchronous loop (`while (true) {}`,
// a long custom loop that never awaits) keeps busy. When the supervisor gives the kernel an
// extra pipe (fd in LOSSBOOK_INTERRUPT_FD), a small worker thread blocks reading it and publishes
// which run to stop in shared memory; the loop checkpoints the executor inserts read it, so such a
// loop stops at its next iteration and the namespace survives — the kill-and-restart of the
// graded interrupt is left for code that is stuck outside any loop (design.md "Kernel rules").
import { Worker } from 'node:worker_threads';
import type { Disposable } from '../shared/protocol';

// The host writes the sequence number (uint32, little-endian) of the execute request it wants
// stopped; the worker publishes the latest one. A number, not a counter of bytes: a late byte
// for a run that already ended must not stop the next one.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const latest = new Int32Array(workerData.shared);
const buffer = Buffer.alloc(64);
let pending = Buffer.alloc(0);
for (;;) {
  let read = 0;
  try {
    read = fs.readSync(workerData.fd, buffer, 0, buffer.length, null);
  } catch (error) {
    if (error && error.code === 'EAGAIN') { Atomics.wait(latest, 1, 0, 5); continue; }
    break;
  }
  if (read === 0) break;
  pending = Buffer.concat([pending, buffer.subarray(0, read)]);
  while (pending.length >= 4) {
    Atomics.store(latest, 0, pending.readUInt32LE(0));
    pending = pending.subarray(4);
  }
}
`;

export interface InterruptChannel extends Disposable {
  /** Sequence number of the last execute request the host asked to interrupt (0: none). */
  latest(): number;
}

export function openInterruptChannel(fd: number): InterruptChannel | undefined {
  if (!Number.isInteger(fd) || fd < 3) return undefined;
  const shared = new SharedArrayBuffer(8);
  const latest = new Int32Array(shared);
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fd, shared } });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => {
    // The pipe closed or is unusable: interrupts still arrive as messages.
  });
  return {
    latest: () => Atomics.load(latest, 0),
    dispose: () => void worker.terminate(),
  };
}
