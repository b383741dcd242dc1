// @title: Real fault (CNN) — "A specific network for MNIST is hard to train with TFJS" (softmax output trained with meanSquaredError)
// @source: https://github.com/tensorflow/tfjs/issues/2664
// @expect: model.loss-activation-mismatch, model.loss-task-mismatch
// %% [markdown]
// As reported: a ConvNetJS MNIST net rebuilt in tfjs — conv, pool, conv, pool, a 10-way softmax —
// compiled with `loss: 'meanSquaredError'` and Adadelta, and it learns far slower than the
// original (which trains a softmax with cross-entropy). MSE on one-hot targets gives tiny, flat
// gradients through the softmax. Here on 8×8 synthetic "digits" (a bright stroke per class).
// Corrected version: rf-cnn-softmax-mse-fixed.ts.
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
model.compile({ optimizer: tf.train.adadelta(1, 0.95, 1e-6), loss: 'meanSquaredError', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 6, batchSize: 20 });
