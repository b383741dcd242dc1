// @title: Real fault, corrected — the sigmoid curve learned with targets in its range
// @source: https://stackoverflow.com/questions/58887284
// @healthy
// %% [markdown]
// The accepted answer: learn 1/(e^{10x}+1), which lies in 0…1 where a sigmoid output can reach
// it (negate the prediction afterwards). It must produce no warning or error findings.
// %%
import * as tf from '@tensorflow/tfjs';

const f = (x: number) => 1 / (Math.exp(10 * x) + 1);
const grid = Array.from({ length: 111 }, (_, i) => -1 + (2 * i) / 110);
const xs = tf.tensor2d(grid, [grid.length, 1]);
const ys = tf.tensor2d(grid.map(f), [grid.length, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [1] })] });
model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 60, batchSize: 16 });
