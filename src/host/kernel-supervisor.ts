// Supervises the kernel process (design.md "Kernel rules"): one cell at a time, a graded
// interrupt (ask the kernel to stop at the next batch boundary; if the cell does not yield
// within the grace period, kill and restart it and say which state was lost), crash detection
// (exit, native abort, out of memory) that never hangs the caller, and restart. Used alike by
// Electron main (with a utilityProcess launcher), the browser-mode server and the CLI.
import { randomUUID } from 'node:crypto';
import { Emitter } from '../shared/event';
import type { BackendInfo, BackendRequest, Disposable, HostEvent, KernelEvent, KernelRequest, KernelState, MemorySnapshot, RunStatus } from '../shared/protocol';
import type { ExecuteOptions, KernelSupervisorApi, KernelSupervisorOptions } from './kernel-api';
import { DEFAULT_INTERRUPT_GRACE_MS, hardRestartReason, interruptGraceFor, stretchedGraceReason } from './kernel-interrupt';
import { capitalize, crashReason, describeLostState, KernelStartError, LOST_CONNECTION_REASON } from './kernel-messages';
import { spawnKernelProcess, type KernelProcess } from './kernel-process';
import { createPendingRun, recordBatchTimes, syntheticRunEnd, type PendingRun, type RunFinished } from './kernel-runs';

// The supervisor's parts, importable from here as before the split.
export { forkLauncher, resolveKernelEntry } from './kernel-launch';
export { crashReason, describeLostState, KernelStartError, LOST_CONNECTION_REASON } from './kernel-messages';
export { DEFAULT_INTERRUPT_GRACE_MS, DEFAULT_INTERRUPT_MAX_GRACE_MS, interruptGraceFor } from './kernel-interrupt';

const DEFAULT_START_TIMEOUT_MS = 60_000;
const SHUTDOWN_GRACE_MS = 2_000;

