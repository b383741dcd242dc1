// The seam between the kernel's training hooks (training-hooks.ts: patches model.fit,
// fitDataset, optimizer.minimize/applyGradients once, adds the interrupt check) and the
// training monitor (monitor/: metrics, gradient norms, probes, data checks, diagnosis).
// The kernel owns when a run starts and ends; the monitor owns what is observed.
import type * as tfType from '@tensorflow/tfjs';
import type { Disposable, Finding, KernelEvent } from '../shared/protocol';

export type Tf = typeof tfType;

export interface RunContext {
  runId: string;
  /** Emit an event on the kernel's stream (metrics are coalesced by the monitor, ~10/s). */
  emit(event: KernelEvent): void;
  /** Aborted when the user interrupts the run. */
  signal: AbortSignal;
  backend: string;
  /** Whether that backend runs on a GPU (webgpu on a software adapter does not); by name when absent. */
  backendIsGpu?: boolean;
  /** The running cell's source: fixes quote its fit call (fix-binding.ts). */
  code?: string;
}

/** Called by training-hooks around every fit/fitDataset of the running cell. */
export interface FitObservation {
  model: tfType.LayersModel;
  /** x, y as passed to fit (tensors or arrays of tensors); undefined for fitDataset. */
  x?: tfType.Tensor | tfType.Tensor[] | Record<string, tfType.Tensor>;
  y?: tfType.Tensor | tfType.Tensor[] | Record<string, tfType.Tensor>;
  dataset?: unknown;
  /** The fit args as the user passed them (epochs, batchSize, validationSplit, shuffle, …). */
  args: Record<string, unknown>;
  /** Callbacks the monitor wants in this fit (tfjs CustomCallback config). */
}

export interface RunMonitor extends Disposable {
  /** Before fit starts: static + data checks; returns callbacks to add to the fit. */
  beforeFit(observation: FitObservation): tfType.CustomCallbackArgs;
  /**
   * fitDataset only, after beforeFit: the dataset fitDataset should iterate instead — the same data
   * in the same order, through a view that lets the monitor look at the first batches.
   */
  observeDataset?(dataset: unknown): unknown;
  /** Gradients the optimizer received (custom loops and fit alike) — no extra backward pass. */
  onGradients(optimizer: tfType.Optimizer, gradients: tfType.NamedTensorMap | Array<{ name: string; tensor: tfType.Tensor }>): void;
  /** A custom loop's optimizer.minimize returned this loss (may be undefined if returnCost false). */
  onMinimize(optimizer: tfType.Optimizer, loss: tfType.Scalar | null): void;
  /** lossbook.log({...}) from a cell. */
  log(values: Record<string, number>, step?: number): void;
  /** Current findings (for --json / tests). */
  findings(): Finding[];
  /** The run ended; flush metrics and final (trend) findings. Must not allocate tensors it leaves behind. */
  finish(status: 'ok' | 'error' | 'interrupted', error?: { name: string; message: string }): void;
}

export type RunMonitorFactory = (tf: Tf, context: RunContext) => RunMonitor;
