// `lossbook.sweep({...})`: seed 001's tuning method in one cell — trials run one after another
// in the kernel, each in its own lifetime scope (nothing leaks between trials) and diagnosed
// like any run; bad trials stop early; results stream as `artifact` events of kind 'sweep'.
// With `on:` the trials run in parallel outside the kernel instead (sweep-remote.ts, issue 23).
import type * as tfType from '@tensorflow/tfjs';
import type { Finding } from '../shared/protocol';
import { parseSweepReplay, parseSweepTarget, parseTrialAssignment, REPLAY_ENV, sweepReplay, TRIAL_ARTIFACT, TRIAL_ENV, trialScript, type SweepTarget, type TrialArtifact, type TrialAssignment } from '../shared/sweep/remote';
import { SweepScheduler, normalizeSettings, type SweepSettings, type SweepState, type TrialFindingSummary, type TrialRecord } from '../shared/sweep/scheduler';
import { choice, intUniform, logUniform, refineSpace, uniform, type Params, type SearchSpace } from '../shared/sweep/space';
import { summarizeSweep, type SweepSummary } from '../shared/sweep/summary';
import type { RunContext, Tf } from './monitor-api';
import { createTrialLauncher, runTrialsOutside, type TrialLauncher } from './sweep-remote';

/** Called by a trial once per epoch; returns whether the trial should stop now. */
export interface TrialReporter {
  (epoch: number, metrics: Record<string, number | undefined>): { prune: boolean; reason?: string };
  /** A tfjs callback for model.fit that reports each epoch's logs and stops pruned trials. */
  readonly callback: tfType.CustomCallbackArgs | tfType.Callback;
  readonly trial: number;
  readonly signal: AbortSignal;
}

export interface SweepOptions extends Partial<Omit<SweepSettings, 'space'>> {
  space: SearchSpace;
  /** One trial: build, train, report per epoch. May return its final metric value or metrics. */
  train: (params: Params, report: TrialReporter) => Promise<unknown>;
  /** The state of an earlier sweep (its result's `state`) to continue from. */
  resume?: SweepState;
  name?: string;
  /**
   * Where trials run (issue 23): in this kernel (default), `{ processes: N }` in N local trial
   * processes, `{ ray: 'host:port' }` (or `'ray'` with LOSSBOOK_RAY_ADDRESS) as Ray tasks.
   */
  on?: 'kernel' | 'ray' | { processes: number } | { ray: string | true; maxConcurrent?: number; python?: string; command?: string[] };
}

export interface SweepResult {
  name: string;
  summary: SweepSummary;
  /** Finished trials, best first. */
  trials: TrialRecord[];
  best?: TrialRecord;
  state: SweepState;
  /** A narrower space around the best `top` trials: the coarse → fine step. */
  refine(top?: number, margin?: number): SearchSpace;
}

export class SweepInterruptedError extends Error {
  override name = 'SweepInterruptedError';
}

export interface SweepHooks {
  /** Runs fn in its own lifetime scope: what a trial allocated and nothing reaches is disposed. */
  runTrialScope<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs fn with a fresh monitor active for the trial; returns the trial's findings. */
  withTrialMonitor?<T>(trialId: string, fn: () => Promise<T>): Promise<{ value: T; findings: Finding[] }>;
  /** The cells that built the namespace, the running cell last: what a trial process replays. */
  notebookCode?(): NotebookCell[];
  /** Keeps a finished sweep's state with its cell, so trial processes replay it as a result. */
  recordSweep?(state: SweepState): void;
  /** The running cell's execution count (a trial process finds its sweep cell by it). */
  executionCount?: number;
  /** The kernel's environment: LOSSBOOK_SWEEP_TRIAL in a trial process, LOSSBOOK_RAY_ADDRESS. */
  env?: Record<string, string | undefined>;
  /** How trials start outside the kernel; default: local processes or the Ray driver. */
  createLauncher?(target: Exclude<SweepTarget, { kind: 'kernel' }>, context: RunContext): TrialLauncher;
}

/** A cell that ran to the end in this kernel, with the final state of each sweep it ran. */
export interface NotebookCell {
  code: string;
  language: 'typescript' | 'javascript';
  sweeps: SweepState[];
}

