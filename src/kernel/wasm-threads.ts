// The wasm backend on every core (issue 18). tfjs-backend-wasm ships a multi-threaded SIMD build
// (XNNPACK's thread pool on Emscripten pthreads), but never uses it in Node: its
// WASM_HAS_MULTITHREAD_SUPPORT flag answers false whenever IS_NODE (tensorflow/tfjs#3830, left
// open since 2020; the fix in PR #8059 was closed unmerged). The pthread glue itself supports
// Node (worker_threads); three things in tfjs's loader stand in the way, and this file works
// around each one, only for the duration of `setBackend('wasm')` where it can:
//
// 1. The flag: set to true before the backend initializes (it is an ordinary tfjs flag).
// 2. The workers: tfjs hands Emscripten the worker script as a Blob URL and the main script as a
//    Blob. Node's worker_threads cannot start a Blob URL, and the worker reads its main script
//    with fs.readFileSync. Emscripten calls the global `Worker` (which its Node glue sets to
//    worker_threads.Worker); `globalThis.Worker` here is a subclass that starts the package's own
//    worker source (wasm-out/*.worker.js) with `eval: true` and, in the "load" message, replaces
//    the Blob with the path of the package's untranspiled main script (wasm-out/*.js). The copy
//    inside tfjs's Node bundle cannot be used: rollup rewrote its require() calls into closure
//    variables (require$$0…) that do not exist in a worker.
// 3. The thread count: backend.cc takes emscripten_num_logical_cores() / 2 (it assumes two
//    hyper-threads per core) and caps the pool there and at 8 (the workers Emscripten starts). On
//    a 2-core VM that is 1 thread whatever setThreadsCount says. The glue asks `os.cpus().length`
//    once, while the module initializes; it is answered with twice the wanted thread count.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** Emscripten starts 8 pthread workers (PTHREAD_POOL_SIZE) and backend.cc caps the pool at 8. */
export const WASM_MAX_THREADS = 8;

export interface WasmThreadPlan {
  threads: number;
  /** Why the plan is what it is, for BackendInfo.device when it is not "all cores". */
  note?: string;
}

/** Below this many cores the kernel keeps one thread unless asked (docs/backends.md: measured). */
export const WASM_THREADS_MIN_CORES = 4;

/**
 * How many threads the wasm backend should use: every core (up to 8) on a machine with at least 4
 * cores, unless LOSSBOOK_WASM_THREADS says otherwise (1 = the single-threaded SIMD build, no
 * workers at all). On 2 cores the pool measured slower and the kernel started 2–4 s later
 * (docs/backends.md), and it would compete with the app itself for both cores: one thread there.
 */
export function wasmThreadPlan(env: NodeJS.ProcessEnv, cores = os.availableParallelism()): WasmThreadPlan {
  const raw = env.LOSSBOOK_WASM_THREADS?.trim();
  const everyCore = (): WasmThreadPlan =>
    cores < WASM_THREADS_MIN_CORES
      ? { threads: 1, note: `${cores} core${cores === 1 ? '' : 's'}: one thread (threads pay from ${WASM_THREADS_MIN_CORES} cores; LOSSBOOK_WASM_THREADS=${cores} to use them)` }
      : cores > WASM_MAX_THREADS
        ? { threads: WASM_MAX_THREADS, note: `${cores} cores, capped at ${WASM_MAX_THREADS} (tfjs starts 8 workers)` }
        : { threads: cores };
  if (raw) {
    const asked = Number(raw);
    if (!Number.isInteger(asked) || asked < 1) return { ...everyCore(), note: `LOSSBOOK_WASM_THREADS=${raw} is not a whole number ≥ 1; using the default` };
    if (asked > WASM_MAX_THREADS) return { threads: WASM_MAX_THREADS, note: `LOSSBOOK_WASM_THREADS=${asked}, capped at ${WASM_MAX_THREADS} (tfjs starts 8 workers)` };
    return { threads: asked, note: `LOSSBOOK_WASM_THREADS=${asked}` };
  }
  return everyCore();
}

interface WasmPackage {
  setThreadsCount?(threads: number): void;
}

interface FlagEnvironment {
  set(flag: string, value: boolean): void;
  getAsync(flag: string): unknown;
}

export interface WasmThreading {
  /** The threads asked for (1 when the threaded build cannot run here; `reason` says why). */
  threads: number;
  reason?: string;
  /** Call once setBackend('wasm') has settled: undoes what only the initialization needed. */
  done(): void;
  /** For a retry without threads after a failed threaded initialization. */
  disable(): void;
}

