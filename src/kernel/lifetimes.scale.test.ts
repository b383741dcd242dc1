// Issue 17: run scopes at scale, and a run scope that closes even when the lifetime manager
// itself fails. In-process on tfjs's CPU backend; the real-kernel twin is in
// src/host/kernel-supervisor.hostile.test.ts.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMemorySnapshot } from './kernel';
import { TensorLifetimes } from './lifetimes';

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

describe('TensorLifetimes at scale (issue 17)', () => {
  it('frees 10^6 scalars made by one run and the next run opens and settles normally', () => {
    const start = tf.memory().numTensors;
    const scope = lifetimes.beginRun('million');
    // The cell of the issue, ×7.7: one scalar per iteration, none disposed by the user.
    for (let index = 0; index < 1_000_000; index++) tf.scalar(index);
    expect(tf.memory().numTensors).toBe(start + 1_000_000);
    const memory = scope.end();
    expect(memory.disposed.tensors).toBe(1_000_000);
    expect(memory.leaked).toEqual({ tensors: 0, bytes: 0 });
    expect(tf.memory().numTensors).toBe(start);

    const next = lifetimes.beginRun('next');
    namespace.set('kept', tf.ones([2]));
    const nextMemory = next.end();
    expect(nextMemory.kept.tensors).toBe(1);
    namespace.delete('kept');
    lifetimes.beginRun('clean').end();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('closes the run scope when the lifetime manager fails inside end(), so the next run begins and frees what it can', () => {
    const start = tf.memory().numTensors;
    const engine = tf.engine() as unknown as { endScope: (result?: unknown) => void };
    const scope = lifetimes.beginRun('failing');
    for (let index = 0; index < 10; index++) tf.scalar(index);
    const originalEndScope = engine.endScope;
    let failures = 0;
    // One failure inside the manager's own bookkeeping (where the 130k-tensor spread failed).
    engine.endScope = function (this: unknown, result?: unknown) {
      if (failures++ === 0) throw new RangeError('Maximum call stack size exceeded');
      return originalEndScope.call(this, result);
    };
    try {
      expect(() => scope.end()).toThrow(RangeError);
    } finally {
      engine.endScope = originalEndScope;
    }
    // The run is closed: a new one opens (it threw "A run scope is already open" before) and
    // its end frees the failed run's tensors, which nothing reaches.
    const next = lifetimes.beginRun('after-failure');
    next.end();
    lifetimes.disposeUnreachable();
    expect(tf.memory().numTensors).toBe(start);
  });
});
