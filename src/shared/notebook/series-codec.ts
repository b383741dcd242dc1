// The compact encodings of metric series in a .lossbook document (issue 7: 1M points under
// 10 MB, opened in under 1 s):
//   values  float32, little-endian, base64 (null ⇄ NaN; 7 significant digits, like tfjs itself)
//   steps / epochs  lossless: an arithmetic `range`, run-length `runs`, `int32` or `float64`,
//                   whichever is smallest (steps are usually 0,1,2,… and epochs 0,0,…,1,1,…)
// Used by the current format (./format.ts) and by migrations from older ones (./migrations.ts).
// Pure TypeScript: the renderer may use it too.
import { z } from 'zod';
import type { Series } from './model';

/** Refused before reading: far above any real notebook (1M points ≈ 6 MB), below V8's string limit. */
export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

/** No series may claim more points than a file of MAX_NOTEBOOK_BYTES can hold (float32 values, base64). */
export const MAX_SERIES_POINTS = Math.floor((MAX_NOTEBOOK_BYTES / 4) * 3 / 4);

// ───────────────────────────── number codecs ─────────────────────────────

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const Base64Schema = z.string().regex(BASE64_PATTERN, 'not base64');
const LengthSchema = z.number().int().min(0);

/** A lossless encoding of a number array (steps, epochs). */
export const EncodedNumbersSchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('range'), length: LengthSchema, start: z.number(), stride: z.number() }),
  /** Pairs (value, count) as float64 values, base64. */
  z.object({ encoding: z.literal('runs'), length: LengthSchema, data: Base64Schema }),
  z.object({ encoding: z.literal('int32'), length: LengthSchema, data: Base64Schema }),
  z.object({ encoding: z.literal('float64'), length: LengthSchema, data: Base64Schema }),
]);
export type EncodedNumbers = z.infer<typeof EncodedNumbersSchema>;

/** Metric values: float32, NaN for a missing (null) value. */
export const EncodedValuesSchema = z.object({ encoding: z.literal('float32'), length: LengthSchema, data: Base64Schema });
export type EncodedValues = z.infer<typeof EncodedValuesSchema>;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE_TABLE = (() => {
  const table = new Int16Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index;
  return table;
})();

// Hand-written base64 so the codec runs the same in Node and the renderer (no Buffer there).
export function bytesToBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const chunkBytes = 3 * 16384;
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
    const end = Math.min(bytes.length, offset + chunkBytes);
    const codes: number[] = [];
    let index = offset;
    for (; index + 2 < end; index += 3) {
      const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
      codes.push(ALPHABET.charCodeAt(triple >> 18), ALPHABET.charCodeAt((triple >> 12) & 63), ALPHABET.charCodeAt((triple >> 6) & 63), ALPHABET.charCodeAt(triple & 63));
    }
    const rest = end - index;
    if (rest === 1) {
      const value = bytes[index]!;
      codes.push(ALPHABET.charCodeAt(value >> 2), ALPHABET.charCodeAt((value & 3) << 4), 61, 61);
    } else if (rest === 2) {
      const value = (bytes[index]! << 8) | bytes[index + 1]!;
      codes.push(ALPHABET.charCodeAt(value >> 10), ALPHABET.charCodeAt((value >> 4) & 63), ALPHABET.charCodeAt((value & 15) << 2), 61);
    }
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

export function base64ToBytes(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError('base64 length is not a multiple of 4');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  let out = 0;
  for (let index = 0; index < text.length; index += 4) {
    const a = sextet(text, index);
    const b = sextet(text, index + 1);
    const c = text.charCodeAt(index + 2) === 61 ? 0 : sextet(text, index + 2);
    const d = text.charCodeAt(index + 3) === 61 ? 0 : sextet(text, index + 3);
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[out++] = triple >> 16;
    if (out < bytes.length) bytes[out++] = (triple >> 8) & 255;
    if (out < bytes.length) bytes[out++] = triple & 255;
  }
  return bytes;
}

function sextet(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE_TABLE[code]! : -1;
  if (value < 0) throw new RangeError(`invalid base64 character at ${index}`);
  return value;
}

