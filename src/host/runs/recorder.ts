// Every finished run goes into the run store, with no user code (issue 20). The recorder wraps
// the kernel supervisor that the app, browser mode and `lossbook run` already use: it folds the
// same event stream with the one reducer (applyRunEvent), notes the code each execute sent, and
// writes the run when its `done` settles. The kernel session's history (the code that built the
// namespace) restarts with the kernel.
import { createHash } from 'node:crypto';
import type { Cell, RunRecord } from '../../shared/notebook/model';
import { applyRunEvent, createRunRecord } from '../../shared/notebook/run-reducer';
import type { Disposable, HostEvent } from '../../shared/protocol';
import { captureRun, type CaptureContext } from '../../shared/runs/capture';
import type { RunToStore } from '../../shared/runs/model';
import { LOSSBOOK_VERSION } from '../../shared/version';
import type { ExecuteOptions, KernelSupervisorApi } from '../kernel-api';

/** Where recorded runs go: the RunStore, or a list in tests. */
export interface RunSink {
  add(run: RunToStore): unknown;
}

export interface RunRecorderOptions {
  origin: CaptureContext['origin'];
  /** The notebook a cell belongs to and its index there, where the caller knows them. */
  locate?(cellId: string): { notebook: string | null; cellIndex: number | null };
  /** LOSSBOOK_SEED as the kernel sees it. */
  env?: Record<string, string | undefined>;
  /** A run could not be written (the store is locked, the disk full): tell the user, once per cause. */
  onError?(error: Error, runId: string): void;
}

interface Pending {
  record: RunRecord;
  source: string;
  priorCode: string[];
  outputs: Cell['outputs'];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class RunRecorder implements Disposable {
  private readonly pending = new Map<string, Pending>();
  /** Events that came before execute() told us the run's code (a fast cell's). */
  private readonly early = new Map<string, HostEvent[]>();
  /** Code of the cells that ran to the end in this kernel session, in order. */
  private history: string[] = [];
  private readonly subscription: Disposable;
  private readonly writes = new Set<Promise<void>>();
  /** execute() calls waiting for their runId: only then can a run's events come first. */
  private executing = 0;
  /** Time spent recording (folding events, writing runs), for the < 1% overhead check (bench/runs.bench.ts). */
  readonly cost = { foldMs: 0, writeMs: 0 };

  constructor(
    private readonly supervisor: KernelSupervisorApi,
    private readonly sink: RunSink,
    private readonly options: RunRecorderOptions,
  ) {
    this.subscription = supervisor.onEvent((event) => this.onEvent(event));
  }

  /** Run a cell through the supervisor, recording it when it ends. */
  async execute(request: ExecuteOptions): ReturnType<KernelSupervisorApi['execute']> {
    this.executing++;
    let started: Awaited<ReturnType<KernelSupervisorApi['execute']>>;
    try {
      started = await this.supervisor.execute(request);
    } finally {
      this.executing--;
    }
    const record = createRunRecord(started.runId, request.cellId, 0, Date.now());
    const entry: Pending = { record, source: request.code, priorCode: [...this.history], outputs: [] };
    this.pending.set(started.runId, entry);
    for (const event of this.early.get(started.runId) ?? []) this.fold(entry, event);
    this.early.delete(started.runId);
    // The run is settled at once (the next cell's history must include this one), and written on
    // the next turn of the event loop: whoever awaits `done` (the next cell of `lossbook run`)
    // goes on first, and the write overlaps the kernel's work instead of delaying it.
    const later = () => new Promise<void>((resolve) => setImmediate(resolve));
    const settleThenWrite = async (finished: Extract<HostEvent, { type: 'run-finished' }> | undefined) => {
      this.settle(entry, finished);
      await later();
      this.finish(entry);
    };
    const write = started.done.then(settleThenWrite, () => settleThenWrite(undefined));
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
    return started;
  }

  /** Resolves when every run that has ended is written (the CLI waits before exiting). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private onEvent(event: HostEvent): void {
    const started = performance.now();
    this.route(event);
    this.cost.foldMs += performance.now() - started;
  }

  private route(event: HostEvent): void {
    // A new kernel process starts from an empty namespace: what ran before no longer counts.
    if (event.type === 'ready' || event.type === 'kernel-exit') this.history = [];
    if (!('runId' in event) || !event.runId) return;
    const entry = this.pending.get(event.runId);
    if (entry) this.fold(entry, event);
    else if (this.executing > 0 && event.type !== 'kernel-state') {
      const list = this.early.get(event.runId) ?? [];
      list.push(event);
      this.early.set(event.runId, list);
    }
  }

  private fold(entry: Pending, event: HostEvent): void {
    if (event.type === 'run-started') {
      entry.record.startedAt = event.time;
      entry.record.executionCount = event.executionCount;
      return;
    }
    // Outputs are the notebook's business; the store keeps series, findings and artifacts.
    applyRunEvent(entry.record, entry.outputs, event);
    entry.outputs.length = 0;
  }

  /** The run ended: its final event folded, and its code added to what the next cells ran after. */
  private settle(entry: Pending, finished: Extract<HostEvent, { type: 'run-finished' }> | undefined): void {
    this.pending.delete(entry.record.runId);
    if (finished) applyRunEvent(entry.record, entry.outputs, finished);
    if (entry.record.status === 'running') entry.record.status = 'killed';
    if (entry.record.status === 'ok') this.history.push(entry.source);
  }

  private finish(entry: Pending): void {
    const started = performance.now();
    try {
      this.write(entry);
    } finally {
      this.cost.writeMs += performance.now() - started;
    }
  }

  private write(entry: Pending): void {
    const where = this.options.locate?.(entry.record.cellId) ?? { notebook: null, cellIndex: null };
    const seedText = this.options.env?.LOSSBOOK_SEED;
    const seed = seedText !== undefined && seedText !== '' && Number.isInteger(Number(seedText)) ? Number(seedText) : undefined;
    try {
      const runs = captureRun(entry.record, {
        origin: this.options.origin,
        source: entry.source,
        priorCode: entry.priorCode,
        notebook: where.notebook,
        cellIndex: where.cellIndex,
        backend: this.supervisor.backend,
        lossbookVersion: LOSSBOOK_VERSION,
        seed,
        hash: sha256,
      });
      for (const run of runs) this.sink.add(run);
    } catch (error) {
      this.options.onError?.(error as Error, entry.record.runId);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.pending.clear();
    this.early.clear();
  }
}

/**
 * The supervisor with recording: the same interface, so ApiHost, HeadlessRun and the sweep code
 * need not know. Everything but execute passes straight through.
 */
export function withRunRecording(supervisor: KernelSupervisorApi, sink: RunSink, options: RunRecorderOptions): KernelSupervisorApi & { readonly recorder: RunRecorder } {
  const recorder = new RunRecorder(supervisor, sink, options);
  return {
    recorder,
    get state() {
      return supervisor.state;
    },
    get backend() {
      return supervisor.backend;
    },
    get lastMemory() {
      return supervisor.lastMemory;
    },
    start: () => supervisor.start(),
    execute: (request) => recorder.execute(request),
    interrupt: () => supervisor.interrupt(),
    restart: (reason) => supervisor.restart(reason),
    freeMemory: () => supervisor.freeMemory(),
    setBackend: (request) => supervisor.setBackend(request),
    onEvent: (listener) => supervisor.onEvent(listener),
    shutdown: () => supervisor.shutdown(),
    dispose: () => {
      recorder.dispose();
      supervisor.dispose();
    },
  };
}
