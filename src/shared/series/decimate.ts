// Min/max decimation: what a chart draws from a long series. Each of `buckets` equal slices of
// the x range keeps its first point, its minimum and its maximum (in their original order) and
// its last point, so spikes — a loss jumping to NaN or 87.33 — survive any zoom level, while a
// million-point series is drawn as a few thousand points. The full series is never modified.

export interface DecimatedSeries {
  x: number[];
  /** null marks a gap: the bucket held a non-finite value (NaN/Infinity loss) or no point. */
  y: Array<number | null>;
}

export interface DecimateOptions {
  /** Number of x slices; each contributes at most 4 points plus one gap marker. */
  buckets: number;
  /** Draw only this x range (defaults to the whole series). */
  xMin?: number;
  xMax?: number;
}

/**
 * Decimate a series whose x values ascend. Series shorter than 4 × buckets are returned
 * unchanged (as copies with non-finite values turned into gaps).
 */
export function decimateMinMax(xs: ArrayLike<number>, ys: ArrayLike<number | null>, options: DecimateOptions): DecimatedSeries {
  const length = Math.min(xs.length, ys.length);
  const out: DecimatedSeries = { x: [], y: [] };
  if (length === 0) return out;
  let start = 0;
  let end = length;
  if (options.xMin !== undefined) start = lowerBound(xs, options.xMin, length);
  if (options.xMax !== undefined) end = upperBound(xs, options.xMax, length);
  // Keep one point either side of the visible range so lines run to the chart's edges.
  start = Math.max(0, start - 1);
  end = Math.min(length, end + 1);
  const count = end - start;
  const buckets = Math.max(1, Math.floor(options.buckets));
  if (count <= buckets * 4) {
    for (let index = start; index < end; index++) pushPoint(out, xs[index]!, ys[index]);
    return out;
  }
  const xFirst = xs[start]!;
  const xLast = xs[end - 1]!;
  const width = (xLast - xFirst) / buckets || 1;
  let index = start;
  for (let bucket = 0; bucket < buckets && index < end; bucket++) {
    const bucketEnd = bucket === buckets - 1 ? Infinity : xFirst + width * (bucket + 1);
    const first = index;
    while (index < end && xs[index]! < bucketEnd) index++;
    if (index === first) continue;
    const last = index - 1;
    const { minAt, maxAt, gapAt } = extremes(ys, first, index);
    const picks = [first, minAt, maxAt, gapAt, last].filter((pick) => pick >= 0);
    picks.sort((a, b) => a - b);
    let previous = -1;
    for (const pick of picks) {
      if (pick === previous) continue;
      previous = pick;
      pushPoint(out, xs[pick]!, ys[pick]);
    }
  }
  return out;
}

/** Indexes of the first minimum, first maximum and first non-finite value in ys[start, end) (−1: none). */
function extremes(ys: ArrayLike<number | null>, start: number, end: number): { minAt: number; maxAt: number; gapAt: number } {
  let minAt = -1;
  let maxAt = -1;
  let gapAt = -1;
  for (let index = start; index < end; index++) {
    const value = ys[index];
    if (value === null || value === undefined || !Number.isFinite(value)) {
      if (gapAt < 0) gapAt = index;
    } else {
      if (minAt < 0 || value < ys[minAt]!) minAt = index;
      if (maxAt < 0 || value > ys[maxAt]!) maxAt = index;
    }
  }
  return { minAt, maxAt, gapAt };
}

function pushPoint(out: DecimatedSeries, x: number, y: number | null | undefined): void {
  out.x.push(x);
  out.y.push(y === null || y === undefined || !Number.isFinite(y) ? null : y);
}

