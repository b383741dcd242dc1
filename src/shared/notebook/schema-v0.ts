// The .lossbook document of format version 0 (the first prototype's files), frozen. It was once
// built from the live schemas (model.ts, protocol.ts) with only the series swapped, so every
// change to version 1 silently changed what a version 0 file meant. This copy imports nothing
// of them: it is what version 0 was when it was frozen (Lossbook 0.1, format version 1 current),
// and it never changes — a new format version gets its own frozen copy and a migration instead.
// Validation only: the migration to version 1 (./migrations.ts) takes what this accepts.
import { z } from 'zod';

const BackendName = z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
const BackendRequest = z.enum(['auto', 'gpu', 'tensorflow-gpu', 'webgpu', 'node', 'tensorflow', 'wasm', 'cpu']);

export const BackendInfo = z.object({
  name: BackendName,
  requested: BackendRequest,
  requestedBy: z.enum(['default', 'setting', 'env', 'flag']),
  attempts: z.array(z.object({ backend: BackendName, ok: z.boolean(), reason: z.string().optional(), ms: z.number().optional() })),
  device: z.string().optional(),
  gpu: z
    .object({ vendor: z.string().optional(), architecture: z.string().optional(), device: z.string().optional(), description: z.string().optional(), driver: z.string().optional() })
    .optional(),
  tfjsVersion: z.string(),
  isGpu: z.boolean(),
  suppliedKernels: z.object({ composed: z.array(z.string()), corrected: z.array(z.string()), cpuFallback: z.array(z.string()), unsupported: z.array(z.string()) }).optional(),
});

const MemorySnapshot = z.object({
  numTensors: z.number(),
  numBytes: z.number(),
  numDataBuffers: z.number().optional(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  gpu: z
    .object({ tensorBytes: z.number().optional(), pooledBytes: z.number().optional(), processBytes: z.number().optional(), totalBytes: z.number().optional(), source: z.string().optional() })
    .optional(),
  time: z.number(),
});

const Count = z.object({ tensors: z.number(), bytes: z.number() });
export const RunMemory = z.object({ before: MemorySnapshot, after: MemorySnapshot, kept: Count, disposed: Count, leaked: Count, processEnded: z.boolean().optional() });

const EvidenceValue = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.union([z.number(), z.string(), z.null()]))]);

export const Finding = z.object({
  id: z.string(),
  key: z.string(),
  family: z.enum(['static', 'data', 'dynamic', 'trend', 'resources', 'internal']),
  severity: z.enum(['error', 'warning', 'info']),
  title: z.string(),
  evidence: z.object({ summary: z.string(), values: z.record(z.string(), EvidenceValue) }),
  step: z.number().optional(),
  epoch: z.number().optional(),
  layer: z.string().optional(),
  explanation: z.string(),
  fix: z.object({ text: z.string(), code: z.string().optional() }),
  check: z.object({ text: z.string(), code: z.string().optional() }).optional(),
  source: z.string(),
  count: z.number().default(1),
  firstStep: z.number().optional(),
});

const DisplayValue = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('json'), json: z.unknown() }),
  z.object({ kind: z.literal('tensor'), dtype: z.string(), shape: z.array(z.number()), text: z.string(), stats: z.object({ min: z.number(), max: z.number(), mean: z.number() }).optional() }),
  z.object({ kind: z.literal('model'), name: z.string(), text: z.string(), params: z.number() }),
  z.object({ kind: z.literal('table'), columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) }),
  z.object({ kind: z.literal('html'), html: z.string() }),
]);

const CellError = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  phase: z.enum(['syntax', 'runtime', 'interrupted', 'killed', 'internal']),
});

export const CellOutput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: z.string() }),
  z.object({ type: z.literal('display'), value: DisplayValue }),
  z.object({ type: z.literal('error'), error: CellError }),
]);

/** Version 0's series: plain JSON arrays (about 20 bytes a point) and no epochs. */
const SeriesV0 = z.object({ name: z.string(), steps: z.array(z.number()), values: z.array(z.number().nullable()) });

export const RunV0 = z.object({
  runId: z.string(),
  cellId: z.string(),
  executionCount: z.number(),
  startedAt: z.number(),
  durationMs: z.number().optional(),
  status: z.union([z.enum(['ok', 'error', 'interrupted', 'killed']), z.literal('running')]),
  backend: BackendInfo.optional(),
  series: z.array(SeriesV0),
  findings: z.array(Finding),
  memory: RunMemory.optional(),
  progress: z
    .object({ epoch: z.number(), epochs: z.number().optional(), step: z.number(), batch: z.number().optional(), batchesPerEpoch: z.number().optional() })
    .optional(),
  artifacts: z.array(z.object({ kind: z.string(), data: z.unknown() })),
});

export const CellV0 = z.object({
  id: z.string(),
  kind: z.enum(['code', 'markdown']),
  source: z.string(),
  language: z.enum(['typescript', 'javascript']).optional(),
  executionCount: z.number().nullable().optional(),
  outputs: z.array(CellOutput),
  runs: z.array(RunV0),
  dismissed: z.array(z.string()),
  collapsed: z.boolean().optional(),
});

export const MetadataV0 = z.object({
  title: z.string(),
  created: z.string(),
  modified: z.string(),
  lossbookVersion: z.string(),
  tfjsVersion: z.string().optional(),
  backend: BackendRequest.optional(),
  lastBackend: BackendInfo.optional(),
});

export const NotebookFileV0Schema = z.object({
  format: z.literal('lossbook'),
  formatVersion: z.literal(0),
  metadata: MetadataV0,
  cells: z.array(CellV0),
});
export type NotebookFileV0 = z.infer<typeof NotebookFileV0Schema>;
