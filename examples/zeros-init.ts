// @title: Kernels initialized to zeros
// @expect: model.bad-init, weights.unchanged
// %% [markdown]
// "Start from zero so the network is unbiased": with every kernel at 0 all hidden units compute
// the same thing, and the hidden kernels receive exactly zero gradient (seed 002 #17:
// 初始化权值不能初始化为全0).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 19;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const features = Array.from({ length: 200 }, () => [random(), random(), random()]);
const xs = tf.tensor2d(features);
const ys = tf.tensor2d(features.map((f) => [Math.sin(3 * f[0]!) + f[1]! * f[2]!]));

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3], kernelInitializer: 'zeros' }));
model.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: 'zeros' }));
model.add(tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 4, batchSize: 20 });
