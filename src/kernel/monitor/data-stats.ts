// Statistics of the x/y passed to fit, for the data rules: a bounded sample, one download per
// tensor, everything allocated here disposed before returning; the probe batch; the overlap check.
import type * as tfType from '@tensorflow/tfjs';
import type { DataStats, LabelStats, ValueStats } from '../../shared/diagnosis';
import type { FitObservation, Tf } from '../monitor-api';
import { readsSynchronously } from '../readback';
import { firstTensor } from './model-summary';

/** Bounds: values downloaded for statistics, and rows hashed for the overlap check. */
export const DATA_LIMITS = { sampleElements: 250_000, sampleRows: 4096, wholeScanElements: 2_000_000, labelElements: 2_000_000, overlapElements: 4_000_000, validationRows: 1024 };

function asFloat32(data: ArrayLike<number>): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** On backends without ranged reads, tensors up to this size are read to JS once and sampled there. */
export const READ_WHOLE_ELEMENTS = 8_000_000;

/**
 * A HostCache filled from values read beforehand (webgpu reads with data(), readback.ts): every
 * check then reads these copies instead of the tensors.
 */
export function hostCacheOf(entries: Array<[tfType.Tensor, ArrayLike<number>]>): HostCache {
  return new Map(entries.map(([tensor, values]) => [tensor, asFloat32(values)]));
}

/** Host copies of the fit's tensors, shared by the checks of one fit start and then dropped. */
export type HostCache = Map<tfType.Tensor, Float32Array>;

interface RangedBackend {
  readSync(dataId: object, start?: number, end?: number): ArrayLike<number>;
  dataIdMap?: { has(dataId: object): boolean };
}

/** Elements [start, end) of x on the host. wasm reads just that range from its heap (a slice or
 *  gather there would read the whole tensor); the cpu backend hands out its store without a copy. */
function readRange(tf: Tf, x: tfType.Tensor, start: number, end: number, cache?: HostCache): Float32Array | undefined {
  const backend = tf.engine().backend as unknown as RangedBackend;
  // Only for data that already lives in wasm memory (the engine moves the rest on dataSync).
  if (tf.getBackend() === 'wasm' && backend.dataIdMap?.has(x.dataId)) return asFloat32(backend.readSync(x.dataId, start, end));
  if (x.size > READ_WHOLE_ELEMENTS) return undefined;
  let all = cache?.get(x);
  if (!all) {
    all = asFloat32(x.dataSync());
    cache?.set(x, all);
  }
  return all.subarray(start, end);
}

/** Up to `wanted` rows of [start, end), evenly spaced and in order (order checks still work). */
function hostRows(tf: Tf, x: tfType.Tensor, start: number, end: number, wanted: number, cache?: HostCache): { values: Float32Array; count: number } {
  const rows = x.shape[0] ?? 1;
  const rowSize = Math.max(1, x.size / Math.max(1, rows));
  const available = Math.max(0, end - start);
  const count = Math.min(available, wanted);
  if (count === available) {
    const block = readRange(tf, x, start * rowSize, (start + count) * rowSize, cache);
    if (block) return { values: block, count };
  } else if (readRange(tf, x, 0, 0, cache)) {
    // Eight evenly spaced blocks of consecutive rows: the start, the end and the middle are all seen,
    // and consecutive rows keep the batch-order checks meaningful.
    const blocks = Math.min(8, count);
    const blockRows = Math.floor(count / blocks);
    const values = new Float32Array(blocks * blockRows * rowSize);
    for (let b = 0; b < blocks; b++) {
      const from = start + Math.floor((b * (available - blockRows)) / Math.max(1, blocks - 1));
      values.set(readRange(tf, x, from * rowSize, (from + blockRows) * rowSize, cache)!, b * blockRows * rowSize);
    }
    return { values, count: blocks * blockRows };
  }
  const picked = x.slice(start, count);
  const values = asFloat32(picked.dataSync());
  picked.dispose();
  return { values, count };
}

