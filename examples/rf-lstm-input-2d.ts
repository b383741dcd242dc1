// @title: Real fault (RNN) — "expected lstm_LSTM1_input to have 3 dimension(s), but got array with shape 1606,73"
// @source: https://github.com/tensorflow/tfjs/issues/6553
// @expect: run.failed
// %% [markdown]
// As reported: a sequence model whose first layer is an LSTM, fitted on a 2-D table (rows ×
// features). The maintainers' answer: reshape the input to three dimensions, [samples,
// timesteps, features]. The run fails in fit; the diagnosis must say so and why.
// %%
import * as tf from '@tensorflow/tfjs';

const table = Array.from({ length: 120 }, (_, i) => Array.from({ length: 12 }, (_, j) => Math.sin((i + j) / 6)));
const xs = tf.tensor2d(table);
const ys = tf.tensor2d(table.map((row) => [row[11]! > 0 ? 1 : 0]));
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 16, inputShape: [12, 1] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 5, batchSize: 32 });
