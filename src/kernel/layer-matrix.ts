// The layer families users train, as tiny models, and one function that trains a family on a
// backend and compares its gradients with the CPU backend's (issue 18). The matrix test
// (layer-matrix.test.ts) and the README table (scripts/layer-matrix-table.ts) both run these, so
// the table shows what the test checks. Weights and data are deterministic (seeded, set
// explicitly), so two backends start from the same model and see the same batches.
import type * as tfType from '@tensorflow/tfjs';
import type { Tf } from './monitor-api';
import { suppliedKernelUsage, usageSince, type SuppliedKernelUsage } from './supplied-kernels';

export interface LayerFamily {
  id: string;
  /** The layers in words, for the table. */
  layers: string;
  /** Input shape of one sample; `vocabulary` makes the input integer token ids. */
  inputShape: number[];
  vocabulary?: number;
  build(tf: Tf): tfType.LayersModel;
}

const CLASSES = 2;

function classifier(tf: Tf, inputShape: number[], body: (tf: Tf) => tfType.layers.Layer[]): tfType.LayersModel {
  const layers = body(tf);
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  for (const layer of layers) model.add(layer);
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  return model;
}

const image = (size: number, channels: number) => [size, size, channels];

export const LAYER_FAMILIES: readonly LayerFamily[] = [
  { id: 'conv2d-maxpool', layers: 'conv2d → maxPooling2d', inputShape: image(8, 2), build: (tf) => classifier(tf, image(8, 2), (tf) => [tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten()]) },
  {
    id: 'conv2d-batchnorm-avgpool',
    layers: 'conv2d (same, stride 2) → batchNormalization → averagePooling2d',
    inputShape: image(9, 2),
    build: (tf) => classifier(tf, image(9, 2), (tf) => [tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), tf.layers.batchNormalization(), tf.layers.activation({ activation: 'relu' }), tf.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), tf.layers.flatten()]),
  },
  {
    id: 'separable-depthwise',
    layers: 'separableConv2d → depthwiseConv2d (multiplier 2)',
    inputShape: image(8, 3),
    build: (tf) => classifier(tf, image(8, 3), (tf) => [tf.layers.separableConv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }), tf.layers.flatten()]),
  },
  { id: 'conv1d', layers: 'conv1d → maxPooling1d', inputShape: [12, 3], build: (tf) => classifier(tf, [12, 3], (tf) => [tf.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }), tf.layers.maxPooling1d({ poolSize: 2 }), tf.layers.flatten()]) },
  { id: 'conv2d-transpose', layers: 'conv2dTranspose (stride 2)', inputShape: image(4, 2), build: (tf) => classifier(tf, image(4, 2), (tf) => [tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, activation: 'relu' }), tf.layers.flatten()]) },
  { id: 'embedding-lstm', layers: 'embedding → LSTM', inputShape: [6], vocabulary: 20, build: (tf) => classifier(tf, [6], (tf) => [tf.layers.embedding({ inputDim: 20, outputDim: 4 }), tf.layers.lstm({ units: 4 })]) },
  { id: 'embedding-gru', layers: 'embedding → GRU', inputShape: [6], vocabulary: 20, build: (tf) => classifier(tf, [6], (tf) => [tf.layers.embedding({ inputDim: 20, outputDim: 4 }), tf.layers.gru({ units: 4 })]) },
  { id: 'simple-rnn', layers: 'simpleRNN', inputShape: [6, 3], build: (tf) => classifier(tf, [6, 3], (tf) => [tf.layers.simpleRNN({ units: 4 })]) },
  { id: 'bidirectional-lstm', layers: 'bidirectional(LSTM)', inputShape: [5, 3], build: (tf) => classifier(tf, [5, 3], (tf) => [tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tfType.RNN })]) },
  { id: 'time-distributed', layers: 'timeDistributed(dense) → flatten', inputShape: [5, 3], build: (tf) => classifier(tf, [5, 3], (tf) => [tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'relu' }) }), tf.layers.flatten()]) },
  { id: 'upsampling2d', layers: 'upSampling2d → conv2d', inputShape: image(4, 2), build: (tf) => classifier(tf, image(4, 2), (tf) => [tf.layers.upSampling2d({ size: [2, 2] }), tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten()]) },
  {
    id: 'cropping-zeropadding',
    layers: 'zeroPadding2d → cropping2D → conv2d',
    inputShape: image(6, 2),
    build: (tf) => classifier(tf, image(6, 2), (tf) => [tf.layers.zeroPadding2d({ padding: 1 }), tf.layers.cropping2D({ cropping: [[1, 0], [0, 2]] }), tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten()]),
  },
  {
    id: 'global-pooling',
    layers: 'conv2d → globalAveragePooling2d; conv1d → globalMaxPooling1d',
    inputShape: image(6, 2),
    build: (tf) => classifier(tf, image(6, 2), (tf) => [tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), tf.layers.globalAveragePooling2d({}), tf.layers.reshape({ targetShape: [4, 1] }), tf.layers.conv1d({ filters: 2, kernelSize: 2 }), tf.layers.globalMaxPooling1d({})]),
  },
  { id: 'layer-normalization', layers: 'dense → layerNormalization', inputShape: [6], build: (tf) => classifier(tf, [6], (tf) => [tf.layers.dense({ units: 8 }), tf.layers.layerNormalization(), tf.layers.activation({ activation: 'relu' })]) },
  { id: 'conv3d', layers: 'conv3d → maxPooling3d', inputShape: [4, 4, 4, 1], build: (tf) => classifier(tf, [4, 4, 4, 1], (tf) => [tf.layers.conv3d({ filters: 2, kernelSize: 2, activation: 'relu' }), tf.layers.maxPooling3d({ poolSize: 2 }), tf.layers.flatten()]) },
  { id: 'conv-lstm2d', layers: 'convLstm2d', inputShape: [3, 5, 5, 1], build: (tf) => classifier(tf, [3, 5, 5, 1], (tf) => [tf.layers.convLstm2d({ filters: 2, kernelSize: 3 }) as tfType.layers.Layer, tf.layers.flatten()]) },
  {
    id: 'activations',
    layers: 'prelu, elu, leakyReLU, thresholdedReLU',
    inputShape: [6],
    build: (tf) => classifier(tf, [6], (tf) => [tf.layers.dense({ units: 6 }), tf.layers.prelu(), tf.layers.dense({ units: 6 }), tf.layers.elu(), tf.layers.leakyReLU(), tf.layers.dense({ units: 6 }), tf.layers.thresholdedReLU({ theta: 0.1 })]),
  },
];

