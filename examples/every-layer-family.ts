// @title: conv2d, conv1d, separable, transposed conv, batch norm and embedding+LSTM+GRU on the default backend (kernels wasm lacks)
// @expect: perf.kernel-fallback, trend.stopped-early
// %% [markdown]
// One small model per layer family people train, on whatever backend Lossbook chose — wasm after
// a plain `npm ci`, whose tfjs backend lacks the gradient kernels of convolutions
// (Conv2DBackpropFilter), of depthwise/separable convolutions and of embeddings
// (UnsortedSegmentSum). No `tf.setBackend('cpu')`: Lossbook supplies those kernels, and the run's
// `perf.kernel-fallback` finding (info) names them with their share of step time. Each cell
// prints "<family>: trained" when its loss went down; the last prints "all trained". Each model
// trains only a few epochs — enough to show its loss falls — so the run is also, rightly, told
// that it stopped while the loss was still falling (`trend.stopped-early`).
// %%
import * as tf from '@tensorflow/tfjs';

// Learnable toy data: the class is whether a fixed mix of the inputs is positive.
let seed = 11;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
function dataset(shape: number[], samples = 64) {
  const size = shape.reduce((a, b) => a * b, 1);
  const rows: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < samples; i++) {
    let mix = 0;
    for (let k = 0; k < size; k++) {
      const value = random() * 2 - 1;
      rows.push(value);
      mix += k % 2 ? value : -value * 0.5;
    }
    labels.push(mix > 0 ? 1 : 0);
  }
  return { x: tf.tensor(rows, [samples, ...shape]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat() };
}

const trained: string[] = [];
async function train(name: string, model: tf.Sequential, x: tf.Tensor, y: tf.Tensor) {
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 4, batchSize: 16, validationSplit: 0.25, verbose: 0 });
  const losses = history.history.loss as number[];
  if (!(losses[losses.length - 1]! < losses[0]!)) throw new Error(`${name}: loss did not go down (${losses.join(' → ')})`);
  trained.push(name);
  console.log(`${name}: trained on ${tf.getBackend()} (loss ${losses[0]!.toFixed(3)} → ${losses[losses.length - 1]!.toFixed(3)})`);
}
// %%
{
  const { x, y } = dataset([10, 10, 1]);
  const model = tf.sequential({ layers: [tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 1] }), tf.layers.maxPooling2d({ poolSize: 2 }), tf.layers.flatten()] });
  await train('conv2d + maxPooling2d', model, x, y);
}
// %%
{
  const { x, y } = dataset([10, 10, 1]);
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [10, 10, 1] }), tf.layers.batchNormalization(), tf.layers.activation({ activation: 'relu' }), tf.layers.averagePooling2d({ poolSize: 2 }), tf.layers.flatten()],
  });
  await train('conv2d + batchNormalization + averagePooling2d', model, x, y);
}
// %%
{
  const { x, y } = dataset([8, 8, 3]);
  const model = tf.sequential({ layers: [tf.layers.separableConv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 3] }), tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'relu' }), tf.layers.flatten()] });
  await train('separableConv2d + depthwiseConv2d', model, x, y);
}
// %%
{
  const { x, y } = dataset([16, 2]);
  const model = tf.sequential({ layers: [tf.layers.conv1d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [16, 2] }), tf.layers.globalMaxPooling1d({})] });
  await train('conv1d', model, x, y);
}
// %%
{
  const { x, y } = dataset([4, 4, 2]);
  const model = tf.sequential({ layers: [tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', inputShape: [4, 4, 2] }), tf.layers.flatten()] });
  await train('conv2dTranspose', model, x, y);
}
// %%
{
  // Token ids; the class is whether the first token is in the lower half of the vocabulary.
  const ids: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 64; i++) {
    const row = Array.from({ length: 8 }, () => Math.floor(random() * 30));
    ids.push(...row);
    labels.push(row[0]! < 15 ? 1 : 0);
  }
  const x = tf.tensor2d(ids, [64, 8], 'int32');
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat();
  const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 30, outputDim: 8, inputLength: 8 }), tf.layers.lstm({ units: 8, returnSequences: true }), tf.layers.gru({ units: 8 })] });
  await train('embedding + LSTM + GRU', model, x, y);
}
// %%
console.log(trained.length === 6 ? 'all trained' : `only ${trained.length} of 6 trained`);