/** The probe batch: the first rows of x as a new tensor. */
export function firstRows(tf: Tf, x: tfType.Tensor, count: number, cache?: HostCache): tfType.Tensor {
  const rows = Math.min(count, x.shape[0] ?? 0);
  const rowSize = Math.max(1, x.size / Math.max(1, x.shape[0] ?? 1));
  // Where the backend cannot read synchronously (webgpu, readback.ts) the rows are sliced on the device.
  if (!readsSynchronously(tf)) return tf.tidy(() => x.slice(0, rows).toFloat());
  const values = readRange(tf, x, 0, rows * rowSize, cache);
  if (!values) return tf.tidy(() => x.slice(0, rows));
  return tf.tensor(values.slice(), [rows, ...x.shape.slice(1)], 'float32');
}

function valueStats(tf: Tf, x: tfType.Tensor, cache?: HostCache): { stats: ValueStats; sampledRows: number } {
  const rows = x.shape[0] ?? 1;
  const rowSize = Math.max(1, x.size / Math.max(1, rows));
  const wanted = Math.max(1, Math.min(rows, DATA_LIMITS.sampleRows, Math.floor(DATA_LIMITS.sampleElements / rowSize)));
  const scannedWhole = x.size <= DATA_LIMITS.wholeScanElements;
  const { values, count: sampledRows } = hostRows(tf, x, 0, rows, wanted, cache);
  let nan = 0;
  let infinite = 0;
  const whole = cache?.get(x);
  if (scannedWhole && whole && whole.length === x.size) {
    // Already on the host (read with data() beforehand): counted there, no op and no read.
    for (let i = 0; i < whole.length; i++) {
      const v = whole[i]!;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) infinite++;
    }
  } else if (scannedWhole) {
    // One op over the whole tensor on the backend (far cheaper than a JS loop): the sum is finite
    // unless a value is NaN/Inf (or it overflows); only then are they counted.
    const total = tf.tidy(() => tf.sum(x.toFloat()));
    const finite = Number.isFinite(total.dataSync()[0]!);
    total.dispose();
    if (!finite) {
      const counts = tf.tidy(() => tf.stack([tf.sum(tf.isNaN(x).toFloat()), tf.sum(tf.isInf(x).toFloat())]));
      const [nanCount = 0, infiniteCount = 0] = Array.from(counts.dataSync());
      nan = nanCount;
      infinite = infiniteCount;
      counts.dispose();
    }
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  let finite = 0;
  let sampleNan = 0;
  let sampleInf = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) sampleNan++;
    else if (!Number.isFinite(v)) sampleInf++;
    else {
      finite++;
      sum += v;
      sumSquares += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  let constantColumns = 0;
  if (sampledRows >= 2 && rowSize <= 100_000) {
    for (let column = 0; column < rowSize; column++) {
      const first = values[column]!;
      let constant = true;
      for (let r = 1; r < sampledRows && constant; r++) if (values[r * rowSize + column] !== first) constant = false;
      if (constant) constantColumns++;
    }
  }
  const mean = finite ? sum / finite : Number.NaN;
  const variance = finite ? Math.max(0, sumSquares / finite - mean * mean) : Number.NaN;
  return {
    stats: {
      count: scannedWhole ? x.size : values.length,
      nan: scannedWhole ? nan : sampleNan,
      infinite: scannedWhole ? infinite : sampleInf,
      min,
      max,
      mean,
      std: Math.sqrt(variance),
      columns: rowSize,
      constantColumns,
      scannedWhole,
    },
    sampledRows,
  };
}

