// @title: Binary classifier with a one-unit softmax
// @expect: model.softmax-single-unit, loss.saturated
// %% [markdown]
// A spam/ham classifier: one output unit "for the probability of spam", but with `softmax`
// instead of `sigmoid`. Softmax over one unit is always exactly 1, so every ham email is a
// clipped −ln(1e-7) ≈ 16.12 and the loss never moves (seed 001: "第一次train loss就等于0").
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const features: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 200; i++) {
  const spam = random() < 0.5 ? 1 : 0;
  features.push([random() + spam, random() * 2, random() - spam * 0.5, random()]);
  labels.push(spam);
}
const xs = tf.tensor2d(features);
const ys = tf.tensor2d(labels, [labels.length, 1]);
// %%
const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }));
model.add(tf.layers.dense({ units: 1, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 5, batchSize: 20 });
// %% [markdown]
// Seed 000's "train on 10 samples" test: a correct model memorizes 10 samples easily. This one
// cannot, whatever the learning rate — the architecture/loss pairing is wrong.
// %%
const tiny = await lossbook.checks.overfitTinyBatch(model, xs, ys);
console.log(tiny.message);
