// @title: Deep ReLU net initialized 12× too large: gradients overflow to NaN
// @expect: model.bad-init, loss.nan
// %% [markdown]
// Eight ReLU layers initialized with `randomNormal({ stddev: 3 })`, about 5× the He scale for
// 32 inputs. Each layer multiplies the signal and the backward gradient, so the gradient at the
// first layer is orders of magnitude larger than at the last (seed 003; seed 002 #9).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 101;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 128 }, () => Array.from({ length: 16 }, () => random() - 0.5));
const xs = tf.tensor2d(rows);
const ys = tf.tensor2d(rows.map((r) => [r.reduce((a, b) => a + b, 0)]));

// Seeded, and no shuffling: the same overflow on every run.
const init = (layer: number) => tf.initializers.randomNormal({ mean: 0, stddev: 3, seed: 17 + layer });
const model = tf.sequential();
model.add(tf.layers.dense({ units: 32, activation: 'relu', inputShape: [16], kernelInitializer: init(0) }));
for (let i = 1; i < 8; i++) model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(i) }));
model.add(tf.layers.dense({ units: 1, kernelInitializer: init(8) }));
model.compile({ optimizer: tf.train.sgd(1e-6), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 2, batchSize: 32, shuffle: false });
// %% [markdown]
// Seed 002 #13: find the first layer that produces NaN/Inf (bisecting the forward pass).
// %%
console.log(lossbook.checks.bisectNonFinite(model, xs.slice(0, 16)).message);
