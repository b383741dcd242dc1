// A second path for interrupts that does not need the kernel's event loop. The host's
// `interrupt` message is read by the main thread, which a synchronous loop (`while (true) {}`,
// a long custom loop that never awaits) keeps busy. A small worker thread — which has its own
// event loop — learns which run to stop and publishes it in shared memory; the loop checkpoints
// the executor inserts read it, so such a loop stops at its next iteration and the namespace
// survives. The kill-and-restart of the graded interrupt is left for code stuck outside any loop
// (design.md "Kernel rules"). Two ways in:
//   - an extra pipe (fd in LOSSBOOK_INTERRUPT_FD) under child_process.fork: the worker blocks
//     reading it, no polling;
//   - a 4-byte file (path in LOSSBOOK_INTERRUPT_FILE) for launchers that cannot pass extra fds,
//     such as Electron's utilityProcess: the worker reads it every few milliseconds.
import { Worker } from 'node:worker_threads';
import type { Disposable } from '../shared/protocol';

// The host writes the sequence number (uint32, little-endian) of the execute request it wants
// stopped; the worker publishes the latest one. A number, not a counter of bytes: a late byte
// for a run that already ended must not stop the next one.
// The pipe is read asynchronously, in the worker's own event loop: a worker blocked in a
// synchronous read() cannot be stopped, and Node joins every worker when the process exits —
// so `process.exit` in a cell (or the kernel's own exit) hung forever with the kernel half-dead,
// busy to the host and answering nothing (issue 17).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const latest = new Int32Array(workerData.shared);
let pending = Buffer.alloc(0);
const pipe = new net.Socket({ fd: workerData.fd, readable: true, writable: false });
pipe.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    Atomics.store(latest, 0, pending.readUInt32LE(0));
    pending = pending.subarray(4);
  }
});
pipe.on('error', () => pipe.destroy());
`;

export interface InterruptChannel extends Disposable {
  /** Sequence number of the last execute request the host asked to interrupt (0: none). */
  latest(): number;
}

const FILE_WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const latest = new Int32Array(workerData.shared);
const buffer = Buffer.alloc(4);
let fd;
try { fd = fs.openSync(workerData.path, 'r'); } catch { fd = undefined; }
while (fd !== undefined) {
  try {
    if (fs.readSync(fd, buffer, 0, 4, 0) === 4) Atomics.store(latest, 0, buffer.readUInt32LE(0));
  } catch {
    break;
  }
  Atomics.wait(latest, 1, 0, workerData.intervalMs);
}
`;

export const FILE_POLL_INTERVAL_MS = 5;

/** From the kernel's environment: the pipe when there is one, else the file, else nothing. */
export function openInterruptChannelFromEnvironment(env: NodeJS.ProcessEnv): InterruptChannel | undefined {
  if (env.LOSSBOOK_INTERRUPT_FD) {
    const channel = openInterruptChannel(Number(env.LOSSBOOK_INTERRUPT_FD));
    if (channel) return channel;
  }
  if (env.LOSSBOOK_INTERRUPT_FILE) return openInterruptFile(env.LOSSBOOK_INTERRUPT_FILE);
  return undefined;
}

export function openInterruptChannel(fd: number): InterruptChannel | undefined {
  if (!Number.isInteger(fd) || fd < 3) return undefined;
  return startWorker(WORKER_SOURCE, { fd });
}

export function openInterruptFile(path: string): InterruptChannel | undefined {
  return startWorker(FILE_WORKER_SOURCE, { path, intervalMs: FILE_POLL_INTERVAL_MS });
}

function startWorker(source: string, data: Record<string, unknown>): InterruptChannel | undefined {
  const shared = new SharedArrayBuffer(8);
  const latest = new Int32Array(shared);
  let worker: Worker;
  try {
    worker = new Worker(source, { eval: true, workerData: { ...data, shared } });
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
