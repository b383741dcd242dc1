// Every message between renderer ⇄ host ⇄ kernel, as data: plain serializable objects with a
// `type` field, validated with zod at every process boundary (design.md: never trust the
// renderer or a file). The same events are what a .lossbook saves, what the HTML report shows
// and what `lossbook run --json` prints: one event stream, three consumers.
import { z } from 'zod';
import { BACKEND_NAMES, BACKEND_REQUESTS, type BackendName } from './backends';

/**
 * The version of the kernel ⇄ host messages. The kernel sends it in `ready` and the supervisor
 * refuses a kernel that speaks another (src/host/kernel-process.ts): it may start the built
 * kernel or the source, so the two can drift. Raise it when a kernel message changes shape.
 */
export const PROTOCOL_VERSION = 1;

// ───────────────────────────── shared pieces ─────────────────────────────

export const BackendNameSchema = z.enum(BACKEND_NAMES);
export type { BackendName };

/** What the user can ask for: `gpu` means tfjs-node-gpu or webgpu, `node` the native CPU build. */
export const BackendRequestSchema = z.enum(BACKEND_REQUESTS);
export type BackendRequest = z.infer<typeof BackendRequestSchema>;

export const BackendAttemptSchema = z.object({
  backend: BackendNameSchema,
  ok: z.boolean(),
  /** Why it was skipped or failed, written for the user ("@tensorflow/tfjs-node-gpu is not installed"). */
  reason: z.string().optional(),
  ms: z.number().optional(),
});
export type BackendAttempt = z.infer<typeof BackendAttemptSchema>;

export const BackendInfoSchema = z.object({
  /** The active tfjs backend. */
  name: BackendNameSchema,
  requested: BackendRequestSchema,
  /** Where the request came from: a setting, the LOSSBOOK_BACKEND variable, a CLI flag, or the default. */
  requestedBy: z.enum(['default', 'setting', 'env', 'flag']),
  /** Each backend tried, in order, with the reason it was skipped. */
  attempts: z.array(BackendAttemptSchema),
  /** Human-readable device: "NVIDIA H100 (Vulkan, driver 580.x)", "wasm SIMD, 1 thread", "JS CPU". */
  device: z.string().optional(),
  gpu: z
    .object({ vendor: z.string().optional(), architecture: z.string().optional(), device: z.string().optional(), description: z.string().optional(), driver: z.string().optional() })
    .optional(),
  tfjsVersion: z.string(),
  isGpu: z.boolean(),
  /**
   * Kernels the backend lacks that Lossbook supplies (issue 18): composed from the backend's own
   * kernels, corrected (the backend's own kernel, given inputs it handles right), run on the tfjs
   * CPU backend's kernel, or unsupported (complex64) with a clear error.
   */
  suppliedKernels: z.object({ composed: z.array(z.string()), corrected: z.array(z.string()), cpuFallback: z.array(z.string()), unsupported: z.array(z.string()) }).optional(),
});
export type BackendInfo = z.infer<typeof BackendInfoSchema>;

export const GpuMemorySchema = z.object({
  /** Bytes held by live tensors on the GPU (tf.memory().numBytesInGPU). */
  tensorBytes: z.number().optional(),
  /** Bytes the backend keeps allocated, pooled buffers included (tf.memory().numBytesAllocatedInGPU). */
  pooledBytes: z.number().optional(),
  /** The kernel process's GPU memory as the driver sees it (nvidia-smi), where available. */
  processBytes: z.number().optional(),
  totalBytes: z.number().optional(),
  source: z.string().optional(),
});
export type GpuMemory = z.infer<typeof GpuMemorySchema>;