/** A small deterministic generator (the same numbers on every backend and run). */
function seeded(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Sets every weight of a freshly built model from the seed: kernels ±√(3/fan-in), BN scales 1, biases 0. */
export function setDeterministicWeights(tf: Tf, model: tfType.LayersModel, seed = 1): void {
  const random = seeded(seed);
  const values = model.weights.map((weight) => {
    const shape = weight.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const name = weight.originalName ?? weight.name;
    if (/gamma|moving_variance/.test(name)) return tf.ones(shape);
    if (/beta|bias|moving_mean/.test(name)) return tf.zeros(shape);
    const fanIn = shape.length > 1 ? size / shape[shape.length - 1]! : size;
    const limit = Math.sqrt(3 / Math.max(1, fanIn));
    return tf.tensor(Float32Array.from({ length: size }, () => (random() * 2 - 1) * limit), shape);
  });
  model.setWeights(values);
  for (const value of values) value.dispose();
}

/** Inputs and one-hot labels the model can learn (label = sign of a fixed projection of the input). */
export function familyData(tf: Tf, family: LayerFamily, samples: number, seed = 7): { x: tfType.Tensor; y: tfType.Tensor } {
  const random = seeded(seed);
  const size = family.inputShape.reduce((a, b) => a * b, 1);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < samples; i++) {
    const row = Array.from({ length: size }, () => (family.vocabulary ? Math.floor(random() * family.vocabulary) : random() * 2 - 1));
    rows.push(row);
    labels.push(family.vocabulary ? Number(row[0]! < family.vocabulary / 2) : Number(row.reduce((sum, v, k) => sum + v * (k % 3 === 0 ? 1 : -0.5), 0) > 0));
  }
  const x = tf.tensor(rows.flat(), [samples, ...family.inputShape], family.vocabulary ? 'int32' : 'float32');
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat());
  return { x, y };
}

export interface FamilyRun {
  family: string;
  backend: string;
  ok: boolean;
  /** Mean loss per epoch. */
  losses: number[];
  /** Median training-step time after the first step (which compiles/warms up), ms. */
  stepMs: number;
  /** Largest relative difference of any gradient from the CPU backend's on the same batch. */
  gradientDifference?: number;
  /** Kernels Lossbook supplied that this training called, with their calls and time. */
  supplied: SuppliedKernelUsage[];
  error?: string;
  /** tf.memory().numTensors after minus before (the model and data are disposed). */
  tensorDelta: number;
}

