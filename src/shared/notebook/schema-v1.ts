// The .lossbook document of format version 1 (Lossbook 0.1: compact series, no comparisons),
// frozen when version 2 added the notebook's run comparisons (issue 20). Like ./schema-v0.ts it
// imports nothing of the live schemas (model.ts, protocol.ts, series-codec.ts): what a version 1
// file means must not change when the current format does. The pieces version 1 took over from
// version 0 unchanged are imported from that frozen copy; the rest is copied here as it was.
// Validation only: the migration to version 2 (./migrations.ts) takes what this accepts.
// fixtures/format-v1.schema.json is the JSON Schema of version 1 as published, and the test
// checks this copy against it.
import { z } from 'zod';
import { CellV0, MetadataV0, RunV0 } from './schema-v0';

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
const Length = z.number().int().min(0);

const EncodedNumbers = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('range'), length: Length, start: z.number(), stride: z.number() }),
  z.object({ encoding: z.literal('runs'), length: Length, data: Base64 }),
  z.object({ encoding: z.literal('int32'), length: Length, data: Base64 }),
  z.object({ encoding: z.literal('float64'), length: Length, data: Base64 }),
]);

const EncodedValues = z.object({ encoding: z.literal('float32'), length: Length, data: Base64 });

/** Version 1's series: float32 values and encoded steps and epochs, base64. */
const SeriesV1 = z.object({ name: z.string(), steps: EncodedNumbers, values: EncodedValues, epochs: EncodedNumbers });

// A run and a cell are version 0's, with version 1's series.
const RunV1 = RunV0.extend({ series: z.array(SeriesV1) });
const CellV1 = CellV0.extend({ runs: z.array(RunV1) });

export const NotebookFileV1Schema = z.object({
  format: z.literal('lossbook'),
  formatVersion: z.literal(1),
  savedBy: z.string().optional(),
  metadata: MetadataV0,
  cells: z.array(CellV1),
});
export type NotebookFileV1 = z.infer<typeof NotebookFileV1Schema>;