export const MemorySnapshotSchema = z.object({
  numTensors: z.number(),
  numBytes: z.number(),
  numDataBuffers: z.number().optional(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
  gpu: GpuMemorySchema.optional(),
  time: z.number(),
});
export type MemorySnapshot = z.infer<typeof MemorySnapshotSchema>;

/** A run's memory account: the leak meter is netTensors/netBytes beyond what the namespace keeps. */
export const RunMemorySchema = z.object({
  before: MemorySnapshotSchema,
  after: MemorySnapshotSchema,
  /** Tensors/bytes the run created that the namespace still reaches (kept on purpose). */
  kept: z.object({ tensors: z.number(), bytes: z.number() }),
  /** Tensors/bytes the lifetime scope disposed at run end because nothing reached them. */
  disposed: z.object({ tensors: z.number(), bytes: z.number() }),
  /** after − before − kept: what leaked. Zero is the product's promise. */
  leaked: z.object({ tensors: z.number(), bytes: z.number() }),
  /**
   * The kernel process ended during the run (killed by a hard interrupt, or crashed): nothing was
   * measured at its end and its memory went with the process, so the counts above say nothing.
   */
  processEnded: z.boolean().optional(),
});
export type RunMemory = z.infer<typeof RunMemorySchema>;

export const SeveritySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const RuleFamilySchema = z.enum(['static', 'data', 'dynamic', 'trend', 'resources', 'internal']);
export type RuleFamily = z.infer<typeof RuleFamilySchema>;

const EvidenceValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.union([z.number(), z.string(), z.null()]))]);

/** One diagnosis finding. `key` identifies it for in-place updates (rule id plus scope, e.g. a layer). */
export const FindingSchema = z.object({
  id: z.string(),
  key: z.string(),
  family: RuleFamilySchema,
  severity: SeveritySchema,
  title: z.string(),
  evidence: z.object({
    /** One line with the numbers: "loss 87.34 at step 12 (= −ln FLT_MIN)". */
    summary: z.string(),
    values: z.record(z.string(), EvidenceValueSchema),
  }),
  step: z.number().optional(),
  epoch: z.number().optional(),
  layer: z.string().optional(),
  explanation: z.string(),
  fix: z.object({ text: z.string(), code: z.string().optional() }),
  /** For a symptom: the sanity check that tells its possible causes apart (code bound to the notebook's names). */
  check: z.object({ text: z.string(), code: z.string().optional() }).optional(),
  /** Seed article section or paper, e.g. "seed 001 (Caffe 87.3356)". */
  source: z.string(),
  /** How many times the rule confirmed it (updates bump this instead of adding duplicates). */
  count: z.number().default(1),
  firstStep: z.number().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** A batch of metric points, coalesced by the kernel (~10 batches per second). */
export const MetricPointSchema = z.object({
  /** Series name: loss, acc, val_loss, val_acc, lr, batch_ms, epoch_ms, grad_norm/<layer>, … */
  name: z.string(),
  /** Global step (batch index since the run began) — the x of every series. */
  step: z.number(),
  epoch: z.number().optional(),
  value: z.number().nullable(),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

export const DisplayValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('json'), json: z.unknown() }),
  z.object({
    kind: z.literal('tensor'),
    dtype: z.string(),
    shape: z.array(z.number()),
    /** tf's own print of the (truncated) values. */
    text: z.string(),
    stats: z.object({ min: z.number(), max: z.number(), mean: z.number() }).optional(),
  }),
  z.object({
    kind: z.literal('model'),
    name: z.string(),
    /** model.summary() lines. */
    text: z.string(),
    params: z.number(),
  }),
  z.object({ kind: z.literal('table'), columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) }),
  z.object({ kind: z.literal('html'), html: z.string() }),
]);
export type DisplayValue = z.infer<typeof DisplayValueSchema>;

export const CellErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  /** Stack with frames mapped to the cell's own lines ("at cell:3:5"). */
  stack: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  /** syntax: did not compile; runtime: threw; interrupted; killed: the kernel had to be restarted. */
  phase: z.enum(['syntax', 'runtime', 'interrupted', 'killed', 'internal']),
});
export type CellError = z.infer<typeof CellErrorSchema>;

