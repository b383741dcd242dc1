// @title: ReLU on the logits before softmax
// @expect: model.activation-before-output
// %% [markdown]
// The last Dense layer gets `relu` "like the others", and softmax is a separate layer. Every
// negative logit becomes 0 before softmax; classes whose logits start negative get no gradient
// (seed 002 #4: 别在softmax层前面的输入施加了激活函数).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 9;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const samples: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 240; i++) {
  const k = i % 4;
  samples.push([k === 0 ? 1 : 0, k === 1 ? 1 : 0, k === 2 ? 1 : 0, random(), random()]);
  labels.push(k);
}
const xs = tf.tensor2d(samples);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);

const model = tf.sequential();
model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [5] }));
model.add(tf.layers.dense({ units: 4, activation: 'relu' }));
model.add(tf.layers.activation({ activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 32 });
