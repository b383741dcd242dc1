// @title: RMSProp at lr 0.1: every step rewrites the weights
// @expect: opt.lr-out-of-range, update.ratio
// %% [markdown]
// RMSProp with a learning rate meant for plain SGD. Adaptive optimizers scale each step to about
// the learning rate per weight, so with 0.1 every update changes the kernels by a large part of
// their own norm (‖ΔW‖/‖W‖ ≫ 1e-3, Cockpit / cs231n rule of thumb).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 109;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 192 }, () => [random(), random(), random(), random()]);
const xs = tf.tensor2d(rows);
const ys = tf.oneHot(tf.tensor1d(rows.map((r) => (r[0]! > 0.5 ? 1 : 0) + (r[1]! > 0.5 ? 1 : 0)), 'int32'), 3);

// Seeded weights and no shuffling: the same run every time.
const init = (seed: number) => tf.initializers.glorotUniform({ seed });
const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [4], kernelInitializer: init(1) }), tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(2) })] });
model.compile({ optimizer: tf.train.rmsprop(0.1), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 32, shuffle: false });
