// The .lossbook file format: a versioned JSON document whose metric series are stored compactly
// (issue 7: 1M points under 10 MB, opened in under 1 s). The in-memory model (./model.ts) keeps
// series as plain arrays; this file encodes them:
//   values  float32, little-endian, base64 (null ⇄ NaN; 7 significant digits, like tfjs itself)
//   steps / epochs  lossless: an arithmetic `range`, run-length `runs`, `int32` or `float64`,
//                   whichever is smallest (steps are usually 0,1,2,… and epochs 0,0,…,1,1,…)
// Every older format version migrates forward (./migrations.ts); a newer or unknown version is
// refused as a whole, never half-loaded. Pure TypeScript: the renderer may use it too.
import { z } from 'zod';
import { CellSchema, NotebookMetadataSchema, NotebookSchema, RunRecordSchema, type Notebook, type Series } from './model';
import { migrateToCurrent, OLDEST_READABLE_FORMAT_VERSION } from './migrations';
import { formatBytes } from '../format-bytes';

/** Bump when the document's shape changes, and add a migration from the previous version. */
export const LOSSBOOK_FORMAT_VERSION = 1;

/** Refused before reading: far above any real notebook (1M points ≈ 6 MB), below V8's string limit. */
export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

/** No series may claim more points than a file of MAX_NOTEBOOK_BYTES can hold (float32 values, base64). */
export const MAX_SERIES_POINTS = Math.floor((MAX_NOTEBOOK_BYTES / 4) * 3 / 4);

/**
 * How deeply arrays and objects may nest. A real notebook nests about a dozen levels (a sweep
 * artifact's trials); 10,000 nested arrays overflowed the stack in export and in the server's
 * JSON.stringify (issue 17), so depth is refused at parse, before anything walks the document.
 */
export const MAX_JSON_DEPTH = 256;

export type NotebookFormatErrorReason =
  | 'not-json'
  | 'truncated'
  | 'not-a-notebook'
  | 'invalid'
  | 'newer-version'
  | 'unknown-version'
  | 'too-large'
  | 'too-deep';

/** A document that cannot be opened; `message` is written for the user and says why. */
export class NotebookFormatError extends Error {
  override readonly name = 'NotebookFormatError';
  constructor(
    readonly reason: NotebookFormatErrorReason,
    message: string,
  ) {
    super(message);
  }
}

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

// ───────────────────────────── the document ─────────────────────────────

export const FileSeriesSchema = z.object({
  name: z.string(),
  steps: EncodedNumbersSchema,
  values: EncodedValuesSchema,
  epochs: EncodedNumbersSchema,
});
export type FileSeries = z.infer<typeof FileSeriesSchema>;

export const FileRunSchema = RunRecordSchema.extend({ series: z.array(FileSeriesSchema) });
export const FileCellSchema = CellSchema.extend({ runs: z.array(FileRunSchema) });

/** The .lossbook document, format version 1 (what resources/lossbook.schema.json publishes). */
export const NotebookFileSchema = z.object({
  format: z.literal('lossbook'),
  formatVersion: z.literal(LOSSBOOK_FORMAT_VERSION),
  /** "Lossbook 0.1.0": who wrote the file, for the message when a newer file is refused. */
  savedBy: z.string().optional(),
  metadata: NotebookMetadataSchema,
  cells: z.array(FileCellSchema),
});
export type NotebookFile = z.infer<typeof NotebookFileSchema>;

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

export function toNotebookFile(notebook: Notebook, savedBy?: string): NotebookFile {
  return {
    format: 'lossbook',
    formatVersion: LOSSBOOK_FORMAT_VERSION,
    ...(savedBy ? { savedBy } : {}),
    metadata: notebook.metadata,
    cells: notebook.cells.map((cell) => ({ ...cell, runs: cell.runs.map((run) => ({ ...run, series: run.series.map(encodeSeries) })) })),
  };
}

export function fromNotebookFile(file: NotebookFile): Notebook {
  return {
    metadata: file.metadata,
    cells: file.cells.map((cell) => ({ ...cell, runs: cell.runs.map((run) => ({ ...run, series: run.series.map(decodeSeries) })) })),
  };
}

