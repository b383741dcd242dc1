// @title: Real fault — "Why is the neural network not learning the curve?" (sigmoid output, negative targets)
// @source: https://stackoverflow.com/questions/58887284
// @expect: model.output-range
// %% [markdown]
// Ported from Keras: one sigmoid unit regressed with MSE onto f(x) = −1/(e^{10x}+1), whose values
// are all negative. Sigmoid only outputs 0…1, so no weight can reach a single target (the
// accepted answer). Corrected version: rf-sigmoid-negative-targets-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const f = (x: number) => -1 / (Math.exp(10 * x) + 1);
const grid = Array.from({ length: 111 }, (_, i) => -1 + (2 * i) / 110);
const xs = tf.tensor2d(grid, [grid.length, 1]);
const ys = tf.tensor2d(grid.map(f), [grid.length, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [1] })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 30, batchSize: 32 });
