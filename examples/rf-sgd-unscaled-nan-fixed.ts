// @title: Real fault, corrected — the same line fitted on standardized x and y
// @source: https://github.com/tensorflow/tensorflow/issues/18493
// @healthy
// %% [markdown]
// The fix for tensorflow/tensorflow#18493: standardize x and y (and un-scale predictions), keep
// the one-unit model and SGD. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
const rawX = tf.tensor2d(Array.from({ length: 24 }, (_, i) => i + 1), [24, 1]);
const rawY = tf.tensor2d(Array.from({ length: 24 }, (_, i) => i + 3), [24, 1]);
const standardize = (t: tf.Tensor) => tf.tidy(() => { const { mean, variance } = tf.moments(t, 0); return t.sub(mean).div(variance.sqrt()); });
const xs = standardize(rawX);
const ys = standardize(rawY);
await model.fit(xs, ys, { epochs: 40 });
