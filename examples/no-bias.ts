// @title: Hidden layers without bias
// @expect: model.no-bias
// %% [markdown]
// `useBias: false` copied from a BatchNorm-based architecture, but without the BatchNorm: every
// hyperplane now passes through the origin (seed 002 #18 别忘了你的偏置).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 21;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const data = Array.from({ length: 200 }, () => [random() * 4 + 1, random() * 4 + 1]);
const xs = tf.tensor2d(data);
const ys = tf.tensor2d(data.map(([a, b]) => [a! + b! > 5 ? 1 : 0]));

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', useBias: false, inputShape: [2] }));
model.add(tf.layers.dense({ units: 16, activation: 'relu', useBias: false }));
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 20 });
