// @title: Distillation with KL divergence and a sigmoid (not softmax) student
// @expect: kl.negative
// %% [markdown]
// Knowledge distillation: the teacher's soft labels are a probability distribution, but the
// student ends in `sigmoid` out of multi-label habit, so its outputs do not sum to 1. The loss
// pushes every output towards 1 and the "KL divergence" goes negative — impossible for real
// distributions (seed 002 #20: KL散度出现负数 → inputs must go through softmax).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 103;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const inputs = Array.from({ length: 160 }, () => [random(), random(), random()]);
const teacher = inputs.map((x) => {
  const logits = [x[0]! * 3, x[1]! * 3, x[2]! * 3];
  const exp = logits.map(Math.exp);
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
});
const xs = tf.tensor2d(inputs);
const soft = tf.tensor2d(teacher);

const student = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 3, activation: 'sigmoid' })] });
student.compile({ optimizer: tf.train.adam(0.01), loss: 'kullbackLeiblerDivergence' });
await student.fit(xs, soft, { epochs: 10, batchSize: 32 });