/** Mean categorical cross-entropy of the model on (x, y) in training mode, and its gradients. */
async function gradients(tf: Tf, model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor): Promise<Float32Array[]> {
  const variables = model.trainableWeights.map((weight) => weight.read() as tfType.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const probabilities = (model.apply(x, { training: true }) as tfType.Tensor).clipByValue(1e-7, 1);
    return tf.mean(tf.neg(tf.sum(tf.mul(y, tf.log(probabilities)), -1))) as tfType.Scalar;
  }, variables);
  // Asynchronous reads: webgpu in Node cannot read synchronously.
  try {
    return await Promise.all(variables.map(async (variable) => (await grads[variable.name]!.data()) as Float32Array));
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

/**
 * Largest |a − b| over all gradients, relative to the largest reference gradient of the model: a
 * bias before batch normalization has a gradient of exactly zero in theory and ±1e-9 in float32
 * on either backend, which a per-tensor scale would call a 100% difference.
 */
function relativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let scale = 1e-12;
  for (const reference of b) for (const value of reference) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  a.forEach((values, index) => {
    const reference = b[index]!;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - reference[i]!));
  });
  return worst / scale;
}

async function withBackend<T>(tf: Tf, backend: string, fn: () => Promise<T> | T): Promise<T> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * Trains `family` on `backend` (Adam, batch 8, `epochs` epochs over `samples` rows, no shuffle)
 * and compares the gradients of its first batch with the CPU backend's from the same weights.
 */
export async function trainFamily(tf: Tf, family: LayerFamily, backend: string, options: { samples?: number; epochs?: number } = {}): Promise<FamilyRun> {
  const samples = options.samples ?? 16;
  const epochs = options.epochs ?? 2;
  const tensorsBefore = tf.memory().numTensors;
  const result: FamilyRun = { family: family.id, backend, ok: false, losses: [], stepMs: Number.NaN, supplied: [], tensorDelta: 0 };
  const usageBefore = suppliedKernelUsage();
  try {
    await withBackend(tf, backend, async () => {
      const model = family.build(tf);
      setDeterministicWeights(tf, model);
      const { x, y } = familyData(tf, family, samples);
      try {
        const probe = { x: x.slice(0, 8), y: y.slice(0, 8) };
        const onBackend = await gradients(tf, model, probe.x, probe.y);
        if (backend !== 'cpu') {
          const weights = await Promise.all(model.getWeights().map(async (w) => ({ values: await w.data(), shape: w.shape, dtype: w.dtype })));
          const probeValues = { x: await probe.x.data(), y: await probe.y.data() };
          result.gradientDifference = await withBackend(tf, 'cpu', async () => {
            const reference = family.build(tf);
            const values = weights.map((w) => tf.tensor(w.values, w.shape, w.dtype));
            reference.setWeights(values);
            const data = { x: tf.tensor(probeValues.x, probe.x.shape, probe.x.dtype), y: tf.tensor(probeValues.y, probe.y.shape) };
            try {
              return relativeDifference(onBackend, await gradients(tf, reference, data.x, data.y));
            } finally {
              tf.dispose([...values, data.x, data.y]);
              reference.dispose();
            }
          });
        }
        tf.dispose([probe.x, probe.y]);
        model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
        const stepTimes: number[] = [];
        let batchStart = 0;
        const history = await model.fit(x, y, {
          epochs,
          batchSize: 8,
          shuffle: false,
          verbose: 0,
          callbacks: { onBatchBegin: async () => void (batchStart = performance.now()), onBatchEnd: async () => void stepTimes.push(performance.now() - batchStart) },
        });
        result.losses = (history.history.loss as number[]).map(Number);
        const timed = stepTimes.slice(1).sort((a, b) => a - b);
        result.stepMs = timed.length ? timed[Math.floor(timed.length / 2)]! : (stepTimes[0] ?? Number.NaN);
        result.ok = result.losses.every(Number.isFinite) && result.losses[result.losses.length - 1]! < result.losses[0]!;
        if (!result.ok) result.error = `loss did not decrease to a finite value: ${result.losses.join(' → ')}`;
        model.optimizer.dispose();
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    });
  } catch (error) {
    result.ok = false;
    result.error = String((error as Error).message ?? error).split('\n')[0];
  }
  result.supplied = usageSince(usageBefore).filter((entry) => entry.backend === backend);
  result.tensorDelta = tf.memory().numTensors - tensorsBefore;
  return result;
}
