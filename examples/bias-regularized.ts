// @title: L2 regularization on biases
// @expect: opt.bias-regularized
// %% [markdown]
// "Regularize everything": the same L2 penalty on kernels and biases. Penalizing biases pulls
// every hyperplane towards the origin and costs capacity (seed 002 #2).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 29;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const xsData = Array.from({ length: 200 }, () => [random() * 2, random() * 2]);
const xs = tf.tensor2d(xsData);
const ys = tf.tensor2d(xsData.map(([a, b]) => [a! + b! > 2 ? 1 : 0]));

const l2 = tf.regularizers.l2({ l2: 0.01 });
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2], kernelRegularizer: l2, biasRegularizer: l2 }),
    tf.layers.dense({ units: 1, activation: 'sigmoid', kernelRegularizer: l2, biasRegularizer: l2 }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 20 });
