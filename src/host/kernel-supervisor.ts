// Supervises the kernel process (design.md "Kernel rules"): one cell at a time, a graded
// interrupt (ask the kernel to stop at the next batch boundary; if the cell does not yield
// within the grace period, kill and restart it and say which state was lost), crash detection
// (exit, native abort, out of memory) that never hangs the caller, and restart. Used alike by
// Electron main (with a utilityProcess launcher), the browser-mode server and the CLI.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  parseKernelEvent,
  type BackendInfo,
  type BackendRequest,
  type Disposable,
  type HostEvent,
  type KernelEvent,
  type KernelRequest,
  type KernelState,
  type MemorySnapshot,
  type RunMemory,
  type RunStatus,
} from '../shared/protocol';
import type { ExecuteOptions, KernelLauncher, KernelProcessHandle, KernelSupervisorApi, KernelSupervisorOptions } from './kernel-api';
import { createInterruptFile, type InterruptFile } from './kernel-temp';

export const DEFAULT_INTERRUPT_GRACE_MS = 1_500;
export const DEFAULT_INTERRUPT_MAX_GRACE_MS = 60_000;
/** Batch times the supervisor keeps per run (the kernel's `batch_ms` metric). */
const RECENT_BATCHES = 8;

/**
 * How long to wait for a cell to stop after an interrupt. Training stops at the next batch
 * boundary, which can be a whole batch away: a CPU CNN batch of ~4 s was killed after the fixed
 * 1.5 s, losing every variable. So while batches are being timed, the grace covers the slowest
 * recent batch with a margin, on top of the base grace (never above `maxMs`).
 */
export function interruptGraceFor(baseMs: number, recentBatchMs: readonly number[], maxMs = DEFAULT_INTERRUPT_MAX_GRACE_MS): number {
  const slowest = Math.max(0, ...recentBatchMs.filter(Number.isFinite));
  if (slowest === 0) return baseMs;
  return Math.min(Math.max(baseMs, maxMs), Math.round(baseMs + 1.25 * slowest));
}
const DEFAULT_START_TIMEOUT_MS = 60_000;
const SHUTDOWN_GRACE_MS = 2_000;
const KEPT_OUTPUT_CHARACTERS = 8_000;

type RunFinished = Extract<HostEvent, { type: 'run-finished' }>;

interface PendingRun {
  runId: string;
  options: ExecuteOptions;
  resolve(event: RunFinished): void;
  done: Promise<RunFinished>;
  started: number;
  /** Which execute request this was for its kernel process (the interrupt pipe names runs by it). */
  sequence: number;
  memoryAtStart: MemorySnapshot | undefined;
  /** Recent training-batch durations of this run, from its `batch_ms` metric (ms). */
  batchMs?: number[];
}

interface KernelProcess {
  handle: KernelProcessHandle;
  disposables: Disposable[];
  /** Set when the supervisor itself ends the process (hard interrupt, restart, shutdown). */
  expectedExit?: { reason: string };
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Settles when the kernel reports ready (or rejects if it exits first). */
  ready: Promise<void>;
  readyEvent: Extract<KernelEvent, { type: 'ready' }> | undefined;
  configuration: string;
  output: string;
  executeRequests: number;
  interruptFile: InterruptFile | undefined;
  /** The kernel closed its channel to the host: it can never finish a run, so it is ended as crashed. */
  lostConnection?: boolean;
}

/** How long a kernel that closed its channel may take to exit on its own before it is ended. */
const DISCONNECT_GRACE_MS = 1_000;

/** Thrown to callers when the kernel cannot start; the message is for the user. */
export class KernelStartError extends Error {
  override name = 'KernelStartError';
}

