// The notebook-level fold of runs: which cell a run belongs to, when its RunRecord is made, how
// many a cell keeps, and what happens to events that arrive before the run is known. The
// per-run reducer (applyRunEvent) folds one event into one record; this folds the whole event
// stream into a notebook's cells. One copy for every consumer (design.md: one event stream,
// three consumers): the renderer store, `lossbook run` and anything else that records runs from
// the host's events (the run store). Pure: no renderer, no Node.
import type { BackendInfo, HostEvent } from '../protocol';
import type { Cell, RunRecord } from './model';
import { applyRunEvent, createRunRecord } from './run-reducer';

export interface RunFoldOptions {
  /** The cell with this id, as the owner holds it (the renderer passes its reactive cell). */
  findCell(cellId: string): Cell | undefined;
  /** Runs a cell keeps, oldest dropped first (the app keeps 2 for the overlay); default: all. */
  runsKept?: number;
  /** The backend a new run records, if the owner knows it (the app shows it per run). */
  backend?(): BackendInfo | undefined;
  /** Wraps each record a cell keeps (the app marks them raw: a million-point series must not become reactive). */
  adopt?(record: RunRecord): RunRecord;
  /** When no clock comes with the event (a run claimed before its `run-started`). */
  now?(): number;
}

/** What one call folded: the run, its cell, and the events now applied to it, in order. */
export interface RunFoldUpdate {
  cell: Cell;
  record: RunRecord;
  /** The record was made by this call (by `run-started`, or by `claim` before it arrived). */
  created: boolean;
  /** Events folded by this call: early ones kept for the run first, then the one given. */
  events: HostEvent[];
}

/**
 * Events kept for a run that is not known yet (its `run-started` and the `execute` answer can
 * both come after its first output). Bounded: a stream of events for a run nobody claims must
 * not grow without end; the oldest unclaimed run is dropped first.
 */
export const EARLY_EVENTS_KEPT = 10_000;
export const EARLY_RUNS_KEPT = 16;

/**
 * Feed it every host event (`apply`) and, where the owner starts runs, the run id `execute`
 * answered (`claim`). A consumer with no notebook of its own (a store of finished runs) can hand
 * `findCell` a cell it makes on first sight of a cell id, and read each finished record from the
 * update whose events hold the `run-finished`.
 */
export class NotebookRunFold {
  /** runId → cellId for every run seen; undefined where the run's cell is not in the notebook. */
  private readonly owners = new Map<string, string | undefined>();
  private readonly early = new Map<string, HostEvent[]>();

  constructor(private readonly options: RunFoldOptions) {}

  /** The record of `runId` while its cell still keeps it. */
  record(runId: string): RunRecord | undefined {
    return this.target(runId)?.record;
  }

  /**
   * Fold one host event. Returns what changed, or undefined when the event is not about a run
   * this notebook keeps (kernel-level events, runs of cells that are gone, early events).
   */
  apply(event: HostEvent): RunFoldUpdate | undefined {
    const runId = 'runId' in event ? event.runId : undefined;
    if (!runId) return undefined;
    if (event.type === 'run-started') return this.start(runId, event.cellId, event);
    if (!this.owners.has(runId)) {
      this.keepEarly(runId, event);
      return undefined;
    }
    const target = this.target(runId);
    if (!target) return undefined;
    applyRunEvent(target.record, target.cell.outputs, event);
    return { ...target, created: false, events: [event] };
  }

  /**
   * The owner learned a run's id before (or without) its `run-started` — `execute` answered.
   * Makes the record if none exists yet, with the count the kernel will most likely give; the
   * `run-started`, when it comes, corrects the count and the start time.
   */
  claim(runId: string, cellId: string): RunFoldUpdate | undefined {
    if (this.owners.has(runId)) {
      const target = this.target(runId);
      return target ? { ...target, created: false, events: [] } : undefined;
    }
    return this.start(runId, cellId);
  }

  private start(runId: string, cellId: string, started?: Extract<HostEvent, { type: 'run-started' }>): RunFoldUpdate | undefined {
    const existing = this.owners.has(runId) ? this.target(runId) : undefined;
    if (existing && started) {
      // Claimed before: the kernel's own count is the one the app shows ([1], [2], … per session).
      existing.record.startedAt = started.time;
      existing.record.executionCount = started.executionCount;
      existing.cell.executionCount = started.executionCount;
      return { ...existing, created: false, events: [started] };
    }
    const cell = this.options.findCell(cellId);
    this.owners.set(runId, cell ? cellId : undefined);
    const early = this.early.get(runId) ?? [];
    this.early.delete(runId);
    if (!cell) return undefined;
    const executionCount = started?.executionCount ?? (cell.executionCount ?? 0) + 1;
    const record = createRunRecord(runId, cellId, executionCount, started?.time ?? (this.options.now ?? Date.now)());
    const backend = this.options.backend?.();
    if (backend) record.backend = backend;
    const adopt = this.options.adopt ?? ((kept: RunRecord) => kept);
    const kept = this.options.runsKept ?? Infinity;
    const adopted = adopt(record);
    cell.runs = [...cell.runs.slice(kept <= 1 ? cell.runs.length : -(kept - 1)), adopted].map(adopt);
    cell.outputs = [];
    cell.executionCount = executionCount;
    for (const event of early) applyRunEvent(adopted, cell.outputs, event);
    return { cell, record: adopted, created: true, events: started ? [started, ...early] : early };
  }

  private target(runId: string): { cell: Cell; record: RunRecord } | undefined {
    const cellId = this.owners.get(runId);
    const cell = cellId === undefined ? undefined : this.options.findCell(cellId);
    // A record the cell no longer keeps (outputs cleared, a newer run pushed it out) takes no more events.
    const record = cell?.runs.find((run) => run.runId === runId);
    return cell && record ? { cell, record } : undefined;
  }

  private keepEarly(runId: string, event: HostEvent): void {
    let list = this.early.get(runId);
    if (!list) {
      if (this.early.size >= EARLY_RUNS_KEPT) this.early.delete(this.early.keys().next().value!);
      list = [];
      this.early.set(runId, list);
    }
    if (list.length < EARLY_EVENTS_KEPT) list.push(event);
  }
}
