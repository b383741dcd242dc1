// @title: Real fault — "Error: Indices must be of dtype `int32`" (tf.oneHot on float class ids)
// @source: https://github.com/tensorflow/tfjs/issues/376
// @expect: run.failed
// %% [markdown]
// As reported: the labels are built with `tf.oneHot(tf.tensor1d([...]), 2)`. tensor1d makes a
// float32 tensor by default and oneHot wants int32 class ids, so the run fails before training.
// The maintainer's answer: `tf.oneHot(tf.tensor1d([1], 'int32'), 2)`.
// Corrected version: rf-onehot-float-indices-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const classes = Array.from({ length: 80 }, (_, i) => i % 2);
const xs = tf.tensor2d(classes.map((c, i) => [c + Math.sin(i) * 0.3, 1 - c + Math.cos(i) * 0.3]));
const ys = tf.oneHot(tf.tensor1d(classes), 2);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
await model.fit(xs, ys, { epochs: 5 });