function typedToBase64(array: Float32Array | Float64Array | Int32Array): string {
  if (LITTLE_ENDIAN) return bytesToBase64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  const bytes = new Uint8Array(array.byteLength);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < array.length; index++) {
    if (array instanceof Float32Array) view.setFloat32(index * 4, array[index]!, true);
    else if (array instanceof Float64Array) view.setFloat64(index * 8, array[index]!, true);
    else view.setInt32(index * 4, array[index]!, true);
  }
  return bytesToBase64(bytes);
}

function base64ToTyped(text: string, kind: 'float32' | 'float64' | 'int32', length: number): Float32Array | Float64Array | Int32Array {
  const bytes = base64ToBytes(text);
  const width = kind === 'float64' ? 8 : 4;
  if (bytes.length !== length * width) throw new RangeError(`holds ${bytes.length} bytes, expected ${length * width} for ${length} ${kind} values`);
  if (LITTLE_ENDIAN) {
    if (kind === 'float32') return new Float32Array(bytes.buffer, 0, length);
    if (kind === 'float64') return new Float64Array(bytes.buffer, 0, length);
    return new Int32Array(bytes.buffer, 0, length);
  }
  const view = new DataView(bytes.buffer);
  const out = kind === 'float32' ? new Float32Array(length) : kind === 'float64' ? new Float64Array(length) : new Int32Array(length);
  for (let index = 0; index < length; index++) {
    out[index] = kind === 'float32' ? view.getFloat32(index * 4, true) : kind === 'float64' ? view.getFloat64(index * 8, true) : view.getInt32(index * 4, true);
  }
  return out;
}

function isInt32(value: number): boolean {
  // -0 is not stored as int32 (it would come back as 0): encodings are lossless.
  return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647 && !Object.is(value, -0);
}

/** Encode steps or epochs losslessly, picking the smallest encoding that reproduces them exactly. */
export function encodeNumbers(numbers: readonly number[]): EncodedNumbers {
  const length = numbers.length;
  if (length === 0) return { encoding: 'range', length: 0, start: 0, stride: 0 };
  const start = numbers[0]!;
  const stride = length > 1 ? numbers[1]! - start : 0;
  let isRange = Number.isFinite(start) && Number.isFinite(stride);
  let allInt32 = true;
  let runCount = 1;
  for (let index = 0; index < length; index++) {
    const value = numbers[index]!;
    if (isRange && !Object.is(start + index * stride, value)) isRange = false;
    if (allInt32 && !isInt32(value)) allInt32 = false;
    if (index > 0 && !Object.is(value, numbers[index - 1])) runCount++;
  }
  if (isRange) return { encoding: 'range', length, start, stride };
  // Runs cost 16 bytes each; pick them when they beat one value per point.
  const perPointBytes = allInt32 ? 4 : 8;
  if (runCount * 16 < length * perPointBytes) {
    const runs = new Float64Array(runCount * 2);
    let run = 0;
    runs[0] = numbers[0]!;
    runs[1] = 1;
    for (let index = 1; index < length; index++) {
      if (Object.is(numbers[index], runs[run * 2])) runs[run * 2 + 1] = runs[run * 2 + 1]! + 1;
      else {
        run++;
        runs[run * 2] = numbers[index]!;
        runs[run * 2 + 1] = 1;
      }
    }
    return { encoding: 'runs', length, data: typedToBase64(runs) };
  }
  if (allInt32) return { encoding: 'int32', length, data: typedToBase64(Int32Array.from(numbers)) };
  return { encoding: 'float64', length, data: typedToBase64(Float64Array.from(numbers)) };
}

/**
 * Decode steps or epochs. `maxLength` bounds the result before anything is allocated: a 7 KB
 * file that claims a `range` of 4,294,967,295 epochs must be refused, not allocated (issue 17).
 */
