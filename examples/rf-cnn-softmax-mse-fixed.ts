// @title: Real fault (CNN), corrected — the same softmax net with categoricalCrossentropy
// @source: https://github.com/tensorflow/tfjs/issues/2664
// @healthy
// %% [markdown]
// The usual pairing for a softmax over classes: categoricalCrossentropy on the one-hot targets
// (what ConvNetJS's softmax layer trains with). It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 2664;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 240 }, (_, i) => i % 4);
const images = labels.map((c) => Array.from({ length: 64 }, (_, p) => ((p % 8 === c * 2 || Math.floor(p / 8) === c * 2) ? 1 : 0) * 0.8 + random() * 0.2));
const xs = tf.tensor4d(images.flat(), [labels.length, 8, 8, 1]);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat();
const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], kernelSize: 3, filters: 8, activation: 'relu', padding: 'same' }));
model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
model.add(tf.layers.conv2d({ kernelSize: 3, filters: 8, activation: 'relu', padding: 'same' }));
model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 4, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adadelta(1, 0.95, 1e-6), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 20 });
