// @title: Real fault, corrected — y = x^4 with x and y scaled to about ±1
// @source: https://stackoverflow.com/questions/52800582
// @healthy
// %% [markdown]
// The accepted answer: scale x into [−1, 1] and y by its maximum, then un-scale predictions.
// It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const grid = Array.from({ length: 400 }, (_, i) => -100 + (200 * i) / 399);
const xs = tf.tensor2d(grid.map((x) => x / 100), [grid.length, 1]);
const ys = tf.tensor2d(grid.map((x) => x ** 4 / 1e8), [grid.length, 1]);
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [1] }), tf.layers.dense({ units: 16, activation: 'relu' }), tf.layers.dense({ units: 1 })],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 40, batchSize: 32 });
