// Training hooks with real tfjs training (CPU backend) and a recording RunMonitor: what the
// monitor sees, that the user's callbacks still run (plain objects and tf.Callback instances
// alike), progress events, and lossbook.log.
import type * as tfType from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent } from '../shared/protocol';
import { startTestKernel, type TestKernel } from './kernel.testing';
import type { FitObservation, RunMonitor } from './monitor-api';

interface Recorded {
  beforeFit: FitObservation[];
  gradients: number;
  minimize: Array<number | null>;
  logs: Array<{ values: Record<string, number>; step?: number }>;
  monitorBatches: number;
  finished: string[];
}

const recorded: Recorded = { beforeFit: [], gradients: 0, minimize: [], logs: [], monitorBatches: 0, finished: [] };

function recordingMonitor(): RunMonitor {
  return {
    beforeFit(observation) {
      recorded.beforeFit.push(observation);
      return { onBatchEnd: async () => void (recorded.monitorBatches += 1) };
    },
    onGradients: () => void (recorded.gradients += 1),
    onMinimize: (_optimizer, loss) => void recorded.minimize.push(loss ? loss.dataSync()[0] ?? null : null),
    log: (values, step) => void recorded.logs.push({ values, ...(step !== undefined ? { step } : {}) }),
    findings: () => [],
    finish: (status) => void recorded.finished.push(status),
    dispose: () => undefined,
  };
}

let kernel: TestKernel;

beforeAll(async () => {
  kernel = await startTestKernel('cpu', { monitorFactory: () => recordingMonitor() });
  await kernel.run(`const xs = tf.randomNormal([32, 4], 0, 1, 'float32', 3);
const ys = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });`);
});

afterAll(() => kernel.dispose());

describe('training hooks', () => {
  it('hands fit to the monitor once, merges its callbacks with the user’s, and emits progress', async () => {
    Object.assign(recorded, { beforeFit: [], gradients: 0, monitorBatches: 0 });
    const result = await kernel.run(`let userBatches = 0;
await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [
  tf.callbacks.earlyStopping({ monitor: 'loss', patience: 50 }),
  { onBatchEnd: async () => { userBatches++; } },
] });
userBatches`);
    expect(result.error).toBeUndefined();
    expect(result.display).toEqual({ kind: 'text', text: '8' });
    expect(recorded.beforeFit).toHaveLength(1);
    expect(recorded.beforeFit[0]?.args).toMatchObject({ epochs: 2, batchSize: 8 });
    expect((recorded.beforeFit[0]?.x as tfType.Tensor).shape).toEqual([32, 4]);
    expect(recorded.monitorBatches).toBe(8);
    expect(recorded.gradients).toBe(8);
    const progress = result.events.filter((event): event is Extract<KernelEvent, { type: 'progress' }> => event.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0]).toMatchObject({ epoch: 0, epochs: 2, step: 1, batch: 0 });
    expect(recorded.finished.at(-1)).toBe('ok');
  });

  it('reports a custom loop’s gradients and losses, and lossbook.log values', async () => {
    Object.assign(recorded, { gradients: 0, minimize: [], logs: [] });
    const result = await kernel.run(`const loopOptimizer = tf.train.sgd(0.1);
for (let step = 0; step < 3; step++) {
  const loss = loopOptimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)), true);
  lossbook.log({ custom: step * 2 }, step);
  loss.dispose();
}`);
    expect(result.error).toBeUndefined();
    expect(recorded.gradients).toBe(3);
    expect(recorded.minimize).toHaveLength(3);
    expect(recorded.minimize.every((loss) => typeof loss === 'number' && Number.isFinite(loss))).toBe(true);
    expect(recorded.logs).toEqual([
      { values: { custom: 0 }, step: 0 },
      { values: { custom: 2 }, step: 1 },
      { values: { custom: 4 }, step: 2 },
    ]);
  });

  it('stops fit at the batch boundary after an interrupt and keeps the trained weights', async () => {
    const before = await kernel.run('model.getWeights()[0].dataSync()[0]');
    const result = await kernel.run(`await model.fit(xs, ys, { epochs: 100, batchSize: 8, verbose: 0, callbacks: { onBatchEnd: async (batch) => {
  if (batch === 1) globalThis.__requestInterrupt();
} } });`, undefined);
    expect(result.finished.status).toBe('interrupted');
    expect(result.error?.message).toMatch(/epoch 1, batch 2/);
    const after = await kernel.run('model.getWeights()[0].dataSync()[0]');
    expect(after.display).not.toEqual(before.display);
  });
});

// The interrupt arrives the way the host's message does, from outside the cell.
(globalThis as { __requestInterrupt?: () => void }).__requestInterrupt = () => kernel.kernel.handle({ type: 'interrupt' });