export class KernelSupervisor implements KernelSupervisorApi {
  private currentState: KernelState = 'dead';
  private backendInfo: BackendInfo | undefined;
  private memory: MemorySnapshot | undefined;
  private process: KernelProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly queue: PendingRun[] = [];
  private current: PendingRun | undefined;
  private namespaceNames: string[] = [];
  private readonly listeners = new Set<(event: HostEvent) => void>();
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
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
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
    let resolve!: (event: RunFinished) => void;
    const done = new Promise<RunFinished>((settle) => {
      resolve = settle;
    });
    const run: PendingRun = { runId, options, resolve, done, started: 0, sequence: 0, memoryAtStart: undefined };
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
    return { runId, done };
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
      this.setState('interrupting', run.runId, grace > base ? `stopping at the next batch boundary: batches take up to ${seconds(slowest)} here, so the kernel gets ${seconds(grace)} before it is restarted` : undefined);
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
        if (this.current === run && this.process === kernel) {
          // The time it really waited (timers run late on a busy machine), and why it gave up.
          const waited = seconds(Date.now() - interruptedAt);
          void this.hardRestart(
            slowest > 0
              ? `the cell did not stop within ${waited} of the interrupt, though its batches took at most ${seconds(slowest)} (a batch far slower than the ones before, or a long operation), so the kernel was restarted`
              : `the cell did not stop within ${waited} of the interrupt (a synchronous loop or a long operation), so the kernel was restarted`,
          );
        }
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
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break supervision.
      }
    }
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
    const { entry, execArgv } = resolveKernelEntry(this.options.entry);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    Object.assign(env, this.options.env ?? {});
    if (this.options.backend) {
      env.LOSSBOOK_BACKEND = this.options.backend;
      env.LOSSBOOK_BACKEND_SOURCE = this.options.backendRequestedBy ?? 'setting';
    }
    const interruptFile = createInterruptFile();
    if (interruptFile) env.LOSSBOOK_INTERRUPT_FILE = interruptFile.path;
    const launcher: KernelLauncher = this.options.launcher ?? forkLauncher;
    const handle = launcher({ entry, env, execArgv, ...(this.options.cwd ? { cwd: this.options.cwd } : {}) });
    let resolveExit!: (value: { code: number | null; signal: string | null }) => void;
    let readyResolve!: () => void;
    let readyReject!: (error: Error) => void;
    const kernel: KernelProcess = {
      handle,
      disposables: [],
      exited: new Promise((resolve) => {
        resolveExit = resolve;
      }),
      ready: new Promise<void>((resolve, reject) => {
        readyResolve = resolve;
        readyReject = reject;
      }),
      readyEvent: undefined,
      configuration: this.configurationKey(),
      output: '',
      executeRequests: 0,
      interruptFile,
    };
    // A standby that dies before anyone waits on it must not raise an unhandled rejection.
    kernel.ready.catch(() => undefined);
    kernel.disposables.push(
      handle.onMessage((message) => {
        let event: KernelEvent;
        try {
          event = parseKernelEvent(message);
        } catch (error) {
          if (this.process === kernel) {
            this.emit({ type: 'log', level: 'warn', message: `The kernel sent a message that does not match the protocol: ${(error as Error).message.slice(0, 300)}` });
          }
          return;
        }
        if (event.type === 'ready') {
          kernel.readyEvent = event;
          readyResolve();
        }
        if (this.process === kernel) this.onKernelEvent(event);
      }),
      handle.onExit((code, signal) => {
        resolveExit({ code, signal });
        readyReject(new KernelStartError(`The kernel exited while starting: ${crashReason(code, signal, kernel.output)}`));
        if (this.standby === kernel) {
          this.standby = undefined;
          this.cleanupProcess(kernel);
        }
        if (this.process === kernel) this.onKernelExit(kernel, code, signal);
      }),
    );
    if (handle.onDisconnect) {
      kernel.disposables.push(
        handle.onDisconnect(() => {
          // A kernel without its channel is half-dead (issue 17: process.disconnect() in a cell
          // left the cell busy forever): nothing it does can reach the host any more. A process
          // that is exiting closes its channel first, so give it a moment to exit with its own
          // reason; otherwise end it, and its exit is reported like a crash, with this reason.
          if (kernel.expectedExit) return;
          let exited = false;
          const timer = setTimeout(() => {
            if (exited || kernel.expectedExit) return;
            kernel.lostConnection = true;
            handle.kill('SIGKILL');
          }, DISCONNECT_GRACE_MS);
          void kernel.exited.then(() => {
            exited = true;
            clearTimeout(timer);
          });
        }),
      );
    }
    if (handle.onOutput) {
      kernel.disposables.push(
        handle.onOutput((text) => {
          kernel.output = (kernel.output + text).slice(-KEPT_OUTPUT_CHARACTERS);
        }),
      );
    }
    return kernel;
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
        const run = this.current;
        if (run && run.runId === event.runId) {
          for (const point of event.points) {
            if (point.name !== 'batch_ms' || point.value === null || !Number.isFinite(point.value)) continue;
            (run.batchMs ??= []).push(point.value);
            if (run.batchMs.length > RECENT_BATCHES) run.batchMs.shift();
          }
        }
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
    for (const disposable of kernel.disposables.splice(0)) disposable.dispose();
    kernel.interruptFile?.dispose();
    kernel.interruptFile = undefined;
    if (this.process === kernel) this.process = undefined;
  }

  /** A run the kernel never finished (killed, or cancelled in the queue): its final events from the host. */
  private finishSynthetic(run: PendingRun, status: RunStatus, message: string, phase: 'killed' | 'interrupted'): void {
    const now = Date.now();
    const snapshot = run.memoryAtStart ?? this.memory ?? emptySnapshot(now);
    const memory: RunMemory = {
      before: snapshot,
      after: snapshot,
      kept: { tensors: 0, bytes: 0 },
      disposed: { tensors: 0, bytes: 0 },
      leaked: { tensors: 0, bytes: 0 },
      // Nothing was measured at the end of a killed run: its memory went with the process.
      ...(phase === 'killed' ? { processEnded: true } : {}),
    };
    this.emit({ type: 'error', runId: run.runId, error: { name: phase === 'killed' ? 'KernelRestarted' : 'Interrupted', message, phase } });
    const finished: RunFinished = { type: 'run-finished', runId: run.runId, status, durationMs: run.started ? now - run.started : 0, memory };
    this.emit(finished);
    run.resolve(finished);
  }
}

