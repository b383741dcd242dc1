// @title: Custom training loop that never disposes its tensors
// @expect: mem.tensor-leak
// %% [markdown]
// A hand-written loop logs the loss with `model.predict` + `tf.losses` outside `tf.tidy`, and
// keeps the cost returned by `minimize`. Every step leaves tensors behind; on a long run memory
// grows until the process dies. (Lossbook frees what the run leaked when the cell ends.)
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 139;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const xs = tf.tensor2d(Array.from({ length: 64 }, () => [random(), random(), random()]));
const ys = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i % 2]));
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
const optimizer = tf.train.adam(0.01);
const history: number[] = [];
for (let step = 0; step < 40; step++) {
  const cost = optimizer.minimize(() => tf.losses.logLoss(ys, model.predict(xs) as tf.Tensor) as tf.Scalar, true);
  const predictions = model.predict(xs) as tf.Tensor;
  const accuracy = tf.metrics.binaryAccuracy(ys, predictions).mean();
  history.push(cost!.dataSync()[0]! + accuracy.dataSync()[0]! * 0);
}
console.log('final loss', history.at(-1));
