// @title: Real fault, corrected — the arrays shuffled together (tf.util.shuffleCombo) before validationSplit
// @source: https://github.com/tensorflow/tfjs/issues/5976
// @healthy
// %% [markdown]
// The reporter's workaround: shuffle inputs and labels together before building the tensors, so the
// last 20% hold every class. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 5976;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 500 }, (_, i) => Math.floor(i / 100));
const points = labels.map((c) => [Math.cos((c * 2 * Math.PI) / 5) + (random() - 0.5) * 0.5, Math.sin((c * 2 * Math.PI) / 5) + (random() - 0.5) * 0.5]);
tf.util.shuffleCombo(points, labels);
const xs = tf.tensor2d(points);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 5).toFloat();
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 5, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 10, batchSize: 32, shuffle: true, validationSplit: 0.2 });
