// Run scopes on tfjs's CPU backend, in-process: what counts as reachable, what is freed.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySnapshotSchema } from '../shared/protocol';
import { toMemorySnapshot } from './kernel';
import { collectReachableTensors, TensorLifetimes } from './lifetimes';

const namespace = new Map<string, unknown>();
let lifetimes: TensorLifetimes;

beforeAll(async () => {
  await tf.setBackend('cpu');
  lifetimes = new TensorLifetimes(tf, {
    roots: () => namespace.values(),
    snapshot: () => toMemorySnapshot(tf.memory(), process.memoryUsage(), false),
    opaque: () => [tf],
  });
});

afterAll(() => lifetimes.dispose());

/** A run: `body` may assign to the namespace; the scope ends as the kernel's does. */
async function run(body: () => Promise<void> | void) {
  const scope = lifetimes.beginRun('test');
  try {
    await body();
  } catch {
    // errors end the run like completion does
  }
  return scope.end();
}

describe('TensorLifetimes', () => {
  it('frees what the run made and nothing reaches; keeps what the namespace holds, in containers too', async () => {
    const start = tf.memory().numTensors;
    const memory = await run(() => {
      const intermediate = tf.ones([10]).mul(2);
      namespace.set('kept', { nested: [new Map([['weights', intermediate.add(1)]])], set: new Set([tf.zeros([3])]) });
    });
    expect(memory.kept).toEqual({ tensors: 2, bytes: 10 * 4 + 3 * 4 });
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    expect(memory.disposed.tensors).toBe(2);
    expect(tf.memory().numTensors).toBe(start + 2);
    namespace.delete('kept');
    await run(() => undefined);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('frees variables and an optimizer’s slots when the optimizer is unreachable; keeps them when it is', async () => {
    const start = tf.memory().numTensors;
    await run(() => {
      const weights = tf.variable(tf.zeros([4, 1]));
      const optimizer = tf.train.adam(0.1);
      const x = tf.ones([2, 4]);
      optimizer.minimize(() => x.matMul(weights).square().mean() as tf.Scalar);
      namespace.set('holder', { optimizer, weights });
    });
    // weights + Adam's two beta accumulators + m and v for the weights
    expect(tf.memory().numTensors).toBe(start + 5);
    await run(() => {
      namespace.set('holder', { weights: (namespace.get('holder') as { weights: tf.Variable }).weights });
    });
    expect(tf.memory().numTensors).toBe(start + 1);
    namespace.delete('holder');
    await run(() => undefined);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('frees a model built and never assigned, and the old model when a re-run reassigns it', async () => {
    const start = tf.memory().numTensors;
    const build = () => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    await run(() => {
      build().predict(tf.ones([1, 3]));
    });
    expect(tf.memory().numTensors).toBe(start);
    await run(() => void namespace.set('model', build()));
    expect(tf.memory().numTensors).toBe(start + 2);
    const first = namespace.get('model') as tf.LayersModel;
    const memory = await run(() => void namespace.set('model', build()));
    expect(() => first.getWeights()).toThrow(/already disposed/);
    expect(tf.memory().numTensors).toBe(start + 2);
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    namespace.delete('model');
    await run(() => undefined);
  });

  it('frees tensors a run kept with tf.keep inside tidy when nothing reaches them', async () => {
    const start = tf.memory().numTensors;
    const memory = await run(() => {
      tf.tidy(() => {
        tf.keep(tf.ones([5]));
      });
    });
    expect(tf.memory().numTensors).toBe(start);
    expect(memory.disposed.tensors).toBe(1);
  });

  it('closes scopes a cell opened and never closed', async () => {
    const start = tf.memory().numTensors;
    await run(() => {
      tf.engine().startScope();
      tf.ones([8]);
      throw new Error('left a scope open');
    });
    expect(tf.memory().numTensors).toBe(start);
    await run(() => void namespace.set('after', tf.ones([1])));
    expect(tf.memory().numTensors).toBe(start + 1);
    namespace.delete('after');
    await run(() => undefined);
  });

  it('drops disposed tensors from a long run’s scope as it goes (a million-step loop holds no dead objects)', async () => {
    const memory = await run(() => {
      for (let step = 0; step < 25_000; step++) {
        tf.scalar(step).dispose();
        lifetimes.compact();
      }
      const scope = (tf.engine() as unknown as { state: { activeScope: { track: unknown[] } } }).state.activeScope;
      expect(scope.track.length).toBeLessThan(10_001);
    });
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
  });

  it('forgets tf.keep’d tensors once disposed (fit keeps and disposes each batch’s loss), so a long run holds no dead objects', async () => {
    const kept = tf.keep(tf.scalar(-1));
    const memory = await run(() => {
      for (let step = 0; step < 25_000; step++) {
        tf.keep(tf.scalar(step)).dispose();
        lifetimes.compact();
      }
      const active = (lifetimes as unknown as { activeRun: { keptByUser: Set<unknown> } }).activeRun;
      expect(active.keptByUser.size).toBeLessThan(10_001);
      namespace.set('kept', kept);
    });
    expect(kept.isDisposed).toBe(false);
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    namespace.delete('kept');
    await run(() => undefined);
    expect(kept.isDisposed).toBe(true);
  });

  it('frees tensors made between runs (a timer a cell left behind) at the next run’s end, unless the namespace holds them', async () => {
    const start = tf.memory().numTensors;
    const between = tf.ones([4]).mul(3);
    tf.tidy(() => tf.keep(tf.zeros([2])));
    const heldBetween = tf.ones([1]);
    namespace.set('heldBetween', heldBetween);
    expect(tf.memory().numTensors).toBe(start + 4);
    const memory = await run(() => undefined);
    expect(between.isDisposed).toBe(true);
    expect(heldBetween.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(start + 1);
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    namespace.delete('heldBetween');
    await run(() => undefined);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('keeps everything when the namespace is too large to walk (never frees what it cannot see)', () => {
    const tensor = tf.ones([1]);
    const wide = Array.from({ length: 50 }, () => ({ tensor }));
    const reach = collectReachableTensors(tf, [wide], { opaque: new Set(), maxVisitedObjects: 10 });
    expect(reach.incomplete).toBe(true);
    tensor.dispose();
  });
});

describe('memory snapshot', () => {
  it('maps tf.memory() GPU fields to tensorBytes / pooledBytes and validates against the protocol', () => {
    const snapshot = toMemorySnapshot(
      { numTensors: 3, numBytes: 1200, numDataBuffers: 3, numBytesInGPU: 1200, numBytesAllocatedInGPU: 4096 },
      { rss: 100, heapUsed: 50 },
      true,
      { processBytes: 512 * 1024 * 1024 },
    );
    expect(snapshot.gpu).toEqual({ tensorBytes: 1200, pooledBytes: 4096, processBytes: 512 * 1024 * 1024, source: 'tf.memory() + nvidia-smi' });
    expect(() => MemorySnapshotSchema.parse(snapshot)).not.toThrow();
    expect(toMemorySnapshot(tf.memory(), process.memoryUsage(), false).gpu).toBeUndefined();
  });
});
