// @title: Real fault (RNN), corrected — the LSTM declares its inputShape, so the saved model loads
// @source: https://github.com/tensorflow/tfjs/issues/1613
// @healthy
// %% [markdown]
// The reporter's fix: the input shape goes into the LSTM's `inputShape`. Trains and reloads; it must
// produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const SEQ_LEN = 8;
const sequences = Array.from({ length: 48 }, (_, i) => Array.from({ length: SEQ_LEN }, (_, t) => [Math.sin((i + t) / 4), Math.cos((i + t) / 5)]));
const xs = tf.tensor3d(sequences);
const ys = tf.tensor2d(sequences.map((s) => [s[SEQ_LEN - 1]![0]!]));
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [SEQ_LEN, 2] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 10, batchSize: 16 });
const reloaded = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
reloaded.summary();
