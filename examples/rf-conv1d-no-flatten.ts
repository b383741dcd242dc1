// @title: Real fault (CNN) — "expected dense_Dense1 to have shape [,57,10], but got array with shape [1,1960,1]" (Dense on a conv1d sequence without Flatten)
// @source: https://github.com/llSourcell/Financial_Forecasting_with_TensorflowJS/issues/1
// @expect: run.failed
// %% [markdown]
// As reported for a TensorFlow.js financial-forecasting demo: a Conv1D over a price window goes
// straight into a Dense layer. Dense applies to the last axis only, so the model outputs one
// vector per timestep, [batch, steps, units], while the targets are one value per window; fit
// fails when checking the target. Corrected version: rf-conv1d-no-flatten-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const series = Array.from({ length: 140 }, (_, i) => Math.sin(i / 7) + 0.1 * Math.cos(i / 3));
const windows = Array.from({ length: 120 }, (_, i) => series.slice(i, i + 16));
const next = Array.from({ length: 120 }, (_, i) => [series[i + 16]!]);
const xs = tf.tensor3d(windows.map((w) => w.map((v) => [v])));
const ys = tf.tensor2d(next);
const model = tf.sequential();
model.add(tf.layers.conv1d({ inputShape: [16, 1], kernelSize: 3, filters: 8, activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 5, batchSize: 20 });