function labelStats(tf: Tf, y: tfType.Tensor, batchSize: number, validationStart: number | undefined, cache?: HostCache): LabelStats {
  const rows = y.shape[0] ?? 1;
  const columns = Math.max(1, y.size / Math.max(1, rows));
  const readRows = Math.min(rows, Math.floor(DATA_LIMITS.labelElements / columns));
  const { values } = hostRows(tf, y, 0, readRows, readRows, cache);
  let allIntegers = true;
  let allBinary = true;
  let allUnit = true;
  let minLabel = Infinity;
  let maxLabel = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allIntegers = false;
    if (v !== 0 && v !== 1) allBinary = false;
    if (v < 0 || v > 1) allUnit = false;
  }
  const classes: number[] = [];
  let rowSumsOff = 0;
  let oneHotRows = 0;
  let outOfRange = 0;
  for (let r = 0; r < readRows; r++) {
    if (columns === 1) {
      const v = values[r]!;
      if (Number.isFinite(v)) {
        minLabel = Math.min(minLabel, v);
        maxLabel = Math.max(maxLabel, v);
        if (v < 0) outOfRange++;
        classes.push(Math.round(v));
      }
      continue;
    }
    let sum = 0;
    let best = 0;
    let ones = 0;
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c]!;
      sum += v;
      if (v > values[r * columns + best]!) best = c;
      if (v === 1) ones++;
    }
    if (Math.abs(sum - 1) > 1e-3) rowSumsOff++;
    if (ones === 1 && Math.abs(sum - 1) < 1e-6) oneHotRows++;
    minLabel = Math.min(minLabel, best);
    maxLabel = Math.max(maxLabel, best);
    classes.push(best);
  }
  const encoding: LabelStats['encoding'] =
    columns === 1
      ? allBinary
        ? 'binary'
        : allIntegers
          ? 'integer'
          : allUnit
            ? 'probabilities'
            : 'continuous'
      : oneHotRows === readRows
        ? 'one-hot'
        : allUnit && rowSumsOff === 0
          ? 'probabilities'
          : allBinary
            ? 'binary'
            : 'continuous';
  const categorical = encoding !== 'continuous' && !(columns === 1 && encoding === 'probabilities');
  const classCounts: number[] = [];
  let nonDecreasing = 0;
  let classChanges = 0;
  let singleClassBatches = 0;
  let batchesChecked = 0;
  let validationClasses: number[] | undefined;
  if (categorical && classes.length) {
    for (const c of classes) if (c >= 0 && c < 100_000) classCounts[c] = (classCounts[c] ?? 0) + 1;
    for (let i = 0; i < classCounts.length; i++) classCounts[i] ??= 0;
    for (let i = 1; i < classes.length; i++) {
      if (classes[i]! >= classes[i - 1]!) nonDecreasing++;
      if (classes[i] !== classes[i - 1]) classChanges++;
    }
    for (let start = 0; start + batchSize <= classes.length && batchesChecked < 20; start += batchSize) {
      batchesChecked++;
      const first = classes[start];
      if (classes.slice(start, start + batchSize).every((c) => c === first)) singleClassBatches++;
    }
    if (validationStart !== undefined && validationStart < classes.length) validationClasses = [...new Set(classes.slice(validationStart))].sort((a, b) => a - b);
  }
  return {
    encoding,
    columns,
    rows: readRows,
    classCounts,
    outOfRange,
    rowSumsOff: columns > 1 ? rowSumsOff : 0,
    maxLabel: Number.isFinite(maxLabel) ? maxLabel : 0,
    minLabel: Number.isFinite(minLabel) ? minLabel : 0,
    sortedFraction: classes.length > 1 ? nonDecreasing / (classes.length - 1) : 0,
    ...(categorical && classes.length ? { classChanges } : {}),
    singleClassBatches,
    batchesChecked,
    ...(validationClasses ? { validationClasses } : {}),
  };
}

/** FNV-1a over the float bits of each row: equal rows give equal keys. */
function rowHashes(values: Float32Array, rowSize: number): Set<string> {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const hashes = new Set<string>();
  for (let r = 0; r * rowSize < bits.length; r++) hashes.add(hashRow(bits, r, rowSize));
  return hashes;
}

function hashRow(bits: Uint32Array, row: number, rowSize: number): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = row * rowSize; i < (row + 1) * rowSize; i++) {
    a = Math.imul(a ^ bits[i]!, 0x01000193);
    b = Math.imul(b ^ bits[i]!, 0x5bd1e995) ^ (b >>> 13);
  }
  return `${a >>> 0}:${b >>> 0}`;
}

