// @title: Real fault — cross-entropy written as −Σ y·log(pred) turns NaN
// @source: https://github.com/aymericdamien/TensorFlow-Examples/issues/383
// @expect: loss.custom-unsafe-log, loss.nan
// %% [markdown]
// The logistic-regression cost of TensorFlow-Examples, ported: softmax outputs and a
// hand-written −mean(Σ y·log(pred)). Once a predicted probability is exactly 0, log(0) = −∞ and
// 0·(−∞) = NaN. Corrected version (clip before the log): rf-log-pred-nan-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 383;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 300 }, (_, i) => i % 3);
const xs = tf.tensor2d(labels.map((c) => [c * 6 + random(), (2 - c) * 6 + random(), random()]));
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
const cost = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(yPred)), -1)));
const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [3] })] });
model.compile({ optimizer: tf.train.adam(0.5), loss: cost });
await model.fit(xs, ys, { epochs: 15, batchSize: 30 });
