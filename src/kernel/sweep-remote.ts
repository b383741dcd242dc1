// Trials outside the kernel (issue 23): up to `capacity` trials run at once, each an attempt
// started by a TrialLauncher (local processes or Ray tasks, trial-launchers.ts). Their epoch
// reports go through the same SweepScheduler as in-kernel trials, so the same strategies prune
// them — a pruned trial's process or task is cancelled. A trial whose worker was lost (killed,
// crashed, node gone) runs once more; a trial whose code failed does not (it would fail again).
import { metricsFromJson, TRIAL_ENV, type SweepTarget, type TrialArtifact, type TrialAssignment, type TrialLaunchEvent, type TrialLaunchRequest } from '../shared/sweep/remote';
import type { SweepScheduler, TrialRecord } from '../shared/sweep/scheduler';
import type { RunContext } from './monitor-api';
import { ProcessTrialLauncher, RayTrialLauncher } from './trial-launchers';

export interface TrialLauncher {
  /** Connects (Ray: starts the driver and reaches the cluster); resolves with how many trials may run at once. */
  open(signal: AbortSignal): Promise<number>;
  launch(request: TrialLaunchRequest, listener: (event: TrialLaunchEvent) => void): { cancel(): void };
  /** Ends everything it started. */
  close(): Promise<void>;
}

export function createTrialLauncher(target: Exclude<SweepTarget, { kind: 'kernel' }>, context: RunContext): TrialLauncher {
  return target.kind === 'processes' ? new ProcessTrialLauncher(target.processes, context.backend) : new RayTrialLauncher(target);
}

interface Attempt {
  trial: TrialRecord;
  number: number;
  started: number;
  handle?: { cancel(): void };
  cancelledFor?: 'prune' | 'interrupt';
  end?: Extract<TrialArtifact, { event: 'end' }>;
  cellError?: string;
}

export interface OutsideRun {
  scheduler: SweepScheduler;
  launcher: TrialLauncher;
  script: { name: string; text: string };
  assignmentFor(trial: TrialRecord, attempt: number): TrialAssignment;
  cwd: string;
  signal: AbortSignal;
  publish(): void;
  /** More environment for every trial process (the earlier cells' sweep results). */
  env?: Record<string, string>;
}

/** Runs the sweep's trials through the launcher; 'interrupted' when the user interrupted the cell. */
export async function runTrialsOutside(run: OutsideRun): Promise<'done' | 'interrupted'> {
  const { scheduler, launcher, signal, publish } = run;
  let interrupted = false;
  try {
    let capacity: number;
    try {
      capacity = await launcher.open(signal);
    } catch (error) {
      if (signal.aborted) return 'interrupted';
      throw error;
    }
    if (signal.aborted) return 'interrupted';
    const active = new Map<number, Attempt>();
    return await new Promise<'done' | 'interrupted'>((resolve) => {
      const settleIfIdle = () => {
        if (active.size === 0) resolve(interrupted ? 'interrupted' : 'done');
      };
      const fill = () => {
        if (interrupted) return settleIfIdle();
        while (active.size < capacity) {
          const trial = scheduler.nextTrial();
          if (!trial) break;
          start(trial, 1);
        }
        publish();
        settleIfIdle();
      };
      const start = (trial: TrialRecord, number: number) => {
        const attempt: Attempt = { trial, number, started: performance.now() };
        active.set(trial.id, attempt);
        const request: TrialLaunchRequest = {
          trial: trial.id,
          params: trial.params,
          attempt: number,
          script: run.script,
          env: { ...run.env, [TRIAL_ENV]: JSON.stringify(run.assignmentFor(trial, number)) },
          cwd: run.cwd,
        };
        attempt.handle = launcher.launch(request, (event) => onEvent(attempt, event));
        // A launcher that failed synchronously already finished the attempt: cancel the late handle.
        if (active.get(trial.id) !== attempt) attempt.handle.cancel();
      };
      const onEvent = (attempt: Attempt, event: TrialLaunchEvent) => {
        if (active.get(attempt.trial.id) !== attempt) return;
        const { trial } = attempt;
        if (event.type === 'started') {
          trial.where = event.where;
          trial.task = event.task;
          publish();
        } else if (event.type === 'cell-error') attempt.cellError ??= event.message;
        else if (event.type === 'artifact') {
          const artifact = event.artifact;
          if (artifact.event === 'end') {
            // The trial's result is in: free its slot now rather than after lossbook run has shut
            // its kernel down (seconds on a busy machine); what is left of the process is ended.
            attempt.end = artifact;
            finish(attempt, undefined);
            attempt.handle?.cancel();
          } else if (!attempt.cancelledFor) {
            const decision = scheduler.report(trial.id, artifact.epoch, metricsFromJson(artifact.metrics));
            if (decision.prune) {
              attempt.cancelledFor = 'prune';
              attempt.handle?.cancel();
            }
            publish();
          }
        } else finish(attempt, event.lost);
      };
      const finish = (attempt: Attempt, lost: string | undefined) => {
        const { trial } = attempt;
        active.delete(trial.id);
        // An interrupted trial stays 'running' in the published state, so a resume runs it again.
        if (attempt.cancelledFor === 'interrupt') return settleIfIdle();
        const durationMs = performance.now() - attempt.started;
        if (attempt.cancelledFor === 'prune') scheduler.complete(trial.id, { status: 'pruned', durationMs, findings: attempt.end?.findings ?? [] });
        else if (attempt.end) {
          const { status, error, findings } = attempt.end;
          scheduler.complete(trial.id, { status: status === 'completed' && trial.prunedAt !== undefined ? 'pruned' : status, ...(error ? { error } : {}), findings, durationMs });
        } else if (attempt.cellError) scheduler.complete(trial.id, { status: 'failed', error: attempt.cellError, durationMs });
        else if (lost && attempt.number < 2 && !interrupted) {
          scheduler.restart(trial.id, `attempt 1 was lost (${lost}); retried once`);
          start(trial, 2);
          publish();
          return;
        } else {
          const reason = lost ? `${lost}${attempt.number > 1 ? ' (after one retry)' : ''}` : 'the trial process ended without running its trial (was the sweep cell reached?)';
          scheduler.complete(trial.id, { status: 'failed', error: reason, durationMs });
        }
        fill();
      };
      const onAbort = () => {
        interrupted = true;
        for (const attempt of active.values()) {
          attempt.cancelledFor = 'interrupt';
          attempt.trial.reason = 'interrupted: its task was cancelled (a resume runs it again)';
          attempt.handle?.cancel();
        }
        publish();
        // The cell ends now, within the kernel's interrupt grace period (else the kernel is
        // restarted and the namespace lost); the launcher's close() finishes the cancelling.
        resolve('interrupted');
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      fill();
    });
  } finally {
    if (interrupted || signal.aborted) void launcher.close().catch(() => undefined);
    else await launcher.close();
  }
}
