import { describe, expect, it } from 'vitest';
import { parseRayDriverLine, parseSweepReplay, parseSweepTarget, parseTrialAssignment, sweepReplay, SweepTargetError, trialScript } from './remote';
import { normalizeSettings, SweepScheduler } from './scheduler';
import { parsePercentScript } from '../notebook/percent';
import { logUniform } from './space';

describe('sweep targets (on:)', () => {
  it('reads processes, a Ray address, and the address from LOSSBOOK_RAY_ADDRESS', () => {
    expect(parseSweepTarget(undefined, {})).toEqual({ kind: 'kernel' });
    expect(parseSweepTarget({ processes: 3 }, {})).toEqual({ kind: 'processes', processes: 3 });
    expect(parseSweepTarget({ ray: '10.0.0.5:6379', maxConcurrent: 4 }, {})).toEqual({ kind: 'ray', address: '10.0.0.5:6379', maxConcurrent: 4 });
    expect(parseSweepTarget('ray', { LOSSBOOK_RAY_ADDRESS: 'head:6379', LOSSBOOK_PYTHON: '/venv/bin/python' })).toEqual({ kind: 'ray', address: 'head:6379', python: '/venv/bin/python' });
    expect(parseSweepTarget({ ray: true }, { LOSSBOOK_RAY_ADDRESS: 'ray://head:10001', LOSSBOOK_RAY_COMMAND: 'node /opt/lossbook/bin/lossbook.mjs' })).toMatchObject({
      address: 'ray://head:10001',
      command: ['node', '/opt/lossbook/bin/lossbook.mjs'],
    });
  });

  it('refuses what it cannot use, saying what works', () => {
    expect(() => parseSweepTarget({ processes: 0 }, {})).toThrow(/whole number from 1 to 256/);
    expect(() => parseSweepTarget({ ray: 'http://head' }, {})).toThrow(/address like '127\.0\.0\.1:6379'/);
    expect(() => parseSweepTarget('ray', {})).toThrow(/LOSSBOOK_RAY_ADDRESS is not set/);
    expect(() => parseSweepTarget({ gpus: 2 }, {})).toThrow(SweepTargetError);
    expect(() => parseSweepTarget(5, {})).toThrow(/unknown `on`/);
  });
});

describe('trial processes', () => {
  it('replays the notebook as a percent script that lossbook run reads back cell by cell', () => {
    const cells = [
      { code: 'const a = 1;', language: 'typescript' as const },
      { code: 'const b: number = a + 1;\nconsole.log(b)', language: 'typescript' as const },
    ];
    const script = trialScript(cells);
    expect(script.name).toBe('lossbook-trial.ts');
    expect(parsePercentScript(script.text).cells.map((cell) => cell.source)).toEqual(cells.map((cell) => cell.code));
    expect(trialScript([{ code: 'x', language: 'javascript' }]).name).toBe('lossbook-trial.mjs');
  });

  it('validates the trial assignment it is given', () => {
    const assignment = { executionCount: 3, sweep: 0, trial: 2, params: { lr: 0.1 }, attempt: 1 };
    expect(parseTrialAssignment(JSON.stringify(assignment))).toEqual(assignment);
    expect(parseTrialAssignment(undefined)).toBeUndefined();
    expect(() => parseTrialAssignment('{"trial": -1}')).toThrow(SweepTargetError);
    expect(() => parseTrialAssignment('not json')).toThrow(/not JSON/);
  });

  it('hands earlier sweeps to the trial by cell and call, dropping histories past the size an environment takes', () => {
    const finished = (epochs: number) => {
      const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-3, 1) }, trials: 2 }));
      for (let trial = scheduler.nextTrial(); trial; trial = scheduler.nextTrial()) {
        for (let epoch = 1; epoch <= epochs; epoch++) scheduler.report(trial.id, epoch, { val_loss: 1 / epoch });
        scheduler.complete(trial.id, { status: 'completed' });
      }
      return scheduler.state;
    };
    expect(sweepReplay([{ sweeps: [] }])).toBeUndefined();
    const small = parseSweepReplay(sweepReplay([{ sweeps: [] }, { sweeps: [finished(3), finished(2)] }]));
    expect(Object.keys(small)).toEqual(['2/0', '2/1']);
    expect(small['2/0']!.trials[0]!.history).toHaveLength(3);
    // A resumed scheduler with every trial finished runs none: the replayed sweep is only its result.
    expect(new SweepScheduler(small['2/0']!.settings, small['2/0']).nextTrial()).toBeUndefined();
    const big = sweepReplay([{ sweeps: [finished(2000)] }])!;
    expect(big.length).toBeLessThan(100_000);
    expect(parseSweepReplay(big)['1/0']!.trials[0]!.history).toEqual([{ epoch: 2000, metrics: { val_loss: 1 / 2000 } }]);
    expect(parseSweepReplay('not json')).toEqual({});
  });

  it('reads the driver protocol and drops lines that are not part of it', () => {
    expect(parseRayDriverLine('{"type":"ended","trial":1,"attempt":2,"outcome":"worker-lost","message":"NodeDiedError"}')).toMatchObject({ outcome: 'worker-lost' });
    expect(parseRayDriverLine('2026-12-02 WARNING something')).toBeUndefined();
    expect(parseRayDriverLine('{"type":"ended","trial":1}')).toBeUndefined();
  });
});

describe('a scheduler with trials in parallel', () => {
  it('starts no more trials than asked even while some still run, and a restarted trial starts clean', () => {
    const scheduler = new SweepScheduler(normalizeSettings({ space: { lr: logUniform(1e-3, 1) }, trials: 3 }));
    const running = [scheduler.nextTrial(), scheduler.nextTrial(), scheduler.nextTrial()];
    expect(running.every(Boolean)).toBe(true);
    expect(scheduler.nextTrial()).toBeUndefined();
    scheduler.report(0, 1, { val_loss: 0.5 });
    const restarted = scheduler.restart(0, 'attempt 1 was lost');
    expect(restarted).toMatchObject({ history: [], status: 'running', attempts: 2, reason: 'attempt 1 was lost' });
    expect(restarted.best).toBeUndefined();
  });
});
