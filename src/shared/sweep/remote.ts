// Sweeps whose trials run outside the notebook's kernel (issue 23): in N local processes, or as
// tasks on a Ray cluster. Pure data and parsing, shared by the kernel (which runs the sweep), the
// trial process (which runs one trial) and the CLI (`lossbook doctor --ray`). Each trial is the
// notebook's code up to the sweep cell, run by `lossbook run --events -`; the one sweep it
// reaches runs only the trial it was assigned (LOSSBOOK_SWEEP_TRIAL) and reports per epoch.
import { z } from 'zod';
import type { SweepState } from './scheduler';
import type { Params } from './space';

/** Where a sweep's trials run. */
export type SweepTarget =
  | { kind: 'kernel' }
  | { kind: 'processes'; processes: number }
  | { kind: 'ray'; address: string; maxConcurrent?: number; python?: string; command?: string[] };

export class SweepTargetError extends Error {
  override name = 'SweepTargetError';
}

const RayAddressPattern = /^(ray:\/\/)?[A-Za-z0-9._-]+:\d{1,5}$/;

/**
 * `on: { processes: 2 }`, `on: { ray: '10.0.0.5:6379' }`, `on: 'ray'` or `on: { ray: true }`
 * (address from LOSSBOOK_RAY_ADDRESS). Anything else is refused with the forms that work.
 */
