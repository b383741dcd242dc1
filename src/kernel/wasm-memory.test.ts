// Out of memory on the real wasm backend: a clear OutOfMemoryError, nothing registered, the heap
// intact (tfjs-backend-wasm alone registers the tensor at address 0 and corrupts the heap).
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import type { Tf } from './monitor-api';
import { guardWasmAllocations, OutOfMemoryError, WASM_HEAP_MAX_BYTES, type WasmBackendLike } from './wasm-memory';

let tf: Tf;

beforeAll(async () => {
  const selection = await selectBackend({ request: 'wasm', requestedBy: 'setting' });
  tf = selection.tf;
  expect(tf.getBackend()).toBe('wasm');
}, 60_000);

describe('wasm allocations beyond what WebAssembly memory can hold', () => {
  it('a tensor larger than the 4 GiB heap: OutOfMemoryError naming shape and sizes; no tensor registered, earlier tensors intact, the backend still works', () => {
    const kept = tf.tensor1d([1, 2, 3]);
    const before = tf.memory();
    let error: unknown;
    try {
      tf.zeros([40_000, 40_000]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as Error).name).toBe('OutOfMemoryError');
    expect((error as Error).message).toMatch(/^Out of memory: the wasm backend cannot allocate 6\.0 GB for a float32 tensor of shape \[40000, 40000\]\. WebAssembly memory is limited to 4\.0 GB/);
    expect((error as OutOfMemoryError).requestedBytes).toBe(40_000 * 40_000 * 4);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3]);
    const sum = tf.ones([1000]).sum();
    expect(sum.dataSync()[0]).toBe(1000);
    tf.dispose([kept, sum]);
  });

  it('a request under 4 GiB that the heap cannot grow to (malloc returns 0): refused the same way, for a kernel output inside tidy', () => {
    const kept = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const before = tf.memory().numTensors;
    // 1023 MiB-sized rows of float32: 4 290 772 992 bytes, just under the 4 GiB cap, more than the heap can grow by.
    expect(1023 * 1024 * 1024 * 4).toBeLessThan(WASM_HEAP_MAX_BYTES);
    expect(() => tf.tidy(() => tf.tile(tf.ones([1024, 1024]), [1023, 1]))).toThrow(/Out of memory: the wasm backend cannot allocate 4\.0 GB for a float32 tensor of shape \[1047552, 1024\]/);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3, 4]);
    const product = tf.matMul(kept, kept);
    expect(Array.from(product.dataSync())).toEqual([7, 10, 15, 22]);
    tf.dispose([kept, product]);
  });

  it('installs once: guarding the backend again does not wrap malloc twice', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const malloc = backend.wasm._malloc;
    guardWasmAllocations(backend, () => 0);
    expect(backend.wasm._malloc).toBe(malloc);
  });
});
