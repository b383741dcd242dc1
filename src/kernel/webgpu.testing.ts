// For tests that need the raw tfjs webgpu backend (no Lossbook backend choice around it): Dawn's
// globals and `navigator.gpu` set up, the backend registered and made active. Resolves with the
// reason where it cannot start, so the test is reported skipped with it.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function startWebgpuForTests(): Promise<string | undefined> {
  try {
    const dawn = require('webgpu') as { create(options: string[]): unknown; globals: object };
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]) as { requestAdapter(): Promise<unknown> };
    if (!(await gpu.requestAdapter())) {
      return 'Dawn finds no Vulkan adapter here (Mesa lavapipe from mesa-vulkan-drivers ≥ 24 provides a software one)';
    }
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    require('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) return 'the tfjs webgpu backend did not initialize';
  } catch (error) {
    return `webgpu did not load: ${(error as Error).message}`;
  }
  return undefined;
}