export function parseSweepTarget(on: unknown, env: Record<string, string | undefined>): SweepTarget {
  if (on === undefined || on === null || on === 'kernel') return { kind: 'kernel' };
  const forms = "use on: { processes: N }, on: { ray: 'host:port' } or on: 'ray' (with LOSSBOOK_RAY_ADDRESS set)";
  const value = on === 'ray' ? { ray: true } : on;
  if (typeof value !== 'object' || Array.isArray(value)) throw new SweepTargetError(`lossbook.sweep: unknown \`on\` ${JSON.stringify(on)}: ${forms}.`);
  const options = value as Record<string, unknown>;
  if ('processes' in options) {
    const processes = options.processes;
    if (!Number.isInteger(processes) || (processes as number) < 1 || (processes as number) > 256) {
      throw new SweepTargetError(`lossbook.sweep: on.processes must be a whole number from 1 to 256 (got ${JSON.stringify(processes)}).`);
    }
    return { kind: 'processes', processes: processes as number };
  }
  if ('ray' in options) {
    const fromEnv = env.LOSSBOOK_RAY_ADDRESS?.trim();
    const address = options.ray === true ? fromEnv : options.ray;
    if (options.ray === true && !address) throw new SweepTargetError('lossbook.sweep: on.ray is true but LOSSBOOK_RAY_ADDRESS is not set: give the cluster address, on: { ray: \'host:6379\' }.');
    if (typeof address !== 'string' || !RayAddressPattern.test(address)) {
      throw new SweepTargetError(`lossbook.sweep: on.ray must be a Ray cluster address like '127.0.0.1:6379' (got ${JSON.stringify(address)}).`);
    }
    const maxConcurrent = options.maxConcurrent;
    if (maxConcurrent !== undefined && (!Number.isInteger(maxConcurrent) || (maxConcurrent as number) < 1)) {
      throw new SweepTargetError(`lossbook.sweep: on.maxConcurrent must be a whole number ≥ 1 (got ${JSON.stringify(maxConcurrent)}).`);
    }
    const python = options.python ?? env.LOSSBOOK_PYTHON;
    if (python !== undefined && typeof python !== 'string') throw new SweepTargetError('lossbook.sweep: on.python must be the path of a Python that has `ray` installed.');
    const command = options.command ?? (env.LOSSBOOK_RAY_COMMAND ? env.LOSSBOOK_RAY_COMMAND.split(/\s+/).filter(Boolean) : undefined);
    if (command !== undefined && (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string'))) {
      throw new SweepTargetError("lossbook.sweep: on.command must be the command that runs lossbook on a worker, e.g. ['lossbook'] or ['node', '/opt/lossbook/bin/lossbook.mjs'].");
    }
    return {
      kind: 'ray',
      address,
      ...(maxConcurrent !== undefined ? { maxConcurrent: maxConcurrent as number } : {}),
      ...(python ? { python } : {}),
      ...(command ? { command: command as string[] } : {}),
    };
  }
  throw new SweepTargetError(`lossbook.sweep: unknown \`on\` ${JSON.stringify(on)}: ${forms}.`);
}

// ───────────────────────────── the trial process ─────────────────────────────

/** The environment variable that turns a `lossbook run` into one trial of a sweep. */
export const TRIAL_ENV = 'LOSSBOOK_SWEEP_TRIAL';

/** Which trial a trial process runs: the sweep is the `sweep`-th call in the cell run `executionCount`. */
export const TrialAssignmentSchema = z.object({
  executionCount: z.number().int().positive(),
  sweep: z.number().int().nonnegative(),
  trial: z.number().int().nonnegative(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  attempt: z.number().int().positive(),
});
export type TrialAssignment = z.infer<typeof TrialAssignmentSchema>;

export function parseTrialAssignment(text: string | undefined): TrialAssignment | undefined {
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SweepTargetError(`${TRIAL_ENV} is not JSON: ${text.slice(0, 80)}`);
  }
  const parsed = TrialAssignmentSchema.safeParse(json);
  if (!parsed.success) throw new SweepTargetError(`${TRIAL_ENV} is not a trial assignment: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
  return parsed.data;
}

/**
 * The sweeps of the cells before the sweep cell, by `<execution count in the trial process>/<call
 * index>`: a trial process returns them as results instead of running their trials again.
 */
export const REPLAY_ENV = 'LOSSBOOK_SWEEP_REPLAY';

/** Linux refuses one environment string over 128 KiB: bigger replays drop their per-epoch histories, then give up. */
const REPLAY_LIMIT = 100_000;

export function sweepReplay(cells: ReadonlyArray<{ sweeps: SweepState[] }>): string | undefined {
  const entries = (strip: boolean) =>
    Object.fromEntries(
      cells.flatMap((cell, position) =>
        cell.sweeps.map((state, index) => [`${position + 1}/${index}`, strip ? { ...state, trials: state.trials.map((trial) => ({ ...trial, history: trial.history.slice(-1) })) } : state]),
      ),
    );
  if (!cells.some((cell) => cell.sweeps.length)) return undefined;
  for (const strip of [false, true]) {
    const text = JSON.stringify(entries(strip));
    if (text.length <= REPLAY_LIMIT) return text;
  }
  return undefined;
}

export function parseSweepReplay(text: string | undefined): Record<string, SweepState> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, SweepState>) : {};
  } catch {
    return {};
  }
}

/** The artifact kind a trial process emits: one per epoch report, and one when the trial ends. */
export const TRIAL_ARTIFACT = 'sweep-trial';

const MetricsSchema = z.record(z.string(), z.union([z.number(), z.null()]));
export const TrialArtifactSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('report'), trial: z.number(), epoch: z.number(), metrics: MetricsSchema }),
  z.object({
    event: z.literal('end'),
    trial: z.number(),
    status: z.enum(['completed', 'pruned', 'failed']),
    error: z.string().optional(),
    durationMs: z.number(),
    findings: z.array(z.object({ id: z.string(), severity: z.enum(['error', 'warning', 'info']) })),
  }),
]);
export type TrialArtifact = z.infer<typeof TrialArtifactSchema>;

/** JSON turns NaN/Infinity into null; a diverged trial's null metric is NaN again here. */
export function metricsFromJson(metrics: Record<string, number | null>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, value ?? Number.NaN]));
}

/** The notebook's code cells as one percent-format script (`lossbook run` reads it back as cells). */
export function trialScript(cells: ReadonlyArray<{ code: string; language: 'typescript' | 'javascript' }>): { name: string; text: string } {
  const typescript = cells.some((cell) => cell.language === 'typescript');
  const text = cells.map((cell) => `// %%\n${cell.code.trimEnd()}\n`).join('\n');
  return { name: typescript ? 'lossbook-trial.ts' : 'lossbook-trial.mjs', text };
}

/** What happened to one attempt of a trial outside the kernel, as the launcher saw it. */
export type TrialLaunchEvent =
  | { type: 'started'; where: string; task: string }
  | { type: 'artifact'; artifact: TrialArtifact }
  /** The trial's own code (or a cell before it) failed: a bug in the notebook, not retried. */
  | { type: 'cell-error'; message: string }
  /** The attempt is over. `lost`: it ended without a result through no fault of its code (retried once). */
  | { type: 'exit'; lost?: string };

export interface TrialLaunchRequest {
  trial: number;
  params: Params;
  attempt: number;
  script: { name: string; text: string };
  /** The trial assignment and anything else the trial process needs in its environment. */
  env: Record<string, string>;
  cwd: string;
}

// ───────────────────────────── the Ray driver ─────────────────────────────

/** What the shipped Python driver (resources/ray/lossbook_ray_driver.py) writes, one JSON object a line. */
export const RayDriverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    rayVersion: z.string(),
    pythonVersion: z.string(),
    nodes: z.array(z.object({ id: z.string(), address: z.string(), alive: z.boolean(), cpus: z.number(), gpus: z.number() })),
    cpus: z.number(),
    gpus: z.number(),
  }),
  /** The driver could not start: `ray` missing, the cluster unreachable, a version mismatch. */
  z.object({ type: z.literal('fatal'), reason: z.enum(['ray-missing', 'unreachable', 'init-failed', 'bad-request']), message: z.string() }),
  z.object({ type: z.literal('started'), trial: z.number(), attempt: z.number(), node: z.string(), address: z.string(), task: z.string() }),
  /** One line the trial's `lossbook run --events -` printed. */
  z.object({ type: z.literal('line'), trial: z.number(), attempt: z.number(), line: z.string() }),
  z.object({
    type: z.literal('ended'),
    trial: z.number(),
    attempt: z.number(),
    outcome: z.enum(['exited', 'cancelled', 'worker-lost', 'task-failed']),
    code: z.number().nullable().optional(),
    message: z.string().optional(),
  }),
]);
export type RayDriverMessage = z.infer<typeof RayDriverMessageSchema>;

export function parseRayDriverLine(line: string): RayDriverMessage | undefined {
  try {
    const parsed = RayDriverMessageSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** One line of a `lossbook doctor --ray` report per fact; the driver's `ready` message is its input. */
export function formatRayCluster(address: string, ready: Extract<RayDriverMessage, { type: 'ready' }>): string {
  const alive = ready.nodes.filter((node) => node.alive);
  const lines = [
    `Ray cluster at ${address}: Ray ${ready.rayVersion}, driver Python ${ready.pythonVersion}`,
    `  ${alive.length} node(s) alive, ${ready.cpus} CPU(s), ${ready.gpus} GPU(s) in all`,
    ...ready.nodes.map((node) => `  ${node.alive ? '✔' : '✘'} ${node.address.padEnd(15)} ${node.id.slice(0, 12)}  ${node.cpus} CPU, ${node.gpus} GPU${node.alive ? '' : ' (dead)'}`),
  ];
  return `${lines.join('\n')}\n`;
}
