// @title: Unnormalized features into a sigmoid classifier (loss stuck at 16.12 × error)
// @expect: loss.saturated, data.unnormalized, output.saturated
// %% [markdown]
// Income in dollars and age in years go straight into the network. The logits are in the
// thousands, the sigmoid outputs are exactly 0 or 1, and every wrong sample costs the clipped
// −ln(1e-7) ≈ 16.12: tfjs's version of Caffe's 87.3356 (seed 001).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 71;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const applicants = Array.from({ length: 256 }, () => [20000 + random() * 80000, 20 + random() * 50, random() * 30]);
const approved = applicants.map((a) => (a[0]! / 100000 + (a[2]! / 30) * 0.5 > 0.8 ? 1 : 0));
const xs = tf.tensor2d(applicants);
const ys = tf.tensor2d(approved, [approved.length, 1]);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32 });
