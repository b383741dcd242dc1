// @title: Seed 000 — sigmoid outputs trained with categorical cross-entropy
// @expect: model.loss-activation-mismatch
// %% [markdown]
// The mismatch at the heart of seed 000: a two-class model whose outputs are independent
// sigmoids, trained with a softmax-style categorical cross-entropy on one-hot labels. The loss
// only sees the outputs' ratio, so the sigmoids are pushed to exactly 0 and 1 (compare the
// probabilities below with a softmax head): the kind of output seed 000 found by printing them.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 3;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const signals: number[][] = [];
const classes: number[] = [];
for (let i = 0; i < 240; i++) {
  const label = i % 2;
  signals.push(Array.from({ length: 8 }, (_, k) => Math.sin(k * (label ? 0.9 : 0.4)) + (random() - 0.5) * 0.8));
  classes.push(label);
}
const xs = tf.tensor2d(signals);
const ys = tf.oneHot(tf.tensor1d(classes, 'int32'), 2);
// %%
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 32, activation: 'relu', inputShape: [8] }),
    tf.layers.dense({ units: 2, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 8, batchSize: 24 });
// %%
// seed 000's method: look at the predictions next to the labels
console.table(lossbook.checks.predictionsVsLabels(model, xs, ys, 10).rows);
