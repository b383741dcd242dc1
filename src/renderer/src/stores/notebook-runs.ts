// Running cells and the kernel's events: the run queue (a failing cell stops the rest), the
// kernel's state and memory, and the runs of each cell — folded into the cells by the shared
// NotebookRunFold, the same fold `lossbook run` uses. RunRecords are kept raw (markRaw): a
// million-point series must not become a million reactive proxies; components re-read them
// when the cell's revision counter moves. Part of the notebook store (./notebook.ts).
import { markRaw, reactive, shallowRef } from 'vue';
import type { KernelInfo, LossbookApi } from '../../../shared/api';
import { formatBytes } from '../../../shared/format-bytes';
import { NotebookRunFold, type RunFoldUpdate } from '../../../shared/notebook/run-fold';
import type { BackendInfo, BackendRequest, HostEvent, KernelState, MemorySnapshot, RunMemory } from '../../../shared/protocol';
import { RUNS_KEPT, type KernelExit, type NotebookContext } from './notebook-context';
import type { NotebookEditing } from './notebook-editing';

export function createRunControl(context: NotebookContext, editing: Pick<NotebookEditing, 'select' | 'insertCell'>, connectTo: (transport: LossbookApi) => void) {
  const { notebook, cells, activeIndex, cellRunState, staleness, cellById, touch, bump, notify } = context;
  const kernel = reactive<{ state: KernelState; backend?: BackendInfo; memory?: MemorySnapshot; baseline?: MemorySnapshot; exit?: KernelExit; connected: boolean }>({
    state: 'starting',
    connected: true,
  });
  const lastRunMemory = shallowRef<RunMemory | undefined>();
  const queue: string[] = [];
  const runWaiters = new Map<string, (status: string) => void>();
  const fold = new NotebookRunFold({ findCell: cellById, runsKept: RUNS_KEPT, backend: () => kernel.backend, adopt: markRaw });

  // ───────────── connection and events ─────────────

  async function connect(transport: LossbookApi): Promise<void> {
    connectTo(transport);
    transport.onEvent((event) => handleEvent(event));
    const maybeConnection = transport as LossbookApi & { onConnection?(listener: (connected: boolean) => void): unknown };
    maybeConnection.onConnection?.((connected) => {
      kernel.connected = connected;
      if (!connected) notify('error', 'Disconnected from Lossbook.', 'The server stopped or the connection dropped. Restart `lossbook serve` and reload the page.');
    });
    try {
      applyKernelInfo(await transport.kernelInfo());
    } catch (error) {
      notify('error', 'Could not reach the Lossbook host.', (error as Error).message);
    }
  }

  function applyKernelInfo(info: KernelInfo): void {
    kernel.state = info.state;
    if (info.backend) kernel.backend = info.backend;
    if (info.memory) {
      kernel.memory = info.memory;
      kernel.baseline ??= info.memory;
    }
  }

  function handleEvent(event: HostEvent): void {
    switch (event.type) {
      case 'kernel-state':
        kernel.state = event.state;
        if (event.state === 'idle' || event.state === 'busy') kernel.exit = undefined;
        return;
      case 'kernel-exit':
        kernel.exit = { reason: event.reason, lostState: event.lostState, expected: event.expected };
        staleness.kernelRestarted();
        if (!event.expected) notify('error', `The kernel stopped: ${event.reason}`, event.lostState ? `Lost: ${event.lostState}` : undefined);
        queue.length = 0;
        for (const [cellId, state] of cellRunState) if (state === 'queued') cellRunState.set(cellId, 'idle');
        return;
      case 'ready':
        kernel.backend = event.backend;
        kernel.memory = event.memory;
        kernel.baseline = event.memory;
        notebook.value.metadata.lastBackend = event.backend;
        return;
      case 'memory':
        kernel.memory = event.memory;
        break;
      case 'memory-freed': {
        kernel.memory = event.after;
        const tensors = Math.max(0, event.before.numTensors - event.after.numTensors);
        const pooled = event.before.gpu?.pooledBytes !== undefined && event.after.gpu?.pooledBytes !== undefined ? event.before.gpu.pooledBytes - event.after.gpu.pooledBytes : undefined;
        notify(
          'success',
          `Freed memory: ${tensors} tensor${tensors === 1 ? '' : 's'} (${formatBytes(Math.max(0, event.before.numBytes - event.after.numBytes))})` +
            (pooled !== undefined ? `, ${formatBytes(Math.max(0, pooled))} of pooled GPU buffers released.` : '.'),
          pooled === undefined ? 'This backend keeps no GPU buffer pool; tensors the namespace still holds stay.' : undefined,
        );
        return;
      }
      case 'log':
        if (event.level === 'error' || event.level === 'warn') notify(event.level === 'error' ? 'error' : 'warning', event.message);
        return;
      default:
        break;
    }
    const update = fold.apply(event);
    if (update) folded(update);
    // Also for a run its cell no longer keeps (outputs cleared mid-run): the queue waits on it.
    if (event.type === 'run-finished') {
      lastRunMemory.value = event.memory;
      kernel.memory = event.memory.after;
      runWaiters.get(event.runId)?.(event.status);
      runWaiters.delete(event.runId);
    }
  }

  /** What the app does once the fold has put events into a cell's run. */
  function folded(update: RunFoldUpdate): void {
    const { cell } = update;
    if (update.created) {
      staleness.ran(cell.id, cell.source);
      cellRunState.set(cell.id, 'running');
    }
    if (update.events.some((event) => event.type === 'run-finished')) {
      cellRunState.set(cell.id, 'idle');
      context.dirty.value = true;
      context.edited();
    }
    bump(cell.id);
  }

  // ───────────── running cells ─────────────

  /** Queue cells to run one after another; a failing cell stops the rest (as Jupyter does). */
  function runCells(ids: string[]): void {
    for (const id of ids) {
      const cell = cellById(id);
      if (!cell) continue;
      if (cell.kind === 'markdown') {
        context.editingMarkdown.delete(id);
        continue;
      }
      if (queue.includes(id) || cellRunState.get(id) === 'running') continue;
      // An empty cell has nothing to run: it must not take an execution count (Jupyter's habit).
      if (!cell.source.trim()) continue;
      queue.push(id);
      cellRunState.set(id, 'queued');
    }
    void drain();
  }

  let draining = false;
  async function drain(): Promise<void> {
    const api = context.api();
    if (draining || !api) return;
    draining = true;
    try {
      while (queue.length) {
        const id = queue.shift()!;
        const cell = cellById(id);
        if (!cell) continue;
        cellRunState.set(id, 'running');
        let status: string;
        try {
          const { runId } = await api.execute({ cellId: id, code: cell.source, language: cell.language ?? 'typescript' });
          const claimed = fold.claim(runId, id);
          if (claimed) folded(claimed);
          const run = fold.record(runId);
          status = run && run.status !== 'running' ? run.status : await new Promise<string>((resolve) => runWaiters.set(runId, resolve));
        } catch (error) {
          notify('error', 'Could not run the cell.', (error as Error).message);
          status = 'error';
        }
        cellRunState.set(id, 'idle');
        if (status !== 'ok') {
          for (const queued of queue) cellRunState.set(queued, 'idle');
          queue.length = 0;
        }
      }
    } finally {
      draining = false;
    }
  }

  function runActive(advance: 'stay' | 'next' | 'insert'): void {
    const index = activeIndex.value;
    const cell = cells.value[index];
    if (!cell) return;
    runCells([cell.id]);
    if (advance === 'insert') editing.insertCell(index + 1, 'code');
    else if (advance === 'next') {
      if (index + 1 >= cells.value.length) editing.insertCell(index + 1, 'code');
      else editing.select(cells.value[index + 1]!.id, 'command');
    }
  }

  const runAll = () => runCells(cells.value.map((cell) => cell.id));
  const runAbove = () => runCells(cells.value.slice(0, Math.max(0, activeIndex.value)).map((cell) => cell.id));
  const runBelow = () => runCells(cells.value.slice(Math.max(0, activeIndex.value)).map((cell) => cell.id));

  function dropQueue(): void {
    for (const queued of queue) cellRunState.set(queued, 'idle');
    queue.length = 0;
  }

  async function interrupt(): Promise<void> {
    dropQueue();
    try {
      await context.api()?.interrupt();
    } catch (error) {
      notify('error', 'Interrupt failed.', (error as Error).message);
    }
  }

  async function restart(): Promise<void> {
    dropQueue();
    // Asked before (restart-confirm.ts) and said after: what the old namespace held is gone.
    const ran = staleness.ranSinceRestart();
    const memory = kernel.memory;
    const lost = memory ? `${memory.numTensors} tensor${memory.numTensors === 1 ? '' : 's'} (${formatBytes(memory.numBytes)})` : 'its tensors';
    const api = context.api();
    try {
      await api?.restart();
      staleness.kernelRestarted();
      notify('info', `Kernel restarted: lost ${lost} and the variables of ${ran} cell${ran === 1 ? '' : 's'} that ran.`, 'Outputs stay, marked stale; re-run the cells you need.');
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', 'Restart failed.', (error as Error).message);
    }
  }

  async function freeMemory(): Promise<void> {
    const api = context.api();
    try {
      await api?.freeMemory();
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', 'Could not free memory.', (error as Error).message);
    }
  }

  /** Force a backend (or 'auto'); the kernel restarts on it and reports why faster ones were skipped. */
  async function setBackend(request: BackendRequest): Promise<void> {
    const api = context.api();
    try {
      await api?.setBackend(request);
      notebook.value.metadata.backend = request;
      touch();
      if (api) applyKernelInfo(await api.kernelInfo());
    } catch (error) {
      notify('error', `Could not switch to the ${request} backend.`, (error as Error).message);
    }
  }

  return { kernel, lastRunMemory, queue, connect, handleEvent, runCells, runActive, runAll, runAbove, runBelow, interrupt, restart, freeMemory, setBackend };
}
