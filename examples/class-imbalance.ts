// @title: Fraud detection with 3% positives
// @expect: data.class-imbalance
// %% [markdown]
// 97% of transactions are legitimate: predicting "legit" for everything already scores 97%
// accuracy, and the model is happy to stop there (seed 001, 正负样本比例).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 43;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const transactions: number[][] = [];
const fraud: number[] = [];
for (let i = 0; i < 400; i++) {
  const isFraud = random() < 0.03 ? 1 : 0;
  transactions.push([random() + isFraud * 0.3, random(), random() * 0.5 + isFraud * 0.2, random()]);
  fraud.push(isFraud);
}
const xs = tf.tensor2d(transactions);
const ys = tf.tensor2d(fraud, [fraud.length, 1]);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32 });
