// @title: A large MLP memorizes 40 noisy samples (overfitting)
// @expect: trend.overfitting
// %% [markdown]
// 40 training samples with noisy labels and two layers of 256 units, trained for 80 epochs:
// the training loss keeps falling while the validation loss turns up after a few epochs
// (seed 001: train loss 不断下降, test loss 趋于不变/上升 → 过拟合; seed 003, regularization).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 113;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const make = (n: number) => {
  const x = Array.from({ length: n }, () => Array.from({ length: 10 }, () => random() * 2 - 1));
  const y = x.map((r) => [(r[0]! + r[1]! + (random() - 0.5) * 1.5 > 0 ? 1 : 0)]);
  return [tf.tensor2d(x), tf.tensor2d(y)] as const;
};
const [xTrain, yTrain] = make(40);
const [xVal, yVal] = make(200);
// %%
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 256, activation: 'relu', inputShape: [10] }),
    tf.layers.dense({ units: 256, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: 80, batchSize: 40, validationData: [xVal, yVal] });
