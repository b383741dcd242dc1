// Issue 18's matrix: every layer family users train (layer-matrix.ts) × the CPU-side backends
// trains two epochs to a finite, decreasing loss, leaves no tensor behind, and on wasm computes
// the same gradients as the tfjs CPU backend from the same weights and batch. wasm is the default
// backend after `npm ci`; before Lossbook supplied its missing kernels, 6 of these families failed
// on it. webgpu (software adapter) runs in layer-matrix.webgpu.test.ts: its shader compiles alone
// take minutes on a CPU.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { LAYER_FAMILIES, trainFamily } from './layer-matrix';
import type { Tf } from './monitor-api';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend({ request: 'wasm', requestedBy: 'setting' })).tf;
});

/** Relative to the largest gradient of the model (float32 sums in a different order). */
const GRADIENT_TOLERANCE = 1e-4;

/** The kernels each family needs that wasm lacks (or computes wrongly), so the test shows they were used. */
const SUPPLIED_ON_WASM: Record<string, string[]> = {
  'conv2d-maxpool': ['Conv2DBackpropFilter', 'MaxPoolGrad'],
  'conv2d-batchnorm-avgpool': ['Conv2DBackpropFilter'],
  'separable-depthwise': ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
  conv1d: ['Conv2DBackpropFilter', 'MaxPoolGrad'],
  'conv2d-transpose': ['Conv2DBackpropFilter'],
  'embedding-lstm': ['UnsortedSegmentSum'],
  'embedding-gru': ['UnsortedSegmentSum'],
  'conv3d': ['MaxPool3DGrad'],
};

describe.each(['wasm', 'cpu'])('every layer family trains on %s', (backend) => {
  it.each(LAYER_FAMILIES.map((family) => [family.id, family] as const))('%s', async (_id, family) => {
    const run = await trainFamily(tf, family, backend);
    expect(run.error).toBeUndefined();
    expect(run.losses).toHaveLength(2);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    expect(run.losses[1]!).toBeLessThan(run.losses[0]!);
    expect(run.tensorDelta).toBe(0);
    if (backend === 'wasm') {
      expect(run.gradientDifference).toBeLessThan(GRADIENT_TOLERANCE);
      expect(run.supplied.map((entry) => entry.kernelName).sort()).toEqual(expect.arrayContaining(SUPPLIED_ON_WASM[family.id] ?? []));
    } else {
      expect(run.supplied).toEqual([]);
    }
  });
});
