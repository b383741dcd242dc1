// @title: Real fault, corrected — the same linear map with Adam
// @source: https://github.com/tensorflow/tfjs/issues/259
// @healthy
// %% [markdown]
// The same data and model with an adaptive optimizer at a usual rate. It must produce no
// warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 259;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const vector = () => Array.from({ length: 300 }, () => (random() - 0.5) * 0.2);
const inputs = Array.from({ length: 200 }, vector);
const mapping = Array.from({ length: 300 }, () => Array.from({ length: 300 }, () => (random() - 0.5) * 0.2));
const targets = inputs.map((v) => mapping.map((row) => row.reduce((sum, w, j) => sum + w * v[j]!, 0) * 5));
const xs = tf.tensor2d(inputs);
const ys = tf.tensor2d(targets);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 300, inputShape: [300] })] });
model.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(0.01) });
await model.fit(xs, ys, { epochs: 12, batchSize: 32 });
