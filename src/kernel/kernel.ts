// The kernel: runs one cell at a time inside a lifetime scope, wires the training hooks and the
// monitor to the run, and answers the host's requests. Transport-free (main.ts owns the
// process channel), so tests can drive it in-process too.
import type { BackendInfo, CellError, Disposable, Finding, KernelEvent, KernelRequest, MemorySnapshot, RunMemory, RunStatus } from '../shared/protocol';
import { linkDatasetSources } from './dataset-links';
import { describeValue } from './display';
import { CellExitError, Executor, InterruptError } from './executor';
import { NvidiaProcessMemory } from './gpu-memory';
import type { InterruptChannel } from './interrupt-channel';
import { TensorLifetimes, type RunScope } from './lifetimes';
import type { RunContext, RunMonitor, RunMonitorFactory, Tf } from './monitor-api';
import { OutputCapture } from './output';
import type { SweepState } from '../shared/sweep/scheduler';
import { createSweepApi, type NotebookCell } from './sweep';
import { TrainingHooks, type ActiveTraining } from './training-hooks';
import { CellSyntaxError } from './transform';
import { reseedMathRandom, seedFromEnvironment } from './seeded-random';

export type ChecksFactory = (tf: Tf, context: RunContext) => unknown;

export interface KernelOptions {
  tf: Tf;
  backend: BackendInfo;
  emit(event: KernelEvent): void;
  monitorFactory?: RunMonitorFactory;
  checksFactory?: ChecksFactory;
  releasePooledMemory?: () => Promise<string>;
  /** Interrupts that arrive while the event loop is blocked (interrupt-channel.ts). */
  interruptChannel?: InterruptChannel;
  /** Replace process.exit so a cell cannot end the kernel (true in the kernel process). */
  guardProcessExit?: boolean;
  outputLimitBytes?: number;
}

interface ActiveRun {
  runId: string;
  executionCount: number;
  controller: AbortController;
  /** Which execute request this is (1, 2, …): the interrupt channel names runs by it. */
  sequence: number;
  monitor: RunMonitor | undefined;
  context: RunContext;
  checks: unknown;
  training: ActiveTraining;
  sweep?: ReturnType<typeof createSweepApi>;
  /** The cell's own code, for sweeps whose trials replay the notebook elsewhere. */
  cell: { code: string; language: 'typescript' | 'javascript' };
  /** The final state of each sweep this cell finished, in call order (a trial replays them as results). */
  sweeps: SweepState[];
}

type ExecuteRequest = Extract<KernelRequest, { type: 'execute' }>;

export class Kernel implements Disposable {
  readonly executor: Executor;
  readonly lifetimes: TensorLifetimes;
  private readonly hooks: TrainingHooks;
  private readonly output: OutputCapture;
  private readonly gpuProcessMemory: NvidiaProcessMemory | undefined;
  private readonly queue: Array<() => Promise<void>> = [];
  private draining = false;
  private executeSequence = 0;
  private active: ActiveRun | undefined;
  /**
   * The code of every cell that ran to the end in this kernel session, in order: what built the
   * namespace. A sweep that runs trials in other processes replays it there (issue 23).
   */
  private readonly history: NotebookCell[] = [];
  private readonly disposables: Array<() => void> = [];

  /** LOSSBOOK_SEED: unseeded randomness repeats from every cleared namespace (seeded-random.ts). */
  private readonly seed = seedFromEnvironment();

