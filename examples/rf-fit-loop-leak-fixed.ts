// @title: Real fault, corrected — the training loop disposes each iteration's tensors after fit
// @source: https://github.com/tensorflow/tfjs/issues/8326
// @healthy
// %% [markdown]
// The thread's fix: dispose xs and ys once fit has used them. The tensor count stays flat. It must
// produce no warning or error findings.
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
  xs.dispose();
  ys.dispose();
}
