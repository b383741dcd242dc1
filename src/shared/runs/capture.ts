// From a finished run (the RunRecord the one reducer folded from the event stream) to what the
// run store keeps (issue 20). Pure: the host supplies the code, the kernel session's history and
// a hash function. Sweep trials become runs of their own, so they sit in the same table.
import { z } from 'zod';
import { diagnose } from '../diagnosis/verdict';
import type { RunRecord } from '../notebook/model';
import type { BackendInfo, Severity } from '../protocol';
import { latestSweepArtifacts } from '../sweep/view-model';
import type { RunConfig, RunOrigin, RunParamValue, RunToStore } from './model';

/** The artifact the kernel publishes at each fit start (src/kernel/run-config.ts). */
export const RUN_CONFIG_ARTIFACT = 'run-config';

export const RunConfigArtifactSchema = z.object({
  model: z.object({
    name: z.string(),
    layers: z.array(z.object({ name: z.string(), className: z.string(), units: z.number().optional(), activation: z.string().optional(), params: z.number() })),
    losses: z.array(z.string()),
    optimizer: z.object({ className: z.string(), learningRate: z.number().optional(), momentum: z.number().optional() }).optional(),
    totalParams: z.number(),
    trainableParams: z.number(),
  }),
  fit: z.object({
    kind: z.enum(['fit', 'fitDataset', 'custom']),
    epochs: z.number().optional(),
    batchSize: z.number().optional(),
    shuffle: z.boolean(),
    validationSplit: z.number().optional(),
    hasValidation: z.boolean(),
    samples: z.number().optional(),
    validationSamples: z.number().optional(),
  }),
  data: z.object({
    xShape: z.array(z.number().nullable()).optional(),
    yShape: z.array(z.number().nullable()).optional(),
    rows: z.number().optional(),
    x: z.object({ min: z.number(), max: z.number(), mean: z.number(), std: z.number(), nan: z.number(), infinite: z.number() }).optional(),
    labels: z.object({ encoding: z.string(), classes: z.number() }).optional(),
  }),
});
export type RunConfigArtifact = z.infer<typeof RunConfigArtifactSchema>;

export interface CaptureContext {
  origin: Exclude<RunOrigin, 'sweep'>;
  /** The cell's code as it was sent to the kernel. */
  source: string;
  /** The code that ran before it in this kernel session, oldest first. */
  priorCode: readonly string[];
  notebook: string | null;
  cellIndex: number | null;
  backend: BackendInfo | undefined;
  lossbookVersion: string;
  /** LOSSBOOK_SEED, when set. */
  seed: number | undefined;
  /** A stable content hash (sha-256 in the host). */
  hash(text: string): string;
}

/** The code diff shows at most this much of what ran before a cell; the hash covers all of it. */
export const MAX_PRIOR_CODE_CHARS = 200_000;

