// @title: Linear regression with SGD and a learning rate that is too high
// @expect: loss.exploding, grad.exploding
// %% [markdown]
// Predicting prices from unscaled features (rooms 1–5) with full-batch SGD at lr 0.105: just
// above the stable limit 2/λmax, each step overshoots further than the last and the loss grows
// by orders of magnitude (seed 002 #3 学习率太大导致不收敛, #9).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 83;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rooms = Array.from({ length: 64 }, () => [1 + random() * 4, random()]);
const xs = tf.tensor2d(rooms);
const ys = tf.tensor2d(rooms.map((r) => [r[0]! * 2 + r[1]! + 0.5]));

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tf.train.sgd(0.105), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 30, batchSize: 64 });
