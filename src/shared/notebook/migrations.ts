// Migrations of .lossbook documents from every older format version to the current one
// (issue 7). Each migration takes a document of version N, validates it against that version's
// own schema (so a damaged old file is refused, not half-migrated) and returns version N + 1.
// Add one here whenever LOSSBOOK_FORMAT_VERSION is bumped; keep the old schemas frozen.
// Each migration imports the frozen schema of its source version, never the live model: what an
// old file means must not change when the current format does.
import type { z } from 'zod';
import { describeIssues, NotebookFormatError } from './format-errors';
import { NotebookFileV0Schema } from './schema-v0';
import { NotebookFileV1Schema } from './schema-v1';
import { encodeSeries } from './series-codec';

export { NotebookFileV0Schema, type NotebookFileV0 } from './schema-v0';
export { NotebookFileV1Schema, type NotebookFileV1 } from './schema-v1';

export interface Migration {
  from: number;
  to: number;
  /** What changed, for the record (and the docs). */
  description: string;
  migrate(document: Record<string, unknown>): Record<string, unknown>;
}

/** The document as its version's frozen schema reads it; a damaged one is refused as a whole, saying which version it is. */
function validated<S extends z.ZodType>(schema: S, version: number, document: unknown): z.output<S> {
  const parsed = schema.safeParse(document);
  if (!parsed.success) throw new NotebookFormatError('invalid', `The notebook file (format version ${version}) is damaged: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

const v0ToV1: Migration = {
  from: 0,
  to: 1,
  description: 'Series stored compactly (float32 values, encoded steps) and gained epochs.',
  migrate(document) {
    const data = validated(NotebookFileV0Schema, 0, document);
    return {
      format: 'lossbook',
      formatVersion: 1,
      metadata: data.metadata,
      cells: data.cells.map((cell) => ({
        ...cell,
        runs: cell.runs.map((run) => ({
          ...run,
          series: run.series.map((series) => {
            if (series.steps.length !== series.values.length) {
              throw new NotebookFormatError('invalid', `The notebook file (format version 0) is damaged: series "${series.name}" has ${series.steps.length} steps but ${series.values.length} values.`);
            }
            return encodeSeries({ name: series.name, steps: series.steps, values: series.values, epochs: [] });
          }),
        })),
      })),
    };
  },
};

const v1ToV2: Migration = {
  from: 1,
  to: 2,
  description: 'The notebook keeps run comparisons (issue 20): `comparisons`, after the cells, empty in a migrated file.',
  migrate(document) {
    return { ...validated(NotebookFileV1Schema, 1, document), formatVersion: 2, comparisons: [] };
  },
};

export const MIGRATIONS: readonly Migration[] = [v0ToV1, v1ToV2];
export const OLDEST_READABLE_FORMAT_VERSION = 0;

/** Apply every migration from the document's version up to the current one, in order. */
export function migrateToCurrent(document: { formatVersion: number } & Record<string, unknown>): Record<string, unknown> {
  let current: Record<string, unknown> = document;
  let version = document.formatVersion;
  for (const migration of MIGRATIONS) {
    if (migration.from !== version) continue;
    current = migration.migrate(current);
    version = migration.to;
  }
  return current;
}
