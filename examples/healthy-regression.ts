// @title: Healthy control — standardized regression
// @healthy
// %% [markdown]
// y = sin(x₁) + x₂² + noise with standardized inputs, a two-layer ReLU MLP, linear output and
// MSE, Adam at 1e-2, validation split. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 151;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const raw = Array.from({ length: 500 }, () => [random() * 6 - 3, random() * 4 - 2, random()]);
const target = raw.map(([a, b]) => [Math.sin(a!) + b! * b! * 0.5 + (random() - 0.5) * 0.1]);
const features = tf.tensor2d(raw);
const { mean, variance } = tf.moments(features, 0);
const xs = features.sub(mean).div(variance.sqrt());
const ys = tf.tensor2d(target);
// %%
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 32, activation: 'relu', inputShape: [3] }),
    tf.layers.dense({ units: 32, activation: 'relu' }),
    tf.layers.dense({ units: 1 }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 32, validationSplit: 0.2 });
