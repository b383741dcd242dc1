// @title: Distillation with KL divergence and a student without softmax
// @expect: kl.negative
// %% [markdown]
// Knowledge distillation: the teacher's soft labels are probabilities, but the student's last
// layer is linear. tfjs clips predictions to [1e-7, 1], so where the student outputs > 1 the
// "KL divergence" becomes negative — impossible for real distributions (seed 002 #20).
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

const student = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [3] }), tf.layers.dense({ units: 3 })] });
student.compile({ optimizer: tf.train.adam(0.01), loss: 'kullbackLeiblerDivergence' });
await student.fit(xs, soft, { epochs: 6, batchSize: 32 });
