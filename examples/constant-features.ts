// @title: Sensor columns that never change
// @expect: data.constant-feature
// %% [markdown]
// Two of the eight sensor channels were unplugged and always read 0. They carry no information
// (and would break a standardization that divides by their zero std). An info-level finding.
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 59;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const readings = Array.from({ length: 200 }, () => [random(), random(), 0, random(), random(), 0, random(), random()]);
const xs = tf.tensor2d(readings);
const ys = tf.tensor2d(readings.map((r) => [r[0]! + r[3]! - r[6]!]));

const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 20, batchSize: 20 });
