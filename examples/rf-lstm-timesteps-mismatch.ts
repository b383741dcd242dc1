// @title: Real fault (RNN) — "Input 0 is incompatible with layer lstm_LSTM1" (sequences shorter than the declared timesteps, targets longer)
// @source: https://github.com/tensorflow/tfjs/issues/482
// @expect: run.failed
// %% [markdown]
// As reported: two stacked LSTMs declared with `inputShape: [3, 1]` (3 timesteps) and
// `returnSequences: true`, fitted on sequences of 2 steps with targets of 3 steps — "does not
// support different dims?". A sequence model maps T input steps to T output steps; the data must
// have the timesteps the model was built for. The run fails in fit; the diagnosis must say so.
// Corrected version: rf-lstm-timesteps-mismatch-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const xs = tf.tensor3d([[[8], [3]]]);
const ys = tf.tensor3d([[[0], [1], [0]]]);
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 3, activation: 'sigmoid', inputShape: [3, 1], returnSequences: true }));
model.add(tf.layers.lstm({ units: 1, activation: 'sigmoid', returnSequences: true }));
model.compile({ optimizer: tf.train.sgd(0.0001), loss: tf.losses.meanSquaredError });
await model.fit(xs, ys, { epochs: 30 });
