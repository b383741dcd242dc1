// @title: Learning rate 1e-6 with Adam (loss plateaus)
// @expect: opt.lr-out-of-range, loss.plateau, trend.stuck
// %% [markdown]
// A learning rate copied from a fine-tuning recipe (1e-6) for a model trained from scratch: the
// weights barely move, and neither the training nor the validation loss changes from epoch to
// epoch (seed 001: train/test loss 趋于不变 → 学习遇到瓶颈).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 79;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 200 }, () => [random(), random(), random(), random()]);
const xs = tf.tensor2d(rows);
const ys = tf.oneHot(tf.tensor1d(rows.map((r) => (r[0]! > r[1]! ? 1 : 0) + (r[2]! > 0.5 ? 1 : 0)), 'int32'), 3);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(1e-6), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 40, validationSplit: 0.2 });
// %% [markdown]
// The fix the finding suggests: an LR range test (seed 001: search the learning rate on a log
// scale). It sweeps 1e-6 → 1 on a copy of the weights and restores them afterwards.
// %%
const sweep = await lossbook.checks.lrRangeTest(model, xs, ys, { minLearningRate: 1e-6, maxLearningRate: 1, steps: 40 });
console.log(`steepest descent at lr ≈ ${sweep.suggested?.toExponential(1)}; best loss at lr ≈ ${sweep.bestLearningRate?.toExponential(1)}`);
