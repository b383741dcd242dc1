// The backend chain with the real modules of this machine: tfjs-node(-gpu) are not installed
// here and Dawn (the `webgpu` package) finds no Vulkan adapter, so those steps fail for real
// and must say why; wasm is the first that loads. On a machine where a GPU step loads, the
// order assertions still hold and the failure-specific ones are skipped.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { AUTO_CHAIN, WEBGPU_FLAG_DEFAULTS, applyWebgpuFlags, chainFor, describeWebgpuFlags, requestFromEnvironment, selectBackend, webgpuFlagPlan } from './backend';
import type { Tf } from './monitor-api';
import { describeValue } from './display';

const require = createRequire(import.meta.url);

describe('backend chain', () => {
  it('tries tfjs-node-gpu → webgpu → tfjs-node → wasm → cpu and records why each was skipped', async () => {
    const selection = await selectBackend({ request: 'auto', requestedBy: 'default' });
    const { attempts } = selection.info;
    const tried = attempts.map((attempt) => attempt.backend);
    expect(tried).toEqual(AUTO_CHAIN.slice(0, tried.length));
    expect(attempts.at(-1)?.ok).toBe(true);
    for (const attempt of attempts.slice(0, -1)) {
      expect(attempt.ok).toBe(false);
      expect(attempt.reason, `${attempt.backend} needs a reason`).toMatch(/\w{3,}.*\w{3,}/);
    }
    const byName = Object.fromEntries(attempts.map((attempt) => [attempt.backend, attempt]));
    if (!byName['tensorflow-gpu']?.ok) expect(byName['tensorflow-gpu']?.reason).toMatch(/@tensorflow\/tfjs-node-gpu (is not installed|.*found no CUDA GPU|.*failed to load)/);
    if (byName.webgpu && !byName.webgpu.ok) expect(byName.webgpu.reason).toMatch(/webgpu|Vulkan|adapter/i);
    if (byName.tensorflow && !byName.tensorflow.ok) expect(byName.tensorflow.reason).toMatch(/@tensorflow\/tfjs-node/);
    if (selection.info.name === 'wasm') {
      expect(selection.info.isGpu).toBe(false);
      expect(selection.info.device).toMatch(/^WebAssembly/);
      expect(selection.tf.getBackend()).toBe('wasm');
    }
    expect(selection.info.tfjsVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("forcing 'gpu' tries only the GPU backends, then falls back with their reasons recorded", async () => {
    const selection = await selectBackend({ request: 'gpu', requestedBy: 'flag' });
    const tried = selection.info.attempts.map((attempt) => attempt.backend);
    expect(tried.slice(0, 2)).toEqual(['tensorflow-gpu', 'webgpu'].slice(0, Math.min(2, tried.length)));
    expect(tried).not.toContain('tensorflow');
    expect(selection.info).toMatchObject({ requested: 'gpu', requestedBy: 'flag' });
    if (!selection.info.isGpu) expect(selection.info.attempts.filter((attempt) => !attempt.ok).every((attempt) => attempt.reason)).toBe(true);
  });

  it('skips a software adapter (lavapipe, SwiftShader: Vulkan on the CPU) unless webgpu is asked for by name, and says why', async () => {
    // The real tfjs and backends; only the adapter Dawn reports is the one Mesa's lavapipe reports.
    const info = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)', isFallbackAdapter: true };
    const softwareOnly = { globals: {}, create: () => ({ requestAdapter: async () => ({ info }) }) };
    const requireModule = (name: string) => (name === 'webgpu' ? softwareOnly : (require(name) as unknown));
    for (const request of ['auto', 'gpu'] as const) {
      const selection = await selectBackend({ request, requestedBy: 'flag', requireModule });
      const webgpu = selection.info.attempts.find((attempt) => attempt.backend === 'webgpu');
      expect(webgpu, request).toMatchObject({ ok: false, reason: expect.stringMatching(/only a software adapter \(llvmpipe: Mesa 25\.0\.7 \(LLVM 15\.0\.6\)\).*slower than wasm.*explicitly/) });
      expect(selection.info.name).not.toBe('webgpu');
      expect(selection.info.isGpu).toBe(false);
      // navigator.gpu, defined for the tfjs webgpu backend's import, is taken back.
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    }
  });

  it('webgpu asked for by name on a real software adapter (where this machine has one) runs, and is not called a GPU', async (context) => {
    const dawn = require('webgpu') as { create(options: string[]): { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean } } | null> }; globals: object };
    Object.assign(globalThis, dawn.globals);
    const adapter = await dawn.create([]).requestAdapter();
    if (!adapter?.info?.isFallbackAdapter) {
      console.log(`backend test: SKIPPED — ${adapter ? 'the adapter here is a real GPU' : 'no Vulkan adapter here'} (Mesa's lavapipe from mesa-vulkan-drivers ≥ 24 provides a software one)`);
      context.skip();
    }
    const selection = await selectBackend({ request: 'webgpu', requestedBy: 'flag' });
    const tf = selection.tf;
    try {
      expect(selection.info.name).toBe('webgpu');
      expect(selection.info.isGpu).toBe(false);
      expect(selection.info.device).toMatch(/software adapter: runs on the CPU/);
      const fresh = tf.memory() as { numBytesAllocatedInGPU?: number };
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])));
      expect(Array.from(await product.data())).toEqual([11]);
      // A cell's tensor result is shown without a synchronous read (dataSync needs an OffscreenCanvas on webgpu in Node).
      const onGpu = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])));
      expect(() => onGpu.dataSync()).toThrow(/OffscreenCanvas/);
      expect(await describeValue(tf, onGpu)).toMatchObject({ kind: 'tensor', shape: [64, 64], text: expect.stringContaining('64'), stats: { min: 64, max: 64, mean: 64 } });
      tf.dispose([product, onGpu]);
      // Free memory: the buffer pool goes back to a fresh backend's size (nothing queued is pending now).
      expect((tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU).toBeGreaterThan(fresh.numBytesAllocatedInGPU ?? 0);
      expect(await selection.releasePooledMemory()).toMatch(/destroyed \d+ pooled GPU buffers/);
      expect((tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU).toBe(fresh.numBytesAllocatedInGPU);
      const auto = await selectBackend({ request: 'auto', requestedBy: 'default' });
      expect(auto.info.attempts.find((attempt) => attempt.backend === 'webgpu')).toMatchObject({ ok: false, reason: expect.stringMatching(/only a software adapter/) });
      expect(auto.info.name).not.toBe('webgpu');
    } finally {
      // The kernel's webgpu flags were set on the shared tf.env(): back to tfjs's defaults.
      tf.env().reset();
      if (tf.getBackend() === 'webgpu') await tf.setBackend('wasm');
      tf.removeBackend('webgpu');
    }
  });

  it('forcing cpu gives the JavaScript CPU backend without trying anything else', async () => {
    const selection = await selectBackend({ request: 'cpu', requestedBy: 'setting' });
    expect(selection.info.attempts).toEqual([expect.objectContaining({ backend: 'cpu', ok: true })]);
    expect(selection.tf.getBackend()).toBe('cpu');
    expect(await selection.releasePooledMemory()).toMatch(/nothing pooled/);
  });

  it('reads LOSSBOOK_BACKEND and its source; an unknown value falls back to auto with a note', () => {
    expect(requestFromEnvironment({})).toEqual({ request: 'auto', requestedBy: 'default' });
    expect(requestFromEnvironment({ LOSSBOOK_BACKEND: 'GPU' })).toEqual({ request: 'gpu', requestedBy: 'env' });
    expect(requestFromEnvironment({ LOSSBOOK_BACKEND: 'wasm', LOSSBOOK_BACKEND_SOURCE: 'flag' })).toEqual({ request: 'wasm', requestedBy: 'flag' });
    expect(requestFromEnvironment({ LOSSBOOK_BACKEND: 'tpu' })).toEqual({ request: 'auto', requestedBy: 'default', invalid: 'tpu' });
  });

  it('maps requests to chains', () => {
    expect(chainFor('gpu')).toEqual(['tensorflow-gpu', 'webgpu', 'wasm', 'cpu']);
    expect(chainFor('node')).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(chainFor('cpu')).toEqual(['cpu']);
    expect(chainFor('wasm')).toEqual(['wasm', 'cpu']);
  });
});

