// @title: Softmax applied twice (softmax layer + softmaxCrossEntropy loss)
// @expect: model.double-softmax
// %% [markdown]
// The model already ends in `softmax`, and the loss is `tf.losses.softmaxCrossEntropy`, which
// expects logits and applies softmax again. Softmax of probabilities is nearly uniform, so the
// gradients shrink and the loss hovers near ln C (seed 002 #4, #20).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 5;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const points: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 300; i++) {
  const k = i % 3;
  points.push([Math.cos((2 * Math.PI * k) / 3) + (random() - 0.5), Math.sin((2 * Math.PI * k) / 3) + (random() - 0.5)]);
  labels.push(k);
}
const xs = tf.tensor2d(points);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);

const model = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 3, activation: 'softmax' })],
});
model.compile({ optimizer: 'adam', loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred), metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32 });
