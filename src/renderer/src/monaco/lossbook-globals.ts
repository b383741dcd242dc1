// What a cell sees without importing anything: the kernel puts `tf` and `lossbook` in the
// notebook namespace. Kept in step with the kernel's namespace by hand (it is a declaration,
// the kernel is the implementation).
export const LOSSBOOK_GLOBALS = `
import type * as tfModule from '@tensorflow/tfjs';
declare global {
  /** TensorFlow.js, on the backend shown in the status bar. */
  const tf: typeof tfModule;
  /** Lossbook's helpers inside a cell. */
  const lossbook: {
    /** Log scalar metrics for the current run (charted like fit's loss), at an optional step. */
    log(values: Record<string, number>, step?: number): void;
    /** Show a value under the cell: tensors, models, tables, JSON. */
    display(value: unknown): void;
    /** The active backend's name. */
    readonly backend: string;
    /** Current tf.memory() of the kernel. */
    memory(): { numTensors: number; numBytes: number; numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
    [helper: string]: unknown;
  };
  /** Aborted when the user interrupts this run: pass it to fetches and custom loops. */
  const signal: AbortSignal;
}
export {};
`;
