import { describe, expect, it } from 'vitest';
import { BACKEND_CHOICES, BACKEND_NAMES, BACKEND_REQUESTS, backendShortLabel, isGpuBackendName, requestedBackends } from './backends';
import { BackendNameSchema, BackendRequestSchema } from './protocol';

describe('the backend table', () => {
  it('gives the protocol its names and requests, in the order the published schema lists them', () => {
    expect(BACKEND_NAMES).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    expect(BACKEND_REQUESTS).toEqual(['auto', 'gpu', 'tensorflow-gpu', 'webgpu', 'node', 'tensorflow', 'wasm', 'cpu']);
    expect(BackendNameSchema.options).toEqual(BACKEND_NAMES);
    expect(BackendRequestSchema.options).toEqual(BACKEND_REQUESTS);
  });

  it('says which backends a request names, which are GPUs and how each is worded', () => {
    expect(requestedBackends('auto')).toEqual(BACKEND_NAMES);
    expect(requestedBackends('gpu')).toEqual(['tensorflow-gpu', 'webgpu']);
    expect(requestedBackends('node')).toEqual(['tensorflow']);
    expect(requestedBackends('wasm')).toEqual(['wasm']);
    expect(BACKEND_NAMES.filter(isGpuBackendName)).toEqual(['tensorflow-gpu', 'webgpu']);
    expect(backendShortLabel('cpu')).toBe('JS CPU');
    expect(backendShortLabel('webgl')).toBe('webgl');
    expect(BACKEND_CHOICES.map((choice) => choice.backend)).toEqual(['auto', 'gpu', ...BACKEND_NAMES]);
  });
});