/**
 * Prepares the next `setBackend('wasm')` to load the threaded SIMD build with `plan.threads`
 * threads. Returns threads 1 (and changes nothing) where that build cannot run: no SIMD, no
 * shared WebAssembly memory, or the package lacks the worker and main scripts.
 */
export async function prepareWasmThreads(environment: FlagEnvironment, wasm: WasmPackage, packageMain: string, plan: WasmThreadPlan): Promise<WasmThreading> {
  const single = (reason?: string): WasmThreading => {
    wasm.setThreadsCount?.(1);
    environment.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return { threads: 1, ...(reason ? { reason } : {}), done: () => undefined, disable: () => undefined };
  };
  if (plan.threads <= 1) return single(plan.note);
  const wasmOut = join(dirname(packageMain), '..', 'wasm-out');
  const workerModule = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js');
  // Packaged app: the workers read this file with plain fs, which knows nothing of app.asar;
  // electron-builder unpacks wasm-out next to it (asarUnpack).
  const packed = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');
  const unpacked = packed.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  const mainScript = unpacked !== packed && existsSync(unpacked) ? unpacked : packed;
  if (!existsSync(workerModule) || !existsSync(mainScript)) return single(`the threaded build's scripts are missing from ${wasmOut}`);
  if (!(await Promise.resolve(environment.getAsync('WASM_HAS_SIMD_SUPPORT')).catch(() => false))) return single('this WebAssembly engine has no SIMD (the threaded build needs it)');
  if (!sharedMemoryWorks()) return single('this WebAssembly engine has no shared memory (threads need it)');
  if (typeof wasm.setThreadsCount !== 'function') return single('this tfjs-backend-wasm has no setThreadsCount');
  const workerSource = readWorkerSource(workerModule);
  if (!workerSource) return single(`${workerModule} does not hold the worker source`);

  installWorkerForEmscripten(workerSource, mainScript);
  environment.set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(plan.threads);
  const realCpus = os.cpus;
  const cpus = realCpus();
  // backend.cc: pool = min(asked, logical cores / 2, 8); answer so that it is min(asked, 8).
  os.cpus = () => Array.from({ length: 2 * plan.threads }, (_, i) => cpus[i % Math.max(cpus.length, 1)]!);
  const restoreCpus = () => {
    os.cpus = realCpus;
  };
  return {
    threads: plan.threads,
    ...(plan.note ? { reason: plan.note } : {}),
    done: restoreCpus,
    disable: () => {
      restoreCpus();
      wasm.setThreadsCount?.(1);
      environment.set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    },
  };
}

/** Node's WebAssembly global: @types/node declares its types but not the global's values (only the DOM lib did). */
const webAssembly = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBufferLike } } }).WebAssembly;

function sharedMemoryWorks(): boolean {
  try {
    return new webAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function readWorkerSource(workerModule: string): string | undefined {
  // A CommonJS module that only exports the worker's source as a string (tfjs's loader imports the
  // same string and turns it into a Blob).
  const source = (require(workerModule) as { wasmWorkerContents?: unknown }).wasmWorkerContents;
  // Newlines inside the worker's string literals are escaped, as tfjs does before making the Blob.
  return typeof source === 'string' ? source.replace(/\n/g, '\\n') : undefined;
}

const INSTALLED = Symbol.for('lossbook.wasmThreadsWorker');

/**
 * globalThis.Worker for Emscripten's pthread pool: Emscripten's Node glue assigns
 * `global.Worker = worker_threads.Worker` when the module starts and creates every pthread worker
 * with `new Worker(url)`; the assignment is ignored (the accessor keeps this class), and only Blob
 * URLs — which worker_threads rejects anyway — are served differently. Installed once per process:
 * the pool can grow later (more threads than pre-started workers).
 */
function installWorkerForEmscripten(workerSource: string, mainScript: string): void {
  const holder = globalThis as { [INSTALLED]?: true };
  if (holder[INSTALLED]) return;
  class EmscriptenNodeWorker extends NodeWorker {
    constructor(filename: string | URL, options?: WorkerOptions) {
      if (typeof filename === 'string' && filename.startsWith('blob:')) super(workerSource, { ...options, eval: true });
      else super(filename, options);
    }
    override postMessage(message: unknown, transferList?: Parameters<NodeWorker['postMessage']>[1]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
      // The worker reads its main script from a path (importScripts = fs.readFileSync + eval).
      if (load?.cmd === 'load' && typeof load.urlOrBlob !== 'string') message = { ...load, urlOrBlob: mainScript };
      super.postMessage(message, transferList);
    }
  }
  Object.defineProperty(globalThis, 'Worker', { get: () => EmscriptenNodeWorker, set: () => undefined, configurable: true });
  holder[INSTALLED] = true;
}
