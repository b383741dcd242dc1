// @title: Hidden layers without an activation
// @expect: model.missing-activation
// %% [markdown]
// tfjs layers default to `activation: 'linear'`. Stacking linear Dense layers gives one linear
// map, so this "deep" regressor can only fit a plane to y = sin(x)·x (UMLAUT; seed 003).
// %%
import * as tf from '@tensorflow/tfjs';

const inputs = Array.from({ length: 200 }, (_, i) => -3 + (6 * i) / 199);
const xs = tf.tensor2d(inputs, [inputs.length, 1]);
const ys = tf.tensor2d(inputs.map((x) => Math.sin(x) * x), [inputs.length, 1]);

const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [1] }));
model.add(tf.layers.dense({ units: 32 }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 5, batchSize: 32, shuffle: true });