describe('webgpu flags (issue 11 "Speed")', () => {
  it('plans Lossbook defaults, lets WEBGPU_* variables override or add, and LOSSBOOK_WEBGPU_DEFAULTS=off drop them', () => {
    expect(webgpuFlagPlan({})).toEqual([{ flag: 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', value: 1000, source: 'lossbook' }]);
    expect(webgpuFlagPlan({ WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: '15', WEBGPU_CPU_FORWARD: 'false', PATH: '/bin' })).toEqual([
      { flag: 'WEBGPU_CPU_FORWARD', value: false, source: 'env' },
      { flag: 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', value: 15, source: 'env' },
    ]);
    expect(webgpuFlagPlan({ LOSSBOOK_WEBGPU_DEFAULTS: 'off' })).toEqual([]);
    expect(webgpuFlagPlan({ LOSSBOOK_WEBGPU_DEFAULTS: '0', WEBGPU_PRINT_SHADER: 'matmul' })).toEqual([{ flag: 'WEBGPU_PRINT_SHADER', value: 'matmul', source: 'env' }]);
  });

  it('sets the flags on the real tf.env() once the webgpu package has registered them, and reports unknown ones', () => {
    const tf = require('@tensorflow/tfjs') as Tf;
    // Importing the package registers its flags even where no GPU exists (the backend itself
    // registers only when navigator.gpu does), so this is the same env().set the kernel runs.
    require('@tensorflow/tfjs-backend-webgpu');
    const environment = tf.env();
    const before = environment.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
    try {
      expect(before).toBe(15);
      const applied = applyWebgpuFlags(environment, [...webgpuFlagPlan({}), { flag: 'WEBGPU_NOT_A_FLAG', value: 1, source: 'env' }]);
      expect(environment.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')).toBe(WEBGPU_FLAG_DEFAULTS.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE);
      expect(applied[0]).toMatchObject({ flag: 'WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', applied: true });
      expect(applied[1]).toMatchObject({ flag: 'WEBGPU_NOT_A_FLAG', applied: false, reason: expect.stringMatching(/not been registered/) });
      expect(describeWebgpuFlags(applied)).toBe('flags WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=1000 (Lossbook default), WEBGPU_NOT_A_FLAG=1 (ignored: Cannot set flag WEBGPU_NOT_A_FLAG as it has not been registered.)');
      applyWebgpuFlags(environment, webgpuFlagPlan({ WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: '64' }));
      expect(environment.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')).toBe(64);
    } finally {
      environment.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', before);
    }
  });
});
