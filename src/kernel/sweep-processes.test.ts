// lossbook.sweep({ on: { processes: 2 } }) through the real kernel (issue 23): each trial is the
// notebook's code up to the sweep cell, run by `lossbook run --events -` in a process of its
// own, two at a time. The trials compute exactly what the same sweep computes in the kernel, a
// diverging trial is pruned by the same rule (and its process killed), and a trial whose
// process is killed runs once more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelSupervisor } from '../host/kernel-supervisor';
import type { HostEvent } from '../shared/protocol';
import type { TrialRecord } from '../shared/sweep/scheduler';
import { SWEEP_SETUP, sweepCell } from './sweep.testing';

describe('lossbook.sweep on local processes', () => {
  const kernel = new KernelSupervisor({ backend: 'cpu' });
  const events: HostEvent[] = [];
  beforeAll(async () => {
    kernel.onEvent((event) => events.push(event));
    await kernel.start();
  });
  afterAll(async () => {
    await kernel.shutdown();
  });

  async function trialsOf(code: string): Promise<{ trials: TrialRecord[]; runId: string }> {
    const { runId, done } = await kernel.execute({ cellId: 'cell', code, language: 'javascript' });
    await done;
    const error = events.find((e) => e.type === 'error' && e.runId === runId);
    expect(error && error.type === 'error' ? error.error.message : undefined).toBeUndefined();
    const display = events.find((e) => e.type === 'display' && e.runId === runId);
    const text = display?.type === 'display' && display.value.kind === 'text' ? display.value.text : '[]';
    // JSON turned the diverged trial's NaN into null; the comparison below treats both alike.
    return { trials: (JSON.parse(text) as TrialRecord[]).sort((a, b) => a.id - b.id), runId };
  }

  it('runs 4 trials in 2 processes with the results of the kernel, and cancels the pruned one', async () => {
    await trialsOf(SWEEP_SETUP);
    const local = await trialsOf(sweepCell(''));
    const started = Date.now();
    // The diverging trial then hangs: only cancelling its process ends it (else the test times out).
    const remote = await trialsOf(sweepCell('{ processes: 2 }', '', 'if (lr === 100) await new Promise((resolve) => setTimeout(resolve, 600_000));'));
    const wall = Date.now() - started;

    expect(remote.trials.map((t) => t.params.lr)).toEqual([0.05, 0.2, 0.5, 100]);
    expect(local.trials.every((t) => t.where === 'kernel')).toBe(true);
    for (const trial of remote.trials) expect(trial.where).toMatch(/^process:\d+$/);
    expect(new Set(remote.trials.map((t) => t.task)).size).toBe(4);
    // The same code and parameters give the same per-epoch values as in the kernel.
    for (const [index, trial] of remote.trials.slice(0, 3).entries()) {
      expect(trial.status).toBe('completed');
      expect(trial.history.map((h) => h.metrics.val_loss)).toEqual(local.trials[index]!.history.map((h) => h.metrics.val_loss));
    }
    // lr 100 is pruned — by the median rule, or at the latest when its loss turns non-finite —
    // as in the kernel; what it reported before is what the kernel computed.
    const diverging = remote.trials[3]!;
    expect(diverging.status).toBe('pruned');
    expect(diverging.reason).toMatch(/diverged|median/);
    expect(diverging.history.length).toBe(diverging.prunedAt);
    expect(diverging.history[0]!.metrics.val_loss).toEqual(local.trials[3]!.history[0]!.metrics.val_loss);
    // Metrics streamed while trials ran: a snapshot per epoch report, not only one per trial.
    const snapshots = events.filter((e) => e.type === 'artifact' && e.runId === remote.runId && e.kind === 'sweep');
    expect(snapshots.length).toBeGreaterThan(8);
    console.log(`4 trials on 2 processes: ${wall} ms`);
  }, 240_000);

  it('runs a trial whose process was killed once more, and reports a failing trial with its error', async () => {
    // Attempt 1 of trial 0 kills its own kernel process (a lost worker); trial 2's code throws.
    // The trials replay the earlier cells, the sweeps of the test above included: those return
    // their recorded results instead of running again (one of their trials would hang 10 min).
    const extra = `
      const assigned = JSON.parse(process.env.LOSSBOOK_SWEEP_TRIAL);
      if (assigned.trial === 0 && assigned.attempt === 1) process.kill(process.pid, 'SIGKILL');
      if (lr === 0.5) throw new RangeError('lr 0.5 is refused by this trial');`;
    const { trials } = await trialsOf(sweepCell('{ processes: 2 }', extra));
    expect(trials[0]).toMatchObject({ status: 'completed', attempts: 2 });
    expect(trials[0]!.reason).toMatch(/attempt 1 was lost .*retried once/);
    expect(trials[2]).toMatchObject({ status: 'failed', reason: 'RangeError: lr 0.5 is refused by this trial' });
    expect(trials[2]!.attempts).toBeUndefined();
  }, 240_000);

  it('refuses an unknown target with the forms that work', async () => {
    const { runId, done } = await kernel.execute({ cellId: 'cell', code: sweepCell("{ gpus: 2 }"), language: 'javascript' });
    await done;
    const error = events.find((e) => e.type === 'error' && e.runId === runId);
    expect(error?.type === 'error' ? error.error.message : '').toMatch(/unknown `on`.*processes: N/);
  });
});
