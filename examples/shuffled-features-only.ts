// @title: Features shuffled but labels not (loss stays at ln 2)
// @expect: loss.at-chance
// %% [markdown]
// The user shuffles the feature rows "to mix the data" but forgets to apply the same permutation
// to the labels: inputs and labels no longer belong together, so the best the model can do is
// predict 50/50 — the loss sits at ln 2 ≈ 0.693 (seed 001: loss保持0.69左右).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 73;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const features = Array.from({ length: 400 }, (_, i) => [(i % 2) * 2 - 1 + (random() - 0.5), random() - 0.5, random() - 0.5]);
const labels = features.map((_, i) => i % 2);
for (let i = features.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [features[i], features[j]] = [features[j]!, features[i]!];
}
const xs = tf.tensor2d(features);
const ys = tf.tensor2d(labels, [labels.length, 1]);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 40 });
