// The training monitor on the real webgpu backend, where a synchronous read (dataSync) is
// impossible in Node (readback.ts): the gradient norms, update ratios, activation probes, the
// kernels' scales and the data checks must still arrive. Runs where Dawn finds an adapter — a GPU, or Mesa's lavapipe
// (Vulkan on the CPU, mesa-vulkan-drivers ≥ 24) — and is reported skipped where none exists.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitoredRun } from './instrument.testing';
import { startWebgpuForTests } from './webgpu.testing';

let unavailable: string | undefined;

beforeAll(async () => {
  unavailable = await startWebgpuForTests();
  if (unavailable) console.log(`monitor on webgpu: SKIPPED — ${unavailable}`);
});

describe('the training monitor on webgpu', () => {
  it('charts gradient norms, update ratios and dead-unit fractions, and checks the data and the initialization, without a synchronous read', async (context) => {
    if (unavailable) context.skip();
    expect(tf.getBackend()).toBe('webgpu');
    // Two bugs the fit-start checks must see, though nothing can be read synchronously here:
    // inputs as raw 0–255 values, and a first layer initialized far too large.
    const x = tf.randomUniform([256, 16], 0, 255, 'float32', 1);
    const y = tf.oneHot(tf.randomUniform([256], 0, 4, 'int32', 2), 4).toFloat();
    const build = () => {
      const built = tf.sequential({
        layers: [
          tf.layers.dense({ units: 32, activation: 'relu', inputShape: [16], kernelInitializer: tf.initializers.randomNormal({ stddev: 5, seed: 3 }) }),
          tf.layers.dense({ units: 4, activation: 'softmax' }),
        ],
      });
      built.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return built;
    };
    const plain = build();
    const plainBefore = tf.memory().numTensors;
    await plain.fit(x, y, { epochs: 3, batchSize: 32 });
    const plainDelta = tf.memory().numTensors - plainBefore;
    plain.dispose();
    plain.optimizer.dispose();

    const model = build();
    const before = tf.memory().numTensors;
    const run = monitoredRun(tf, 'webgpu', true);
    await run.fit(model, x, y, { epochs: 3, batchSize: 32 });
    run.finish();

    const series = new Set(run.events.flatMap((event) => (event.type === 'metrics' ? event.points.map((point) => point.name.split('/')[0]) : [])));
    for (const name of ['loss', 'grad_norm', 'update_ratio', 'dead_fraction']) expect(series, name).toContain(name);
    const init = run.finding('model.bad-init');
    expect(init, run.ids().join(', ')).toBeDefined();
    expect(init!.evidence.values.kernelStd as number).toBeGreaterThan(2);
    expect(init!.count).toBe(1);
    const unnormalized = run.finding('data.unnormalized');
    expect(unnormalized, run.ids().join(', ')).toBeDefined();
    expect(unnormalized!.evidence.summary).toMatch(/\d/);
    expect(unnormalized!.count).toBe(1);
    // No part of the monitor failed.
    expect(run.events.filter((event) => event.type === 'log' && event.level === 'warn')).toEqual([]);
    // The reads kept their tensors only until they landed: the same tensors remain as after a plain fit.
    expect(tf.memory().numTensors - before).toBe(plainDelta);
    model.dispose();
    model.optimizer.dispose();
    tf.dispose([x, y]);
  });
});
