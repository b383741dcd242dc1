// The kernel process entry. Runs under child_process.fork (CLI, browser mode, tests) or
// Electron's utilityProcess (the app): one transport interface over `process.send` or
// `process.parentPort`. Every incoming message is validated; a bad one is answered with a
// `log` event, never a crash (design.md: the protocol is data, validated at every boundary).
import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseKernelRequest, PROTOCOL_VERSION, type KernelEvent } from '../shared/protocol';
import { LOSSBOOK_VERSION } from '../shared/version';
import { requestFromEnvironment, selectBackend } from './backend';
import { createChecks } from './checks';
import { createRunMonitor } from './monitor';
import { openInterruptChannelFromEnvironment } from './interrupt-channel';
import { Kernel } from './kernel';

interface Transport {
  send(event: KernelEvent): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function createTransport(): Transport {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (event) => parentPort.postMessage(event),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (typeof process.send === 'function') {
    // The host is gone: nobody can read our events, so end instead of running orphaned.
    process.on('disconnect', () => {
      removeOrphanedInterruptFile();
      exitKernel(0);
    });
    return {
      send: (event) => {
        if (process.connected) process.send?.(event);
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('The Lossbook kernel must be started by the host (child_process.fork or utilityProcess); no parent channel found.');
}

/** The host died without cleaning up: remove the interrupt file's private folder it made for us. */
function removeOrphanedInterruptFile(): void {
  const path = process.env.LOSSBOOK_INTERRUPT_FILE;
  if (!path || !basename(dirname(path)).startsWith('lossbook-kernel-')) return;
  try {
    rmSync(dirname(path), { recursive: true, force: true });
  } catch {
    // best effort
  }
}

const exitProcess = process.exit.bind(process);
function exitKernel(code: number): never {
  return exitProcess(code);
}

async function main(): Promise<void> {
  const transport = createTransport();
  const send = (event: KernelEvent) => transport.send(event);
  const pending: unknown[] = [];
  const started: { kernel?: Kernel } = {};
  const receive = (message: unknown) => {
    const kernel = started.kernel;
    if (!kernel) {
      pending.push(message);
      return;
    }
    let request;
    try {
      request = parseKernelRequest(message);
    } catch (error) {
      send({ type: 'log', level: 'error', message: `The kernel ignored an invalid request: ${(error as Error).message.slice(0, 500)}` });
      return;
    }
    if (request.type === 'shutdown') {
      kernel.dispose();
      exitKernel(0);
    }
    kernel.handle(request);
  };
  transport.onMessage(receive);

  const { request, requestedBy, invalid } = requestFromEnvironment(process.env);
  const selection = await selectBackend({ request, requestedBy });
  if (invalid) send({ type: 'log', level: 'warn', message: `LOSSBOOK_BACKEND=${invalid} is not a backend Lossbook knows; using the automatic choice.` });
  for (const attempt of selection.info.attempts) {
    if (!attempt.ok && attempt.reason) send({ type: 'log', level: 'info', message: `backend ${attempt.backend} skipped: ${attempt.reason}` });
  }

  const interruptChannel = openInterruptChannelFromEnvironment(process.env);
  const kernel = new Kernel({
    tf: selection.tf,
    backend: selection.info,
    emit: send,
    // LOSSBOOK_MONITOR=off runs cells without the training monitor (plain-kernel comparisons in benchmarks).
    ...(process.env.LOSSBOOK_MONITOR === 'off' ? {} : { monitorFactory: createRunMonitor }),
    checksFactory: createChecks,
    releasePooledMemory: selection.releasePooledMemory,
    ...(interruptChannel ? { interruptChannel } : {}),
    guardProcessExit: true,
  });
  started.kernel = kernel;
  send({ type: 'ready', protocolVersion: PROTOCOL_VERSION, pid: process.pid, backend: selection.info, memory: kernel.snapshot(), lossbookVersion: LOSSBOOK_VERSION });
  for (const message of pending.splice(0)) receive(message);
}

main().catch((error: unknown) => {
  process.stderr.write(`Lossbook kernel failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  exitKernel(70);
});
