// @title: Real fault — "The first layer in a Sequential model must get an inputShape or batchInputShape argument" (stacked Sequential models)
// @source: https://github.com/tensorflow/tfjs/issues/3361
// @expect: run.failed
// %% [markdown]
// As reported: a model made of several Sequential models stacked in one another; tfjs needs the
// input shape of the first layer of EACH Sequential, not only of the outer one, and fails with
// "The first layer in a Sequential model must get an `inputShape`…" (the answer linked in the
// issue: give every inner Sequential its input shape). Here an encoder and a head, the head
// without one. Corrected version: rf-nested-sequential-no-input-shape-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const rows = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), Math.sin(i / 2), Math.cos(i / 3)]);
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r[0]! * r[1]! + r[2]!]));
const encoder = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] })] });
const head = tf.sequential({ layers: [tf.layers.dense({ units: 1 })] });
const model = tf.sequential({ layers: [encoder, head] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 16 });
