// The sweep loop's behaviour: a failing trial must not end the sweep, and an interrupt must stop
// it with a state that resumes exactly. (Training on a real model: sweep.kernel.test.ts.)
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { KernelEvent } from '../shared/protocol';
import { createSweepApi, SweepInterruptedError, type SweepHooks } from './sweep';
import type { RunContext } from './monitor-api';

/** Logic only: memory is proven through the real kernel in sweep.kernel.test.ts. */
const hooks: SweepHooks = { runTrialScope: (fn) => fn() };

function context(events: KernelEvent[], controller = new AbortController()): RunContext {
  return { runId: 'run-1', emit: (e) => events.push(e), signal: controller.signal, backend: 'cpu' };
}

describe('lossbook.sweep', () => {
  it('keeps going when a trial throws, and records why', async () => {
    const sweep = createSweepApi(tf, context([]), hooks);
    const result = await sweep({
      space: { lr: sweep.logUniform(1e-3, 1e-1) },
      trials: 3,
      prune: false,
      train: async (_params, report) => {
        if (report.trial === 1) throw new RangeError('bad batch size');
        return 0.5 - report.trial * 0.1;
      },
    });
    expect(result.trials.map((t) => t.status).sort()).toEqual(['completed', 'completed', 'failed']);
    expect(result.trials.find((t) => t.status === 'failed')!.reason).toBe('RangeError: bad batch size');
  });

  it('stops on interrupt, and resumes from the last published state', async () => {
    const controller = new AbortController();
    const published: KernelEvent[] = [];
    const sweep = createSweepApi(tf, context(published, controller), hooks);
    const space = { lr: sweep.logUniform(1e-3, 1e-1) };
    await expect(
      sweep({
        space,
        trials: 5,
        seed: 9,
        prune: false,
        train: async (_params, report) => {
          if (report.trial === 2) controller.abort();
          if (report.signal.aborted) throw new Error('interrupted');
          return 0.3;
        },
      }),
    ).rejects.toBeInstanceOf(SweepInterruptedError);
    const last = published.filter((e) => e.type === 'artifact' && e.kind === 'sweep').at(-1);
    const state = (last as { data: { state: Parameters<typeof sweep>[0]['resume'] } }).data.state!;
    expect(state.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'running']);

    const resumed = await createSweepApi(tf, context([]), hooks)({ space, trials: 5, seed: 9, prune: false, resume: state, train: async () => 0.2 });
    expect(resumed.trials).toHaveLength(5);
    expect(resumed.trials.filter((t) => t.final === 0.3)).toHaveLength(2);
    // The same parameter sequence as an uninterrupted sweep with that seed.
    const whole = await createSweepApi(tf, context([]), hooks)({ space, trials: 5, seed: 9, prune: false, train: async () => 0.1 });
    expect([...resumed.state.trials].sort((a, b) => a.id - b.id).map((t) => t.params)).toEqual([...whole.state.trials].sort((a, b) => a.id - b.id).map((t) => t.params));
  });
});
