// `lossbook run`'s core: run a notebook's code cells in order through the same kernel
// supervisor as the app, folding its events into the notebook with the run fold the app uses
// too (design.md: one event stream, three consumers). Interrupts (Ctrl+C, --timeout) stop
// training at the next batch boundary — the kernel disposes what the run allocated — and the
// runs gathered so far are returned, so the caller still writes --json/--report/--save.
import type { KernelSupervisorApi } from '../host/kernel-api';
import type { Cell, Notebook, RunRecord } from '../shared/notebook/model';
import { NotebookRunFold } from '../shared/notebook/run-fold';
import { applyRunEvent } from '../shared/notebook/run-reducer';
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

export class HeadlessRun implements Disposable {
  /** Every run is kept in its cell (appended to the runs the file had), so --save writes them all. */
  private readonly fold: NotebookRunFold;
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
    this.fold = new NotebookRunFold({ findCell: (cellId) => notebook.cells.find((cell) => cell.id === cellId) });
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
    const claimed = this.fold.claim(started.runId, cell.id);
    if (claimed) this.report(claimed.record, claimed.events);
    const record = claimed?.record ?? this.fold.record(started.runId);
    if (!record) return { kernelError: `The kernel started run ${started.runId} for a cell the notebook does not have.` };
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
      applyRunEvent(record, cell.outputs, finished);
      return { record };
    }
    if (record.status === 'running') record.status = 'killed';
    return { record, ...(finished === 'forced' ? {} : { kernelError: finished }) };
  }

  private onEvent(event: HostEvent): void {
    if (event.type === 'kernel-exit' && !event.expected) this.kernelExit?.(event.reason);
    const update = this.fold.apply(event);
    if (update) this.report(update.record, update.events);
  }

  private report(record: RunRecord, events: readonly HostEvent[]): void {
    const cell = this.notebook.cells.find((candidate) => candidate.id === record.cellId);
    for (const event of events) if (event.type !== 'run-started') this.options.reporter?.event(event, record, cell?.dismissed ?? []);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
