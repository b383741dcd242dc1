// Test helper: a Kernel in the test's own process (no IPC), on a real tfjs backend.
import type { BackendRequest, KernelEvent } from '../shared/protocol';
import { selectBackend } from './backend';
import { Kernel, type KernelOptions } from './kernel';

export type RunFinishedEvent = Extract<KernelEvent, { type: 'run-finished' }>;

export interface CellRun {
  events: KernelEvent[];
  finished: RunFinishedEvent;
  stdout: string;
  stderr: string;
  display: Extract<KernelEvent, { type: 'display' }>['value'] | undefined;
  error: Extract<KernelEvent, { type: 'error' }>['error'] | undefined;
}

export interface TestKernel {
  kernel: Kernel;
  events: KernelEvent[];
  run(code: string, options?: { cwd?: string; language?: 'typescript' | 'javascript' }): Promise<CellRun>;
  dispose(): void;
}

export async function startTestKernel(backend: BackendRequest = 'cpu', extra: Partial<KernelOptions> = {}): Promise<TestKernel> {
  const selection = await selectBackend({ request: backend, requestedBy: 'setting' });
  const events: KernelEvent[] = [];
  const kernel = new Kernel({
    tf: selection.tf,
    backend: selection.info,
    emit: (event) => events.push(event),
    releasePooledMemory: selection.releasePooledMemory,
    guardProcessExit: true,
    ...extra,
  });
  let counter = 0;
  return {
    kernel,
    events,
    async run(code, options = {}) {
      counter += 1;
      const runId = `run-${counter}`;
      const start = events.length;
      kernel.handle({ type: 'execute', runId, cellId: 'cell', code, language: options.language ?? 'typescript', ...(options.cwd ? { cwd: options.cwd } : {}) });
      await kernel.idle();
      const mine = events.slice(start).filter((event) => 'runId' in event && event.runId === runId);
      const finished = mine.find((event): event is RunFinishedEvent => event.type === 'run-finished');
      if (!finished) throw new Error(`run ${runId} did not finish`);
      const text = (name: 'stdout' | 'stderr') =>
        mine
          .filter((event) => event.type === 'stream' && event.name === name)
          .map((event) => (event as Extract<KernelEvent, { type: 'stream' }>).text)
          .join('');
      const display = mine.find((event) => event.type === 'display') as Extract<KernelEvent, { type: 'display' }> | undefined;
      const error = mine.find((event) => event.type === 'error') as Extract<KernelEvent, { type: 'error' }> | undefined;
      return { events: mine, finished, stdout: text('stdout'), stderr: text('stderr'), display: display?.value, error: error?.error };
    },
    dispose() {
      kernel.dispose();
    },
  };
}