/** The notebook as .lossbook text. Validates first, so an invalid notebook is never written. */
export function serializeNotebook(notebook: Notebook, options: { savedBy?: string } = {}): string {
  // Checked first: zod and JSON.stringify both recurse, and a save must fail with a reason, not a stack overflow.
  if (valueDepth(notebook, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new NotebookFormatError('too-deep', `The notebook cannot be saved: it nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  const checked = NotebookSchema.safeParse(notebook);
  if (!checked.success) throw new NotebookFormatError('invalid', `The notebook cannot be saved: ${describeIssues(checked.error)}`);
  return JSON.stringify(toNotebookFile(checked.data, options.savedBy), null, 1) + '\n';
}

/**
 * Read .lossbook text into a notebook: JSON, then the version (migrating older ones), then the
 * whole document against the schema, then the series codecs. Any failure throws a
 * NotebookFormatError with the reason; nothing partial is returned.
 */
export function parseNotebook(text: string): Notebook {
  if (text.length > MAX_NOTEBOOK_BYTES) {
    throw new NotebookFormatError('too-large', `The file is ${formatBytes(text.length)}; Lossbook opens notebooks up to ${formatBytes(MAX_NOTEBOOK_BYTES)}.`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const depth = jsonTextDepth(body, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw new NotebookFormatError('too-deep', `The file nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; no Lossbook notebook does, so it is refused.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (error) {
    throw jsonError(body, error);
  }
  const current = migrateToCurrent(checkHeader(raw));
  const parsed = NotebookFileSchema.safeParse(current);
  if (!parsed.success) throw new NotebookFormatError('invalid', `The notebook file is damaged or was edited by hand: ${describeIssues(parsed.error)}`);
  try {
    return fromNotebookFile(parsed.data);
  } catch (error) {
    throw new NotebookFormatError('invalid', `A metric series in the file is damaged: ${(error as Error).message}.`);
  }
}

/**
 * The nesting depth of JSON text, counted without parsing (brackets outside strings), stopping as
 * soon as it passes `limit`: a linear scan that cannot overflow the stack however deep the text.
 */
export function jsonTextDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 92 /* backslash: skip the escaped character */) index++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 91 /* [ */ || code === 123 /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 93 /* ] */ || code === 125 /* } */) depth--;
  }
  return deepest;
}

/** The nesting depth of a value (arrays and objects), walked without recursion; stops past `limit`. */
export function valueDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const level = depth + 1;
    if (level > deepest) {
      deepest = level;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: level });
    }
  }
  return deepest;
}

/** Check the header: a .lossbook document of a version this build can read (or migrate). */
function checkHeader(raw: unknown): { formatVersion: number } & Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || (raw as Record<string, unknown>).format !== 'lossbook') {
    throw new NotebookFormatError('not-a-notebook', 'The file is JSON but not a Lossbook notebook (it has no "format": "lossbook" header).');
  }
  const document = raw as Record<string, unknown>;
  const version = document.formatVersion;
  const savedBy = typeof document.savedBy === 'string' ? ` by ${document.savedBy}` : '';
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new NotebookFormatError('unknown-version', `The notebook's format version (${JSON.stringify(version) ?? 'missing'}) is not one Lossbook knows.`);
  }
  if (version > LOSSBOOK_FORMAT_VERSION) {
    throw new NotebookFormatError(
      'newer-version',
      `The notebook was saved${savedBy} in format version ${version}; this Lossbook reads versions ${OLDEST_READABLE_FORMAT_VERSION} to ${LOSSBOOK_FORMAT_VERSION}. Update Lossbook to open it.`,
    );
  }
  if (version < OLDEST_READABLE_FORMAT_VERSION) {
    throw new NotebookFormatError('unknown-version', `The notebook's format version ${version} is older than any Lossbook has written.`);
  }
  return document as { formatVersion: number } & Record<string, unknown>;
}

function jsonError(text: string, error: unknown): NotebookFormatError {
  const message = (error as Error).message;
  const start = text.trimStart()[0];
  if (start !== '{') {
    const looksBinary = hasControlCharacters(text.slice(0, 1024));
    return new NotebookFormatError('not-json', looksBinary ? 'The file is not a Lossbook notebook: it is binary, not JSON text.' : `The file is not a Lossbook notebook: it is not JSON (${message}).`);
  }
  // Truncated: the parser ran out of text (V8 says so, or fails at the very end of the input).
  const position = /at position (\d+)/.exec(message);
  if (/end of JSON input/i.test(message) || (position && Number(position[1]) >= text.trimEnd().length)) {
    return new NotebookFormatError('truncated', 'The file ends too early: it looks truncated (an interrupted copy or save). Try its recovery copy or a backup.');
  }
  return new NotebookFormatError('not-json', `The file is not valid JSON: ${message}.`);
}

/** NUL and other C0 controls (not tab/newline/carriage return) do not occur in JSON text. */
function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) return true;
  }
  return false;
}

export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => `${issue.path.length ? issue.path.join('.') : 'document'}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return issues.join('; ') + more;
}


/** The published JSON Schema of the current format (scripts/gen-schema.mjs writes it to resources/). */
export function lossbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(NotebookFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `urn:lossbook:notebook:format:${LOSSBOOK_FORMAT_VERSION}`,
    title: `Lossbook notebook (.lossbook), format version ${LOSSBOOK_FORMAT_VERSION}`,
    description:
      'A Lossbook notebook: cells, their outputs and runs. Metric series are stored compactly: values as little-endian float32 in base64 (NaN = missing); steps and epochs as an arithmetic range, run-length pairs (float64), int32 or float64, base64.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
