// @title: Real fault, corrected — logits into softmaxCrossEntropy (softmax applied once, by the loss)
// @source: https://github.com/tensorflow/tfjs-core/issues/879
// @healthy
// %% [markdown]
// The maintainer's fix: remove the softmax from the prediction and let softmaxCrossEntropy apply
// it. It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 879;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 400 }, (_, i) => i % 4);
const xs = tf.tensor2d(labels.map((c) => [Math.cos(c) + (random() - 0.5) * 0.6, Math.sin(c) + (random() - 0.5) * 0.6]));
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat();
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 4 })] });
model.compile({ optimizer: tf.train.sgd(0.1), loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits) });
await model.fit(xs, ys, { epochs: 10, batchSize: 32 });
