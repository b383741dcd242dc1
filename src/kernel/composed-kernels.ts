// Real implementations of the gradient kernels tfjs-backend-wasm 4.22 lacks (issue 18): without
// them the first conv net, separable conv or embedding a user trains on the default backend dies
// with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". Each one is composed of
// kernels the backend already has (depthwise conv, transpose, batched matmul, pad, slice),
// called directly on the backend's tensor data — the way tfjs backends compose
// their own kernels — so the arithmetic runs at the backend's speed (XNNPACK on wasm) and no
// engine tensor is created. UnsortedSegmentSum is a loop over typed arrays: a composition would
// need a one-hot matrix of batch × vocabulary, far more work than one pass over the rows.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from './monitor-api';

type Attrs = Record<string, unknown>;
type Shape = number[];

/** The minimal backend surface the compositions use (wasm, webgpu and cpu all have it). */
export interface DataBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): ArrayLike<number> | Uint8Array[];
  write(values: unknown, shape: Shape, dtype: string): object;
}

/**
 * Runs the backend's own kernels on TensorInfos and disposes every intermediate it made once the
 * composition ends, except the result it hands back (the engine takes ownership of that one).
 */
class Composer {
  private readonly made: TensorInfo[] = [];
  constructor(
    readonly tf: Tf,
    readonly backendName: string,
    readonly backend: DataBackend,
  ) {}

  call(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
    const kernel = this.tf.getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`Lossbook's composed kernels need '${kernelName}' on the ${this.backendName} backend`);
    const out = kernel.kernelFunc({ inputs: inputs as never, backend: this.backend as never, attrs: attrs as never });
    const info = (Array.isArray(out) ? out[0] : out) as TensorInfo;
    this.made.push(info);
    return info;
  }

  /** A TensorInfo made outside call() (written directly) that is an intermediate too. */
  track(info: TensorInfo): TensorInfo {
    this.made.push(info);
    return info;
  }

  reshape(x: TensorInfo, shape: Shape): TensorInfo {
    return this.call('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.call('Transpose', { x }, { perm });
  }

  /** Pads (positive) or crops (negative) each axis at its start and end. */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>): TensorInfo {
    let result = x;
    if (amounts.some(([before, after]) => before > 0 || after > 0)) {
      result = this.call('PadV2', { x: result }, { paddings: amounts.map(([b, a]) => [Math.max(0, b), Math.max(0, a)]), constantValue: 0 });
    }
    if (amounts.some(([before, after]) => before < 0 || after < 0)) {
      const begin = amounts.map(([b]) => Math.max(0, -b));
      const size = result.shape.map((extent, axis) => extent - begin[axis]! - Math.max(0, -amounts[axis]![1]));
      result = this.call('Slice', { x: result }, { begin, size });
    }
    return result;
  }

  /** Frees every intermediate except `keep` (its data may be shared with an intermediate by reshape). */
  finish(keep: TensorInfo): TensorInfo {
    for (const info of this.made) if (info !== keep) this.backend.disposeData(info.dataId);
    this.made.length = 0;
    return keep;
  }

  /** After an error: free everything made so far. */
  abandon(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  filterHeight: number;
  filterWidth: number;
  effectiveFilterHeight: number;
  effectiveFilterWidth: number;
  padInfo: { top: number; left: number; bottom: number; right: number };
}

function convGeometry(tf: Tf, xShape: Shape, filterShape: Shape, attrs: Attrs, depthwise: boolean): ConvGeometry {
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    dilations,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    depthwise,
    'channelsLast',
  );
  return info as unknown as ConvGeometry;
}

/**
 * im2col by the identity trick: a depthwise convolution with a 0/1 filter that copies tap k of
 * input channel c to output channel c·K + k. The backend's own depthwise kernel (XNNPACK on wasm)
 * then handles stride, padding and dilation exactly as the forward convolution did, in one call:
 * [B, OH, OW, C·K], channel-major. (Nine strided slices and a concat were 10× slower on wasm,
 * whose Concat copies in JavaScript.)
 */
function im2col(c: Composer, x: TensorInfo, attrs: Attrs, g: ConvGeometry): TensorInfo {
  const channels = x.shape[3]!;
  const taps = g.filterHeight * g.filterWidth;
  const identity = new Float32Array(taps * channels * taps);
  // Filter layout [KH, KW, C, K]: element (tap, channel, k) at (tap·C + channel)·K + k.
  for (let tap = 0; tap < taps; tap++) for (let channel = 0; channel < channels; channel++) identity[(tap * channels + channel) * taps + tap] = 1;
  const shape = [g.filterHeight, g.filterWidth, channels, taps];
  const filter = c.track({ dataId: c.backend.write(identity, shape, 'float32'), shape, dtype: 'float32' } as TensorInfo);
  return c.call('DepthwiseConv2dNative', { x, filter }, { strides: attrs.strides, pad: attrs.pad, dilations: attrs.dilations ?? 1, dimRoundingMode: attrs.dimRoundingMode });
}

