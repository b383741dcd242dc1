// The out-of-kernel trial loop with a scripted launcher: which attempts it starts, cancels and
// retries, decided by the same scheduler as in-kernel trials. (The real launchers are tested in
// sweep-processes.test.ts and sweep-ray.test.ts.)
import { describe, expect, it } from 'vitest';
import type { TrialLaunchEvent, TrialLaunchRequest } from '../shared/sweep/remote';
import { normalizeSettings, SweepScheduler } from '../shared/sweep/scheduler';
import { choice } from '../shared/sweep/space';
import { runTrialsOutside, type TrialLauncher } from './sweep-remote';

type Script = (request: TrialLaunchRequest, send: (event: TrialLaunchEvent) => void) => void;

class ScriptedLauncher implements TrialLauncher {
  readonly launched: string[] = [];
  readonly cancelled: string[] = [];
  closed = false;
  concurrent = 0;
  maxConcurrent = 0;
  constructor(
    private readonly capacity: number,
    private readonly script: Script,
  ) {}
  open(): Promise<number> {
    return Promise.resolve(this.capacity);
  }
  launch(request: TrialLaunchRequest, listener: (event: TrialLaunchEvent) => void) {
    const key = `${request.trial}/${request.attempt}`;
    this.launched.push(key);
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    let over = false;
    let counted = true;
    const send = (event: TrialLaunchEvent) => {
      if (over) return;
      // A trial stops counting once its result is in (the loop then ends what is left of it).
      if (counted && (event.type === 'exit' || (event.type === 'artifact' && event.artifact.event === 'end'))) {
        counted = false;
        this.concurrent--;
      }
      if (event.type === 'exit') over = true;
      listener(event);
    };
    setTimeout(() => this.script(request, send), 1);
    return {
      cancel: () => {
        this.cancelled.push(key);
        setTimeout(() => send({ type: 'exit', lost: 'cancelled' }), 1);
      },
    };
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

const report = (trial: number, epoch: number, value: number): TrialLaunchEvent => ({ type: 'artifact', artifact: { event: 'report', trial, epoch, metrics: { val_loss: value } } });
const end = (trial: number): TrialLaunchEvent => ({ type: 'artifact', artifact: { event: 'end', trial, status: 'completed', durationMs: 5, findings: [] } });

function sweep(launcher: TrialLauncher, signal = new AbortController().signal) {
  const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: choice([1, 2, 3, 4]) }, strategy: 'grid', trials: 4 }));
  const done = runTrialsOutside({
    scheduler,
    launcher,
    script: { name: 't.ts', text: '' },
    assignmentFor: (trial, attempt) => ({ executionCount: 1, sweep: 0, trial: trial.id, params: trial.params, attempt }),
    cwd: '/',
    signal,
    publish: () => undefined,
  });
  return { scheduler, done };
}

describe('trials outside the kernel', () => {
  it('keeps to the capacity, cancels a pruned trial, retries a lost one once, then reports it failed', async () => {
    const launcher = new ScriptedLauncher(2, (request, send) => {
      const lr = request.params.lr as number;
      send({ type: 'started', where: `test:${request.trial}`, task: `t${request.trial}.${request.attempt}` });
      if (lr === 2) return send({ type: 'exit', lost: 'worker gone' }); // every attempt is lost
      if (lr === 4) return send(report(request.trial, 1, Number.NaN)); // diverges, then hangs until cancelled
      if (lr === 3) {
        send({ type: 'cell-error', message: 'TypeError: x is undefined' });
        return send({ type: 'exit', lost: 'exited with code 1' });
      }
      send(report(request.trial, 1, 0.5));
      send(end(request.trial));
      send({ type: 'exit' });
    });
    const { scheduler, done } = sweep(launcher);
    expect(await done).toBe('done');
    const trials = scheduler.state.trials;
    expect(launcher.maxConcurrent).toBe(2);
    expect(launcher.launched.sort()).toEqual(['0/1', '1/1', '1/2', '2/1', '3/1']);
    expect(trials[0]).toMatchObject({ status: 'completed', where: 'test:0', final: 0.5 });
    expect(trials[1]).toMatchObject({ status: 'failed', attempts: 2, reason: 'worker gone (after one retry)' });
    // A bug in the trial's code is not retried: it would fail again.
    expect(trials[2]).toMatchObject({ status: 'failed', reason: 'TypeError: x is undefined' });
    expect(trials[3]).toMatchObject({ status: 'pruned', prunedAt: 1 });
    // The pruned trial is cancelled; the finished one is ended as soon as its result is in.
    expect(launcher.cancelled.sort()).toEqual(['0/1', '3/1']);
    expect(launcher.closed).toBe(true);
  });

  it('cancels every running trial on interrupt and returns at once, leaving them to resume', async () => {
    const controller = new AbortController();
    const launcher = new ScriptedLauncher(2, (request, send) => {
      send({ type: 'started', where: 'test', task: String(request.trial) });
      if (request.trial === 1) setTimeout(() => controller.abort(), 5);
    });
    const { scheduler, done } = sweep(launcher, controller.signal);
    expect(await done).toBe('interrupted');
    expect(launcher.cancelled.sort()).toEqual(['0/1', '1/1']);
    expect(launcher.launched).toHaveLength(2);
    expect(scheduler.state.trials.map((trial) => trial.status)).toEqual(['running', 'running']);
  });
});
