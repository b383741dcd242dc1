// Untrusted notebook files are parsed and validated outside the asking process's heap (issue 17:
// in the Electron app they were parsed in the main process, so one hostile file could take the
// whole app down). Reads run in a worker thread with its own V8 heap limit and stack; the asking
// process receives only the validated notebook or a NotebookFileError. A reader that runs out of
// memory, crashes or takes too long is ended and the read refused with the reason; the next read
// starts a fresh worker. The worker stays warm between reads and never keeps the process alive.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Notebook } from '../shared/notebook/model';
import { NotebookFileError, type NotebookFileErrorReason } from './files';
import type { ReaderReply, ReaderRequest } from './notebook-reader.worker';

export interface NotebookReaderOptions {
  /** The worker's entry; default: the built notebook-reader beside this bundle, else the source through tsx. */
  entry?: string;
  /** Heap for the reader. A 256 MB file (the largest accepted) needs about 1.5 GB. */
  maxHeapMb?: number;
  /** A read that takes longer is ended and refused. */
  timeoutMs?: number;
}

const DEFAULT_MAX_HEAP_MB = 2048;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The reader's entry: built (notebook-reader.mjs / .js beside this bundle) or the TypeScript
 * source, which a worker can only load after registering tsx (a worker ignores `--import`).
 */
export function resolveReaderEntry(explicit?: string): { source: string; eval: boolean } {
  const viaTsx = (path: string) => {
    // tsx's ESM register API (its CommonJS twin cannot be imported from an eval worker).
    const api = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
    return { source: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(path).href)}); });`, eval: true };
  };
  if (explicit) return explicit.endsWith('.ts') ? viaTsx(explicit) : { source: explicit, eval: false };
  for (const name of ['notebook-reader.mjs', 'notebook-reader.js']) {
    const built = fileURLToPath(new URL(`./${name}`, import.meta.url));
    if (existsSync(built)) return { source: built, eval: false };
  }
  return viaTsx(fileURLToPath(new URL('./notebook-reader.worker.ts', import.meta.url)));
}

export class NotebookReader {
  private worker: Worker | undefined;
  private nextId = 1;
  /** Reads run one at a time (one thread); a failure or timeout belongs to exactly one read. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxHeapMb: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: NotebookReaderOptions = {}) {
    this.maxHeapMb = options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Read one notebook file in the worker; throws NotebookFileError with the reason. */
  read(path: string): Promise<Notebook> {
    const result = this.queue.then(() => this.readNow(resolve(path)));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Start the worker ahead of the first read (the app does this at startup). */
  warmUp(): void {
    this.ensureWorker();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const entry = resolveReaderEntry(this.options.entry);
    const worker = new Worker(entry.source, {
      eval: entry.eval,
      // Its own heap and stack: exhausting them ends this thread with ERR_WORKER_OUT_OF_MEMORY.
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, stackSizeMb: 4 },
    });
    worker.unref();
    // A dead worker is forgotten at once; the next read starts a fresh one.
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    worker.on('error', () => undefined);
    this.worker = worker;
    return worker;
  }

  private readNow(absolute: string): Promise<Notebook> {
    const name = basename(absolute);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Notebook>((resolvePromise, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const refuse = (reason: NotebookFileErrorReason, message: string, endWorker: boolean) => {
        cleanup();
        if (endWorker) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        }
        reject(new NotebookFileError(absolute, reason, `Cannot open "${name}": ${message}`));
      };
      const onMessage = (reply: ReaderReply) => {
        if (reply.id !== id) return;
        cleanup();
        if (reply.ok) resolvePromise(reply.notebook as Notebook);
        else if (reply.error.reason) reject(new NotebookFileError(reply.error.path ?? absolute, reply.error.reason as NotebookFileErrorReason, reply.error.message));
        else reject(new NotebookFileError(absolute, 'invalid', `Cannot open "${name}": ${reply.error.message}`));
      };
      const onError = (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') refuse('too-large', `reading it needed more than ${this.maxHeapMb} MB of memory, so it was refused.`, true);
        else refuse('invalid', `the reader failed: ${error.message}`, true);
      };
      const onExit = (code: number) => refuse('invalid', `the reader stopped unexpectedly (exit code ${code}).`, true);
      const timer = setTimeout(() => refuse('invalid', `reading it took longer than ${Math.max(1, Math.round(this.timeoutMs / 1000))} s, so it was stopped.`, true), this.timeoutMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, path: absolute } satisfies ReaderRequest);
    });
  }
}

/** The process's reader (Electron main, the browser-mode server). */
let sharedReader: NotebookReader | undefined;

export function sharedNotebookReader(): NotebookReader {
  sharedReader ??= new NotebookReader();
  return sharedReader;
}

/** Read one notebook file in the shared reader worker; throws NotebookFileError with the reason. */
export function readNotebookFileIsolated(path: string): Promise<Notebook> {
  return sharedNotebookReader().read(path);
}
