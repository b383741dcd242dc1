// @title: Dropout rate 0.8 ("keep probability" confused with rate)
// @expect: model.dropout-high
// %% [markdown]
// Ported from TF1 code that used `keep_prob = 0.8`; in tfjs `rate` is the fraction DROPPED, so
// this model throws away 80% of its units at every step (UMLAUT; seed 002 #15).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 33;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 240 }, () => Array.from({ length: 6 }, () => random()));
const xs = tf.tensor2d(rows);
const ys = tf.oneHot(tf.tensor1d(rows.map((r) => (r[0]! + r[1]! > 1 ? 1 : 0) + (r[2]! > 0.5 ? 1 : 0)), 'int32'), 3);

const keepProb = 0.8;
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 64, activation: 'relu', inputShape: [6] }),
    tf.layers.dropout({ rate: keepProb }),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32 });
