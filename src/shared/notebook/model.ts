// The in-memory notebook: what the renderer edits, what the CLI fills, what a .lossbook stores
// (the file format in ./format.ts encodes series compactly and versions the document).
import { z } from 'zod';
import {
  BackendInfoSchema,
  BackendRequestSchema,
  CellErrorSchema,
  CellLanguageSchema,
  DisplayValueSchema,
  FindingSchema,
  RunMemorySchema,
  RunStatusSchema,
  SeveritySchema,
} from '../protocol';

export const CellOutputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: z.string() }),
  z.object({ type: z.literal('display'), value: DisplayValueSchema }),
  z.object({ type: z.literal('error'), error: CellErrorSchema }),
]);
export type CellOutput = z.infer<typeof CellOutputSchema>;

/** One metric series of a run: x = global step. Kept whole; charts decimate what they draw. */
export const SeriesSchema = z.object({
  name: z.string(),
  steps: z.array(z.number()),
  values: z.array(z.number().nullable()),
  /** Epoch of each point, where known (same length as steps, or empty). */
  epochs: z.array(z.number()),
});
export type Series = z.infer<typeof SeriesSchema>;

export const RunRecordSchema = z.object({
  runId: z.string(),
  cellId: z.string(),
  executionCount: z.number(),
  startedAt: z.number(),
  durationMs: z.number().optional(),
  status: z.union([RunStatusSchema, z.literal('running')]),
  backend: BackendInfoSchema.optional(),
  series: z.array(SeriesSchema),
  findings: z.array(FindingSchema),
  memory: RunMemorySchema.optional(),
  progress: z
    .object({ epoch: z.number(), epochs: z.number().optional(), step: z.number(), batch: z.number().optional(), batchesPerEpoch: z.number().optional() })
    .optional(),
  artifacts: z.array(z.object({ kind: z.string(), data: z.unknown() })),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const CellSchema = z.object({
  id: z.string(),
  kind: z.enum(['code', 'markdown']),
  source: z.string(),
  language: CellLanguageSchema.optional(),
  executionCount: z.number().nullable().optional(),
  outputs: z.array(CellOutputSchema),
  /** Runs of this cell, oldest first; the UI overlays the previous run on the latest. */
  runs: z.array(RunRecordSchema),
  /** Finding keys the user dismissed for this cell. */
  dismissed: z.array(z.string()),
  collapsed: z.boolean().optional(),
});
export type Cell = z.infer<typeof CellSchema>;

export const NotebookMetadataSchema = z.object({
  title: z.string(),
  created: z.string(),
  modified: z.string(),
  lossbookVersion: z.string(),
  tfjsVersion: z.string().optional(),
  backend: BackendRequestSchema.optional(),
  lastBackend: BackendInfoSchema.optional(),
});
export type NotebookMetadata = z.infer<typeof NotebookMetadataSchema>;

/**
 * How big one saved comparison may get (format version 2): each curve min/max-decimated to at
 * most `seriesPoints` points, only the curves the comparison chart draws (loss, val_loss, the
 * first compiled metric and its validation twin), each code diff at most `diffRows` rows of at
 * most `lineChars` characters (the rest counted, not kept: never the prior code itself), and
 * the lists capped: 12 KB in the file for short runs, 135 KB for 100,000-point runs with a 200 KB prelude.
 */
export const COMPARISON_LIMITS = { seriesPoints: 2000, seriesPerRun: 8, diffRows: 200, lineChars: 300, configKeys: 300, metrics: 400, findings: 100 } as const;

const ParamValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const DeltaPointSchema = z.object({ step: z.number(), a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() });
const FindingBriefSchema = z.object({ id: z.string(), severity: SeveritySchema, title: z.string(), evidence: z.string() });
const DiffRowSchema = z.union([
  z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string().max(COMPARISON_LIMITS.lineChars) }),
  z.object({ kind: z.enum(['folded', 'omitted']), count: z.number().int().min(1) }),
]);
const DiffRowsSchema = z.array(DiffRowSchema).max(COMPARISON_LIMITS.diffRows + 1);