// ───────────────────────────── launching ─────────────────────────────

export const forkLauncher: KernelLauncher = ({ entry, env, cwd, execArgv }) => {
  // fd 4 is the interrupt pipe (src/kernel/interrupt-channel.ts): it reaches a kernel whose
  // event loop is blocked by a synchronous loop, so such a cell stops without a restart.
  const child = fork(entry, [], {
    env: { ...env, LOSSBOOK_INTERRUPT_FD: '4' },
    ...(cwd ? { cwd } : {}),
    execArgv: execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    serialization: 'json',
  });
  const interruptPipe = child.stdio[4] as Writable | null | undefined;
  interruptPipe?.on('error', () => {
    // The kernel exited; its exit is reported through onExit.
  });
  const outputListeners = new Set<(text: string) => void>();
  const forward = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    for (const listener of outputListeners) listener(text);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (child.connected) child.send(message as object, (error) => void error);
    },
    onMessage(listener) {
      child.on('message', listener);
      return { dispose: () => child.off('message', listener) };
    },
    onExit(listener) {
      let fired = false;
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (fired) return;
        fired = true;
        listener(code, signal);
      };
      const onError = () => onExit(null, null);
      child.on('exit', onExit);
      child.on('error', onError);
      return {
        dispose: () => {
          child.off('exit', onExit);
          child.off('error', onError);
        },
      };
    },
    onDisconnect(listener) {
      child.on('disconnect', listener);
      return { dispose: () => child.off('disconnect', listener) };
    },
    onOutput(listener) {
      outputListeners.add(listener);
      return { dispose: () => outputListeners.delete(listener) };
    },
    signalInterrupt(sequence) {
      if (!interruptPipe || interruptPipe.destroyed) return;
      const message = Buffer.alloc(4);
      message.writeUInt32LE(sequence, 0);
      interruptPipe.write(message);
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
};

