// @title: Data sorted by class and shuffle: false
// @expect: data.unshuffled
// %% [markdown]
// The dataset was built class by class (all 0s, then all 1s, then all 2s) and fit is told
// `shuffle: false` "for reproducibility". Every batch holds one class, and the model chases
// whichever class it saw last (seed 002 #6, #7).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 47;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const samples: number[][] = [];
const labels: number[] = [];
for (const k of [0, 1, 2]) {
  for (let i = 0; i < 80; i++) {
    samples.push([k + random(), random() - k, random()]);
    labels.push(k);
  }
}
const xs = tf.tensor2d(samples);
const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 4, batchSize: 16, shuffle: false });
