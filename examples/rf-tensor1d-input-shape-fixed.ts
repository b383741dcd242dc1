// @title: Real fault, corrected — one sample of three features as a [1, 3] tensor
// @source: https://github.com/tensorflow/tfjs/issues/6320
// @healthy
// %% [markdown]
// The answer to tensorflow/tfjs#6320: a batch of one sample is tensor2d([[1, 2, 3]]), shape
// [1, 3]. (More samples are needed for a useful model; the point is the shape.) It must produce
// no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 3, inputShape: [3] }));
model.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(0.05) });
const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 7) / 7]);
const inputTensor = tf.tensor2d(rows);
const outputTensor = tf.tensor2d(rows);
await model.fit(inputTensor, outputTensor, { epochs: 60, batchSize: 16 });
