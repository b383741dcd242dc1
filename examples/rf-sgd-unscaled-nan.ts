// @title: Real fault — "TensorFlow.js returns NaN on a large data set" (one dense unit, SGD, x up to 24)
// @source: https://github.com/tensorflow/tensorflow/issues/18493
// @expect: loss.exploding, loss.nan
// %% [markdown]
// Ported as reported: y = x + 2 for x = 1…24, one dense unit, MSE and `'sgd'` (learning rate
// 0.01). With inputs this size the first steps overshoot, the loss explodes and turns NaN; the
// same code works for x = 1…4. Corrected version: rf-sgd-unscaled-nan-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
const xs = tf.tensor2d(Array.from({ length: 24 }, (_, i) => i + 1), [24, 1]);
const ys = tf.tensor2d(Array.from({ length: 24 }, (_, i) => i + 3), [24, 1]);
await model.fit(xs, ys, { epochs: 40 });
