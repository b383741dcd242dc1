// @title: Training and validation loss both rise (diverging)
// @expect: trend.diverging, loss.exploding
// %% [markdown]
// The exploding regression again, now with a validation split: both curves go up together —
// the hyperparameters are wrong, not the data (seed 001: train loss 不断上升, test loss 不断上升).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 137;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rooms = Array.from({ length: 80 }, () => [1 + random() * 4, random()]);
const xs = tf.tensor2d(rooms);
const ys = tf.tensor2d(rooms.map((r) => [r[0]! * 2 + r[1]! + 0.5]));

const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tf.train.sgd(0.11), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 12, batchSize: 64, validationSplit: 0.2 });
