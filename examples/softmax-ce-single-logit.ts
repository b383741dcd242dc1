// @title: Softmax cross-entropy over a single logit (loss is 0 from step 1)
// @expect: model.softmax-single-unit, loss.zero-early
// %% [markdown]
// Ported from TensorFlow: the model ends in one linear unit (a logit) and the loss is
// `tf.losses.softmaxCrossEntropy`, as in `tf.nn.softmax_cross_entropy_with_logits`. With one
// logit the softmax is 1 everywhere, the loss is 0 at the first step and nothing is learned
// (seed 001: "第一次train loss就等于0 … 最后一层的输出函数用错了").
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 11;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows: number[][] = [];
const target: number[] = [];
for (let i = 0; i < 160; i++) {
  const positive = i % 2;
  rows.push([random() + positive, random() - positive, random()]);
  target.push(positive);
}
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(target, [target.length, 1]);

const model = tf.sequential({
  layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1 })],
});
model.compile({ optimizer: tf.train.adam(0.01), loss: tf.losses.softmaxCrossEntropy });
const history = await model.fit(xs, ys, { epochs: 3, batchSize: 32 });
console.log('loss per epoch', history.history.loss);
