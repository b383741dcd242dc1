// @title: Adam at learning rate 1 on scaled data (the loss sits at the clipping ceiling)
// @expect: opt.lr-out-of-range
// %% [markdown]
// Issue 22's case: inputs already in [0, 1], a small sigmoid classifier, and Adam at lr 1
// (a learning rate meant for something else). Each step moves every weight by about 1, the
// sigmoid saturates and the loss lands on −ln(1e-7) × error rate. The cause is the learning rate
// — not the data, which must not be divided by 255 again.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 22;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 300 }, () => [random(), random(), random(), random()]);
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r[0]! + r[1]! > r[2]! + r[3]! ? 1 : 0]));
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: tf.train.adam(1), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 30 });
