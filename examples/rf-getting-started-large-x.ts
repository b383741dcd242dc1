// @title: Real fault — "Getting started example not resilient to growing the training data beyond x=25" (SGD at 0.01 blows up on x = 26)
// @source: https://github.com/tensorflow/tfjs/issues/8302
// @expect: loss.exploding
// %% [markdown]
// As reported on the tfjs getting-started example (y = 2x − 1, one Dense unit, `'sgd'`): adding the
// point (25, 49) still trains, adding (26, 51) makes predictions of −21687, then NaN. With one
// large input the MSE's curvature grows with x², so the default SGD step (0.01) overshoots more
// every step and the loss explodes. Corrected version: rf-getting-started-large-x-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 1, inputShape: [1] }));
model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
const xs = tf.tensor2d([-1, 0, 1, 2, 3, 4, 26], [7, 1]);
const ys = tf.tensor2d([-3, -1, 1, 3, 5, 7, 51], [7, 1]);
await model.fit(xs, ys, { epochs: 250 });
