// @title: Healthy control — binary classifier (two interleaved moons)
// @healthy
// %% [markdown]
// Two noisy interleaved half-circles, a ReLU MLP with one sigmoid output and binary
// cross-entropy, Adam, shuffled data with a validation split. It must produce no warning or
// error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 157;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const points: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 600; i++) {
  const upper = i % 2;
  const angle = random() * Math.PI;
  const x = upper ? Math.cos(angle) : 1 - Math.cos(angle);
  const y = upper ? Math.sin(angle) : 0.5 - Math.sin(angle);
  points.push([x + (random() - 0.5) * 0.5, y + (random() - 0.5) * 0.5]);
  labels.push(upper);
}
const xs = tf.tensor2d(points);
const ys = tf.tensor2d(labels, [labels.length, 1]);
// %%
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 32, activation: 'relu', inputShape: [2] }),
    tf.layers.dense({ units: 16, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