function toChannelsLast(c: Composer, x: TensorInfo, dataFormat: unknown): TensorInfo {
  return dataFormat === 'NCHW' ? c.transpose(x, [0, 2, 3, 1]) : x;
}

/** dW = colsᵀ · dy over all B·OH·OW output positions, cols from im2col (channel-major taps). */
function conv2DBackpropFilter(c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo {
  const x = toChannelsLast(c, inputs.x!, attrs.dataFormat);
  const dy = toChannelsLast(c, inputs.dy!, attrs.dataFormat);
  const filterShape = attrs.filterShape as Shape;
  const g = convGeometry(c.tf, x.shape, filterShape, { ...attrs, dilations: 1 }, false);
  const positions = g.batchSize * g.outHeight * g.outWidth;
  const taps = g.filterHeight * g.filterWidth;
  // Transposed explicitly: wasm's BatchMatMul with transposeA was 5-10× slower than this.
  const columns = c.transpose(c.reshape(im2col(c, x, { ...attrs, dilations: 1 }, g), [1, positions, g.inChannels * taps]), [0, 2, 1]); // [1, C·K, N]
  const product = c.call('BatchMatMul', { a: columns, b: c.reshape(dy, [1, positions, g.outChannels]) }, { transposeA: false, transposeB: false }); // [1, C·K, Co]
  const tapMajor = c.transpose(c.reshape(product, [g.inChannels, taps, g.outChannels]), [1, 0, 2]); // [K, C, Co]
  return c.reshape(tapMajor, filterShape);
}

/** dF[k, c, m] = Σₙ cols[n, c, k] · dy[n, c, m]: a matmul per input channel (batched over C). */
function depthwiseBackpropFilter(c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo {
  const x = inputs.x!;
  const dy = inputs.dy!;
  const filterShape = attrs.filterShape as Shape;
  const g = convGeometry(c.tf, x.shape, filterShape, attrs, true);
  const positions = g.batchSize * g.outHeight * g.outWidth;
  const taps = g.filterHeight * g.filterWidth;
  const channels = g.inChannels;
  const multiplier = filterShape[3]!;
  const columns = c.transpose(c.reshape(im2col(c, x, attrs, g), [positions, channels, taps]), [1, 2, 0]); // [C, K, N]
  const grads = c.transpose(c.reshape(dy, [positions, channels, multiplier]), [1, 0, 2]); // [C, N, M]
  const product = c.call('BatchMatMul', { a: columns, b: grads }, { transposeA: false, transposeB: false }); // [C, K, M]
  return c.reshape(c.transpose(product, [1, 0, 2]), filterShape);
}

/**
 * dx is the transposed depthwise convolution: spread dy by the stride (zeros between rows and
 * columns), pad it so every input position sees the whole (dilated) filter, and correlate with the
 * filter flipped in both spatial axes — one depthwise conv over C·M channels — then sum the M
 * outputs that came from each input channel.
 */
function depthwiseBackpropInput(c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo {
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const inputShape = attrs.inputShape as Shape;
  const g = convGeometry(c.tf, inputShape, filter.shape, attrs, true);
  const multiplier = filter.shape[3]!;
  const outChannels = g.inChannels * multiplier;
  let spread = dy;
  if (g.strideHeight > 1 || g.strideWidth > 1) {
    const lifted = c.reshape(dy, [g.batchSize, g.outHeight, 1, g.outWidth, 1, outChannels]);
    const zeros = c.padOrCrop(lifted, [
      [0, 0],
      [0, 0],
      [0, g.strideHeight - 1],
      [0, 0],
      [0, g.strideWidth - 1],
      [0, 0],
    ]);
    spread = c.reshape(zeros, [g.batchSize, g.outHeight * g.strideHeight, g.outWidth * g.strideWidth, outChannels]);
  }
  // Rows: input row i needs spread rows i + top − (KH_eff − 1) … i + top.
  const beforeRows = g.effectiveFilterHeight - 1 - g.padInfo.top;
  const beforeCols = g.effectiveFilterWidth - 1 - g.padInfo.left;
  const targetRows = g.inHeight + g.effectiveFilterHeight - 1;
  const targetCols = g.inWidth + g.effectiveFilterWidth - 1;
  const framed = c.padOrCrop(spread, [
    [0, 0],
    [beforeRows, targetRows - beforeRows - spread.shape[1]!],
    [beforeCols, targetCols - beforeCols - spread.shape[2]!],
    [0, 0],
  ]);
  const flipped = c.reshape(c.call('Reverse', { x: filter }, { dims: [0, 1] }), [g.filterHeight, g.filterWidth, outChannels, 1]);
  const correlated = c.call(
    'DepthwiseConv2dNative',
    { x: framed, filter: flipped },
    { strides: [1, 1], pad: 'valid', dilations: [g.dilationHeight, g.dilationWidth], dimRoundingMode: undefined },
  );
  if (multiplier === 1) return correlated;
  const split = c.reshape(correlated, [g.batchSize, g.inHeight, g.inWidth, g.inChannels, multiplier]);
  return c.call('Sum', { x: split }, { axis: [4], keepDims: false });
}

/** One pass over the rows: out[segment[i]] += x[i] (ids out of range are dropped, as in tfjs). */
function unsortedSegmentSum(c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo {
  const x = inputs.x!;
  const segmentIds = inputs.segmentIds!;
  const numSegments = attrs.numSegments as number;
  const values = c.backend.readSync(x.dataId) as ArrayLike<number>;
  const ids = c.backend.readSync(segmentIds.dataId) as ArrayLike<number>;
  const rows = ids.length;
  const rowSize = rows === 0 ? 0 : values.length / rows;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * rowSize) : new Float32Array(numSegments * rowSize);
  for (let row = 0; row < rows; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) out[to + k]! += values[from + k]!;
  }
  return { dataId: c.backend.write(out, outShape, x.dtype), shape: outShape, dtype: x.dtype } as TensorInfo;
}

/**
 * tfjs-backend-wasm's MaxPoolGrad (and MaxPool3DGrad) looks for each window's maximum starting
 * from 0, not −∞: where every value of a window is negative — any max pool after a conv without
 * ReLU, or after batch normalization — it finds no maximum and drops that window's gradient
 * (measured against the cpu kernel: 94% of a conv → maxPool gradient lost). Shifting the input so
 * its minimum is 1 keeps every argmax where it was, so the backend's own kernel is then exact.
 */
function maxPoolGradAboveZero(original: KernelConfig['kernelFunc']): (c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs) => TensorInfo {
  return (c, inputs, attrs) => {
    const input = inputs.input!;
    const run = (shiftedInput: TensorInfo) => original({ inputs: { ...inputs, input: shiftedInput } as never, backend: c.backend as never, attrs: attrs as never }) as TensorInfo;
    const minimum = (c.backend.readSync(c.call('Min', { x: input }, { axis: input.shape.map((_, axis) => axis), keepDims: false }).dataId) as ArrayLike<number>)[0]!;
    // Already positive: nothing to correct. NaN or ±Inf: no shift can help, and the loss is not finite anyway.
    if (minimum > 0 || !Number.isFinite(minimum)) return run(input);
    const offset = c.track({ dataId: c.backend.write(Float32Array.of(minimum - 1), [], 'float32'), shape: [], dtype: 'float32' } as TensorInfo);
    return run(c.call('Sub', { a: input, b: offset }));
  };
}

interface ComposedKernel {
  kernelName: string;
  /** Kernels of the backend it is built from: it is registered only where all of them exist. */
  uses: string[];
  compute(c: Composer, inputs: Record<string, TensorInfo>, attrs: Attrs): TensorInfo;
}

export const COMPOSED_KERNELS: readonly ComposedKernel[] = [
  { kernelName: 'Conv2DBackpropFilter', uses: ['DepthwiseConv2dNative', 'Reshape', 'Transpose', 'BatchMatMul'], compute: conv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', uses: ['DepthwiseConv2dNative', 'Reshape', 'Transpose', 'BatchMatMul'], compute: depthwiseBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', uses: ['PadV2', 'Slice', 'Reshape', 'Reverse', 'DepthwiseConv2dNative', 'Sum'], compute: depthwiseBackpropInput },
  { kernelName: 'UnsortedSegmentSum', uses: [], compute: unsortedSegmentSum },
];

/**
 * Kernels a backend has but computes wrongly, by backend: replaced by a composition around the
 * backend's own kernel (registered with its setup function, so it still initializes with the backend).
 */
export const CORRECTED_KERNELS: Readonly<Record<string, ReadonlyArray<{ kernelName: string; uses: string[]; wrap(original: KernelConfig['kernelFunc']): ComposedKernel['compute'] }>>> = {
  wasm: [
    { kernelName: 'MaxPoolGrad', uses: ['Min', 'Sub'], wrap: (original) => maxPoolGradAboveZero(original) },
    { kernelName: 'MaxPool3DGrad', uses: ['Min', 'Sub'], wrap: (original) => maxPoolGradAboveZero(original) },
  ],
};

/** A tfjs KernelConfig for `backendName` that runs a composition; null where a building block is missing. */
export function composedKernelConfig(tf: Tf, backendName: string, kernel: ComposedKernel, base: Partial<KernelConfig> = {}): KernelConfig | null {
  if (kernel.uses.some((name) => !tf.getKernel(name, backendName))) return null;
  return {
    ...base,
    kernelName: kernel.kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const composer = new Composer(tf, backendName, backend as unknown as DataBackend);
      try {
        return composer.finish(kernel.compute(composer, inputs as Record<string, TensorInfo>, (attrs ?? {}) as Attrs));
      } catch (error) {
        composer.abandon();
        throw error;
      }
    },
  };
}
