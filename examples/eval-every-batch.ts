// @title: Full validation pass after every batch
// @expect: perf.eval-every-batch
// %% [markdown]
// A callback evaluates the whole validation set after every batch "to watch progress closely".
// The evaluation costs many times the training step, so training looks slow to converge in wall
// time (seed 001: 每次train batch都算一次全量的test loss会导致训练速度慢).
// %%
import * as tf from '@tensorflow/tfjs';

let seed = 149;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const make = (n: number) => {
  const x = Array.from({ length: n }, () => Array.from({ length: 20 }, () => random()));
  return [tf.tensor2d(x), tf.tensor2d(x.map((r) => [r[0]! > 0.5 ? 1 : 0]))] as const;
};
const [xTrain, yTrain] = make(256);
const [xVal, yVal] = make(4000);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, activation: 'relu', inputShape: [20] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const valLoss: number[] = [];
await model.fit(xTrain, yTrain, {
  epochs: 2,
  batchSize: 16,
  callbacks: {
    onBatchEnd: async () => {
      const [loss] = model.evaluate(xVal, yVal) as tf.Scalar[];
      valLoss.push((await loss!.data())[0]!);
    },
  },
});