function downloadRows(tf: Tf, x: tfType.Tensor, start: number, end: number, maxRows: number, cache?: HostCache): Float32Array {
  return hostRows(tf, x, start, end, maxRows, cache).values;
}

function overlapStats(tf: Tf, x: tfType.Tensor, validation: { x: tfType.Tensor } | { splitAt: number }, cache?: HostCache): DataStats['overlap'] {
  const rows = x.shape[0] ?? 1;
  const rowSize = Math.max(1, x.size / Math.max(1, rows));
  const trainEnd = 'splitAt' in validation ? validation.splitAt : rows;
  const trainRows = Math.max(1, Math.floor(DATA_LIMITS.overlapElements / rowSize));
  const train = rowHashes(downloadRows(tf, x, 0, trainEnd, trainRows, cache), rowSize);
  const validationValues =
    'splitAt' in validation
      ? downloadRows(tf, x, validation.splitAt, rows, DATA_LIMITS.validationRows, cache)
      : downloadRows(tf, validation.x, 0, validation.x.shape[0] ?? 1, DATA_LIMITS.validationRows, cache);
  return countDuplicateRows(train, validationValues, rowSize);
}

/** Validation rows (host values, `rowSize` per row, at most DATA_LIMITS.validationRows) found among the training rows' hashes. */
function countDuplicateRows(train: Set<string>, validationValues: Float32Array, rowSize: number): NonNullable<DataStats['overlap']> {
  const bits = new Uint32Array(validationValues.buffer, validationValues.byteOffset, validationValues.length);
  const checked = Math.min(DATA_LIMITS.validationRows, Math.floor(validationValues.length / rowSize));
  let duplicates = 0;
  for (let r = 0; r < checked; r++) if (train.has(hashRow(bits, r, rowSize))) duplicates++;
  return { checkedValidationRows: checked, duplicates };
}

/** The overlap check on rows already on the host (fitDataset's sampled training and validation batches). */
export function hostRowOverlap(train: Float32Array, validation: Float32Array, rowSize: number): DataStats['overlap'] {
  if (rowSize < 1 || train.length < rowSize || validation.length < rowSize) return undefined;
  return countDuplicateRows(rowHashes(train, rowSize), validation, rowSize);
}

/** The first input tensor of fit's `validationData: [x, y]`, if it is given as tensors. */
export function validationTensor(args: Record<string, unknown>): tfType.Tensor | undefined {
  const validationData = args.validationData;
  return Array.isArray(validationData) ? firstTensor(validationData[0] as FitObservation['x']) : undefined;
}

/** Statistics of x/y as passed to fit; undefined for datasets (their batches are not materialized). */
export function computeDataStats(tf: Tf, observation: FitObservation, classification: boolean, cache: HostCache = new Map()): DataStats | undefined {
  const x = firstTensor(observation.x);
  if (!x || x.isDisposed) return undefined;
  const y = firstTensor(observation.y);
  const rows = x.shape[0] ?? 1;
  const args = observation.args;
  const split = typeof args.validationSplit === 'number' && args.validationSplit > 0 ? args.validationSplit : undefined;
  const splitAt = split ? Math.floor(rows * (1 - split)) : undefined;
  const { stats, sampledRows } = valueStats(tf, x, cache);
  const result: DataStats = { x: stats, rows, sampledRows };
  if (y && !y.isDisposed) {
    result.y = valueStats(tf, y, cache).stats;
    if (classification) result.labels = labelStats(tf, y, typeof args.batchSize === 'number' ? args.batchSize : 32, splitAt, cache);
  }
  const validationX = validationTensor(args);
  if (validationX && !validationX.isDisposed && validationX.size / Math.max(1, validationX.shape[0] ?? 1) === x.size / Math.max(1, rows))
    result.overlap = overlapStats(tf, x, { x: validationX }, cache);
  else if (splitAt !== undefined && splitAt > 0 && splitAt < rows) result.overlap = overlapStats(tf, x, { splitAt }, cache);
  return result;
}
