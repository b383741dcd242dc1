// @title: Real fault — "Why do I fail to predict y = x^4 with Keras?" (inputs ±100, targets 1e8, sigmoid layers)
// @source: https://stackoverflow.com/questions/52800582
// @expect: data.unnormalized, data.unscaled-targets
// %% [markdown]
// Ported from Keras: x in [−100, 100] into sigmoid units, y = x⁴ up to 1e8 regressed with MSE.
// The sigmoid units saturate on inputs this large and the output would need weights of order
// 1e8 — neither inputs nor targets are scaled (the accepted answer). Corrected version:
// rf-quartic-unscaled-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const grid = Array.from({ length: 400 }, (_, i) => -100 + (200 * i) / 399);
const xs = tf.tensor2d(grid, [grid.length, 1]);
const ys = tf.tensor2d(grid.map((x) => x ** 4), [grid.length, 1]);
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 10, activation: 'sigmoid', inputShape: [1] }), tf.layers.dense({ units: 10, activation: 'elu' }), tf.layers.dense({ units: 1 })],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 32 });
