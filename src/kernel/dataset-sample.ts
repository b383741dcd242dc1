// fitDataset's data is never an array the monitor can read up front: the batches exist only while
// the dataset's iterator produces them, and fitDataset disposes each one after its step. The
// monitor therefore watches the batches as they go by: fitDataset iterates a view of the user's
// dataset (the dataset itself is not changed) whose iterator copies the first few batches to the
// host before handing them on. Once enough rows are seen (or the first epoch ends), the copies
// become the data checks' input (monitor/data-stats.ts computeDataStats) and the probe batch.
// A validation dataset is watched the same way (its first batches, when fitDataset first
// evaluates it) for the train/validation overlap check.
import type * as tfType from '@tensorflow/tfjs';
import type { DataStats } from '../shared/diagnosis';
import type { FitObservation, Tf } from './monitor-api';
import { computeDataStats, hostRowOverlap } from './monitor/data-stats';
import { firstTensor } from './monitor/model-summary';

/** How much of the first epoch is copied: a bounded number of batches, rows and values. */
export const DATASET_SAMPLE_LIMITS = { batches: 64, rows: 2048, elements: 1_000_000 };

interface HostBlock {
  values: Float32Array[];
  rowShape: number[];
}

interface LazyIteratorLike {
  next(): Promise<IteratorResult<unknown>>;
}

interface DatasetLike {
  iterator(): Promise<LazyIteratorLike>;
}

/** A batch's first input or target, if it is a tensor (datasets may yield anything). */
function batchTensor(tf: Tf, value: unknown): tfType.Tensor | undefined {
  const first = value && typeof value === 'object' ? firstTensor(value as FitObservation['x']) : undefined;
  return first instanceof tf.Tensor ? first : undefined;
}

/** fitDataset's `validationData` when it is a dataset (not [x, y] tensors), for watching it too. */
export function validationDataset(args: Record<string, unknown>): DatasetLike | undefined {
  const validationData = args.validationData as Partial<DatasetLike> | undefined;
  return validationData && !Array.isArray(validationData) && typeof validationData.iterator === 'function' ? (validationData as DatasetLike) : undefined;
}