function lastRunConfig(record: RunRecord): RunConfigArtifact | undefined {
  for (let index = record.artifacts.length - 1; index >= 0; index--) {
    const artifact = record.artifacts[index]!;
    if (artifact.kind !== RUN_CONFIG_ARTIFACT) continue;
    const parsed = RunConfigArtifactSchema.safeParse(artifact.data);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function countBySeverity(severities: Iterable<Severity>): RunToStore['findingCounts'] {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const severity of severities) counts[severity]++;
  return counts;
}

const shape = (dims: ReadonlyArray<number | null> | undefined) => (dims ? dims.map((dim) => dim ?? '?').join('×') : undefined);

/** The run, and one run per finished sweep trial it made. */
export function captureRun(record: RunRecord, context: CaptureContext): RunToStore[] {
  const captured = lastRunConfig(record);
  const modelHash = captured ? context.hash(JSON.stringify([captured.model.layers.map((layer) => [layer.className, layer.units, layer.activation, layer.params]), captured.model.losses])) : undefined;
  const config: RunConfig = {
    ...(captured ? { model: { ...captured.model, structuralHash: modelHash! }, fit: captured.fit, data: { ...captured.data, xShape: captured.data.xShape?.map((d) => d ?? -1), yShape: captured.data.yShape?.map((d) => d ?? -1) } } : {}),
    ...(context.backend ? { backend: { name: context.backend.name, ...(context.backend.device ? { device: context.backend.device } : {}), isGpu: context.backend.isGpu } } : {}),
    versions: { lossbook: context.lossbookVersion, ...(context.backend ? { tfjs: context.backend.tfjsVersion } : {}) },
    ...(context.seed !== undefined ? { seed: context.seed } : {}),
  };
  const lr = record.series.find((series) => series.name === 'lr')?.values.filter((value): value is number => value !== null);
  const optimizer = captured?.model.optimizer;
  const params: Record<string, RunParamValue | undefined> = {
    learningRate: optimizer?.learningRate ?? lr?.[0],
    // A schedule shows as where the learning rate started and ended.
    learningRateSchedule: lr && lr.length > 1 && lr.some((value) => value !== lr[0]) ? `${lr[0]} → ${lr.at(-1)}` : undefined,
    optimizer: optimizer?.className,
    momentum: optimizer?.momentum,
    // Not `loss`: that name is the loss metric's (filters read `loss<0.5` as the final loss).
    lossFunction: captured?.model.losses.join(', '),
    batchSize: captured?.fit.batchSize,
    epochs: captured?.fit.epochs,
    validationSplit: captured?.fit.validationSplit,
    shuffle: captured?.fit.shuffle,
    samples: captured?.fit.samples,
    xShape: shape(captured?.data.xShape),
    layers: captured?.model.layers.length,
    totalParams: captured?.model.totalParams,
    modelHash: modelHash?.slice(0, 12),
    backend: context.backend?.name,
    seed: context.seed,
  };
  const diagnosis = diagnose(record.findings);
  const priorCode = context.priorCode.join('\n');
  const run: RunToStore = {
    id: record.runId,
    createdAt: record.startedAt,
    notebook: context.notebook,
    cellId: record.cellId,
    cellIndex: context.cellIndex,
    origin: context.origin,
    parentId: null,
    status: record.status,
    durationMs: record.durationMs ?? null,
    params: Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined)) as Record<string, RunParamValue>,
    series: record.series.map((series) => ({ name: series.name, steps: series.steps, values: series.values })),
    verdict: diagnosis.verdict ? { id: diagnosis.verdict.id, title: diagnosis.verdict.title } : null,
    findingCounts: countBySeverity(record.findings.map((finding) => diagnosis.severity.get(finding.key) ?? finding.severity)),
    findings: record.findings,
    source: context.source,
    sourceHash: context.hash(context.source),
    priorCode: priorCode.length > MAX_PRIOR_CODE_CHARS ? `${priorCode.slice(0, MAX_PRIOR_CODE_CHARS)}\n// … ${priorCode.length - MAX_PRIOR_CODE_CHARS} more characters` : priorCode,
    priorCodeHash: context.hash(priorCode),
    config,
    memory: record.memory ?? null,
  };
  return [run, ...captureTrials(run, record)];
}

/** Finished trials of the run's sweeps: params, their per-epoch metrics, their findings' ids. */
function captureTrials(parent: RunToStore, record: RunRecord): RunToStore[] {
  return latestSweepArtifacts(record).flatMap((artifact) =>
    artifact.state.trials
      .filter((trial) => trial.status !== 'running')
      .map((trial): RunToStore => {
        const names = [...new Set(trial.history.flatMap((entry) => Object.keys(entry.metrics)))];
        const trialParams = Object.fromEntries(Object.entries(trial.params).map(([name, value]) => [name, value as RunParamValue]));
        return {
          ...parent,
          id: `${parent.id}/${artifact.name}/${trial.id}`,
          origin: 'sweep',
          parentId: parent.id,
          status: trial.status === 'failed' ? 'error' : 'ok',
          durationMs: trial.durationMs ?? null,
          params: { sweep: artifact.name, trial: trial.id, ...trialParams, trialStatus: trial.status, ...(trial.where ? { where: trial.where } : {}) },
          // Trials report once per epoch: the x of their curves is the epoch.
          series: names.map((name) => ({ name, steps: trial.history.map((entry) => entry.epoch), values: trial.history.map((entry) => entry.metrics[name] ?? null) })),
          verdict: null,
          findingCounts: countBySeverity(trial.findings.map((finding) => finding.severity)),
          findings: [],
          memory: null,
        };
      }),
  );
}
