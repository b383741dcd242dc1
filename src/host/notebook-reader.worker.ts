// The notebook reader's worker thread (isolated-reader.ts): reads and validates untrusted
// notebook files in its own V8 isolate, with its own heap limit and stack, and posts back either
// the validated notebook or the reason it was refused. A file that exhausts this isolate ends
// only this thread, never the process that asked (Electron main, the browser-mode server).
import { parentPort } from 'node:worker_threads';
import { NotebookFileError, readNotebookFile } from './files';

export type ReaderRequest = { id: number; path: string };
export type ReaderReply =
  | { id: number; ok: true; notebook: unknown }
  | { id: number; ok: false; error: { name: string; message: string; reason?: string; path?: string } };

async function read({ id, path }: ReaderRequest): Promise<ReaderReply> {
  try {
    return { id, ok: true, notebook: await readNotebookFile(path) };
  } catch (error) {
    const failure = error as Error;
    if (error instanceof NotebookFileError) return { id, ok: false, error: { name: failure.name, message: failure.message, reason: error.reason, path: error.path } };
    return { id, ok: false, error: { name: failure.name ?? 'Error', message: failure.message ?? String(error) } };
  }
}

parentPort?.on('message', (request: ReaderRequest) => {
  void read(request).then((reply) => parentPort?.postMessage(reply));
});
