// @title: Real fault (RNN) — "Can't replace layers.dense with layers.lstm": expected ndim=3, found ndim=2
// @source: https://github.com/tensorflow/tfjs/issues/1533
// @expect: run.failed
// %% [markdown]
// As reported: a working dense model on rows of features, with the first dense layer swapped
// for an LSTM. An LSTM reads sequences, [batch, timesteps, features]; rows of features have no
// time axis, so building the model fails before any training. The run crashed — the diagnosis
// must still name the cause and the fix (reshape to [n, timesteps, features]).
// %%
import * as tf from '@tensorflow/tfjs';

const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i / 5), Math.cos(i / 7), (i % 5) / 5]);
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r[0]! + r[1]!]));
const model = tf.sequential();
model.add(tf.layers.dense({ units: 8, inputShape: [3] }));
model.add(tf.layers.lstm({ units: 8 }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 5 });
