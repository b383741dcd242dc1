// @title: MAE with a fixed SGD step bounces across the optimum (oscillating loss)
// @expect: loss.oscillating
// %% [markdown]
// Mean absolute error "because it is robust to outliers", full-batch SGD with a fixed learning
// rate. MAE's gradient has the same size however close the weights are to the optimum, so
// every step jumps across it: the loss goes up, down, up, down and never settles
// (AUTOTRAINER: oscillating loss → lower the learning rate or decay it).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 83;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rooms = Array.from({ length: 64 }, () => [1 + random() * 4, random()]);
const xs = tf.tensor2d(rooms);
const ys = tf.tensor2d(rooms.map((r) => [r[0]! * 2 + r[1]! + 0.5]));

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanAbsoluteError' });
await model.fit(xs, ys, { epochs: 30, batchSize: 64 });
