// @title: Noisy training labels, clean validation labels (validation beats training)
// @expect: trend.val-gap
// %% [markdown]
// Training labels come from quick crowd annotations (30% wrong); the validation set was labeled
// by experts. Validation accuracy ends far above training accuracy — a sign that the two sets
// differ (UMLAUT; seed 002 #19).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 131;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const sample = (n: number, noise: number) => {
  const x = Array.from({ length: n }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
  const y = x.map((r) => {
    const truth = r[0]! + 0.5 * r[1]! > 0 ? 1 : 0;
    return [random() < noise ? 1 - truth : truth];
  });
  return [tf.tensor2d(x), tf.tensor2d(y)] as const;
};
const [xTrain, yTrain] = sample(600, 0.3);
const [xVal, yVal] = sample(300, 0);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: 8, batchSize: 32, validationData: [xVal, yVal] });
