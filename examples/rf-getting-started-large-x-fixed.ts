// @title: Real fault, corrected — the inputs standardized before SGD (getting-started example with x = 26)
// @source: https://github.com/tensorflow/tfjs/issues/8302
// @healthy
// %% [markdown]
// The same points and optimizer, with the inputs standardized (mean 0, standard deviation 1) so
// the step size suits every point. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
const raw = tf.tensor2d([-1, 0, 1, 2, 3, 4, 26], [7, 1]);
const { mean, variance } = tf.moments(raw);
const xs = raw.sub(mean).div(variance.sqrt());
const ys = tf.tensor2d([-3, -1, 1, 3, 5, 7, 51], [7, 1]);
await model.fit(xs, ys, { epochs: 250 });