/** First index whose x ≥ value. */
function lowerBound(xs: ArrayLike<number>, value: number, length: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (xs[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index whose x > value. */
function upperBound(xs: ArrayLike<number>, value: number, length: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (xs[mid]! <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Min/max decimation for a series that only grows (a live run), in O(blocks) per draw instead
 * of O(points): complete blocks of `blockSize` points keep the index of their minimum, maximum
 * and first gap, updated as points arrive. When a bucket spans many blocks its edges snap to
 * block edges (a shift of under one block, invisible at one bucket per pixel), and each bucket
 * is drawn from its blocks' summaries. Small ranges fall back to the exact scan.
 */
export class MinMaxBlockIndex {
  private minIndex: number[] = [];
  private maxIndex: number[] = [];
  private gapIndex: number[] = [];
  private source: ArrayLike<number | null> | undefined;

  constructor(readonly blockSize = 64) {}

  private update(ys: ArrayLike<number | null>): void {
    const size = this.blockSize;
    if (ys !== this.source || ys.length < this.minIndex.length * size) {
      this.source = ys;
      this.minIndex = [];
      this.maxIndex = [];
      this.gapIndex = [];
    }
    for (let block = this.minIndex.length; (block + 1) * size <= ys.length; block++) {
      const { minAt, maxAt, gapAt } = extremes(ys, block * size, (block + 1) * size);
      this.minIndex.push(minAt);
      this.maxIndex.push(maxAt);
      this.gapIndex.push(gapAt);
    }
  }

  decimate(xs: ArrayLike<number>, ys: ArrayLike<number | null>, options: DecimateOptions): DecimatedSeries {
    const length = Math.min(xs.length, ys.length);
    const size = this.blockSize;
    const buckets = Math.max(1, Math.floor(options.buckets));
    let start = options.xMin !== undefined ? lowerBound(xs, options.xMin, length) : 0;
    let end = options.xMax !== undefined ? upperBound(xs, options.xMax, length) : length;
    start = Math.max(0, start - 1);
    end = Math.min(length, end + 1);
    // Blocks pay off only when a bucket spans several of them.
    if (end - start < buckets * size * 4) return decimateMinMax(xs, ys, options);
    this.update(ys);
    const out: DecimatedSeries = { x: [], y: [] };
    const firstBlock = Math.ceil(start / size);
    const lastBlock = Math.min(this.minIndex.length, Math.floor(end / size));
    const emit = (picks: number[]) => {
      picks.sort((a, b) => a - b);
      let previous = -1;
      for (const pick of picks) {
        if (pick < 0 || pick === previous) continue;
        previous = pick;
        pushPoint(out, xs[pick]!, ys[pick]);
      }
    };
    const scan = (from: number, to: number) => {
      if (from >= to) return;
      let minAt = -1;
      let maxAt = -1;
      let gapAt = -1;
      for (let index = from; index < to; index++) {
        const value = ys[index];
        if (value === null || value === undefined || !Number.isFinite(value)) {
          if (gapAt < 0) gapAt = index;
        } else {
          if (minAt < 0 || value < ys[minAt]!) minAt = index;
          if (maxAt < 0 || value > ys[maxAt]!) maxAt = index;
        }
      }
      emit([from, minAt, maxAt, gapAt, to - 1]);
    };
    scan(start, firstBlock * size);
    const blocks = lastBlock - firstBlock;
    for (let bucket = 0; bucket < buckets; bucket++) {
      const from = firstBlock + Math.floor((bucket * blocks) / buckets);
      const to = firstBlock + Math.floor(((bucket + 1) * blocks) / buckets);
      if (from >= to) continue;
      let minAt = -1;
      let maxAt = -1;
      let gapAt = -1;
      for (let block = from; block < to; block++) {
        const blockMin = this.minIndex[block]!;
        const blockMax = this.maxIndex[block]!;
        if (blockMin >= 0 && (minAt < 0 || ys[blockMin]! < ys[minAt]!)) minAt = blockMin;
        if (blockMax >= 0 && (maxAt < 0 || ys[blockMax]! > ys[maxAt]!)) maxAt = blockMax;
        if (gapAt < 0 && this.gapIndex[block]! >= 0) gapAt = this.gapIndex[block]!;
      }
      emit([from * size, minAt, maxAt, gapAt, to * size - 1]);
    }
    scan(Math.max(lastBlock * size, firstBlock * size), end);
    return out;
  }
}
