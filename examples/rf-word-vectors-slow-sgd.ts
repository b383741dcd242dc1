// @title: Real fault — "Training does not appear to be occurring" (linear model, default SGD, 300-d vectors)
// @source: https://github.com/tensorflow/tfjs/issues/259
// @expect: loss.plateau
// %% [markdown]
// As reported: a linear 300 → 300 map of word vectors, MSE and `'sgd'` (learning rate 0.01).
// The loss hardly moves from epoch to epoch, so the predictions barely change
// (the maintainer's answer: a larger learning rate). Corrected version:
// rf-word-vectors-slow-sgd-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 259;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const vector = () => Array.from({ length: 300 }, () => (random() - 0.5) * 0.2);
const inputs = Array.from({ length: 200 }, vector);
const mapping = Array.from({ length: 300 }, () => Array.from({ length: 300 }, () => (random() - 0.5) * 0.2));
const targets = inputs.map((v) => mapping.map((row) => row.reduce((sum, w, j) => sum + w * v[j]!, 0) * 5));
const xs = tf.tensor2d(inputs);
const ys = tf.tensor2d(targets);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 300, inputShape: [300] })] });
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
await model.fit(xs, ys, { epochs: 12, batchSize: 32 });
