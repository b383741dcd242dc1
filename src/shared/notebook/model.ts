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

export const NotebookSchema = z.object({
  metadata: NotebookMetadataSchema,
  cells: z.array(CellSchema),
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