  constructor(private readonly options: KernelOptions) {
    const { tf } = options;
    reseedMathRandom(this.seed);
    this.output = new OutputCapture((runId, name, text) => options.emit({ type: 'stream', runId, name, text }), options.outputLimitBytes);
    this.hooks = new TrainingHooks(tf);
    this.gpuProcessMemory = options.backend.isGpu ? new NvidiaProcessMemory() : undefined;
    const activeRun = () => this.active;
    const interrupted = () => this.interrupted();
    const history = () => this.history;
    const runTrialScope = <T>(name: string, fn: () => Promise<T>) => this.lifetimes.runNested(name, fn);
    const withTrialMonitor = <T>(run: ActiveRun, trialId: string, fn: () => Promise<T>) => this.withTrialMonitor(run, trialId, fn);
    const lossbookApi = {
      /** Aborted when the user interrupts the running cell: for custom loops (`if (lossbook.signal.aborted) break`). */
      get signal(): AbortSignal {
        interrupted();
        return activeRun()?.controller.signal ?? new AbortController().signal;
      },
      /** Record custom metrics: lossbook.log({ loss, acc }, step). */
      log(values: Record<string, number>, step?: number): void {
        activeRun()?.monitor?.log(values, step);
      },
      /** Throws if the run was interrupted; call it in long custom loops that do not use for/while. */
      checkpoint: () => this.checkpoint(),
      get checks(): unknown {
        return activeRun()?.checks;
      },
      /** lossbook.sweep({ space, trials, strategy, metric, train }) — seed 001's tuning method in one cell. */
      get sweep(): unknown {
        const run = activeRun();
        if (!run) return undefined;
        run.sweep ??= createSweepApi(tf, run.context, {
          runTrialScope: (fn) => runTrialScope(`${run.runId}-trial`, fn),
          withTrialMonitor: (trialId, fn) => withTrialMonitor(run, trialId, fn),
          notebookCode: () => [...history(), { ...run.cell, sweeps: run.sweeps }],
          executionCount: run.executionCount,
          env: process.env,
          recordSweep: (state) => run.sweeps.push(state),
        });
        return run.sweep;
      },
      get backend(): BackendInfo {
        return options.backend;
      },
      memory: () => this.snapshot(),
    };
    this.executor = new Executor({ tf, lossbookApi, checkpoint: () => this.checkpoint() });
    this.lifetimes = new TensorLifetimes(tf, {
      roots: () => this.executor.namespaceValues(),
      snapshot: () => this.snapshot(),
      opaque: () => [tf as object, lossbookApi],
    });

    const datasetLinks = linkDatasetSources(tf);
    this.disposables.push(() => datasetLinks.dispose());
    const onRejection = (reason: unknown) => this.reportAsync(reason, 'Unhandled promise rejection');
    const onException = (error: unknown) => this.reportAsync(error, 'Uncaught exception');
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    this.disposables.push(() => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    });
    if (options.guardProcessExit) {
      const originalExit = process.exit;
      process.exit = ((code?: number | string | null) => {
        throw new CellExitError(code);
      }) as typeof process.exit;
      this.disposables.push(() => {
        process.exit = originalExit;
      });
    }
  }

  get busy(): boolean {
    return this.active !== undefined;
  }

  snapshot(): MemorySnapshot {
    const driver = this.gpuProcessMemory?.read();
    return toMemorySnapshot(this.options.tf.memory(), process.memoryUsage(), this.options.backend.isGpu, driver);
  }

  /** Handle one validated request from the host. */
  handle(request: KernelRequest): void {
    switch (request.type) {
      case 'execute': {
        this.executeSequence += 1;
        const sequence = this.executeSequence;
        this.enqueue(() => this.execute(request, sequence));
        return;
      }
      case 'interrupt':
        if (this.active && (!request.runId || request.runId === this.active.runId)) {
          this.active.controller.abort(new InterruptError());
        }
        return;
      case 'free-memory':
        this.enqueue(async () => this.freeMemory(request.resetNamespace));
        return;
      case 'memory':
        this.options.emit({ type: 'memory', ...(this.active ? { runId: this.active.runId } : {}), memory: this.snapshot() });
        return;
      case 'shutdown':
        return;
    }
  }

  /** Resolves when every queued request has run. */
  async idle(): Promise<void> {
    while (this.draining || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  dispose(): void {
    for (const undo of this.disposables.splice(0).reverse()) undo();
    this.hooks.dispose();
    this.output.dispose();
    this.options.interruptChannel?.dispose();
    this.lifetimes.dispose();
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue.push(task);
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const task = this.queue.shift();
        if (task) await task();
      }
    } finally {
      this.draining = false;
    }
  }

  /** True once the running cell was asked to stop (by message, or through the interrupt channel). */
  private interrupted(): boolean {
    const active = this.active;
    if (!active) return false;
    this.lifetimes.compact();
    if (active.controller.signal.aborted) return true;
    const channel = this.options.interruptChannel;
    if (channel && channel.latest() === active.sequence) {
      active.controller.abort(new InterruptError());
      return true;
    }
    return false;
  }

  private checkpoint(): void {
    if (this.interrupted()) throw new InterruptError();
  }

  private async execute(request: ExecuteRequest, sequence: number): Promise<void> {
    const { tf, emit } = this.options;
    const executionCount = this.executor.nextExecutionCount();
    const started = Date.now();
    emit({ type: 'run-started', runId: request.runId, cellId: request.cellId, executionCount, time: started });
    this.executor.setCwd(request.cwd);
    const controller = new AbortController();
    const context: RunContext = { runId: request.runId, emit, signal: controller.signal, backend: this.options.backend.name, backendIsGpu: this.options.backend.isGpu, code: request.code };
    const warn = (message: string) => emit({ type: 'log', level: 'warn', message });
    let scope: RunScope;
    try {
      scope = this.lifetimes.beginRun(request.runId);
    } catch (error) {
      // The host waits for run-finished: a run that cannot open its scope still ends, as an error.
      emit({ type: 'error', runId: request.runId, error: this.executor.describeError(error, executionCount, 'runtime') });
      const now = this.snapshot();
      const zero = { tensors: 0, bytes: 0 };
      const memory = { before: now, after: now, kept: zero, disposed: zero, leaked: zero };
      emit({ type: 'run-finished', runId: request.runId, status: 'error', durationMs: Date.now() - started, memory, namespace: [...this.executor.namespaceNames] });
      return;
    }
    let checks: unknown;
    const monitor = this.startMonitor(context, warn, 'this run');
    try {
      checks = this.options.checksFactory?.(tf, context);
    } catch (error) {
      warn(`lossbook.checks could not start for this run: ${(error as Error).message}`);
    }
    const training: ActiveTraining = { runId: request.runId, signal: controller.signal, interrupted: () => this.interrupted(), emit, monitor, warn };
    const sweeps: SweepState[] = [];
    this.active = { runId: request.runId, executionCount, controller, sequence, monitor, context, checks, training, cell: { code: request.code, language: request.language }, sweeps };
    this.hooks.activate(training);
    this.output.begin(request.runId);

    let status: RunStatus = 'ok';
    let failure: { name: string; message: string } | undefined;
    try {
      const compiled = this.executor.compile(executionCount, request.code, request.language);
      const value = await compiled.run();
      if (controller.signal.aborted) {
        // The cell finished on its own after the interrupt (e.g. fit returned at a batch boundary and nothing followed).
        status = 'interrupted';
      }
      const display = await describeValue(tf, value);
      this.output.flush();
      if (display) emit({ type: 'display', runId: request.runId, value: display });
    } catch (error) {
      const interrupted = error instanceof InterruptError || (controller.signal.aborted && isAbortError(error));
      status = interrupted ? 'interrupted' : 'error';
      // The monitor's rules read what failed (mem.oom recognizes allocation failures by their message).
      failure = describeFailure(error);
      const phase: CellError['phase'] = error instanceof CellSyntaxError ? 'syntax' : interrupted ? 'interrupted' : 'runtime';
      emit({ type: 'error', runId: request.runId, error: this.executor.describeError(error, executionCount, phase) });
    } finally {
      this.output.end();
      this.hooks.activate(undefined);
      this.finishMonitor(monitor, status === 'ok' ? 'ok' : status === 'interrupted' ? 'interrupted' : 'error', warn, '', failure);
      this.active = undefined;
    }
    // Blank cells are left out as `lossbook run` skips them: a trial counts cells as it does.
    if (status === 'ok' && request.code.trim()) this.history.push({ code: request.code, language: request.language, sweeps });
    let runMemory: RunMemory;
    try {
      const { reachabilityIncomplete, ...measured } = scope.end();
      if (reachabilityIncomplete) warn('The namespace is too large to walk completely; this run kept every tensor it made (nothing was freed).');
      runMemory = measured;
    } catch (error) {
      // A failure of the kernel's own bookkeeping must still finish the run (the host waits for it).
      warn(`Lossbook could not settle this run's tensors: ${(error as Error).message}`);
      const now = this.snapshot();
      const zero = { tensors: 0, bytes: 0 };
      // Unknown what the namespace keeps: count all growth as leaked rather than claim zero.
      const growth = { tensors: Math.max(0, now.numTensors - scope.before.numTensors), bytes: Math.max(0, now.numBytes - scope.before.numBytes) };
      runMemory = { before: scope.before, after: now, kept: zero, disposed: zero, leaked: growth };
    }
    emit({
      type: 'run-finished',
      runId: request.runId,
      status,
      durationMs: Date.now() - started,
      memory: runMemory,
      namespace: [...this.executor.namespaceNames],
    });
  }

  /**
   * One sweep trial is diagnosed like a run of its own: a fresh monitor watches its fits while
   * it runs. Its findings go to the sweep's summary; its metric and finding events stay out of
   * the cell's charts and panel (the sweep artifact carries each trial's per-epoch history).
   */
  private async withTrialMonitor<T>(run: ActiveRun, trialId: string, fn: () => Promise<T>): Promise<{ value: T; findings: Finding[] }> {
    const trialOnly = new Set<KernelEvent['type']>(['metrics', 'progress', 'findings']);
    const context: RunContext = { ...run.context, runId: trialId, emit: (event) => (trialOnly.has(event.type) ? undefined : run.context.emit(event)) };
    const monitor = this.startMonitor(context, run.training.warn, trialId);
    this.hooks.activate({ ...run.training, monitor });
    let status: 'ok' | 'error' | 'interrupted' = 'ok';
    let failure: { name: string; message: string } | undefined;
    try {
      return { value: await fn(), findings: monitor?.findings() ?? [] };
    } catch (error) {
      status = run.controller.signal.aborted ? 'interrupted' : 'error';
      failure = describeFailure(error);
      throw error;
    } finally {
      this.hooks.activate(run.training);
      this.finishMonitor(monitor, status, run.training.warn, ` ${trialId}`, failure);
    }
  }

  /** A monitor that fails to start only costs diagnosis, never the run: warn and go on without it. */
  private startMonitor(context: RunContext, warn: (message: string) => void, subject: string): RunMonitor | undefined {
    try {
      return this.options.monitorFactory?.(this.options.tf, context);
    } catch (error) {
      warn(`The training monitor could not start for ${subject}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private finishMonitor(
    monitor: RunMonitor | undefined,
    status: 'ok' | 'error' | 'interrupted',
    warn: (message: string) => void,
    subject: string,
    error?: { name: string; message: string },
  ): void {
    if (!monitor) return;
    try {
      monitor.finish(status, error);
      monitor.dispose();
    } catch (error) {
      warn(`The training monitor failed to finish${subject}: ${(error as Error).message}`);
    }
  }

  private async freeMemory(resetNamespace: boolean): Promise<void> {
    const before = this.snapshot();
    if (resetNamespace) {
      this.executor.resetNamespace();
      reseedMathRandom(this.seed);
      // A cleared namespace holds nothing the earlier cells made: trial processes start empty too.
      this.history.length = 0;
    }
    const disposed = this.lifetimes.disposeUnreachable();
    let released = 'nothing pooled';
    try {
      released = (await this.options.releasePooledMemory?.()) ?? released;
    } catch (error) {
      released = `releasing the backend's pool failed: ${(error as Error).message}`;
    }
    const after = this.snapshot();
    this.options.emit({
      type: 'log',
      level: 'info',
      message: `free memory: ${resetNamespace ? 'namespace cleared; ' : ''}${disposed.tensors} tensors disposed; ${released}`,
    });
    this.options.emit({ type: 'memory-freed', before, after });
  }

  /** Errors that escape a cell's promise chain (a rejected promise nobody awaited, a throwing timer). */
  private reportAsync(error: unknown, label: string): void {
    const active = this.active;
    if (error instanceof CellExitError && active) {
      this.options.emit({ type: 'error', runId: active.runId, error: this.executor.describeError(error, active.executionCount, 'runtime') });
      return;
    }
    if (active) {
      const described = this.executor.describeError(error, active.executionCount, 'runtime');
      this.options.emit({ type: 'error', runId: active.runId, error: { ...described, message: `${label} (the kernel keeps running): ${described.message}` } });
    } else {
      this.options.emit({ type: 'log', level: 'error', message: `${label} outside a running cell (the kernel keeps running): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` });
    }
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'InterruptError');
}

