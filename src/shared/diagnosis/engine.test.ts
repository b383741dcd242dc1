// Pure-engine tests: isolation of a throwing rule, in-place merging (the catalog: catalog.test.ts).
// (Each diagnosis itself is tested by training a real model with the bug: src/kernel/*.test.ts, examples/.)
import { describe, expect, it } from 'vitest';
import { allRules, DiagnosisEngine, emptyContext } from './index';
import type { Rule } from './types';

const throwing: Rule = {
  id: 'test.throws',
  family: 'dynamic',
  severity: 'warning',
  title: 'throws',
  thresholds: {},
  explanation: '',
  fix: { text: '' },
  source: 'test',
  check() {
    throw new Error('boom');
  },
};

const always: Rule = { ...throwing, id: 'test.always', check: (context) => [{ summary: `step ${context.step}`, values: { step: context.step }, step: context.step }] };

describe('DiagnosisEngine', () => {
  it('isolates a rule that throws as an internal finding and keeps running the others', () => {
    const engine = new DiagnosisEngine([throwing, always]);
    const context = emptyContext('step');
    engine.run(context);
    const ids = engine.findings().map((f) => f.id);
    expect(ids).toContain('internal.rule-failed');
    expect(ids).toContain('test.always');
    expect(engine.findings().find((f) => f.family === 'internal')?.evidence.summary).toContain('boom');
  });

  it('merges repeated findings in place by key and bumps the count', () => {
    const engine = new DiagnosisEngine([always]);
    const context = emptyContext('step');
    for (let step = 0; step < 50; step++) {
      context.step = step;
      engine.run(context);
    }
    const findings = engine.findings();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.count).toBe(50);
    expect(findings[0]!.firstStep).toBe(0);
    expect(findings[0]!.step).toBe(49);
    expect(engine.takeChanged()).toHaveLength(1);
    expect(engine.takeChanged()).toHaveLength(0);
  });

  it('a transient trend that no longer holds when the run finishes becomes a note marked resolved', () => {
    let holds = true;
    const wobble: Rule = { ...always, id: 'test.wobble', family: 'trend', transient: true, check: () => (holds ? [{ summary: 'val loss up', values: {} }] : []) };
    const engine = new DiagnosisEngine([wobble]);
    engine.run(emptyContext('epoch'));
    expect(engine.findings()[0]).toMatchObject({ severity: 'warning' });
    holds = false;
    engine.run(emptyContext('epoch'));
    expect(engine.findings()[0]!.severity).toBe('warning'); // only the end of the run decides
    engine.run(emptyContext('finish'));
    expect(engine.findings()[0]).toMatchObject({ severity: 'info', evidence: { summary: 'val loss up; no longer the case when the run ended', values: { resolved: true } } });
  });

  it('runs a family only on the phases that can feed it', () => {
    const engine = new DiagnosisEngine([{ ...always, family: 'static' }]);
    engine.run(emptyContext('step'));
    expect(engine.findings()).toHaveLength(0);
    engine.run(emptyContext('fit-start'));
    expect(engine.findings()).toHaveLength(1);
  });
});

describe('the rules', () => {
  it('every rule returns nothing on an empty context (no false alarms without evidence)', () => {
    const engine = new DiagnosisEngine(allRules);
    for (const phase of ['fit-start', 'step', 'epoch', 'finish'] as const) engine.run(emptyContext(phase));
    expect(engine.findings().map((f) => f.id)).toEqual([]);
  });
});

describe('mem.oom', () => {
  const oom = allRules.find((rule) => rule.id === 'mem.oom')!;
  it('names what failed from the error of a failed run (its first sentence), and ignores errors that are not about memory', () => {
    const context = emptyContext('finish');
    context.error = {
      name: 'OutOfMemoryError',
      message: 'Out of memory: the wasm backend cannot allocate 4.5 GB for a float32 tensor of shape [8000, 224, 224, 3]. WebAssembly memory is limited to 4.0 GB.',
    };
    const [hit] = oom.check(context);
    expect(hit?.summary).toBe('the run failed: Out of memory: the wasm backend cannot allocate 4.5 GB for a float32 tensor of shape [8000, 224, 224, 3].');
    context.error = { name: 'Error', message: 'OOM when allocating tensor with shape[4096,4096] on /job:localhost/device:GPU:0' };
    expect(oom.check(context)[0]?.summary).toContain('OOM when allocating tensor with shape[4096,4096]');
    context.error = { name: 'TypeError', message: "Cannot read properties of undefined (reading 'shape')" };
    expect(oom.check(context)).toEqual([]);
  });

  it('warns when the JS heap nears its limit', () => {
    const context = emptyContext('step');
    context.memory.push({ step: 40, numTensors: 10, numBytes: 1000, heapUsedBytes: 950, heapLimitBytes: 1000 });
    expect(oom.check(context)).toEqual([expect.objectContaining({ severity: 'warning', step: 40, summary: 'JS heap 95% of its limit at step 40' })]);
  });
});
