// The supervisor's interface, shared by Electron main, the browser-mode server and the CLI.
// Implementation: kernel-supervisor.ts (child_process.fork; Electron passes a utilityProcess
// launcher through KernelLauncher so the same supervisor runs in both).
import type { BackendInfo, BackendRequest, Disposable, HostEvent, KernelState, MemorySnapshot } from '../shared/protocol';

export interface KernelProcessHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): Disposable;
  onExit(listener: (code: number | null, signal: string | null) => void): Disposable;
  /** The process closed its message channel (it can no longer answer); optional. */
  onDisconnect?(listener: () => void): Disposable;
  /** stderr/stdout of the process itself (not of cells), for crash reasons. */
  onOutput?(listener: (text: string) => void): Disposable;
  kill(signal?: NodeJS.Signals): void;
  /**
   * Out-of-band interrupt that reaches a kernel whose event loop is blocked (a synchronous
   * loop); optional — launchers without an extra pipe rely on the `interrupt` message alone.
   * `sequence` numbers the execute requests sent to this process: 1 for the first, and so on.
   */
  signalInterrupt?(sequence: number): void;
}

/** Starts a kernel process. child_process.fork by default; Electron supplies utilityProcess.fork. */
export type KernelLauncher = (options: { entry: string; env: Record<string, string>; cwd?: string; execArgv?: string[] }) => KernelProcessHandle;

export interface KernelSupervisorOptions {
  backend?: BackendRequest;
  /** Where the request came from, shown to the user with the backend. */
  backendRequestedBy?: 'default' | 'setting' | 'env' | 'flag';
  /**
   * How long a cell may ignore an interrupt before the kernel is killed and restarted (ms). While
   * training, the supervisor waits longer when batches take longer (interruptGraceFor).
   */
  interruptGraceMs?: number;
  /** The most a training run's grace may grow to, however slow its batches (ms). */
  interruptMaxGraceMs?: number;
  launcher?: KernelLauncher;
  cwd?: string;
  env?: Record<string, string>;
  /**
   * The kernel entry to launch. Default: out/node/kernel.mjs when it is built and newer than
   * src/kernel, otherwise src/kernel/main.ts through tsx. Tests pass the source path.
   */
  entry?: string;
  /** How long to wait for the kernel's `ready` event before declaring it dead (ms). */
  startTimeoutMs?: number;
}

export interface ExecuteOptions {
  cellId: string;
  code: string;
  language?: 'typescript' | 'javascript';
  runId?: string;
}

export interface KernelSupervisorApi extends Disposable {
  readonly state: KernelState;
  readonly backend: BackendInfo | undefined;
  readonly lastMemory: MemorySnapshot | undefined;
  start(): Promise<void>;
  /** Resolves with the run's final event when it ends (ok, error, interrupted or killed). */
  execute(options: ExecuteOptions): Promise<{ runId: string; done: Promise<Extract<HostEvent, { type: 'run-finished' }>> }>;
  interrupt(): Promise<void>;
  restart(reason?: string): Promise<void>;
  freeMemory(): Promise<void>;
  setBackend(request: BackendRequest): Promise<void>;
  onEvent(listener: (event: HostEvent) => void): Disposable;
  shutdown(): Promise<void>;
}
