// @title: BatchNormalization with batch size 4
// @expect: model.bn-small-batch
// %% [markdown]
// A batch size of 4 "to save memory" with BatchNormalization layers: the per-batch mean and
// variance are too noisy (seed 002 #12; Wu & He: below 16 the error climbs fast).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 13;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const x = Array.from({ length: 96 }, () => [random(), random(), random(), random()]);
const xs = tf.tensor2d(x);
const ys = tf.tensor2d(x.map((r) => [r[0]! * 2 - r[1]! + r[2]! * r[3]!]));

const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, inputShape: [4] }));
model.add(tf.layers.batchNormalization());
model.add(tf.layers.activation({ activation: 'relu' }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 2, batchSize: 4 });
