// The wasm backend on every core (issue 18): the kernel's wasm step loads tfjs's threaded SIMD
// build in Node with one thread per core (up to 8; by default from 4 cores on), and says how many threads run.
import type * as tfType from '@tensorflow/tfjs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { WASM_MAX_THREADS, WASM_THREADS_MIN_CORES, wasmThreadPlan } from './wasm-threads';

describe('the wasm thread plan', () => {
  it('uses every core up to the 8 workers tfjs starts from 4 cores on, one thread below, and LOSSBOOK_WASM_THREADS overrides it', () => {
    expect(WASM_THREADS_MIN_CORES).toBe(4);
    expect(wasmThreadPlan({}, 4)).toEqual({ threads: 4 });
    expect(wasmThreadPlan({}, 8)).toEqual({ threads: 8 });
    expect(wasmThreadPlan({}, 2)).toEqual({ threads: 1, note: expect.stringMatching(/^2 cores: one thread .*LOSSBOOK_WASM_THREADS=2 to use them/) });
    expect(wasmThreadPlan({}, 1)).toMatchObject({ threads: 1 });
    expect(wasmThreadPlan({}, 32)).toEqual({ threads: WASM_MAX_THREADS, note: expect.stringMatching(/32 cores, capped at 8/) });
    expect(wasmThreadPlan({ LOSSBOOK_WASM_THREADS: '1' }, 16)).toEqual({ threads: 1, note: 'LOSSBOOK_WASM_THREADS=1' });
    expect(wasmThreadPlan({ LOSSBOOK_WASM_THREADS: '2' }, 2)).toEqual({ threads: 2, note: 'LOSSBOOK_WASM_THREADS=2' });
    expect(wasmThreadPlan({ LOSSBOOK_WASM_THREADS: '12' }, 16)).toMatchObject({ threads: 8, note: expect.stringMatching(/capped at 8/) });
    expect(wasmThreadPlan({ LOSSBOOK_WASM_THREADS: 'lots' }, 4)).toMatchObject({ threads: 4, note: expect.stringMatching(/not a whole number/) });
  });
});

describe('wasm on every core', () => {
  it('loads the threaded build with one thread per core, computes what the CPU backend computes, and says so in the device', async (context) => {
    const cores = Math.min(os.availableParallelism(), WASM_MAX_THREADS);
    if (cores < 2) {
      console.log('wasm threads: SKIPPED — this machine has one core');
      context.skip();
    }
    // Asked for explicitly: below 4 cores the default is one thread.
    process.env.LOSSBOOK_WASM_THREADS = String(cores);
    const selection = await selectBackend({ request: 'wasm', requestedBy: 'flag' }).finally(() => delete process.env.LOSSBOOK_WASM_THREADS);
    const tf = selection.tf;
    expect(selection.info.name).toBe('wasm');
    expect(selection.info.device).toBe(`WebAssembly SIMD, ${cores} threads (LOSSBOOK_WASM_THREADS=${cores})`);
    const backend = tf.backend() as unknown as { wasm: { PThread?: { unusedWorkers: unknown[]; runningWorkers: unknown[] }; tfjs: { getThreadsCount(): number } } };
    expect(backend.wasm.tfjs.getThreadsCount()).toBe(cores);
    // The pthread pool is Emscripten's: its workers are Node worker threads (8 started, cores - 1 running XNNPACK's pool).
    expect(backend.wasm.PThread?.runningWorkers.length).toBe(cores - 1);

    // XNNPACK splits a large matmul and a convolution across the threads; the result must not change.
    const a = tf.randomNormal([256, 300], 0, 1, 'float32', 1);
    const b = tf.randomNormal([300, 200], 0, 1, 'float32', 2);
    const image = tf.randomNormal([4, 20, 20, 3], 0, 1, 'float32', 3);
    const filter = tf.randomNormal([3, 3, 3, 8], 0, 1, 'float32', 4);
    const onWasm = [await tf.matMul(a, b).data(), await tf.conv2d(image as tfType.Tensor4D, filter as tfType.Tensor4D, 1, 'same').data()];
    const inputs = await Promise.all([a, b, image, filter].map((t) => t.data()));
    await tf.setBackend('cpu');
    try {
      const product = tf.matMul(tf.tensor(inputs[0]!, [256, 300]), tf.tensor(inputs[1]!, [300, 200]));
      const convolved = tf.conv2d(tf.tensor4d(inputs[2]!, [4, 20, 20, 3]), tf.tensor4d(inputs[3]!, [3, 3, 3, 8]), 1, 'same');
      for (const [threaded, reference] of [[onWasm[0]!, await product.data()], [onWasm[1]!, await convolved.data()]] as const) {
        let worst = 0;
        for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(threaded[i]! - reference[i]!));
        expect(worst).toBeLessThan(1e-3);
      }
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