/** Values per row of a block. */
function rowSize(block: HostBlock): number {
  return block.rowShape.reduce((a, b) => a * b, 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

export class DatasetSample {
  private x: HostBlock | undefined;
  private y: HostBlock | undefined;
  private rows = 0;
  private elements = 0;
  private batches = 0;
  private firstBatchRows = 0;
  private closed = false;
  /** Why the batches could not be sampled (a shape that changes, non-tensor batches), if so. */
  skipped: string | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly onComplete: () => void,
  ) {}

  /** A view of `dataset` for fitDataset to iterate: same data, same order, first batches copied. */
  view(dataset: unknown): unknown {
    const source = dataset as DatasetLike;
    if (!source || typeof source.iterator !== 'function') return dataset;
    const view = Object.create(source) as DatasetLike;
    view.iterator = async () => {
      const iterator = await source.iterator.call(source);
      if (this.closed || !iterator || typeof iterator.next !== 'function') return iterator;
      const watched = Object.create(iterator) as LazyIteratorLike;
      watched.next = async () => {
        const out = await iterator.next.call(iterator);
        if (!this.closed) {
          if (out.done) this.close();
          else this.take(out.value);
        }
        return out;
      };
      return watched;
    };
    return view;
  }

  /** The sample is final: the limits were reached, the first pass ended, or the fit did. */
  get complete(): boolean {
    return this.closed;
  }

  /** The first epoch ended (or the fit did): what was seen is the sample. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onComplete();
  }

  /**
   * Data checks on the sampled rows (as if they were the arrays passed to fit); with a complete
   * sample of a validation dataset, the overlap check compares the two samples.
   */
  stats(model: tfType.LayersModel, args: Record<string, unknown>, classification: boolean, validationSample?: DatasetSample): DataStats | undefined {
    const x = this.x;
    if (!x || this.rows === 0) return undefined;
    const tf = this.tf;
    const tensors: tfType.Tensor[] = [];
    try {
      const xs = tf.tensor(concat(x.values), [this.rows, ...x.rowShape], 'float32');
      tensors.push(xs);
      let ys: tfType.Tensor | undefined;
      if (this.y) {
        ys = tf.tensor(concat(this.y.values), [this.rows, ...this.y.rowShape], 'float32');
        tensors.push(ys);
      }
      const validation = Array.isArray(args.validationData) ? args.validationData : undefined;
      const observation: FitObservation = {
        model,
        x: xs,
        ...(ys ? { y: ys } : {}),
        args: { batchSize: this.firstBatchRows, ...(validation ? { validationData: validation } : {}) },
      };
      const stats = computeDataStats(tf, observation, classification);
      if (stats) stats.fromBatches = this.batches;
      if (stats && !stats.overlap && validationSample?.complete) stats.overlap = this.overlapWith(validationSample);
      return stats;
    } finally {
      for (const tensor of tensors) tensor.dispose();
    }
  }

  /** Rows of `validation`'s sample identical to rows of this one (undefined when rows differ in size or none were seen). */
  overlapWith(validation: DatasetSample): DataStats['overlap'] {
    const train = this.x;
    const other = validation.x;
    if (!train || !other || !sameShape(train.rowShape, other.rowShape)) return undefined;
    return hostRowOverlap(concat(train.values), concat(other.values), rowSize(train));
  }

  /** The first `count` sampled rows of x as a new tensor (the probe batch), if any were seen. */
  firstRows(count: number): tfType.Tensor | undefined {
    const x = this.x;
    const first = x?.values[0];
    if (!x || !first) return undefined;
    const size = rowSize(x);
    const rows = Math.min(count, Math.floor(first.length / Math.max(1, size)));
    if (rows < 1) return undefined;
    return this.tf.tensor(first.slice(0, rows * size), [rows, ...x.rowShape], 'float32');
  }

  private take(value: unknown): void {
    const batch = value as { xs?: unknown; ys?: unknown } | null;
    const xs = batchTensor(this.tf, batch?.xs);
    const ys = batchTensor(this.tf, batch?.ys);
    if (!xs || xs.isDisposed || xs.rank < 1) {
      this.skip('the dataset does not yield {xs, ys} tensors');
      return;
    }
    const rows = xs.shape[0]!;
    if (ys && (ys.isDisposed || ys.shape[0] !== rows)) {
      this.skip('xs and ys batches differ in rows');
      return;
    }
    if (rows === 0) return;
    const xRowShape = xs.shape.slice(1);
    const yRowShape = ys ? (ys.rank === 1 ? [] : ys.shape.slice(1)) : undefined;
    if (this.x && (!sameShape(this.x.rowShape, xRowShape) || (this.y && yRowShape && !sameShape(this.y.rowShape, yRowShape)))) {
      this.close();
      return;
    }
    const room = Math.min(DATASET_SAMPLE_LIMITS.rows - this.rows, Math.floor((DATASET_SAMPLE_LIMITS.elements - this.elements) / Math.max(1, xs.size / rows)));
    const keep = Math.min(rows, room);
    if (keep > 0) {
      // Only the kept rows are read (batches are small; a dataSync of one batch is what fit does next anyway).
      this.x = this.append(this.x, xs, keep, xRowShape);
      if (ys && yRowShape) this.y = this.append(this.y, ys, keep, yRowShape);
      this.rows += keep;
      this.elements += keep * (xs.size / rows);
      this.batches++;
      if (this.batches === 1) this.firstBatchRows = rows;
    }
    if (keep < rows || this.batches >= DATASET_SAMPLE_LIMITS.batches || this.rows >= DATASET_SAMPLE_LIMITS.rows) this.close();
  }

  private append(block: HostBlock | undefined, tensor: tfType.Tensor, rows: number, rowShape: number[]): HostBlock {
    const rowSize = tensor.size / Math.max(1, tensor.shape[0]!);
    const data = tensor.dataSync();
    const values = Float32Array.from(data.subarray(0, rows * rowSize) as ArrayLike<number>);
    const target = block ?? { values: [], rowShape };
    target.values.push(values);
    return target;
  }

  private skip(reason: string): void {
    this.skipped ??= reason;
    this.x = undefined;
    this.y = undefined;
    this.rows = 0;
    this.close();
  }
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
