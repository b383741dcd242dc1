// @title: Real fault, corrected — the same cost with the probabilities clipped before the log
// @source: https://github.com/aymericdamien/TensorFlow-Examples/issues/383
// @healthy
// %% [markdown]
// The fix proposed in the issue: log(clip(pred, 1e-10, 1)), and a learning rate in Adam's usual
// range. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 383;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 300 }, (_, i) => i % 3);
const xs = tf.tensor2d(labels.map((c) => [(c * 6 + random()) / 12, ((2 - c) * 6 + random()) / 12, random()]));
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
const cost = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, 1e-10, 1))), -1)));
const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [3] })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: cost });
await model.fit(xs, ys, { epochs: 15, batchSize: 30 });
