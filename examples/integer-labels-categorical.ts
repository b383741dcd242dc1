// @title: Integer labels with categoricalCrossentropy (seed 000's root cause)
// @expect: data.label-shape-mismatch
// %% [markdown]
// Class ids [0, 2, 1, …] passed to a model compiled with `categoricalCrossentropy`, which wants
// one-hot rows — the mix-up of softmax_cross_entropy and sparse_softmax_cross_entropy at the
// root of seed 000. tfjs stops with a shape error; Lossbook names the mismatch and the fix.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 41;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const flowers = Array.from({ length: 150 }, (_, i) => [i % 3 + random(), random() * 2, (i % 3) * 0.5 + random()]);
const species = flowers.map((_, i) => i % 3);
const xs = tf.tensor2d(flowers);
const ys = tf.tensor2d(species, [species.length, 1]);

const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 3 });
