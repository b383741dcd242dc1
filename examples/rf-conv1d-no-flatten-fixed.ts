// @title: Real fault (CNN), corrected — Flatten between the Conv1D and the Dense head
// @source: https://github.com/llSourcell/Financial_Forecasting_with_TensorflowJS/issues/1
// @healthy
// %% [markdown]
// With a Flatten the Dense head sees the whole window and outputs one value per window, the shape
// of the targets. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const series = Array.from({ length: 140 }, (_, i) => Math.sin(i / 7) + 0.1 * Math.cos(i / 3));
const windows = Array.from({ length: 120 }, (_, i) => series.slice(i, i + 16));
const next = Array.from({ length: 120 }, (_, i) => [series[i + 16]!]);
const xs = tf.tensor3d(windows.map((w) => w.map((v) => [v])));
const ys = tf.tensor2d(next);
const model = tf.sequential();
model.add(tf.layers.conv1d({ inputShape: [16, 1], kernelSize: 3, filters: 8, activation: 'relu' }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 20 });