/** The project root (the folder whose package.json is Lossbook's), from this module's location. */
function findProjectRoot(): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lossbook') return folder;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function newestModification(folder: string): number {
  let newest = 0;
  if (!existsSync(folder)) return newest;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestModification(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The built kernel when it is current, otherwise the source through tsx. */
export function resolveKernelEntry(explicit?: string): { entry: string; execArgv: string[] } {
  const root = findProjectRoot();
  const tsxLoader = (): string[] => {
    try {
      const resolved = createRequire(join(root ?? process.cwd(), 'package.json')).resolve('tsx');
      return ['--import', pathToFileURL(resolved).href];
    } catch {
      return ['--import', 'tsx'];
    }
  };
  if (explicit) return { entry: explicit, execArgv: explicit.endsWith('.ts') ? tsxLoader() : [] };
  if (!root) throw new KernelStartError('Cannot find the Lossbook installation (its package.json) to start the kernel from.');
  const built = join(root, 'out', 'node', 'kernel.mjs');
  const source = join(root, 'src', 'kernel', 'main.ts');
  if (existsSync(built)) {
    const sourceTime = existsSync(source) ? Math.max(newestModification(join(root, 'src', 'kernel')), newestModification(join(root, 'src', 'shared'))) : 0;
    if (statSync(built).mtimeMs >= sourceTime) return { entry: built, execArgv: [] };
  }
  if (!existsSync(source)) throw new KernelStartError(`The kernel is not built (${built} is missing); run npm run build.`);
  return { entry: source, execArgv: tsxLoader() };
}

// ───────────────────────────── messages for the user ─────────────────────────────

export const LOST_CONNECTION_REASON = 'the kernel closed its connection to Lossbook (a cell called process.disconnect()?) and was ended';

/** Notices tfjs and Node print on their own; never the reason a kernel exited. */
const UNRELATED_NOTICE = /^[-=*_~ ]+$|^(\(node:\d+\) )?(warning|warn|notice|info)\b|Hi there|Looks like you are running TensorFlow\.js|has already been set|already registered|Overwriting the platform|--trace-warnings/i;

/**
 * The last line of the kernel's own output that is not a routine notice. Simply the last line
 * was often a tfjs notice unrelated to why the kernel exited, and issue 17 found the crash
 * message blaming it.
 */
function failureLine(output: string): string | undefined {
  const lines = output.trim().split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!.trim();
    if (line && !UNRELATED_NOTICE.test(line)) return line;
  }
  return undefined;
}

export function crashReason(code: number | null, signal: string | null, output: string): string {
  const lastLine = failureLine(output);
  if (/JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/i.test(output)) {
    return 'out of memory: the JavaScript heap is full (free tensors or use smaller batches)';
  }
  if (/std::bad_alloc|OOM when allocating|out of memory/i.test(output)) return `out of memory${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`;
  if (signal === 'SIGKILL') return 'the kernel was killed by the system (SIGKILL), most likely the out-of-memory killer';
  if (signal === 'SIGABRT') return `the kernel aborted in native code (SIGABRT)${lastLine ? `: ${lastLine.slice(0, 200)}` : ''}`;
  if (signal === 'SIGSEGV' || signal === 'SIGBUS') return `the kernel crashed in native code (${signal})`;
  if (signal) return `the kernel was ended by signal ${signal}`;
  if (code === 70 && lastLine) return `the kernel failed to start: ${lastLine.slice(0, 300)}`;
  if (code !== null && code !== 0) return `the kernel exited with code ${code}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`;
  return 'the kernel exited';
}

export function describeLostState(names: readonly string[]): string {
  if (names.length === 0) return 'nothing (the namespace was empty)';
  const shown = names.slice(0, 12).join(', ');
  return `the namespace (${shown}${names.length > 12 ? `, and ${names.length - 12} more` : ''}) — re-run the cells that define ${names.length === 1 ? 'it' : 'them'}`;
}

function emptySnapshot(time: number): MemorySnapshot {
  return { numTensors: 0, numBytes: 0, rssBytes: 0, heapUsedBytes: 0, time };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
