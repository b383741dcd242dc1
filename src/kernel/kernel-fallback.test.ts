// perf.kernel-fallback (issue 18) on real tiny models: a conv net on wasm uses the kernels Lossbook
// supplies (Conv2DBackpropFilter, the corrected MaxPoolGrad), and the run says which, how they were
// supplied and what share of the step time they took; the same net on cpu needs none and gets no
// finding. The severity follows the share (rule thresholds), checked on the rule directly.
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyContext, ruleById } from '../shared/diagnosis';
import { selectBackend } from './backend';
import { monitoredRun } from './instrument.testing';
import type { Tf } from './monitor-api';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend({ request: 'wasm', requestedBy: 'setting' })).tf;
});

async function trainConvNet(backend: string) {
  await tf.setBackend(backend);
  const x = tf.randomNormal([32, 8, 8, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([32], 0, 3, 'int32', 4), 3).toFloat();
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const run = monitoredRun(tf, backend, false);
  await run.fit(model, x, y, { epochs: 2, batchSize: 8 });
  run.finish();
  tf.dispose([x, y]);
  model.dispose();
  await tf.setBackend('wasm');
  return run;
}

describe('perf.kernel-fallback', () => {
  it('names the kernels a wasm conv net needed from Lossbook, how each was supplied, and their share of step time', async () => {
    const run = await trainConvNet('wasm');
    const finding = run.finding('perf.kernel-fallback');
    expect(finding).toBeDefined();
    expect(finding!.evidence.summary).toMatch(/^\d kernels? Lossbook supplied on wasm took \d+(\.\d+)?% of [\d.]+ ms step time over 8 steps: /);
    expect(finding!.evidence.summary).toMatch(/Conv2DBackpropFilter \(composed, \d+(\.\d+)?%\)/);
    expect(finding!.evidence.summary).toMatch(/MaxPoolGrad \(corrected, \d+(\.\d+)?%\)/);
    expect(String(finding!.evidence.values.kernels)).toMatch(/Conv2DBackpropFilter:composed:8:/);
    const share = finding!.evidence.values.share as number;
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThanOrEqual(1);
    // Composed and corrected kernels run on wasm itself: whatever their share, only information.
    expect(finding!.evidence.values.cpuFallbackShare).toBe(0);
    expect(finding!.severity).toBe('info');
  });

  it('stays silent when the backend has every kernel (the same net on cpu)', async () => {
    const run = await trainConvNet('cpu');
    expect(run.finding('perf.kernel-fallback')).toBeUndefined();
  });

  it('is a warning once kernels on the CPU fallback take a quarter of the step time, info below or when composed', () => {
    const rule = ruleById('perf.kernel-fallback')!;
    const context = (ms: number) => ({
      ...emptyContext('epoch'),
      kernelFallback: { backend: 'wasm', stepMs: 1000, steps: 10, kernels: [{ name: 'Einsum', implementation: 'cpu-fallback' as const, calls: 10, ms }] },
    });
    expect(rule.check(context(400))[0]).toMatchObject({ severity: 'warning', summary: expect.stringContaining('Einsum (CPU fallback, 40%)') });
    expect(rule.check(context(100))[0]).toMatchObject({ severity: 'info' });
    const composed = { ...context(400), kernelFallback: { ...context(400).kernelFallback, kernels: [{ name: 'Conv2DBackpropFilter', implementation: 'composed' as const, calls: 10, ms: 400 }] } };
    expect(rule.check(composed)[0]).toMatchObject({ severity: 'info', summary: expect.stringContaining('Conv2DBackpropFilter (composed, 40%)') });
    expect(rule.check({ ...emptyContext('epoch'), kernelFallback: { backend: 'wasm', stepMs: 1000, steps: 10, kernels: [] } })).toEqual([]);
    expect(rule.check({ ...context(400), phase: 'step' })).toEqual([]);
  });
});
