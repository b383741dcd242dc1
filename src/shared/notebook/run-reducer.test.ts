import { describe, expect, it } from 'vitest';
import type { CellOutput } from './model';
import { applyRunEvent, createRunRecord, MAX_STREAM_CHARS } from './run-reducer';

describe('applyRunEvent', () => {
  it('folds metrics into series and ignores other runs', () => {
    const run = createRunRecord('r1', 'c1', 1, 0);
    const outputs: CellOutput[] = [];
    applyRunEvent(run, outputs, { type: 'metrics', runId: 'r1', points: [{ name: 'loss', step: 0, epoch: 0, value: 2 }, { name: 'loss', step: 1, epoch: 0, value: 1.5 }] });
    expect(applyRunEvent(run, outputs, { type: 'metrics', runId: 'other', points: [{ name: 'loss', step: 2, value: 1 }] })).toBe(false);
    expect(run.series).toEqual([{ name: 'loss', steps: [0, 1], values: [2, 1.5], epochs: [0, 0] }]);
  });

  it('keeps only the newest snapshot of a named live artifact (a sweep), and every unnamed one', () => {
    const run = createRunRecord('r1', 'c1', 1, 0);
    for (let trials = 1; trials <= 5; trials++) applyRunEvent(run, [], { type: 'artifact', runId: 'r1', kind: 'sweep', data: { name: 'lr', trials } });
    applyRunEvent(run, [], { type: 'artifact', runId: 'r1', kind: 'sweep', data: { name: 'batch', trials: 1 } });
    applyRunEvent(run, [], { type: 'artifact', runId: 'r1', kind: 'lr-range', data: { points: 1 } });
    applyRunEvent(run, [], { type: 'artifact', runId: 'r1', kind: 'lr-range', data: { points: 2 } });
    expect(run.artifacts).toEqual([
      { kind: 'sweep', data: { name: 'lr', trials: 5 } },
      { kind: 'sweep', data: { name: 'batch', trials: 1 } },
      { kind: 'lr-range', data: { points: 1 } },
      { kind: 'lr-range', data: { points: 2 } },
    ]);
  });

  it('merges stream chunks and bounds them', () => {
    const run = createRunRecord('r1', 'c1', 1, 0);
    const outputs: CellOutput[] = [];
    applyRunEvent(run, outputs, { type: 'stream', runId: 'r1', name: 'stdout', text: 'a' });
    applyRunEvent(run, outputs, { type: 'stream', runId: 'r1', name: 'stdout', text: 'b'.repeat(MAX_STREAM_CHARS) });
    applyRunEvent(run, outputs, { type: 'stream', runId: 'r1', name: 'stdout', text: 'more' });
    expect(outputs).toHaveLength(1);
    const text = (outputs[0] as { text: string }).text;
    expect(text.startsWith('ab')).toBe(true);
    expect(text).toMatch(/output truncated/);
    expect(text.length).toBeLessThan(MAX_STREAM_CHARS + 100);
  });

  it('updates findings in place by key', () => {
    const run = createRunRecord('r1', 'c1', 1, 0);
    const finding = (count: number) => ({ id: 'loss.nan', key: 'loss.nan', family: 'dynamic' as const, severity: 'error' as const, title: 't', evidence: { summary: 's', values: {} }, explanation: 'e', fix: { text: 'f' }, source: 'seed 002', count });
    applyRunEvent(run, [], { type: 'findings', runId: 'r1', findings: [finding(1)] });
    applyRunEvent(run, [], { type: 'findings', runId: 'r1', findings: [finding(2)] });
    expect(run.findings).toHaveLength(1);
    expect(run.findings[0]!.count).toBe(2);
  });
});
