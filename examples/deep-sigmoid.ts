// @title: Eight stacked sigmoid layers (vanishing gradients)
// @expect: model.sigmoid-deep, grad.vanishing
// %% [markdown]
// A "deep" network built the 1990s way: eight sigmoid layers with small random weights. Each
// sigmoid multiplies the gradient by at most 0.25, so the first layers receive almost nothing
// (seed 003, vanishing gradients; Glorot & Bengio 2010).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 17;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const inputs = Array.from({ length: 256 }, () => Array.from({ length: 10 }, () => random() * 2 - 1));
const xs = tf.tensor2d(inputs);
const ys = tf.tensor2d(inputs.map((r) => [r[0]! * r[1]! > 0 ? 1 : 0]));

const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, activation: 'sigmoid', inputShape: [10], kernelInitializer: tf.initializers.randomNormal({ stddev: 0.05 }) }));
for (let i = 0; i < 7; i++) model.add(tf.layers.dense({ units: 32, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.05 }) }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 32 });