/**
 * tf.memory() plus process numbers as the protocol's MemorySnapshot. On GPU backends (issue 11):
 * numBytesInGPU → gpu.tensorBytes (held by live tensors), numBytesAllocatedInGPU →
 * gpu.pooledBytes (what the backend keeps allocated, its buffer pool included), and the
 * process's memory as nvidia-smi sees it where available.
 */
export function toMemorySnapshot(
  memory: { numTensors: number; numBytes: number; numDataBuffers?: number; numBytesInGPU?: number; numBytesAllocatedInGPU?: number },
  usage: { rss: number; heapUsed: number },
  isGpu: boolean,
  driver?: { processBytes?: number; totalBytes?: number },
): MemorySnapshot {
  const snapshot: MemorySnapshot = {
    numTensors: memory.numTensors,
    numBytes: memory.numBytes,
    ...(memory.numDataBuffers !== undefined ? { numDataBuffers: memory.numDataBuffers } : {}),
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    time: Date.now(),
  };
  if (isGpu || memory.numBytesInGPU !== undefined) {
    snapshot.gpu = {
      ...(memory.numBytesInGPU !== undefined ? { tensorBytes: memory.numBytesInGPU } : {}),
      ...(memory.numBytesAllocatedInGPU !== undefined ? { pooledBytes: memory.numBytesAllocatedInGPU } : {}),
      ...(driver ?? {}),
      source: driver?.processBytes !== undefined ? 'tf.memory() + nvidia-smi' : 'tf.memory()',
    };
  }
  return snapshot;
}

/** What the monitor's rules get to read about a failed run (mem.oom matches allocation failures by message). */
function describeFailure(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
