// @title: Real fault (CNN), corrected — pixels cast to float32 and scaled to [0, 1] before the conv net
// @source: https://github.com/tensorflow/tfjs/issues/6773
// @healthy
// %% [markdown]
// The same images as float32 in [0, 1]. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const labels = Array.from({ length: 64 }, (_, i) => i % 2);
const pixels = labels.flatMap((c, i) => Array.from({ length: 36 }, (_, p) => ((p % 6 < 3) === (c === 0) ? 200 : 30) + ((i * 7 + p * 13) % 40)));
const xs = tf.tensor4d(pixels, [labels.length, 6, 6, 1], 'int32').toFloat().div(255);
const ys = tf.tensor2d(labels.map((c) => [c]));
const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], kernelSize: 3, filters: 4, activation: 'relu' }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
await model.fit(xs, ys, { epochs: 15, batchSize: 16 });
