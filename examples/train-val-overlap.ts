// @title: Validating on rows that are also in training
// @expect: data.train-val-overlap
// %% [markdown]
// "Validation data" cut from the training arrays themselves instead of a held-out split: the
// validation score measures memorization (seed 001: the AUC-100% surprise).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 53;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const customers = Array.from({ length: 300 }, () => [random(), random(), random(), random(), random()]);
const churn = customers.map((c) => (c[0]! * 0.7 + c[3]! * 0.3 + (random() - 0.5) * 0.4 > 0.5 ? 1 : 0));
const xs = tf.tensor2d(customers);
const ys = tf.tensor2d(churn, [churn.length, 1]);
const xVal = xs.slice(0, 60);
const yVal = ys.slice(0, 60);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 32, activation: 'relu', inputShape: [5] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32, validationData: [xVal, yVal] });
