// @title: Real fault — "Memory leak and crash" (a fresh xs/ys tensor for every fit call, never disposed)
// @source: https://github.com/tensorflow/tfjs/issues/8326
// @expect: mem.tensor-leak
// %% [markdown]
// As reported: training in a loop, each iteration builds its input and target tensors and calls
// `model.fit` on them, and memory grows until the process crashes. The answer in the thread:
// "You have to dispose the xs and ys after the fit step. Otherwise tfjs creates new tensors in every
// loop step." Here 60 iterations of one small fit each. Corrected version: rf-fit-loop-leak-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 8326;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
for (let i = 0; i < 60; i++) {
  const rows = Array.from({ length: 16 }, () => [random(), random(), random(), random()]);
  const xs = tf.tensor2d(rows);
  const ys = tf.tensor2d(rows.map((r) => [r[0]! + r[1]! - r[2]!]));
  await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
}
