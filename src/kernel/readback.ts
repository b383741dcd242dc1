// Reading the monitor's small statistic tensors back to the host (gradient norms, update ratios,
// probe statistics, a custom loop's loss, kernel scales). Where the backend can read
// synchronously (cpu, wasm, tfjs-node) the values are consumed at once, as they always were. The
// webgpu backend cannot in Node: its readSync goes through an OffscreenCanvas, which Node lacks, so
// every dataSync() throws. There the read is started with data() — which also lets the GPU keep
// working instead of stalling the step — and the values are consumed when they land; settle()
// waits for the reads in flight (the monitor calls it at batch and epoch ends, before its rules).
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './monitor-api';

type Values = Float32Array | Int32Array | Uint8Array;

/** Whether the active backend reads synchronously (every backend but webgpu, in Node). */
export function readsSynchronously(tf: Tf): boolean {
  return tf.getBackend() !== 'webgpu';
}

export class Readbacks {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly tf: Tf,
    /** A consumer that threw on the asynchronous path (the synchronous path throws to the caller). */
    private readonly onError: (where: string, error: unknown) => void,
  ) {}

  get synchronous(): boolean {
    return readsSynchronously(this.tf);
  }

  get pending(): boolean {
    return this.inFlight.size > 0;
  }

  /** Reads `tensors` (which it then disposes) and hands their values to `consume`. */
  read(where: string, tensors: tfType.Tensor[], consume: (values: Values[]) => void): void {
    if (this.synchronous) {
      let values: Values[];
      try {
        values = tensors.map((tensor) => tensor.dataSync() as Values);
      } finally {
        for (const tensor of tensors) tensor.dispose();
      }
      consume(values);
      return;
    }
    // Kept: a read started inside a tidy (the optimizer's step) must outlive that scope.
    for (const tensor of tensors) this.tf.keep(tensor);
    const reading: Promise<void> = Promise.all(tensors.map((tensor) => tensor.data() as Promise<Values>))
      .then(consume)
      .catch((error: unknown) => this.onError(where, error))
      .finally(() => {
        for (const tensor of tensors) tensor.dispose();
        this.inFlight.delete(reading);
      });
    this.inFlight.add(reading);
  }

  /** Resolves once every read started so far (and any started while waiting) has been consumed. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