export class KernelSupervisor implements KernelSupervisorApi {
  private currentState: KernelState = 'dead';
  private backendInfo: BackendInfo | undefined;
  private memory: MemorySnapshot | undefined;
  private process: KernelProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly queue: PendingRun[] = [];
  private current: PendingRun | undefined;
  private namespaceNames: string[] = [];
  // A listener's failure must not break supervision.
  private readonly events = new Emitter<HostEvent>({ onListenerError: () => undefined });
  private memoryFreedWaiters: Array<() => void> = [];
  private interruptTimer: NodeJS.Timeout | undefined;
  private interruptWaiters: Array<() => void> = [];
  private disposed = false;
  private hardRestarting: Promise<void> | undefined;
  /** A kernel started in the background while an interrupt is pending, promoted by a hard restart. */
  private standby: KernelProcess | undefined;
  private standbyTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: KernelSupervisorOptions = {}) {}

  get state(): KernelState {
    return this.currentState;
  }

  get backend(): BackendInfo | undefined {
    return this.backendInfo;
  }

  get lastMemory(): MemorySnapshot | undefined {
    return this.memory;
  }

  /** Top-level names the kernel's namespace held after the last run. */
  get namespace(): readonly string[] {
    return this.namespaceNames;
  }

  onEvent(listener: (event: HostEvent) => void): Disposable {
    return this.events.event(listener);
  }

  async start(): Promise<void> {
    if (this.disposed) throw new KernelStartError('This kernel supervisor has been shut down.');
    if (this.process && this.currentState !== 'dead' && this.currentState !== 'starting' && this.currentState !== 'restarting') return;
    if (this.starting) return this.starting;
    this.starting = this.launch().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async execute(options: ExecuteOptions): Promise<{ runId: string; done: Promise<RunFinished> }> {
    if (this.disposed) throw new KernelStartError('This kernel supervisor has been shut down.');
    const runId = options.runId ?? randomUUID();
    const run = createPendingRun(runId, options);
    this.queue.push(run);
    if (!this.process || this.currentState === 'dead') {
      try {
        await this.start();
      } catch (error) {
        this.queue.splice(this.queue.indexOf(run), 1);
        throw error;
      }
    }
    this.pump();
    return { runId, done: run.done };
  }

  async interrupt(): Promise<void> {
    for (const run of this.queue.splice(0)) this.finishSynthetic(run, 'interrupted', 'Cancelled: an earlier cell was interrupted.', 'interrupted');
    const run = this.current;
    const kernel = this.process;
    if (!run || !kernel) return;
    const finished = new Promise<void>((resolve) => this.interruptWaiters.push(resolve));
    if (this.currentState !== 'interrupting') {
      const base = this.options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
      const grace = interruptGraceFor(base, run.batchMs ?? [], this.options.interruptMaxGraceMs);
      const slowest = Math.max(0, ...(run.batchMs ?? []));
      const interruptedAt = Date.now();
      this.setState('interrupting', run.runId, stretchedGraceReason(base, grace, slowest));
      this.send({ type: 'interrupt', runId: run.runId });
      try {
        if (run.sequence) {
          kernel.handle.signalInterrupt?.(run.sequence);
          kernel.interruptFile?.signal(run.sequence);
        }
      } catch {
        // The pipe is gone with the process; the grace timer handles it.
      }
      // Halfway through the grace period a cell that has not stopped is likely stuck: start its
      // replacement now, so killing it at the end costs little more than the grace period.
      this.standbyTimer = setTimeout(() => {
        this.standbyTimer = undefined;
        if (this.current === run && this.process === kernel && !this.standby && !this.disposed) this.standby = this.spawnKernel();
      }, grace / 2);
      this.interruptTimer = setTimeout(() => {
        this.interruptTimer = undefined;
        if (this.current === run && this.process === kernel) void this.hardRestart(hardRestartReason(Date.now() - interruptedAt, slowest));
      }, grace);
    }
    await finished;
    // A hard interrupt ends when the fresh kernel is ready (interrupt → idle includes the restart).
    if (this.hardRestarting) await this.hardRestarting;
  }

  async restart(reason = 'restart requested'): Promise<void> {
    if (this.disposed) throw new KernelStartError('This kernel supervisor has been shut down.');
    if (this.process) await this.stopProcess(reason, true);
    await this.start();
  }

  async freeMemory(): Promise<void> {
    if (!this.process || this.currentState === 'dead') return;
    const freed = new Promise<void>((resolve) => this.memoryFreedWaiters.push(resolve));
    this.send({ type: 'free-memory', resetNamespace: false });
    await freed;
  }

  /** free-memory with the namespace cleared too: every tensor goes, the pool is released. */
  async resetNamespace(): Promise<void> {
    if (!this.process || this.currentState === 'dead') return;
    const freed = new Promise<void>((resolve) => this.memoryFreedWaiters.push(resolve));
    this.send({ type: 'free-memory', resetNamespace: true });
    await freed;
    this.namespaceNames = [];
  }

  async requestMemory(): Promise<void> {
    this.send({ type: 'memory' });
  }

  async setBackend(request: BackendRequest): Promise<void> {
    this.options.backend = request;
    this.options.backendRequestedBy = 'setting';
    await this.restart(`backend changed to ${request}`);
  }

  async shutdown(): Promise<void> {
    this.disposed = true;
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = undefined;
    this.discardStandby();
    if (this.process) await this.stopProcess('shutdown', false);
    this.setState('dead');
  }

  dispose(): void {
    void this.shutdown();
  }

  // ───────────────────────────── internals ─────────────────────────────

  private emit(event: HostEvent): void {
    this.events.fire(event);
  }

  private setState(state: KernelState, runId?: string, reason?: string): void {
    this.currentState = state;
    this.emit({ type: 'kernel-state', state, ...(runId ? { runId } : {}), ...(reason ? { reason } : {}) });
  }

  private send(request: KernelRequest): void {
    try {
      this.process?.handle.send(request);
    } catch {
      // The process is going away; its exit handler finishes what was pending.
    }
  }

  private async launch(): Promise<void> {
    this.setState('starting');
    // A standby kernel started while an interrupt was pending (see interrupt()) is already
    // loading or loaded: promoting it makes a hard restart cost the grace period, not a start.
    let kernel = this.standby && this.standby.configuration === this.configurationKey() ? this.standby : undefined;
    if (!kernel) this.discardStandby();
    this.standby = undefined;
    kernel ??= this.spawnKernel();
    this.process = kernel;
    if (kernel.readyEvent) {
      this.onKernelEvent(kernel.readyEvent);
      return;
    }
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KernelStartError(`The kernel did not become ready within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    });
    try {
      await Promise.race([kernel.ready, timedOut]);
    } catch (error) {
      if (this.process === kernel) {
        kernel.expectedExit = { reason: (error as Error).message };
        kernel.handle.kill('SIGKILL');
        this.cleanupProcess(kernel);
        this.setState('dead', undefined, (error as Error).message);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** What a kernel process was started with; a standby is promoted only if this still matches. */
  private configurationKey(): string {
    const { backend, backendRequestedBy, env, cwd, entry } = this.options;
    return JSON.stringify({ backend, backendRequestedBy, env, cwd, entry });
  }

  /** Starts a kernel process. Its events reach listeners only while it is the current one. */
  private spawnKernel(): KernelProcess {
    return spawnKernelProcess(this.options, this.configurationKey(), {
      onEvent: (kernel, event) => {
        if (this.process === kernel) this.onKernelEvent(event);
      },
      onInvalidMessage: (kernel, error) => {
        if (this.process === kernel) this.emit({ type: 'log', level: 'warn', message: `The kernel sent a message that does not match the protocol: ${error.message.slice(0, 300)}` });
      },
      onExit: (kernel, code, signal) => {
        if (this.standby === kernel) {
          this.standby = undefined;
          this.cleanupProcess(kernel);
        }
        if (this.process === kernel) this.onKernelExit(kernel, code, signal);
      },
    });
  }

  private discardStandby(): void {
    const standby = this.standby;
    if (!standby) return;
    this.standby = undefined;
    standby.expectedExit = { reason: 'standby discarded' };
    standby.handle.kill('SIGKILL');
    this.cleanupProcess(standby);
  }

  private onKernelEvent(event: KernelEvent): void {
    switch (event.type) {
      case 'ready':
        this.backendInfo = event.backend;
        this.memory = event.memory;
        this.namespaceNames = [];
        this.emit(event);
        this.setState('idle');
        this.pump();
        return;
      case 'run-finished': {
        this.memory = event.memory.after;
        if (event.namespace) this.namespaceNames = event.namespace;
        this.emit(event);
        const run = this.current;
        if (run && run.runId === event.runId) {
          this.current = undefined;
          run.resolve(event);
          this.afterRun();
        }
        return;
      }
      case 'memory':
        this.memory = event.memory;
        this.emit(event);
        return;
      case 'memory-freed':
        this.memory = event.after;
        this.emit(event);
        for (const resolve of this.memoryFreedWaiters.splice(0)) resolve();
        return;
      case 'metrics': {
        // Batch times of the running cell decide how long an interrupt waits (interruptGraceFor).
        if (this.current) recordBatchTimes(this.current, event);
        this.emit(event);
        return;
      }
      default:
        this.emit(event);
    }
  }

  private afterRun(): void {
    if (this.interruptTimer) clearTimeout(this.interruptTimer);
    this.interruptTimer = undefined;
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = undefined;
    if (this.currentState === 'busy' || this.currentState === 'interrupting') this.setState('idle');
    for (const resolve of this.interruptWaiters.splice(0)) resolve();
    this.pump();
  }

  private pump(): void {
    if (this.current || this.currentState !== 'idle' || !this.process) return;
    const run = this.queue.shift();
    if (!run) return;
    this.current = run;
    run.started = Date.now();
    run.memoryAtStart = this.memory;
    this.process.executeRequests += 1;
    run.sequence = this.process.executeRequests;
    this.setState('busy', run.runId);
    this.send({
      type: 'execute',
      runId: run.runId,
      cellId: run.options.cellId,
      code: run.options.code,
      language: run.options.language ?? 'typescript',
      ...(this.options.cwd ? { cwd: this.options.cwd } : {}),
    });
  }

  private hardRestart(reason: string): Promise<void> {
    this.hardRestarting = (async () => {
      await this.stopProcess(reason, true);
      try {
        await this.start();
      } catch {
        // start() already reported the kernel dead with its reason.
      }
    })().finally(() => {
      this.hardRestarting = undefined;
    });
    return this.hardRestarting;
  }

  /** Ends the kernel process on purpose: the running cell is finished as killed, the user told what was lost. */
  private async stopProcess(reason: string, restarting: boolean): Promise<void> {
    const kernel = this.process;
    if (!kernel) return;
    kernel.expectedExit = { reason };
    if (restarting) this.setState('restarting', undefined, reason);
    if (!restarting && this.currentState !== 'dead') {
      this.send({ type: 'shutdown' });
      const exitedInTime = await Promise.race([kernel.exited.then(() => true), delay(SHUTDOWN_GRACE_MS).then(() => false)]);
      if (!exitedInTime) kernel.handle.kill('SIGKILL');
    } else {
      kernel.handle.kill('SIGKILL');
    }
    const { code, signal } = await Promise.race([kernel.exited, delay(SHUTDOWN_GRACE_MS).then(() => ({ code: null, signal: 'SIGKILL' }))]);
    if (this.process === kernel) this.onKernelExit(kernel, code, signal);
  }

  private onKernelExit(kernel: KernelProcess, code: number | null, signal: string | null): void {
    if (this.process !== kernel) return;
    this.cleanupProcess(kernel);
    const expected = kernel.expectedExit !== undefined;
    const reason = kernel.expectedExit?.reason ?? (kernel.lostConnection ? LOST_CONNECTION_REASON : crashReason(code, signal, kernel.output));
    const lostState = describeLostState(this.namespaceNames);
    const pending = [...(this.current ? [this.current] : []), ...(expected ? [] : this.queue.splice(0))];
    this.current = undefined;
    for (const run of pending) {
      const message = expected
        ? `${capitalize(reason)}. Lost: ${lostState}.`
        : `The kernel died while this cell ran: ${reason}. Lost: ${lostState}. The kernel can be restarted.`;
      this.finishSynthetic(run, 'killed', message, 'killed');
    }
    if (reason !== 'shutdown') this.emit({ type: 'kernel-exit', code, signal, reason, lostState, expected });
    this.namespaceNames = [];
    if (this.interruptTimer) clearTimeout(this.interruptTimer);
    this.interruptTimer = undefined;
    if (this.standbyTimer) clearTimeout(this.standbyTimer);
    this.standbyTimer = undefined;
    for (const resolve of this.interruptWaiters.splice(0)) resolve();
    for (const resolve of this.memoryFreedWaiters.splice(0)) resolve();
    if (!expected || reason === 'shutdown') this.setState('dead', undefined, reason);
  }

  private cleanupProcess(kernel: KernelProcess): void {
    kernel.disposables.dispose();
    kernel.interruptFile?.dispose();
    kernel.interruptFile = undefined;
    if (this.process === kernel) this.process = undefined;
  }

  /** A run the kernel never finished (killed, or cancelled in the queue): its final events from the host. */
  private finishSynthetic(run: PendingRun, status: RunStatus, message: string, phase: 'killed' | 'interrupted'): void {
    const { error, finished } = syntheticRunEnd(run, status, message, phase, this.memory);
    this.emit(error);
    this.emit(finished);
    run.resolve(finished);
  }

}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
