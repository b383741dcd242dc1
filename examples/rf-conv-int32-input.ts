// @title: Real fault (CNN) — "Argument 'x' passed to 'conv2d' must be float32 tensor, but got int32 tensor" (integer 0…255 pixels into a conv net)
// @source: https://github.com/tensorflow/tfjs/issues/6773
// @expect: data.unnormalized
// %% [markdown]
// As reported for a conv net in tfjs: the image tensor is int32 (pixels read as integers) and
// reaches Conv2D uncast and unscaled. The reported error came from `predict` on a converted graph
// model; in `fit`, tfjs 4.22 casts the int32 tensor instead of failing, so the fault shows
// differently: raw 0…255 pixels into the conv net, whose sigmoid output saturates and whose
// gradients vanish. Cast to float32 and scale before a conv layer.
// Corrected version: rf-conv-int32-input-fixed.ts.
// %%
import * as tf from '@tensorflow/tfjs';

const labels = Array.from({ length: 64 }, (_, i) => i % 2);
const pixels = labels.flatMap((c, i) => Array.from({ length: 36 }, (_, p) => ((p % 6 < 3) === (c === 0) ? 200 : 30) + ((i * 7 + p * 13) % 40)));
const xs = tf.tensor4d(pixels, [labels.length, 6, 6, 1], 'int32');
const ys = tf.tensor2d(labels.map((c) => [c]));
const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [6, 6, 1], kernelSize: 3, filters: 4, activation: 'relu' }));
model.add(tf.layers.flatten());
model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
await model.fit(xs, ys, { epochs: 5, batchSize: 16 });