/** One run of a saved comparison, as the run store had it when the comparison was added. */
export const ComparedRunHeaderSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  createdAt: z.number(),
  durationMs: z.number().nullable(),
  status: z.string(),
  verdict: z.object({ id: z.string(), title: z.string() }).nullable(),
  notebook: z.string().nullable(),
  cellId: z.string(),
  cellIndex: z.number().int().nullable(),
});
export type ComparedRunHeader = z.infer<typeof ComparedRunHeaderSchema>;

/** A curve of a saved comparison: a Series bounded to COMPARISON_LIMITS.seriesPoints. */
export const ComparisonSeriesSchema = SeriesSchema.extend({
  steps: z.array(z.number()).max(COMPARISON_LIMITS.seriesPoints),
  values: z.array(z.number().nullable()).max(COMPARISON_LIMITS.seriesPoints),
  epochs: z.array(z.number()).max(COMPARISON_LIMITS.seriesPoints),
});

/**
 * A comparison of two recorded runs kept in the notebook (issue 20), self-contained: the run
 * store may be on another machine or the runs deleted later. `comparison` is the run store's
 * RunComparison (src/shared/runs/compare.ts) without its a/b (`runs` has more) and with the
 * code diffs folded and bounded; `findingDetails` holds the whole findings that appeared (from
 * B) and went (from A), for their evidence, why and fix; `curves` what the chart draws.
 */
export const RunComparisonSnapshotSchema = z.object({
  id: z.string(),
  /** ISO time the comparison was added to the notebook. */
  addedAt: z.string(),
  runs: z.object({ a: ComparedRunHeaderSchema, b: ComparedRunHeaderSchema }),
  comparison: z.object({
    config: z.array(z.object({ key: z.string(), a: ParamValueSchema, b: ParamValueSchema })).max(COMPARISON_LIMITS.configKeys),
    /** Differing keys past COMPARISON_LIMITS.configKeys, counted. */
    configOmitted: z.number().int().min(0),
    sameKeys: z.number().int().min(0),
    code: z.object({ sourceChanged: z.boolean(), source: DiffRowsSchema, priorChanged: z.boolean(), prior: DiffRowsSchema }),
    metrics: z
      .array(z.object({ name: z.string(), matchedSteps: z.number().int().min(0), points: z.array(DeltaPointSchema).max(20), final: DeltaPointSchema.nullable() }))
      .max(COMPARISON_LIMITS.metrics),
    onlyInA: z.array(z.string()).max(COMPARISON_LIMITS.metrics),
    onlyInB: z.array(z.string()).max(COMPARISON_LIMITS.metrics),
    findings: z.object({
      added: z.array(FindingBriefSchema).max(COMPARISON_LIMITS.findings),
      removed: z.array(FindingBriefSchema).max(COMPARISON_LIMITS.findings),
      kept: z.array(FindingBriefSchema).max(COMPARISON_LIMITS.findings),
    }),
  }),
  findingDetails: z.object({ added: z.array(FindingSchema).max(COMPARISON_LIMITS.findings), removed: z.array(FindingSchema).max(COMPARISON_LIMITS.findings) }),
  curves: z.object({ a: z.array(ComparisonSeriesSchema).max(COMPARISON_LIMITS.seriesPerRun), b: z.array(ComparisonSeriesSchema).max(COMPARISON_LIMITS.seriesPerRun) }),
});
export type RunComparisonSnapshot = z.infer<typeof RunComparisonSnapshotSchema>;

export const NotebookSchema = z.object({
  metadata: NotebookMetadataSchema,
  cells: z.array(CellSchema),
  /** Run comparisons kept with the notebook, shown after its cells (absent: none). */
  comparisons: z.array(RunComparisonSnapshotSchema).optional(),
});
export type Notebook = z.infer<typeof NotebookSchema>;

let idCounter = 0;
/** Short unique id; random part keeps ids unique across processes and sessions. */
export function newId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${idCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function createCell(kind: Cell['kind'], source = ''): Cell {
  return { id: newId('cell'), kind, source, language: kind === 'code' ? 'typescript' : undefined, executionCount: null, outputs: [], runs: [], dismissed: [] };
}

export function createNotebook(title = 'Untitled', lossbookVersion = '0.0.0'): Notebook {
  const now = new Date().toISOString();
  return { metadata: { title, created: now, modified: now, lossbookVersion }, cells: [createCell('code')] };
}
