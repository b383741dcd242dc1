// @title: Real fault (RNN), corrected — the rows given a time axis before the LSTM
// @source: https://github.com/tensorflow/tfjs/issues/1533
// @healthy
// %% [markdown]
// The maintainers' explanation: an LSTM's input shape is [timesteps, features]. Each row of 3
// features becomes a sequence of 3 steps with 1 feature, and the LSTM comes first. It must produce
// no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i / 5), Math.cos(i / 7), (i % 5) / 5]);
const xs = tf.tensor2d(rows).reshape([rows.length, 3, 1]);
const ys = tf.tensor2d(rows.map((r) => [r[0]! + r[1]!]));
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [3, 1] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 16 });
