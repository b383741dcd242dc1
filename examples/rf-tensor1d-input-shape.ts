// @title: Real fault — "expected dense_Dense1_input to have shape [null,3] but got array with shape [3,1]"
// @source: https://github.com/tensorflow/tfjs/issues/6320
// @expect: run.failed
// %% [markdown]
// As reported: a model with inputShape [3] fitted on tensor1d([1, 2, 3]) — one sample of three
// features written as a 1-D tensor, which tfjs reads as three samples of one feature. The run
// fails; the diagnosis must still say what the error means and what to change.
// %%
import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({ units: 3, inputShape: [3] }));
model.compile({ loss: 'meanSquaredError', optimizer: 'adam' });
const inputTensor = tf.tensor1d([1, 2, 3]);
const outputTensor = tf.tensor1d([1, 2, 3]);
await model.fit(inputTensor, outputTensor);
