// @title: Real fault — "Why is this ANN not working?" (is x > 5? one epoch of SGD, MSE on 0/1)
// @source: https://datascience.stackexchange.com/questions/55931
// @expect: trend.stopped-early
// %% [markdown]
// As asked: sigmoid layers, MSE, `'sgd'`, and `model.fit(xs, ys)` with no epochs — tfjs trains
// one epoch, here one step. The predictions are near-random because the model barely trained
// (and MSE with SGD on 0/1 targets would crawl even with more epochs). Corrected version:
// rf-threshold-one-epoch-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 5, activation: 'sigmoid', inputShape: [1] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
const xs = tf.tensor2d([[1], [2], [3], [4], [5], [6], [7], [8], [9]]);
const ys = tf.tensor2d([[0], [0], [0], [0], [0], [1], [1], [1], [1]]);
await model.fit(xs, ys);
