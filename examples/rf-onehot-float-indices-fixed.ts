// @title: Real fault, corrected — int32 class ids into tf.oneHot
// @source: https://github.com/tensorflow/tfjs/issues/376
// @healthy
// %% [markdown]
// The maintainer's fix: class ids as an int32 tensor. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const classes = Array.from({ length: 80 }, (_, i) => i % 2);
const xs = tf.tensor2d(classes.map((c, i) => [c + Math.sin(i) * 0.3, 1 - c + Math.cos(i) * 0.3]));
const ys = tf.oneHot(tf.tensor1d(classes, 'int32'), 2).toFloat();
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
await model.fit(xs, ys, { epochs: 10, batchSize: 16 });
