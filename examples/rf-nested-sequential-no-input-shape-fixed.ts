// @title: Real fault, corrected — every inner Sequential gets the input shape of its first layer
// @source: https://github.com/tensorflow/tfjs/issues/3361
// @healthy
// %% [markdown]
// The head declares the shape it receives (the encoder's 8 units). It must produce no warning or
// error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(i / 2), Math.cos(i / 3)]);
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r[0]! * r[1]! + r[2]!]));
const encoder = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] })] });
const head = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [8] })] });
const model = tf.sequential({ layers: [encoder, head] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 16 });
