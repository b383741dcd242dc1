// The .lossbook file format: a versioned JSON document whose metric series are stored compactly
// (issue 7: 1M points under 10 MB, opened in under 1 s). The in-memory model (./model.ts) keeps
// series as plain arrays; ./series-codec.ts encodes them, ./format-errors.ts says what is wrong.
// Every older format version migrates forward (./migrations.ts); a newer or unknown version is
// refused as a whole, never half-loaded. Pure TypeScript: the renderer may use it too.
import { z } from 'zod';
import { CellSchema, COMPARISON_LIMITS, NotebookMetadataSchema, NotebookSchema, RunComparisonSnapshotSchema, RunRecordSchema, type Notebook } from './model';
import { describeIssues, NotebookFormatError } from './format-errors';
import { migrateToCurrent, OLDEST_READABLE_FORMAT_VERSION } from './migrations';
import { decodeSeries, encodeSeries, EncodedValuesSchema, FileSeriesSchema, MAX_NOTEBOOK_BYTES } from './series-codec';
import { formatBytes } from '../format-bytes';

// What other modules import from the format; they live beside it so migrations need not import it.
export { describeIssues, NotebookFormatError, type NotebookFormatErrorReason } from './format-errors';
export {
  base64ToBytes,
  bytesToBase64,
  decodeNumbers,
  decodeSeries,
  decodeValues,
  encodeNumbers,
  encodeSeries,
  encodeValues,
  EncodedNumbersSchema,
  EncodedValuesSchema,
  FileSeriesSchema,
  MAX_NOTEBOOK_BYTES,
  MAX_SERIES_POINTS,
  type EncodedNumbers,
  type EncodedValues,
  type FileSeries,
} from './series-codec';

/** Bump when the document's shape changes, and add a migration from the previous version. */
export const LOSSBOOK_FORMAT_VERSION = 2;

/**
 * How deeply arrays and objects may nest. A real notebook nests about a dozen levels (a sweep
 * artifact's trials); 10,000 nested arrays overflowed the stack in export and in the server's
 * JSON.stringify (issue 17), so depth is refused at parse, before anything walks the document.
 */
export const MAX_JSON_DEPTH = 256;

// ───────────────────────────── the document ─────────────────────────────

export const FileRunSchema = RunRecordSchema.extend({ series: z.array(FileSeriesSchema) });
export const FileCellSchema = CellSchema.extend({ runs: z.array(FileRunSchema) });
/** A comparison's curve in the file: the run series' codec, its length bounded like the snapshot's. */
const FileComparisonSeriesSchema = FileSeriesSchema.extend({ values: EncodedValuesSchema.extend({ length: z.number().int().min(0).max(COMPARISON_LIMITS.seriesPoints) }) });
const FileCurvesSchema = z.array(FileComparisonSeriesSchema).max(COMPARISON_LIMITS.seriesPerRun);
export const FileComparisonSchema = RunComparisonSnapshotSchema.extend({ curves: z.object({ a: FileCurvesSchema, b: FileCurvesSchema }) });

/** The .lossbook document, format version 2 (what resources/lossbook.schema.json publishes). */
export const NotebookFileSchema = z.object({
  format: z.literal('lossbook'),
  formatVersion: z.literal(LOSSBOOK_FORMAT_VERSION),
  /** "Lossbook 0.1.0": who wrote the file, for the message when a newer file is refused. */
  savedBy: z.string().optional(),
  metadata: NotebookMetadataSchema,
  cells: z.array(FileCellSchema),
  /** Run comparisons kept with the notebook (version 2), after its cells; empty when none. */
  comparisons: z.array(FileComparisonSchema),
});
export type NotebookFile = z.infer<typeof NotebookFileSchema>;

export function toNotebookFile(notebook: Notebook, savedBy?: string): NotebookFile {
  return {
    format: 'lossbook',
    formatVersion: LOSSBOOK_FORMAT_VERSION,
    ...(savedBy ? { savedBy } : {}),
    metadata: notebook.metadata,
    cells: notebook.cells.map((cell) => ({ ...cell, runs: cell.runs.map((run) => ({ ...run, series: run.series.map(encodeSeries) })) })),
    comparisons: (notebook.comparisons ?? []).map((snapshot) => ({ ...snapshot, curves: { a: snapshot.curves.a.map(encodeSeries), b: snapshot.curves.b.map(encodeSeries) } })),
  };
}

export function fromNotebookFile(file: NotebookFile): Notebook {
  const comparisons = file.comparisons.map((snapshot) => ({ ...snapshot, curves: { a: snapshot.curves.a.map(decodeSeries), b: snapshot.curves.b.map(decodeSeries) } }));
  return {
    metadata: file.metadata,
    cells: file.cells.map((cell) => ({ ...cell, runs: cell.runs.map((run) => ({ ...run, series: run.series.map(decodeSeries) })) })),
    // Absent rather than empty, so a notebook without comparisons reads back as it was made.
    ...(comparisons.length ? { comparisons } : {}),
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

/** The published JSON Schema of the current format (scripts/gen-schema.mjs writes it to resources/). */
export function lossbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(NotebookFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `urn:lossbook:notebook:format:${LOSSBOOK_FORMAT_VERSION}`,
    title: `Lossbook notebook (.lossbook), format version ${LOSSBOOK_FORMAT_VERSION}`,
    description:
      'A Lossbook notebook: cells, their outputs and runs, and the run comparisons kept with it. Metric series are stored compactly: values as little-endian float32 in base64 (NaN = missing); steps and epochs as an arithmetic range, run-length pairs (float64), int32 or float64, base64.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
