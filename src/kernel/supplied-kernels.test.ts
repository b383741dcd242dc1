// The kernels Lossbook supplies to wasm (issue 18), each against the tfjs CPU backend's own kernel
// on the same inputs: the composed gradients over strides, paddings, dilations, channel
// multipliers and data formats, the one-pass UnsortedSegmentSum, the generic CPU fallback, the
// complex64 refusal, and that none of them leaves a tensor or a backend buffer behind.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import type { Tf } from './monitor-api';
import { missingKernels, suppliedKernelUsage, supplyMissingKernels, usageSince } from './supplied-kernels';

let tf: Tf;
beforeAll(async () => {
  tf = (await selectBackend({ request: 'wasm', requestedBy: 'setting' })).tf;
  expect(tf.getBackend()).toBe('wasm');
});

interface Input {
  shape: number[];
  dtype?: 'float32' | 'int32';
  values?: number[];
}

/** Deterministic values in [-1, 1) so both backends see identical inputs. */
function valuesFor(shape: number[], seed: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  let state = seed * 7919 + 17;
  return Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  });
}

function runOn(backendName: string, kernelName: string, inputs: Record<string, Input>, attrs: Record<string, unknown>): { values: Float32Array | Int32Array; shape: number[] } {
  const previous = tf.getBackend();
  tf.setBackend(backendName);
  try {
    return tf.tidy(() => {
      const tensors = Object.fromEntries(Object.entries(inputs).map(([name, input], index) => [name, tf.tensor(input.values ?? valuesFor(input.shape, index + 1), input.shape, input.dtype ?? 'float32')]));
      // Kernels over a list of tensors (Einsum, Concat) take an array.
      const kernelInputs = kernelName === 'Einsum' ? Object.values(tensors) : tensors;
      const out = tf.engine().runKernel(kernelName, kernelInputs as never, attrs as never) as import('@tensorflow/tfjs').Tensor;
      return { values: out.dataSync() as Float32Array | Int32Array, shape: out.shape };
    });
  } finally {
    tf.setBackend(previous);
  }
}

function expectClose(actual: { values: ArrayLike<number>; shape: number[] }, expected: { values: ArrayLike<number>; shape: number[] }, tolerance = 1e-4): void {
  expect(actual.shape).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.values.length; i++) worst = Math.max(worst, Math.abs(actual.values[i]! - expected.values[i]!) / Math.max(1, Math.abs(expected.values[i]!)));
  expect(worst).toBeLessThan(tolerance);
}

/** Runs on wasm and cpu; also checks that wasm ends with exactly the buffers it started with. */
function compare(kernelName: string, inputs: Record<string, Input>, attrs: Record<string, unknown>): void {
  const wasmBackend = tf.findBackend('wasm') as unknown as { numDataIds(): number };
  const cpuBackend = tf.findBackend('cpu') as unknown as { numDataIds(): number };
  const before = { tensors: tf.memory().numTensors, wasm: wasmBackend.numDataIds(), cpu: cpuBackend.numDataIds() };
  const onWasm = runOn('wasm', kernelName, inputs, attrs);
  const after = { tensors: tf.memory().numTensors, wasm: wasmBackend.numDataIds(), cpu: cpuBackend.numDataIds() };
  expect(after).toEqual(before);
  expectClose(onWasm, runOn('cpu', kernelName, inputs, attrs));
}

function convOutput(xShape: number[], filterShape: number[], strides: number | [number, number], pad: unknown, depthwise: boolean, dilations: number | [number, number] = 1): number[] {
  const info = tf.backend_util.computeConv2DInfo(xShape as never, filterShape as never, strides, dilations, pad as 'same', undefined, depthwise);
  return info.outShape;
}

