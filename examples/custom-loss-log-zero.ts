// @title: Hand-written binary cross-entropy without an epsilon (log(0) → NaN)
// @expect: loss.custom-unsafe-log, loss.nan
// %% [markdown]
// A custom loss `−(y·log p + (1−y)·log(1−p))` written by hand. Once a sigmoid output rounds to
// exactly 1.0 in float32, `log(1 − p) = −Inf` and `0 · (−Inf) = NaN`: the loss is NaN from that
// step on (seed 002 #13: add an epsilon, log(x + ε), or use the built-in loss).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 61;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const points = Array.from({ length: 200 }, (_, i) => [(i % 2) * 40 - 20 + random() * 5, random() * 40]);
const xs = tf.tensor2d(points);
const ys = tf.tensor2d(points.map((_, i) => [i % 2]));

const binaryCrossEntropy = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
  tf.neg(tf.mean(tf.add(tf.mul(yTrue, tf.log(yPred)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, yPred))))));
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: tf.train.adam(0.05), loss: binaryCrossEntropy });
await model.fit(xs, ys, { epochs: 8, batchSize: 20 });
