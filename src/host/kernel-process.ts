// One kernel process as the supervisor sees it: started with its environment, its messages
// validated (a kernel speaking another protocol version is refused with a clear reason), its
// readiness and exit as promises, a lost channel ended as a crash, its own output kept for the
// crash reason. Which process is current, and what its events mean, is the supervisor's job.
import { DisposableStore } from '../shared/lifecycle';
import { KernelReadySchema, PROTOCOL_VERSION, parseKernelEvent, type KernelEvent } from '../shared/protocol';
import { LOSSBOOK_VERSION } from '../shared/version';
import type { KernelLauncher, KernelProcessHandle, KernelSupervisorOptions } from './kernel-api';
import { forkLauncher, resolveKernelEntry } from './kernel-launch';
import { crashReason, KernelStartError } from './kernel-messages';
import { createInterruptFile, type InterruptFile } from './kernel-temp';

export interface KernelProcess {
  handle: KernelProcessHandle;
  /** Its subscriptions to the process, disposed when the supervisor lets go of it. */
  disposables: DisposableStore;
  /** Set when the supervisor itself ends the process (hard interrupt, restart, shutdown). */
  expectedExit?: { reason: string };
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Settles when the kernel reports ready (or rejects if it exits first, or speaks another protocol). */
  ready: Promise<void>;
  readyEvent: Extract<KernelEvent, { type: 'ready' }> | undefined;
  configuration: string;
  output: string;
  executeRequests: number;
  interruptFile: InterruptFile | undefined;
  /** The kernel closed its channel to the host: it can never finish a run, so it is ended as crashed. */
  lostConnection?: boolean;
}

export interface KernelProcessListener {
  /** A message that matches the protocol. */
  onEvent(kernel: KernelProcess, event: KernelEvent): void;
  /** A message that does not: reported, never trusted. */
  onInvalidMessage(kernel: KernelProcess, error: Error): void;
  onExit(kernel: KernelProcess, code: number | null, signal: string | null): void;
}

/** How long a kernel that closed its channel may take to exit on its own before it is ended. */
const DISCONNECT_GRACE_MS = 1_000;
const KEPT_OUTPUT_CHARACTERS = 8_000;

/** A `ready` as kernels sent it before they named their protocol version. */
const UnversionedReadySchema = KernelReadySchema.omit({ protocolVersion: true });

/**
 * Why a kernel's `ready` cannot be trusted: it speaks another protocol version than this host
 * (the supervisor may start the built kernel or the source, whichever is newer, so the two can
 * drift apart). Undefined for every other message, and for a malformed `ready`, which is
 * reported as not matching the protocol like any other bad message.
 */
export function protocolMismatch(message: unknown, entry: string): string | undefined {
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'ready') return undefined;
  const version = (message as { protocolVersion?: unknown }).protocolVersion;
  if (version === PROTOCOL_VERSION) return undefined;
  if (version === undefined && !UnversionedReadySchema.safeParse(message).success) return undefined;
  const theirs = version === undefined ? 'no protocol version (it predates them)' : `protocol version ${String(version).slice(0, 20)}`;
  const lossbook = (message as { lossbookVersion?: unknown }).lossbookVersion;
  return (
    `The kernel (${entry}${typeof lossbook === 'string' ? `, Lossbook ${lossbook.slice(0, 40)}` : ''}) speaks ${theirs}, but this Lossbook (${LOSSBOOK_VERSION}) speaks protocol version ${PROTOCOL_VERSION}: ` +
    'the kernel and the app were built from different sources. Run `npm run build` (or reinstall Lossbook) and restart the kernel.'
  );
}

/** Start a kernel process; `listener` hears from it until its disposables are disposed. */
export function spawnKernelProcess(options: KernelSupervisorOptions, configuration: string, listener: KernelProcessListener): KernelProcess {
  const { entry, execArgv } = resolveKernelEntry(options.entry);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, options.env ?? {});
  if (options.backend) {
    env.LOSSBOOK_BACKEND = options.backend;
    env.LOSSBOOK_BACKEND_SOURCE = options.backendRequestedBy ?? 'setting';
  }
  const interruptFile = createInterruptFile();
  if (interruptFile) env.LOSSBOOK_INTERRUPT_FILE = interruptFile.path;
  const launcher: KernelLauncher = options.launcher ?? forkLauncher;
  const handle = launcher({ entry, env, execArgv, ...(options.cwd ? { cwd: options.cwd } : {}) });
  let resolveExit!: (value: { code: number | null; signal: string | null }) => void;
  let readyResolve!: () => void;
  let readyReject!: (error: Error) => void;
  const kernel: KernelProcess = {
    handle,
    disposables: new DisposableStore(),
    exited: new Promise((resolve) => {
      resolveExit = resolve;
    }),
    ready: new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    }),
    readyEvent: undefined,
    configuration,
    output: '',
    executeRequests: 0,
    interruptFile,
  };
  // A standby that dies before anyone waits on it must not raise an unhandled rejection.
  kernel.ready.catch(() => undefined);
  kernel.disposables.add(
    handle.onMessage((message) => {
      const mismatch = protocolMismatch(message, entry);
      if (mismatch) {
        // Not ready: whoever waits for it (launch) ends the process and reports this reason.
        readyReject(new KernelStartError(mismatch));
        return;
      }
      let event: KernelEvent;
      try {
        event = parseKernelEvent(message);
      } catch (error) {
        listener.onInvalidMessage(kernel, error as Error);
        return;
      }
      if (event.type === 'ready') {
        kernel.readyEvent = event;
        readyResolve();
      }
      listener.onEvent(kernel, event);
    }),
  );
  kernel.disposables.add(
    handle.onExit((code, signal) => {
      resolveExit({ code, signal });
      readyReject(new KernelStartError(`The kernel exited while starting: ${crashReason(code, signal, kernel.output)}`));
      listener.onExit(kernel, code, signal);
    }),
  );
  if (handle.onDisconnect) {
    kernel.disposables.add(
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
    kernel.disposables.add(
      handle.onOutput((text) => {
        kernel.output = (kernel.output + text).slice(-KEPT_OUTPUT_CHARACTERS);
      }),
    );
  }
  return kernel;
}
