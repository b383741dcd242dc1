// @title: Real fault, corrected — is x > 5? with binary cross-entropy, Adam and enough epochs
// @source: https://datascience.stackexchange.com/questions/55931
// @healthy
// %% [markdown]
// Standardized input, binary cross-entropy for the 0/1 target, Adam, and 150 epochs on the
// nine points. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [1] }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.adam(0.05) });
const xs = tf.tensor2d([[1], [2], [3], [4], [5], [6], [7], [8], [9]]).sub(5).div(2.6);
const ys = tf.tensor2d([[0], [0], [0], [0], [0], [1], [1], [1], [1]]);
await model.fit(xs, ys, { epochs: 150, batchSize: 9 });
