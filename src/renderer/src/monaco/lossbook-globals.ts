// What a cell sees without importing anything: the kernel puts `tf` and `lossbook` in the
// notebook namespace. Kept in step with the kernel's namespace by hand (it is a declaration,
// the kernel is the implementation).
export const LOSSBOOK_GLOBALS = `
import * as tfModule from '@tensorflow/tfjs';
declare global {
  /**
   * TensorFlow.js, on the backend shown in the status bar. An import alias (not \`const tf: typeof
   * …\`) so it is a namespace too: types such as \`tf.Tensor\` resolve in a cell without an import.
   */
  export import tf = tfModule;
  /** Lossbook's helpers inside a cell (src/kernel/kernel.ts). */
  const lossbook: {
    /** Aborted when the user interrupts the running cell: \`if (lossbook.signal.aborted) break\`. */
    readonly signal: AbortSignal;
    /** Record custom metrics, charted like fit's loss: lossbook.log({ loss, acc }, step). */
    log(values: Record<string, number>, step?: number): void;
    /** Throws if the run was interrupted; call it in long custom loops. */
    checkpoint(): void;
    /** Data and model checks (lossbook.checks.*). */
    readonly checks: any;
    /** The active backend, with the reason each faster one was skipped. */
    readonly backend: { name: string; device?: string; isGpu: boolean; attempts: Array<{ backend: string; ok: boolean; reason?: string }> };
    /** The kernel's memory now: tensors, bytes, RSS, GPU tensor vs pooled bytes. */
    memory(): { numTensors: number; numBytes: number; rssBytes: number; heapUsedBytes: number; gpu?: { tensorBytes?: number; pooledBytes?: number } };
    [helper: string]: any;
  };
  /** Loads packages from the notebook folder's node_modules. */
  function require(specifier: string): any;
  interface Console {
    log(...data: any[]): void;
    info(...data: any[]): void;
    warn(...data: any[]): void;
    error(...data: any[]): void;
    debug(...data: any[]): void;
    table(data: unknown, columns?: string[]): void;
    time(label?: string): void;
    timeEnd(label?: string): void;
  }
  /** Printed under the cell (stdout, stderr for warn/error). */
  var console: Console;
  function setTimeout(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
  function clearTimeout(id: number | undefined): void;
  function setInterval(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
  function clearInterval(id: number | undefined): void;
  const performance: { now(): number };
  class AbortSignal {
    readonly aborted: boolean;
    readonly reason: unknown;
    throwIfAborted(): void;
    addEventListener(type: 'abort', listener: () => void): void;
  }
}
export {};
`;

// Deno notebooks import tfjs as `npm:@tensorflow/tfjs@<version>`; the kernel resolves that to its
// own tf (src/kernel/executor.ts), and this gives the editor the same types. A script, not a
// module: an ambient pattern module cannot be declared inside a module file.
export const LOSSBOOK_MODULE_ALIASES = `
declare module 'npm:@tensorflow/tfjs' { export * from '@tensorflow/tfjs'; }
declare module 'npm:@tensorflow/tfjs@*' { export * from '@tensorflow/tfjs'; }
`;

/** Both declaration files, as Monaco's extra libs. */
export const LOSSBOOK_EXTRA_LIBS = [
  { filePath: 'file:///lossbook/globals.d.ts', content: LOSSBOOK_GLOBALS },
  { filePath: 'file:///lossbook/module-aliases.d.ts', content: LOSSBOOK_MODULE_ALIASES },
];
