// @title: Real fault (RNN), corrected — the table reshaped to [samples, timesteps, features] for the LSTM
// @source: https://github.com/tensorflow/tfjs/issues/6553
// @healthy
// %% [markdown]
// The maintainers' answer: reshape the input to three dimensions. Each row of 12 values becomes a
// sequence of 12 steps with 1 feature, matching `inputShape: [12, 1]`. It must produce no warning
// or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const table = Array.from({ length: 120 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.sin((i + j) / 6)));
const xs = tf.tensor2d(table).reshape([table.length, 12, 1]);
const ys = tf.tensor2d(table.map((row) => [row[11]! > 0 ? 1 : 0]));
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 16, inputShape: [12, 1] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32 });
