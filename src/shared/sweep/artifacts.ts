// A run's sweep artifacts as the views read them: validated (a saved .lossbook or an IPC hop is
// not trusted), with JSON's nulls turned back into numbers. The kernel publishes a whole snapshot
// after each finished trial; the last artifact per sweep name wins.
import { z } from 'zod';
import type { RunRecord } from '../notebook/model';
import type { SweepSettings, SweepState, TrialRecord } from './scheduler';
import { ParamSpecSchema } from './space';
import type { CommonFinding } from './summary';

// JSON (a saved .lossbook, a JSON IPC hop) turns NaN and Infinity into null; in memory they stay
// numbers (z.number() would refuse them): accept both.
const MetricValueSchema = z.union([z.custom<number>((value) => typeof value === 'number'), z.null()]);
const ParamValueSchema = z.union([z.number(), z.string(), z.boolean()]);
const SeveritySchema = z.enum(['error', 'warning', 'info']);

const TrialSchema = z.object({
  id: z.number(),
  params: z.record(z.string(), ParamValueSchema),
  status: z.enum(['running', 'completed', 'pruned', 'failed']),
  history: z.array(z.object({ epoch: z.number(), metrics: z.record(z.string(), MetricValueSchema) })),
  best: MetricValueSchema.optional(),
  final: MetricValueSchema.optional(),
  prunedAt: z.number().nullable().optional(),
  reason: z.string().nullable().optional(),
  findings: z.array(z.object({ id: z.string(), severity: SeveritySchema })).optional(),
  durationMs: z.number().nullable().optional(),
  where: z.string().optional(),
  task: z.string().optional(),
  attempts: z.number().optional(),
});

const SweepArtifactSchema = z.object({
  name: z.string(),
  state: z.object({
    settings: z.looseObject({
      space: z.record(z.string(), ParamSpecSchema),
      trials: z.number(),
      strategy: z.enum(['random', 'grid', 'halving']),
      metric: z.string(),
      goal: z.enum(['min', 'max']),
    }),
    trials: z.array(TrialSchema),
    draws: z.number().optional(),
  }),
  summary: z.looseObject({
    commonFindings: z.array(
      z.object({
        id: z.string(),
        severity: SeveritySchema,
        trials: z.array(z.number()),
        share: z.number(),
        association: z.object({ param: z.string(), direction: z.enum(['high', 'low']), threshold: z.number(), text: z.string() }).nullable().optional(),
      }),
    ),
  }),
});

/** One sweep as the kernel published it last: its state and the summary of that state. */
export interface SweepArtifact {
  name: string;
  state: SweepState;
  commonFindings: CommonFinding[];
}

const toNumber = (value: number | null | undefined): number | undefined => (value === null || value === undefined ? undefined : value);

function normalizeArtifact(data: z.infer<typeof SweepArtifactSchema>): SweepArtifact {
  const settings = data.state.settings as unknown as SweepSettings;
  const trials: TrialRecord[] = data.state.trials.map((trial) => ({
    id: trial.id,
    params: trial.params,
    status: trial.status,
    history: trial.history.map((entry) => ({ epoch: entry.epoch, metrics: Object.fromEntries(Object.entries(entry.metrics).map(([key, value]) => [key, value ?? Number.NaN])) })),
    best: toNumber(trial.best),
    // A final value that JSON turned into null was not finite (the trial diverged).
    final: trial.final === null ? Number.NaN : trial.final,
    prunedAt: toNumber(trial.prunedAt),
    reason: trial.reason ?? undefined,
    findings: trial.findings ?? [],
    durationMs: toNumber(trial.durationMs),
    ...(trial.where !== undefined ? { where: trial.where } : {}),
    ...(trial.task !== undefined ? { task: trial.task } : {}),
    ...(trial.attempts !== undefined ? { attempts: trial.attempts } : {}),
  }));
  const commonFindings = data.summary.commonFindings.map((finding) => ({ ...finding, association: finding.association ?? undefined }));
  return { name: data.name, state: { settings, trials, draws: data.state.draws ?? 0 }, commonFindings };
}

/** The latest artifact of each sweep in the run, in the order the sweeps started. Malformed ones are skipped. */
export function latestSweepArtifacts(run: Pick<RunRecord, 'artifacts'>): SweepArtifact[] {
  // A sweep publishes a whole snapshot per trial: validate only the newest readable one per name
  // (views re-read on every event), walking back from the end.
  const order = new Map<string, number>();
  run.artifacts.forEach((artifact, index) => {
    const name = artifact.kind === 'sweep' ? (artifact.data as { name?: unknown } | null)?.name : undefined;
    if (typeof name === 'string' && !order.has(name)) order.set(name, index);
  });
  const latest = new Map<string, SweepArtifact>();
  for (let index = run.artifacts.length - 1; index >= 0; index--) {
    const artifact = run.artifacts[index]!;
    if (artifact.kind !== 'sweep') continue;
    const name = (artifact.data as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || latest.has(name)) continue;
    const parsed = SweepArtifactSchema.safeParse(artifact.data);
    if (parsed.success) latest.set(name, normalizeArtifact(parsed.data));
  }
  // In the order the sweeps started.
  return [...latest.values()].sort((a, b) => order.get(a.name)! - order.get(b.name)!);
}