describe('the gap is found programmatically', () => {
  it('lists what wasm lacks against cpu, and supplies each with an implementation', () => {
    // selectBackend supplied them already; what it found missing is what it supplied.
    const supplied = supplyMissingKernels(tf, 'wasm');
    const how = Object.fromEntries(supplied.map((kernel) => [kernel.kernelName, kernel.implementation]));
    expect(Object.keys(how)).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum', 'Einsum']));
    expect(how).toMatchObject({ MaxPoolGrad: 'corrected', Conv2DBackpropFilter: 'composed', DepthwiseConv2dNativeBackpropFilter: 'composed', DepthwiseConv2dNativeBackpropInput: 'composed', UnsortedSegmentSum: 'composed', Einsum: 'cpu-fallback', FFT: 'unsupported' });
    // Nothing the cpu backend has is left unregistered on wasm, except a canvas kernel.
    expect(missingKernels(tf, 'wasm')).toEqual(['Draw']);
    expect(supplyMissingKernels(tf, 'cpu')).toEqual([]);
  });
});

describe('Conv2DBackpropFilter (im2col + BatchMatMul)', () => {
  const cases: Array<[string, number[], number[], number | [number, number], unknown, 'NHWC' | 'NCHW']> = [
    ['3×3 valid', [2, 7, 7, 3], [3, 3, 3, 4], 1, 'valid', 'NHWC'],
    ['3×3 stride 2 same', [2, 7, 7, 3], [3, 3, 3, 4], 2, 'same', 'NHWC'],
    ['2×3 strides [2, 1] same, odd sizes', [1, 8, 6, 2], [2, 3, 2, 5], [2, 1], 'same', 'NHWC'],
    ['1×1', [3, 4, 4, 2], [1, 1, 2, 3], 1, 'valid', 'NHWC'],
    ['explicit padding', [1, 5, 6, 2], [3, 2, 2, 2], 1, [[0, 0], [1, 2], [0, 1], [0, 0]], 'NHWC'],
    ['NCHW', [2, 3, 6, 6], [3, 3, 3, 2], 1, 'same', 'NCHW'],
  ];
  it.each(cases)('%s matches the cpu kernel', (_name, xShape, filterShape, strides, pad, dataFormat) => {
    const channelsLast = dataFormat === 'NHWC' ? xShape : [xShape[0]!, xShape[2]!, xShape[3]!, xShape[1]!];
    const out = convOutput(channelsLast, filterShape, strides, pad, false);
    const dyShape = dataFormat === 'NHWC' ? out : [out[0]!, out[3]!, out[1]!, out[2]!];
    compare('Conv2DBackpropFilter', { x: { shape: xShape }, dy: { shape: dyShape } }, { strides, pad, dataFormat, dimRoundingMode: undefined, filterShape });
  });
});

// No dilation case: tfjs's depthwise gradient refuses dilations > 1 before any kernel runs, and the
// cpu kernels it would be compared with ignore the dilation.
describe('depthwise conv gradients (composed)', () => {
  const cases: Array<[string, number[], number[], number | [number, number], unknown, number | [number, number]]> = [
    ['3×3 valid, multiplier 1', [2, 6, 6, 3], [3, 3, 3, 1], 1, 'valid', 1],
    ['3×3 same, multiplier 2', [2, 6, 5, 3], [3, 3, 3, 2], 1, 'same', 1],
    ['stride 2 same, multiplier 2', [1, 7, 7, 2], [3, 3, 2, 2], 2, 'same', 1],
    ['strides [1, 2] valid', [2, 6, 8, 2], [2, 3, 2, 1], [1, 2], 'valid', 1],
    ['explicit padding', [1, 5, 5, 2], [3, 3, 2, 1], 1, [[0, 0], [2, 0], [1, 1], [0, 0]], 1],
  ];
  it.each(cases)('%s: filter and input gradients match the cpu kernels', (_name, xShape, filterShape, strides, pad, dilations) => {
    const dyShape = convOutput(xShape, filterShape, strides, pad, true, dilations);
    const attrs = { strides, pad, dilations, dimRoundingMode: undefined };
    compare('DepthwiseConv2dNativeBackpropFilter', { x: { shape: xShape }, dy: { shape: dyShape } }, { ...attrs, filterShape });
    compare('DepthwiseConv2dNativeBackpropInput', { dy: { shape: dyShape }, filter: { shape: filterShape } }, { ...attrs, inputShape: xShape });
  });
});