export function createSweepApi(tf: Tf, context: RunContext, hooks: SweepHooks) {
  // The n-th lossbook.sweep call of this cell run (a trial process runs one of them).
  let ordinal = 0;
  const assignment = parseTrialAssignment(hooks.env?.[TRIAL_ENV]);
  const replayed = parseSweepReplay(hooks.env?.[REPLAY_ENV]);

  async function sweep(options: SweepOptions): Promise<SweepResult> {
    if (typeof options?.train !== 'function') throw new TypeError('lossbook.sweep needs `train: async (params, report) => { … }`.');
    const settings = normalizeSettings(options);
    const index = ordinal++;
    const name = options.name ?? `sweep-${context.runId}`;
    if (assignment && assignment.executionCount === hooks.executionCount && assignment.sweep === index) return runAssignedTrial(options, settings, name, assignment);
    // In a trial process, a sweep of an earlier cell returns what it returned in the notebook's
    // kernel (its finished state: no trial runs again); one without a recorded state runs here,
    // never fanning out again.
    const recorded = assignment ? replayed[`${hooks.executionCount ?? 0}/${index}`] : undefined;
    const target = assignment ? ({ kind: 'kernel' } as const) : parseSweepTarget(options.on, hooks.env ?? {});
    const scheduler = new SweepScheduler(settings, recorded ?? options.resume);
    const publish = () =>
      context.emit({ type: 'artifact', runId: context.runId, kind: 'sweep', data: { name, state: scheduler.state, summary: summarizeSweep(scheduler.state, scheduler.ranked()) } });

    if (target.kind !== 'kernel') {
      const launcher = hooks.createLauncher?.(target, context) ?? createTrialLauncher(target, context);
      const cells = hooks.notebookCode?.() ?? [];
      const replay = sweepReplay(cells.slice(0, -1));
      const outcome = await runTrialsOutside({
        scheduler,
        launcher,
        script: trialScript(cells),
        // The trial process runs the script's cells from execution count 1: the sweep cell is the last.
        assignmentFor: (trial, attempt) => ({ executionCount: cells.length, sweep: index, trial: trial.id, params: trial.params, attempt }),
        ...(replay ? { env: { [REPLAY_ENV]: replay } } : {}),
        cwd: process.cwd(),
        signal: context.signal,
        publish,
      });
      if (outcome === 'interrupted') throw new SweepInterruptedError('Sweep interrupted: every trial task was cancelled; resume with lossbook.sweep({ ..., resume: <last sweep artifact>.state }).');
      hooks.recordSweep?.(scheduler.state);
      return sweepResult(name, settings, scheduler);
    }

    for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
      // An interrupted trial stays 'running' in the published state, so a resume runs it again.
      if (context.signal.aborted) {
        publish();
        throw new SweepInterruptedError(`Sweep interrupted after ${trial.id} trial(s); resume with lossbook.sweep({ ..., resume: <last sweep artifact>.state }).`);
      }
      trial.where = 'kernel';
      const reporter = createReporter(tf, (epoch, metrics) => scheduler.report(trial.id, epoch, metrics), trial.id, context.signal);
      const outcome = await runTrialHere(options, settings, trial, reporter, (epoch, metrics) => scheduler.report(trial.id, epoch, metrics));
      if (outcome === 'interrupted') {
        publish();
        throw new SweepInterruptedError(`Sweep interrupted during trial ${trial.id}; resume with lossbook.sweep({ ..., resume: <result>.state }).`);
      }
      scheduler.complete(trial.id, outcome);
      publish();
    }
    hooks.recordSweep?.(scheduler.state);
    return sweepResult(name, settings, scheduler);
  }

  /** One trial in this kernel, in its own lifetime scope and under its own monitor. */
  async function runTrialHere(
    options: SweepOptions,
    settings: SweepSettings,
    trial: TrialRecord,
    reporter: TrialReporter,
    report: (epoch: number, metrics: Record<string, number>) => unknown,
  ): Promise<'interrupted' | { status: 'completed' | 'pruned' | 'failed'; error?: string; durationMs: number; findings: TrialFindingSummary[] }> {
    const started = performance.now();
    let status: 'completed' | 'pruned' | 'failed' = 'completed';
    let error: string | undefined;
    let findings: Finding[] = [];
    const runTrial = () =>
      hooks.runTrialScope(async () => {
        const returned = await options.train(trial.params, reporter);
        // A trial that reports nothing per epoch may return its final value (or metrics).
        if (trial.history.length === 0 && returned !== undefined) {
          const metrics = typeof returned === 'number' ? { [settings.metric]: returned } : numericEntries(returned);
          report(1, metrics);
        }
      });
    try {
      if (hooks.withTrialMonitor) findings = (await hooks.withTrialMonitor(`${context.runId}/trial-${trial.id}`, runTrial)).findings;
      else await runTrial();
      if (trial.prunedAt !== undefined) status = 'pruned';
    } catch (caught) {
      if (context.signal.aborted) return 'interrupted';
      status = 'failed';
      error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    }
    return {
      status,
      ...(error ? { error } : {}),
      durationMs: performance.now() - started,
      findings: findings.filter((f) => f.severity !== 'info').map((f) => ({ id: f.id, severity: f.severity })),
    };
  }

  /**
   * In a trial process: run only the assigned trial and stream it back as `sweep-trial` artifacts
   * (`lossbook run --events -` prints them). Pruning is the sweep's decision, taken where the
   * other trials are known; it ends this process.
   */
  async function runAssignedTrial(options: SweepOptions, settings: SweepSettings, name: string, assigned: TrialAssignment): Promise<SweepResult> {
    const scheduler = new SweepScheduler(settings);
    const trial = scheduler.assign(assigned.trial, assigned.params);
    const emit = (data: TrialArtifact) => context.emit({ type: 'artifact', runId: context.runId, kind: TRIAL_ARTIFACT, data });
    const report = (epoch: number, metrics: Record<string, number>) => {
      trial.history.push({ epoch, metrics });
      emit({ event: 'report', trial: trial.id, epoch, metrics: Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, Number.isFinite(value) ? value : null])) });
      return { prune: false };
    };
    const reporter = createReporter(tf, report, trial.id, context.signal);
    const outcome = await runTrialHere(options, settings, trial, reporter, report);
    if (outcome === 'interrupted') throw new SweepInterruptedError(`Trial ${trial.id} was interrupted.`);
    scheduler.complete(trial.id, outcome);
    emit({ event: 'end', trial: trial.id, status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}), durationMs: outcome.durationMs, findings: outcome.findings });
    return sweepResult(name, settings, scheduler);
  }

  return Object.assign(sweep, { logUniform, uniform, intUniform, choice });
}

