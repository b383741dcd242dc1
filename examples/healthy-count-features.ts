// @title: Healthy control — tabular counts (visits, items, support tickets) predict churn
// @healthy
// %% [markdown]
// A small tabular model on integer count features (0…40) as they come from a database: no
// scaling needed for a ReLU MLP — counts of this size are not the 0…255 pixels into tanh that
// `data.unnormalized` is about. Binary cross-entropy, Adam, validation split. It must produce
// no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 211;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const poisson = (mean: number) => {
  let k = 0;
  for (let p = Math.exp(-mean), s = random(); s > p; s *= random()) k++;
  return k;
};
const rows = Array.from({ length: 500 }, () => {
  const visits = poisson(8);
  const items = poisson(3 + visits / 4);
  const tickets = poisson(1.5);
  const tenure = Math.floor(random() * 40);
  const risk = 0.9 * tickets - 0.25 * visits - 0.05 * tenure + 1 + (random() - 0.5);
  return { features: [visits, items, tickets, tenure], churned: risk > 0 ? 1 : 0 };
});
const xs = tf.tensor2d(rows.map((r) => r.features));
const ys = tf.tensor2d(rows.map((r) => [r.churned]));
// %%
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 8, activation: 'relu' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 20, batchSize: 32, validationSplit: 0.2 });
