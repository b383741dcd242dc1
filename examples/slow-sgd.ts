// @title: Plain SGD with a small learning rate on a deep MLP (slow convergence)
// @expect: loss.slow, opt.plain-sgd
// %% [markdown]
// Vanilla SGD at lr 0.03 on a four-layer MLP: the loss does go down, but by less than 1% per
// epoch — hundreds of epochs to converge (seed 001: train loss 收敛慢 → 把learning_rate调高;
// seed 002 #8: 少用vanilla SGD).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 89;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 160 }, () => [random(), random(), random(), random(), random()]);
const xs = tf.tensor2d(rows);
const ys = tf.oneHot(tf.tensor1d(rows.map((r) => (r[0]! + r[1]! > 1 ? 1 : 0)), 'int32'), 2);

const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [5] }));
model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
model.compile({ optimizer: tf.train.sgd(0.03), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 12, batchSize: 32 });