describe("wasm's max-pool gradients where a window is all negative (corrected)", () => {
  const negative = (shape: number[]) => ({ shape, values: valuesFor(shape, 3).map((v) => v - 2) });
  it.each<[string, Input, [number, number], number, 'same' | 'valid']>([
    ['2×2 stride 2 same, all inputs negative', negative([2, 5, 5, 3]), [2, 2], 2, 'same'],
    ['3×3 stride 2 same, mixed signs', { shape: [1, 7, 6, 2] }, [3, 3], 2, 'same'],
    ['2×2 valid, all inputs negative', negative([1, 4, 4, 1]), [2, 2], 2, 'valid'],
    ['2×2 valid, all inputs positive (the native kernel as it is)', { shape: [1, 4, 4, 2], values: valuesFor([1, 4, 4, 2], 5).map((v) => v + 2) }, [2, 2], 2, 'valid'],
  ])('MaxPoolGrad %s matches the cpu kernel', (_name, input, filterSize, strides, pad) => {
    const out = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad).outShape;
    compare('MaxPoolGrad', { dy: { shape: out }, input }, { filterSize, strides, pad, dimRoundingMode: undefined });
  });

  it('MaxPool3DGrad with negative inputs matches the cpu kernel', () => {
    const input = negative([1, 3, 5, 5, 2]);
    const out = tf.backend_util.computePool3DInfo(input.shape as never, 2, 2, 1, 'same').outShape;
    compare('MaxPool3DGrad', { dy: { shape: out }, input }, { filterSize: 2, strides: 2, pad: 'same', dimRoundingMode: undefined });
  });
});

describe('UnsortedSegmentSum (one pass)', () => {
  it('sums rows by segment id, ids out of range dropped, like the cpu kernel', () => {
    compare('UnsortedSegmentSum', { x: { shape: [7, 3] }, segmentIds: { shape: [7], dtype: 'int32', values: [0, 2, 2, 5, 0, 9, -1] } }, { numSegments: 6 });
    compare('UnsortedSegmentSum', { x: { shape: [4, 2, 3] }, segmentIds: { shape: [4], dtype: 'int32', values: [1, 1, 0, 1] } }, { numSegments: 3 });
    compare('UnsortedSegmentSum', { x: { shape: [5, 2], dtype: 'int32', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }, segmentIds: { shape: [5], dtype: 'int32', values: [0, 1, 0, 1, 3] } }, { numSegments: 4 });
  });
});

describe('the generic cpu fallback', () => {
  it('runs a kernel wasm lacks (Einsum) on the cpu kernel and frees every copy', () => {
    compare('Einsum', { a: { shape: [2, 3] }, b: { shape: [3, 4] } }, { equation: 'ij,jk->ik' });
    compare('Einsum', { a: { shape: [2, 3, 4] } }, { equation: 'bij->bji' });
  });

  it('counts calls and time of every supplied kernel', () => {
    const before = suppliedKernelUsage();
    runOn('wasm', 'Einsum', { a: { shape: [2, 2] }, b: { shape: [2, 2] } }, { equation: 'ij,jk->ik' });
    const used = usageSince(before);
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ kernelName: 'Einsum', backend: 'wasm', implementation: 'cpu-fallback', calls: 1 });
    expect(used[0]!.ms).toBeGreaterThanOrEqual(0);
  });

  it('refuses complex64 kernels with a message that says why and what to do', () => {
    expect(() => tf.engine().runKernel('FFT', {}, {})).toThrow(/complex64 tensors, which the wasm backend cannot store.*setBackend\('cpu'\)/);
  });
});
