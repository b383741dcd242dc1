// @title: Real fault (RNN) — "Error when trying to load a Sequential model" (LSTM applied to tf.input, then added to a Sequential)
// @source: https://github.com/tensorflow/tfjs/issues/1613
// @expect: run.failed
// %% [markdown]
// As reported: the first LSTM of a Sequential gets its input by `lstm1.apply(tf.input(...))`
// instead of an `inputShape`. The model trains; saving it keeps no input shape, so loading it back
// fails with "The first layer in a Sequential model must get an 'inputShape'…". The reporter's fix:
// give the LSTM `inputShape`. Here the save/load is `toJSON` → `modelFromJSON`.
// Corrected version: rf-lstm-reload-no-input-shape-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const SEQ_LEN = 8;
const sequences = Array.from({ length: 48 }, (_, i) => Array.from({ length: SEQ_LEN }, (_, t) => [Math.sin((i + t) / 4), Math.cos((i + t) / 5)]));
const xs = tf.tensor3d(sequences);
const ys = tf.tensor2d(sequences.map((s) => [s[SEQ_LEN - 1]![0]!]));
const model = tf.sequential();
const input = tf.input({ shape: [SEQ_LEN, 2] });
const lstm1 = tf.layers.lstm({ units: 8 });
lstm1.apply(input);
model.add(lstm1);
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 10, batchSize: 16 });
const reloaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
reloaded.summary();
