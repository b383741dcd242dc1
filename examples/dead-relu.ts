// @title: ReLU network killed by a huge learning rate
// @expect: act.dead-relu, opt.lr-out-of-range
// %% [markdown]
// Adam at lr 0.5 "to train faster". One big update pushes most hidden units' inputs negative for
// every sample; a ReLU there outputs 0, gets zero gradient, and never comes back (seed 003,
// dying ReLUs).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 97;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 256 }, () => Array.from({ length: 8 }, () => random() * 2 - 1));
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r[0]! * r[1]! + r[2]! - r[3]! * 0.5]));

const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [8] }));
model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.5), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 5, batchSize: 32 });
