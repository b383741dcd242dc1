// The layer-family matrix (layer-matrix.test.ts) on the webgpu backend, where Dawn finds an
// adapter — a GPU, or Mesa's lavapipe/llvmpipe (Vulkan on the CPU; docs/gpu.md) — and reported
// skipped, with the reason, where none exists. webgpu has every gradient kernel tfjs-layers needs;
// this checks that the kernels Lossbook supplies elsewhere do not disturb it, that each family
// trains, and that its gradients match the CPU backend's. Slow on a software adapter (every
// shader compiles on the CPU): about a minute on two shared cores.
import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { LAYER_FAMILIES, trainFamily } from './layer-matrix';
import type { Tf } from './monitor-api';

// Chosen before collection, so the skip shows in the report with its reason.
const selection = await selectBackend({ request: 'webgpu', requestedBy: 'setting' });
const tf: Tf = selection.tf;
const unavailable = selection.info.name === 'webgpu' ? undefined : (selection.info.attempts.find((attempt) => attempt.backend === 'webgpu')?.reason ?? 'webgpu did not start');
if (unavailable) console.log(`layer matrix on webgpu: SKIPPED — ${unavailable}`);

describe.skipIf(unavailable !== undefined)(`every layer family trains on webgpu${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  it.each(LAYER_FAMILIES.map((family) => [family.id, family] as const))('%s', async (_id, family) => {
    const run = await trainFamily(tf, family, 'webgpu');
    expect(run.error).toBeUndefined();
    expect(run.losses.every(Number.isFinite)).toBe(true);
    expect(run.losses[1]!).toBeLessThan(run.losses[0]!);
    expect(run.tensorDelta).toBe(0);
    expect(run.gradientDifference).toBeLessThan(1e-4);
  }, 120_000);
});
