// The run store's API methods (issue 20), one block of the typed API table (src/shared/api.ts).
import { z } from 'zod';
import { method, returns, type HandlersOf } from '../api-method';
import type { RunComparison } from './compare';
import type { RunDetail, RunEntry, StoredSeries } from './model';

const RunReferenceSchema = z.string().min(1).max(500);
const TagSchema = z.string().trim().min(1).max(100);

/**
 * The run store's entries of the API table (src/shared/api.ts spreads them into API_METHODS):
 * params validated by the host, positional arguments for the client, typed results. Each is
 * answered by RunsHost's handler of the same name (src/host/runs/runs-host.ts).
 */
export const RUNS_API_METHODS = {
  // `limit`: the newest runs only — the view draws its first screenful from them while the rest loads.
  listRuns: method({ params: z.object({ limit: z.number().int().min(1).max(1_000_000).optional() }), args: ['limit'], result: returns<RunsListing>() }),
  getRun: method({ params: z.object({ id: RunReferenceSchema }), args: ['id'], result: returns<RunDetail>() }),
  runSeries: method({
    params: z.object({ ids: z.array(RunReferenceSchema).min(1).max(200), names: z.array(z.string().max(500)).max(200).optional() }),
    args: ['ids', 'names'],
    result: returns<StoredSeries[]>(),
  }),
  compareRuns: method({ params: z.object({ a: RunReferenceSchema, b: RunReferenceSchema }), args: ['a', 'b'], result: returns<{ comparison: RunComparison; a: RunDetail; b: RunDetail }>() }),
  deleteRuns: method({ params: z.object({ ids: z.array(RunReferenceSchema).min(1).max(100_000) }), args: ['ids'], result: returns<{ deleted: number }>() }),
  tagRun: method({ params: z.object({ id: RunReferenceSchema, add: z.array(TagSchema).max(50), remove: z.array(TagSchema).max(50) }), args: ['id', 'add', 'remove'], result: returns<string[]>() }),
  setRunNote: method({ params: z.object({ id: RunReferenceSchema, note: z.string().max(100_000) }), args: ['id', 'note'], result: returns<void>() }),
};
export type RunsMethods = typeof RUNS_API_METHODS;
/** What RunsHost implements. */
export type RunsHandlers = HandlersOf<RunsMethods>;

export interface RunsListing {
  /** The store's file, shown in the view. */
  store: string;
  /** Every run (or the newest `limit`), the last recorded first. */
  runs: RunEntry[];
  /** How many runs the store holds. */
  total: number;
}
