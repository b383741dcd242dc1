// @title: Real fault (RNN), corrected — sequences and targets with the timesteps the LSTMs were built for
// @source: https://github.com/tensorflow/tfjs/issues/482
// @healthy
// %% [markdown]
// The same two stacked LSTMs (3 timesteps in, 3 out), trained on 3-step sequences with 3-step
// targets (here: mark the steps whose value is positive), with Adam instead of
// SGD at 1e-4, which would barely move in 30 epochs. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 482;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const sequences = Array.from({ length: 96 }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
const targets = sequences.map((s) => s.map((v) => (v > 0 ? 1 : 0)));
const xs = tf.tensor3d(sequences.map((s) => s.map((v) => [v])));
const ys = tf.tensor3d(targets.map((t) => t.map((v) => [v])));
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [3, 1], returnSequences: true }));
model.add(tf.layers.lstm({ units: 1, activation: 'sigmoid', returnSequences: true }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
await model.fit(xs, ys, { epochs: 30, batchSize: 8 });