export function decodeNumbers(encoded: EncodedNumbers, maxLength = MAX_SERIES_POINTS): number[] {
  const { length } = encoded;
  if (length > maxLength) throw new RangeError(`claims ${length} values, more than the ${maxLength} it may hold`);
  if (encoded.encoding !== 'range') checkDataLength(encoded.data, encoded.encoding, encoded.encoding === 'runs' ? undefined : length);
  const out = new Array<number>(length);
  switch (encoded.encoding) {
    case 'range':
      for (let index = 0; index < length; index++) out[index] = encoded.start + index * encoded.stride;
      return out;
    case 'runs': {
      const bytes = base64ToBytes(encoded.data);
      if (bytes.length % 16 !== 0) throw new RangeError(`holds ${bytes.length} bytes, not whole (value, count) pairs`);
      const runs = base64ToTyped(encoded.data, 'float64', bytes.length / 8);
      let index = 0;
      for (let run = 0; run < runs.length; run += 2) {
        const value = runs[run]!;
        const count = runs[run + 1]!;
        if (!Number.isInteger(count) || count < 1 || index + count > length) throw new RangeError(`run ${run / 2} has a bad count (${count})`);
        for (let repeat = 0; repeat < count; repeat++) out[index++] = value;
      }
      if (index !== length) throw new RangeError(`runs cover ${index} values, expected ${length}`);
      return out;
    }
    case 'int32':
    case 'float64': {
      const typed = base64ToTyped(encoded.data, encoded.encoding, length);
      for (let index = 0; index < length; index++) out[index] = typed[index]!;
      return out;
    }
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The base64 text must be exactly as long as the claimed length needs (or, for runs, whole
 * 16-byte pairs): checked on the string the file already holds, before any buffer is made.
 */
function checkDataLength(data: string, kind: 'float32' | 'float64' | 'int32' | 'runs', length: number | undefined): void {
  if (kind === 'runs') {
    const bytes = Math.floor((data.length / 4) * 3);
    if (data.length % 4 !== 0 || (bytes - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0)) % 16 !== 0) {
      throw new RangeError(`holds ${data.length} base64 characters, not whole (value, count) pairs`);
    }
    return;
  }
  const width = kind === 'float64' ? 8 : 4;
  const expected = Math.ceil(((length ?? 0) * width) / 3) * 4;
  if (data.length !== expected) throw new RangeError(`holds ${data.length} base64 characters, expected ${expected} for ${length} ${kind} values`);
}

export function encodeValues(values: ReadonlyArray<number | null>): EncodedValues {
  const typed = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    // Finite doubles beyond float32's range would become ±Infinity, which the model rejects:
    // keep them as the largest float32 instead ("exploded" stays visible in the chart).
    typed[index] = value === null || value === undefined ? NaN : Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, value));
  }
  return { encoding: 'float32', length: values.length, data: typedToBase64(typed) };
}

export function decodeValues(encoded: EncodedValues): Array<number | null> {
  checkDataLength(encoded.data, 'float32', encoded.length);
  const typed = base64ToTyped(encoded.data, 'float32', encoded.length);
  const out = new Array<number | null>(encoded.length);
  for (let index = 0; index < typed.length; index++) {
    const value = typed[index]!;
    out[index] = Number.isFinite(value) ? value : null;
  }
  return out;
}

// ───────────────────────────── series ─────────────────────────────

export const FileSeriesSchema = z.object({
  name: z.string(),
  steps: EncodedNumbersSchema,
  values: EncodedValuesSchema,
  epochs: EncodedNumbersSchema,
});
export type FileSeries = z.infer<typeof FileSeriesSchema>;

export function encodeSeries(series: Series): FileSeries {
  return { name: series.name, steps: encodeNumbers(series.steps), values: encodeValues(series.values), epochs: encodeNumbers(series.epochs) };
}

/**
 * Decode one series. Its values are stored point by point, so their length is backed by the
 * file's own bytes; steps and epochs (which `range` and `runs` can claim at any length for a
 * few bytes) must match it before they are decoded (issue 17's memory bomb).
 */
export function decodeSeries(series: FileSeries): Series {
  const name = series.name.length > 80 ? `${series.name.slice(0, 80)}…` : series.name;
  const points = series.values.length;
  const values = decodeValues(series.values);
  if (series.steps.length !== points) throw new RangeError(`series "${name}" has ${series.steps.length} steps but ${points} values`);
  if (series.epochs.length !== points && series.epochs.length !== 0) {
    throw new RangeError(`series "${name}" has ${series.epochs.length} epochs for ${points} values (an epoch per value, or none)`);
  }
  return { name: series.name, steps: decodeNumbers(series.steps, points), values, epochs: decodeNumbers(series.epochs, points) };
}
