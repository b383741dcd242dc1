// @title: Real fault — "This training is useless" (softmax outputs given to softmaxCrossEntropy)
// @source: https://github.com/tensorflow/tfjs-core/issues/879
// @expect: model.double-softmax
// %% [markdown]
// From the deeplearn.js/tfjs-core issue: the predictions already go through softmax and then
// into softmaxCrossEntropy, which expects pre-softmax logits (the maintainer's first find).
// Softmax of probabilities is nearly uniform, so the loss sits near ln C. Ported to a layers
// model. Corrected version: rf-softmax-into-softmax-ce-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 879;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const labels = Array.from({ length: 400 }, (_, i) => i % 4);
const xs = tf.tensor2d(labels.map((c) => [Math.cos(c) + (random() - 0.5) * 0.6, Math.sin(c) + (random() - 0.5) * 0.6]));
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4).toFloat();
const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 4, activation: 'softmax' })] });
model.compile({ optimizer: tf.train.sgd(0.1), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
await model.fit(xs, ys, { epochs: 10, batchSize: 32 });
