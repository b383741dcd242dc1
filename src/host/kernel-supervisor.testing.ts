// Test helpers: a real kernel process (src/kernel/main.ts through tsx) under a KernelSupervisor.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostEvent } from '../shared/protocol';
import type { KernelLauncher, KernelSupervisorOptions } from './kernel-api';
import { KernelSupervisor } from './kernel-supervisor';

export const KERNEL_SOURCE_ENTRY = fileURLToPath(new URL('../kernel/main.ts', import.meta.url));

export type RunFinished = Extract<HostEvent, { type: 'run-finished' }>;

export interface CellOutcome {
  finished: RunFinished;
  events: HostEvent[];
  stdout: string;
  stderr: string;
  error: Extract<HostEvent, { type: 'error' }>['error'] | undefined;
  display: Extract<HostEvent, { type: 'display' }>['value'] | undefined;
}

export function startSupervisor(options: KernelSupervisorOptions = {}): KernelSupervisor {
  return new KernelSupervisor({ entry: KERNEL_SOURCE_ENTRY, backend: 'wasm', interruptGraceMs: 1_500, ...options });
}

/**
 * Runs one cell; `interruptWhen` is checked against each of the run's events and the run is
 * interrupted (once) at the first match — deterministic points, never timers.
 */
export async function runCell(
  supervisor: KernelSupervisor,
  code: string,
  interruptWhen?: (event: HostEvent, soFar: HostEvent[]) => boolean,
): Promise<CellOutcome> {
  const events: HostEvent[] = [];
  let runId: string | undefined;
  let interrupted = false;
  const early: HostEvent[] = [];
  const subscription = supervisor.onEvent((event) => {
    const belongs = 'runId' in event && event.runId !== undefined;
    if (!runId) {
      if (belongs) early.push(event);
      return;
    }
    if (belongs && event.runId !== runId) return;
    if (!belongs && event.type !== 'kernel-exit') return;
    events.push(event);
    if (interruptWhen && !interrupted && interruptWhen(event, events)) {
      interrupted = true;
      void supervisor.interrupt();
    }
  });
  try {
    const started = await supervisor.execute({ cellId: 'cell', code });
    runId = started.runId;
    for (const event of early.splice(0)) {
      if ('runId' in event && event.runId === runId) {
        events.push(event);
        if (interruptWhen && !interrupted && interruptWhen(event, events)) {
          interrupted = true;
          void supervisor.interrupt();
        }
      }
    }
    const finished = await started.done;
    // Let the supervisor settle (a hard interrupt restarts the kernel after finishing the run).
    while (supervisor.state !== 'idle' && supervisor.state !== 'dead') await new Promise((resolve) => setTimeout(resolve, 10));
    const text = (name: 'stdout' | 'stderr') =>
      events
        .filter((event) => event.type === 'stream' && event.name === name)
        .map((event) => (event as Extract<HostEvent, { type: 'stream' }>).text)
        .join('');
    return {
      finished,
      events,
      stdout: text('stdout'),
      stderr: text('stderr'),
      error: (events.find((event) => event.type === 'error') as Extract<HostEvent, { type: 'error' }> | undefined)?.error,
      display: (events.find((event) => event.type === 'display') as Extract<HostEvent, { type: 'display' }> | undefined)?.value,
    };
  } finally {
    subscription.dispose();
  }
}

export function streamIncludes(marker: string): (event: HostEvent) => boolean {
  return (event) => event.type === 'stream' && event.text.includes(marker);
}

/** Like Electron's utilityProcess: an IPC channel and nothing else, so the kernel gets no interrupt pipe and polls the interrupt file. */
export const ipcOnlyLauncher: KernelLauncher = ({ entry, env, cwd, execArgv }) => {
  const child = fork(entry, [], { env, ...(cwd ? { cwd } : {}), execArgv: execArgv ?? [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => void (child.connected && child.send(message as object)),
    onMessage: (listener) => {
      child.on('message', listener);
      return { dispose: () => child.off('message', listener) };
    },
    onExit: (listener) => {
      child.on('exit', listener);
      return { dispose: () => child.off('exit', listener) };
    },
    kill: (signal) => void child.kill(signal),
  };
};
