// @title: Class ids 1…C with sparse categorical cross-entropy
// @expect: data.label-out-of-range
// %% [markdown]
// Ratings 1–5 used directly as class ids for a 5-unit softmax. Class ids must be 0…4; rating 5
// is a class the model cannot output (seed 000: labels vs logits).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 37;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const reviews = Array.from({ length: 250 }, () => Array.from({ length: 6 }, () => random()));
const ratings = reviews.map((r) => 1 + Math.min(4, Math.floor((r[0]! + r[1]!) * 2.5)));
const xs = tf.tensor2d(reviews);
const ys = tf.tensor1d(ratings);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [6] }), tf.layers.dense({ units: 5, activation: 'softmax' })] });
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 25 });
