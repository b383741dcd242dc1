// `lossbook.sweep({...})`: seed 001's tuning method in one cell — trials run one after another
// in the kernel, each in its own lifetime scope (nothing leaks between trials) and diagnosed
// like any run; bad trials stop early; results stream as `artifact` events of kind 'sweep'.
import type * as tfType from '@tensorflow/tfjs';
import type { Finding } from '../shared/protocol';
import { SweepScheduler, normalizeSettings, type SweepSettings, type SweepState, type TrialRecord } from '../shared/sweep/scheduler';
import { choice, intUniform, logUniform, refineSpace, uniform, type Params, type SearchSpace } from '../shared/sweep/space';
import { summarizeSweep, type SweepSummary } from '../shared/sweep/summary';
import type { RunContext, Tf } from './monitor-api';

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
}

export function createSweepApi(tf: Tf, context: RunContext, hooks: SweepHooks) {
  async function sweep(options: SweepOptions): Promise<SweepResult> {
    if (typeof options?.train !== 'function') throw new TypeError('lossbook.sweep needs `train: async (params, report) => { … }`.');
    const settings = normalizeSettings(options);
    const scheduler = new SweepScheduler(settings, options.resume);
    const name = options.name ?? `sweep-${context.runId}`;
    const publish = () =>
      context.emit({ type: 'artifact', runId: context.runId, kind: 'sweep', data: { name, state: scheduler.state, summary: summarizeSweep(scheduler.state, scheduler.ranked()) } });

    for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
      // An interrupted trial stays 'running' in the published state, so a resume runs it again.
      if (context.signal.aborted) {
        publish();
        throw new SweepInterruptedError(`Sweep interrupted after ${trial.id} trial(s); resume with lossbook.sweep({ ..., resume: <last sweep artifact>.state }).`);
      }
      const started = performance.now();
      const reporter = createReporter(tf, scheduler, trial.id, context.signal);
      let status: 'completed' | 'pruned' | 'failed' = 'completed';
      let error: string | undefined;
      let findings: Finding[] = [];
      const runTrial = () =>
        hooks.runTrialScope(async () => {
          const returned = await options.train(trial.params, reporter);
          // A trial that reports nothing per epoch may return its final value (or metrics).
          if (trial.history.length === 0 && returned !== undefined) {
            const metrics = typeof returned === 'number' ? { [settings.metric]: returned } : numericEntries(returned);
            scheduler.report(trial.id, 1, metrics);
          }
        });
      try {
        if (hooks.withTrialMonitor) findings = (await hooks.withTrialMonitor(`${context.runId}/trial-${trial.id}`, runTrial)).findings;
        else await runTrial();
        if (trial.prunedAt !== undefined) status = 'pruned';
      } catch (caught) {
        if (context.signal.aborted) {
          publish();
          throw new SweepInterruptedError(`Sweep interrupted during trial ${trial.id}; resume with lossbook.sweep({ ..., resume: <result>.state }).`);
        }
        status = 'failed';
        error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      }
      scheduler.complete(trial.id, {
        status,
        error,
        durationMs: performance.now() - started,
        findings: findings.filter((f) => f.severity !== 'info').map((f) => ({ id: f.id, severity: f.severity })),
      });
      publish();
    }
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
  return Object.assign(sweep, { logUniform, uniform, intUniform, choice });
}

function numericEntries(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

function createReporter(tf: Tf, scheduler: SweepScheduler, trialId: number, signal: AbortSignal): TrialReporter {
  const report = (epoch: number, metrics: Record<string, number | undefined>) => scheduler.report(trialId, epoch, numericEntries(metrics));
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
