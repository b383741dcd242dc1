// A second path for interrupts that does not need the kernel's event loop. The host's
// `interrupt` message is read by the main thread, which a synchronous loop (`while (true) {}`,
// a long custom loop that never awaits) keeps busy. When the supervisor gives the kernel an
// extra pipe (fd in LOSSBOOK_INTERRUPT_FD), a small worker thread blocks reading it and bumps
// a shared counter; the loop checkpoints the executor inserts read that counter, so such a
// loop stops at its next iteration and the namespace survives — the kill-and-restart of the
// graded interrupt is left for code that is stuck outside any loop (design.md "Kernel rules").
import { Worker } from 'node:worker_threads';
import type { Disposable } from '../shared/protocol';

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const counter = new Int32Array(workerData.shared);
const buffer = Buffer.alloc(16);
for (;;) {
  let read = 0;
  try {
    read = fs.readSync(workerData.fd, buffer, 0, buffer.length, null);
  } catch (error) {
    if (error && error.code === 'EAGAIN') { Atomics.wait(counter, 1, 0, 5); continue; }
    break;
  }
  if (read === 0) break;
  Atomics.add(counter, 0, read);
}
`;

export interface InterruptChannel extends Disposable {
  /** How many interrupts have arrived since the kernel started. */
  count(): number;
}

export function openInterruptChannel(fd: number): InterruptChannel | undefined {
  if (!Number.isInteger(fd) || fd < 3) return undefined;
  const shared = new SharedArrayBuffer(8);
  const counter = new Int32Array(shared);
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
    count: () => counter[0] ?? 0,
    dispose: () => void worker.terminate(),
  };
}
