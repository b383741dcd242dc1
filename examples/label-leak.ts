// @title: The label leaks into the features (validation accuracy 100% at once)
// @expect: metric.too-good
// %% [markdown]
// A "days until cancellation" column is kept as a feature for predicting cancellation: it is
// 0 exactly for the customers who cancelled. Validation accuracy hits 100% in the first epoch —
// too good to be true (seed 001: 第一次train auc就等于100%).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 127;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const customers = Array.from({ length: 400 }, () => {
  const cancelled = random() < 0.4 ? 1 : 0;
  return { features: [random(), random(), cancelled ? 0 : 1 + random() * 2], cancelled };
});
const xs = tf.tensor2d(customers.map((c) => c.features));
const ys = tf.tensor2d(customers.map((c) => [c.cancelled]));

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 32, validationSplit: 0.25 });
