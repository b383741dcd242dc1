// @title: Transfer learning with every layer frozen
// @expect: model.all-frozen
// %% [markdown]
// Reusing a "pretrained" feature extractor: the user freezes its layers, then builds the new
// model from the same frozen layers and forgets to add a trainable head (seed 003, reusing
// pretrained layers). tfjs refuses to train; Lossbook says why before the error.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 23;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const images = Array.from({ length: 128 }, () => Array.from({ length: 16 }, () => random()));
const xs = tf.tensor2d(images);
const ys = tf.oneHot(tf.tensor1d(images.map((v) => (v[0]! > 0.5 ? 1 : 0)), 'int32'), 2);

const base = tf.sequential({
  layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [16] }), tf.layers.dense({ units: 2, activation: 'softmax' })],
});
for (const layer of base.layers) layer.trainable = false;
base.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await base.fit(xs, ys, { epochs: 3, batchSize: 32 });
