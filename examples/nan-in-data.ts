// @title: A missing value parsed as NaN in the training data
// @expect: data.nan-inf, loss.nan
// %% [markdown]
// House prices from a CSV where one row has an empty "rooms" field: `Number('')` is 0 but
// `parseFloat('')` is NaN. One NaN row makes its batch's loss NaN, and the update spreads NaN
// into every weight (seed 002 #13).
// %%
import * as tf from '@tensorflow/tfjs';

const csv = ['area,rooms,price'];
let seed = 31;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
for (let i = 0; i < 120; i++) {
  const area = 0.5 + random();
  const rooms = Math.round(1 + random() * 4);
  csv.push(`${area.toFixed(3)},${i === 57 ? '' : rooms},${(area * 2 + rooms * 0.3 + random() * 0.1).toFixed(3)}`);
}
const rows = csv.slice(1).map((line) => line.split(',').map(parseFloat));
const xs = tf.tensor2d(rows.map((r) => [r[0]!, r[1]! / 5]));
const ys = tf.tensor2d(rows.map((r) => [r[2]!]));
// %%
const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
await model.fit(xs, ys, { epochs: 3, batchSize: 16 });
