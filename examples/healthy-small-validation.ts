// @title: Healthy control — three classes, 36 validation rows
// @healthy
// %% [markdown]
// A 3-class problem the size of Iris: 180 rows, 20% (36 rows) held out for validation, trained
// for 40 epochs. On 36 rows the validation loss wobbles from epoch to epoch by more than its
// trend: that is sampling noise, not overfitting, a plateau or oscillation. It must produce no
// warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 307;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
const centers = [[0, 0, 0, 0], [1.6, 1.2, 0.4, -0.6], [0.6, 2.2, -1.2, 0.8]];
const features: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 180; i++) {
  const label = Math.floor(random() * 3);
  features.push(centers[label]!.map((c) => c + gaussian() * 0.8));
  labels.push(label);
}
const xs = tf.tensor2d(features);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
// %%
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'softmax' })],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 40, batchSize: 16, validationSplit: 0.2 });
