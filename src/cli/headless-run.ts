// `lossbook run`'s core: run a notebook's code cells in order through the same kernel
// supervisor as the app, folding its events into RunRecords with the one reducer (design.md:
// one event stream, three consumers). Interrupts (Ctrl+C, --timeout) stop training at the next
// batch boundary — the kernel disposes what the run allocated — and the runs gathered so far
// are returned, so the caller still writes --json/--report/--save.
import type { KernelSupervisorApi } from '../host/kernel-api';
import type { Cell, Notebook, RunRecord } from '../shared/notebook/model';
import { applyRunEvent, createRunRecord } from '../shared/notebook/run-reducer';
import type { BackendInfo, Disposable, HostEvent } from '../shared/protocol';
import type { ProgressReporter } from './progress';

export type StopReason = 'timeout' | 'interrupt' | 'cell-failed' | 'kernel-failed';

export interface HeadlessRunResult {
  /** The runs this invocation made, in order (also appended to their cells' `runs`). */
  runs: RunRecord[];
  backend: BackendInfo | undefined;
  /** Why the run stopped before the last cell, if it did. */
  stoppedBy?: StopReason;
  /** The kernel's own failure (start or crash), written for the user. */
  kernelError?: string;
}

export interface HeadlessRunOptions {
  /** Keep running later cells after a cell fails (default: stop, like a notebook "run all"). */
  keepGoing?: boolean;
  reporter?: ProgressReporter;
  /** Called once the kernel is ready, before the first cell (starts the --timeout clock). */
  onKernelReady?: () => void;
}

interface ActiveRun {
  record: RunRecord;
  cell: Cell;
}

export class HeadlessRun implements Disposable {
  private readonly active = new Map<string, ActiveRun>();
  private readonly buffered = new Map<string, HostEvent[]>();
  private readonly subscription: Disposable;
  private stopReason: StopReason | undefined;
  private forceStop: (() => void) | undefined;
  private kernelExit: ((reason: string) => void) | undefined;
  private interruptSent = false;

  constructor(
    private readonly notebook: Notebook,
    private readonly supervisor: KernelSupervisorApi,
    private readonly options: HeadlessRunOptions = {},
  ) {
    this.subscription = supervisor.onEvent((event) => this.onEvent(event));
  }

  /** Stop at the next batch boundary (Ctrl+C, --timeout); later cells are not run. */
  async interrupt(reason: 'timeout' | 'interrupt'): Promise<void> {
    this.stopReason ??= reason;
    if (this.interruptSent) return;
    this.interruptSent = true;
    await this.supervisor.interrupt().catch(() => undefined);
  }

  /** Second Ctrl+C: stop waiting for the cell; the caller shuts the kernel down. */
  force(): void {
    this.stopReason ??= 'interrupt';
    this.forceStop?.();
  }

  async run(): Promise<HeadlessRunResult> {
    const runs: RunRecord[] = [];
    try {
      await this.supervisor.start();
    } catch (error) {
      return { runs, backend: this.supervisor.backend, stoppedBy: 'kernel-failed', kernelError: (error as Error).message };
    }
    this.options.onKernelReady?.();
    const backend = this.supervisor.backend;
    if (backend) {
      this.notebook.metadata.lastBackend = backend;
      this.notebook.metadata.tfjsVersion = backend.tfjsVersion;
    }
    const codeCells = this.notebook.cells.filter((cell) => cell.kind === 'code' && cell.source.trim());
    let kernelError: string | undefined;
    for (const [position, cell] of codeCells.entries()) {
      if (this.stopReason) break;
      this.options.reporter?.startCell(position + 1, codeCells.length, this.notebook.cells.indexOf(cell));
      cell.outputs = [];
      const outcome = await this.runCell(cell);
      if (outcome.record) {
        runs.push(outcome.record);
        this.options.reporter?.finishCell(outcome.record);
      }
      if (outcome.kernelError) kernelError = outcome.kernelError;
      const status = outcome.record?.status;
      if (status === 'interrupted' || status === 'killed' || status === 'running') this.stopReason ??= status === 'killed' && !this.interruptSent ? 'kernel-failed' : 'interrupt';
      if (status === 'error' && !this.options.keepGoing) this.stopReason ??= 'cell-failed';
      if (!outcome.record) this.stopReason ??= 'kernel-failed';
    }
    return { runs, backend, ...(this.stopReason ? { stoppedBy: this.stopReason } : {}), ...(kernelError ? { kernelError } : {}) };
  }

  private async runCell(cell: Cell): Promise<{ record?: RunRecord; kernelError?: string }> {
    let started: { runId: string; done: Promise<Extract<HostEvent, { type: 'run-finished' }>> };
    try {
      started = await this.supervisor.execute({ cellId: cell.id, code: cell.source, language: cell.language ?? 'typescript' });
    } catch (error) {
      return { kernelError: (error as Error).message };
    }
    const entry = this.ensureRun(started.runId, cell);
    const forced = new Promise<'forced'>((resolve) => (this.forceStop = () => resolve('forced')));
    const exited = new Promise<string>((resolve) => (this.kernelExit = resolve));
    const finished = await Promise.race([
      started.done,
      forced,
      // A supervisor settles `done` when its kernel dies; this only guards against one that does not.
      exited.then((reason) => new Promise<string>((resolve) => setTimeout(() => resolve(reason), 5000).unref())),
    ]);
    this.forceStop = undefined;
    this.kernelExit = undefined;
    if (typeof finished === 'object') {
      applyRunEvent(entry.record, cell.outputs, finished);
      return { record: entry.record };
    }
    if (entry.record.status === 'running') entry.record.status = 'killed';
    return { record: entry.record, ...(finished === 'forced' ? {} : { kernelError: finished }) };
  }

  private ensureRun(runId: string, cell: Cell, executionCount?: number): ActiveRun {
    let entry = this.active.get(runId);
    if (!entry) {
      const count = executionCount ?? (cell.executionCount ?? 0) + 1;
      entry = { record: createRunRecord(runId, cell.id, count, Date.now()), cell };
      cell.executionCount = count;
      cell.runs.push(entry.record);
      this.active.set(runId, entry);
      for (const event of this.buffered.get(runId) ?? []) this.fold(entry, event);
      this.buffered.delete(runId);
    }
    return entry;
  }

  private onEvent(event: HostEvent): void {
    if (event.type === 'kernel-exit' && !event.expected) this.kernelExit?.(event.reason);
    if (!('runId' in event) || !event.runId) return;
    let entry = this.active.get(event.runId);
    if (!entry && event.type === 'run-started') {
      const cell = this.notebook.cells.find((candidate) => candidate.id === event.cellId);
      if (cell) entry = this.ensureRun(event.runId, cell, event.executionCount);
    }
    if (!entry) {
      // Events can arrive before execute() resolves with the runId: keep them for ensureRun.
      const list = this.buffered.get(event.runId) ?? [];
      list.push(event);
      this.buffered.set(event.runId, list);
      return;
    }
    this.fold(entry, event);
  }

  private fold(entry: ActiveRun, event: HostEvent): void {
    if (event.type === 'run-started') {
      // The kernel's own count is the one the app shows ([1], [2], … per kernel session).
      entry.record.startedAt = event.time;
      entry.record.executionCount = event.executionCount;
      entry.cell.executionCount = event.executionCount;
      return;
    }
    applyRunEvent(entry.record, entry.cell.outputs, event);
    this.options.reporter?.event(event, entry.record, new Set(entry.cell.dismissed));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