function sweepResult(name: string, settings: SweepSettings, scheduler: SweepScheduler): SweepResult {
  const ranked = scheduler.ranked();
  return {
    name,
    summary: summarizeSweep(scheduler.state, ranked),
    trials: ranked,
    best: ranked[0],
    state: scheduler.state,
    refine: (top = 3, margin = 2) =>
      refineSpace(
        settings.space,
        ranked.filter((t) => t.status !== 'failed' && t.best !== undefined && Number.isFinite(t.best)).slice(0, top).map((t) => t.params),
        margin,
      ),
  };
}

function numericEntries(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

function createReporter(
  tf: Tf,
  record: (epoch: number, metrics: Record<string, number>) => { prune: boolean; reason?: string },
  trialId: number,
  signal: AbortSignal,
): TrialReporter {
  const report = (epoch: number, metrics: Record<string, number | undefined>) => record(epoch, numericEntries(metrics));
  // tf.Callback gives us this.model, so a pruned trial stops at the end of its epoch.
  class SweepCallback extends tf.Callback {
    override async onEpochEnd(epoch: number, logs?: tfType.Logs): Promise<void> {
      // Subclasses of tf.Callback get unresolved logs (scalar tensors); CustomCallback resolves them.
      const resolved: Record<string, number> = {};
      for (const [key, value] of Object.entries(logs ?? {})) {
        const raw: unknown = value;
        resolved[key] = typeof raw === 'number' ? raw : ((await (raw as tfType.Scalar).data())[0] ?? Number.NaN);
      }
      const decision = report(epoch + 1, resolved);
      if (decision.prune && this.model) this.model.stopTraining = true;
    }
  }
  return Object.assign(report, { callback: new SweepCallback(), trial: trialId, signal });
}
