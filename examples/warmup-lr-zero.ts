// @title: Custom training loop whose warm-up schedule sets the learning rate to 0
// @expect: weights.unchanged
// %% [markdown]
// A hand-written loop with a linear warm-up: `lr = baseLr * Math.floor(step / warmupSteps)`.
// The integer division makes the rate 0 for the whole warm-up, so `optimizer.minimize` runs,
// the loss is computed, and no weight ever changes (DeepDiagnosis: ‖ΔW‖ = 0).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 107;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const xs = tf.tensor2d(Array.from({ length: 64 }, () => [random(), random()]));
const ys = tf.tidy(() => xs.matMul(tf.tensor2d([[2], [-1]])).add(0.5));

const weights = tf.variable(tf.randomNormal([2, 1], 0, 0.1));
const bias = tf.variable(tf.zeros([1]));
const optimizer = tf.train.sgd(0.1);
const baseLr = 0.1;
const warmupSteps = 100;
for (let step = 0; step < 40; step++) {
  optimizer.setLearningRate(baseLr * Math.floor(step / warmupSteps));
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(ys, xs.matMul(weights).add(bias)) as tf.Scalar, true);
  if (step % 10 === 0) console.log(`step ${step} loss ${loss?.dataSync()[0]?.toFixed(4)}`);
  loss?.dispose();
}
