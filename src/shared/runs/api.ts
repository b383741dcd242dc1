// The run store's API calls (issue 20), kept together so they move as one block into the typed
// API table when it lands: their schemas (validated on the host side), and the methods the
// renderer sees. src/shared/api.ts spreads RUNS_API_CALLS into ApiCallSchema.
import { z } from 'zod';
import type { RunComparison } from './compare';
import type { RunDetail, RunEntry, StoredSeries } from './model';

const RunReferenceSchema = z.string().min(1).max(500);
const TagSchema = z.string().trim().min(1).max(100);

export const RUNS_API_CALLS = [
  z.object({ method: z.literal('listRuns') }),
  z.object({ method: z.literal('getRun'), params: z.object({ id: RunReferenceSchema }) }),
  z.object({ method: z.literal('runSeries'), params: z.object({ ids: z.array(RunReferenceSchema).min(1).max(200), names: z.array(z.string().max(500)).max(200).optional() }) }),
  z.object({ method: z.literal('compareRuns'), params: z.object({ a: RunReferenceSchema, b: RunReferenceSchema }) }),
  z.object({ method: z.literal('deleteRuns'), params: z.object({ ids: z.array(RunReferenceSchema).min(1).max(100_000) }) }),
  z.object({ method: z.literal('tagRun'), params: z.object({ id: RunReferenceSchema, add: z.array(TagSchema).max(50), remove: z.array(TagSchema).max(50) }) }),
  z.object({ method: z.literal('setRunNote'), params: z.object({ id: RunReferenceSchema, note: z.string().max(100_000) }) }),
] as const;

export type RunsApiCall = z.infer<(typeof RUNS_API_CALLS)[number]>;
export const RUNS_API_METHODS: ReadonlySet<string> = new Set(RUNS_API_CALLS.map((schema) => schema.shape.method.value));

export function isRunsApiCall(call: { method: string }): call is RunsApiCall {
  return RUNS_API_METHODS.has(call.method);
}

export interface RunsListing {
  /** The store's file, shown in the view. */
  store: string;
  runs: RunEntry[];
}

/** What the renderer may ask about runs; optional in LossbookApi where a host has no store. */
export interface RunsApi {
  listRuns(): Promise<RunsListing>;
  getRun(id: string): Promise<RunDetail>;
  runSeries(ids: string[], names?: string[]): Promise<StoredSeries[]>;
  compareRuns(a: string, b: string): Promise<{ comparison: RunComparison; a: RunDetail; b: RunDetail }>;
  deleteRuns(ids: string[]): Promise<{ deleted: number }>;
  tagRun(id: string, add: string[], remove: string[]): Promise<string[]>;
  setRunNote(id: string, note: string): Promise<void>;
}
