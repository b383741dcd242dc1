// @title: Real fault — "Shuffle true with validation set takes pre-shuffled data for validation set" (class-sorted data, validationSplit 0.2)
// @source: https://github.com/tensorflow/tfjs/issues/5976
// @expect: data.unshuffled
// %% [markdown]
// As reported on an MNIST MLP: the arrays are ordered by class, `fit` gets `shuffle: true` and
// `validationSplit: 0.2`, and validation accuracy stays near 0. tfjs cuts the validation rows off
// the END of the arrays before shuffling, so validation holds only the last class, which training
// never sees. The reporter's workaround: `tf.util.shuffleCombo` on the arrays first. Here 5 classes
// of 2-D points. Corrected version: rf-validation-split-sorted-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 5976;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 500 }, (_, i) => Math.floor(i / 100));
const points = labels.map((c) => [Math.cos((c * 2 * Math.PI) / 5) + (random() - 0.5) * 0.5, Math.sin((c * 2 * Math.PI) / 5) + (random() - 0.5) * 0.5]);
const xs = tf.tensor2d(points);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 5).toFloat();
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 5, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, shuffle: true, validationSplit: 0.2 });