export const RunStatusSchema = z.enum(['ok', 'error', 'interrupted', 'killed']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const CellLanguageSchema = z.enum(['typescript', 'javascript']);

// ───────────────────────────── host → kernel ─────────────────────────────

export const KernelRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('execute'),
    runId: z.string(),
    cellId: z.string(),
    code: z.string(),
    language: CellLanguageSchema.default('typescript'),
    /** Folder whose node_modules cells may import from (the notebook's folder). */
    cwd: z.string().optional(),
  }),
  /** Graded interrupt, step 1: stop at the next batch boundary / abort signal. The host escalates. */
  z.object({ type: z.literal('interrupt'), runId: z.string().optional() }),
  /** Dispose what the namespace holds too and release the backend's pooled buffers. */
  z.object({ type: z.literal('free-memory'), resetNamespace: z.boolean().default(false) }),
  z.object({ type: z.literal('memory') }),
  z.object({ type: z.literal('shutdown') }),
]);
export type KernelRequest = z.infer<typeof KernelRequestSchema>;

// ───────────────────────────── kernel → host ─────────────────────────────

/** The kernel is up: which backend it chose, its memory, and which protocol and Lossbook it speaks. */
export const KernelReadySchema = z.object({ type: z.literal('ready'), protocolVersion: z.number().int(), pid: z.number(), backend: BackendInfoSchema, memory: MemorySnapshotSchema, lossbookVersion: z.string() });

export const KernelEventSchema = z.discriminatedUnion('type', [
  KernelReadySchema,
  z.object({ type: z.literal('run-started'), runId: z.string(), cellId: z.string(), executionCount: z.number(), time: z.number() }),
  z.object({ type: z.literal('stream'), runId: z.string(), name: z.enum(['stdout', 'stderr']), text: z.string() }),
  z.object({ type: z.literal('display'), runId: z.string(), value: DisplayValueSchema }),
  z.object({ type: z.literal('error'), runId: z.string(), error: CellErrorSchema }),
  z.object({ type: z.literal('metrics'), runId: z.string(), points: z.array(MetricPointSchema) }),
  z.object({
    type: z.literal('progress'),
    runId: z.string(),
    epoch: z.number(),
    epochs: z.number().optional(),
    step: z.number(),
    batch: z.number().optional(),
    batchesPerEpoch: z.number().optional(),
    loss: z.number().nullable().optional(),
  }),
  /** Findings added or updated in place (by key). */
  z.object({ type: z.literal('findings'), runId: z.string(), findings: z.array(FindingSchema) }),
  z.object({ type: z.literal('memory'), runId: z.string().optional(), memory: MemorySnapshotSchema }),
  z.object({
    type: z.literal('run-finished'),
    runId: z.string(),
    status: RunStatusSchema,
    durationMs: z.number(),
    memory: RunMemorySchema,
    /** Top-level names the notebook namespace holds after the run (what a hard restart loses). */
    namespace: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('memory-freed'), before: MemorySnapshotSchema, after: MemorySnapshotSchema }),
  /** Free-form structured output of lossbook.* tools (sweeps, LR range test, checks). */
  z.object({ type: z.literal('artifact'), runId: z.string(), kind: z.string(), data: z.unknown() }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }),
]);
export type KernelEvent = z.infer<typeof KernelEventSchema>;

// ──────────────────────── host → renderer / CLI (adds supervision) ────────────────────────

export const KernelStateSchema = z.enum(['starting', 'idle', 'busy', 'interrupting', 'restarting', 'dead']);
export type KernelState = z.infer<typeof KernelStateSchema>;

export const HostEventSchema = z.union([
  KernelEventSchema,
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('kernel-state'), state: KernelStateSchema, runId: z.string().optional(), reason: z.string().optional() }),
    /** The kernel process ended: crash, out of memory, or killed by a hard interrupt. */
    z.object({
      type: z.literal('kernel-exit'),
      code: z.number().nullable(),
      signal: z.string().nullable(),
      reason: z.string(),
      /** What the user lost: "the namespace (model, xs, ys) — re-run cells 1–3". */
      lostState: z.string(),
      expected: z.boolean(),
    }),
  ]),
]);
export type HostEvent = z.infer<typeof HostEventSchema>;

/** Parse a message crossing a process boundary; throws a readable error on bad input. */
export function parseKernelRequest(value: unknown): KernelRequest {
  return KernelRequestSchema.parse(value);
}
export function parseKernelEvent(value: unknown): KernelEvent {
  return KernelEventSchema.parse(value);
}

export type { Disposable } from './lifecycle';
