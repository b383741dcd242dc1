// The notebook the out-of-kernel sweep tests run (sweep-processes.test.ts, sweep-ray.test.ts).

export const SWEEP_SETUP = `
// A tiny regression with fixed seeds: the same lr gives the same losses in any process.
const xs = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [i / 64, (i % 8) / 8]));
const ys = tf.tensor2d(Array.from({ length: 64 }, (_, i) => [2 * (i / 64) - (i % 8) / 8 + 0.5]));
async function train(lr, epochs, callbacks) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) })] });
  model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });
  await model.fit(xs, ys, { epochs, batchSize: 16, validationSplit: 0.25, shuffle: false, verbose: 0, callbacks });
}
`;

/** A sweep cell; `on`, and code before and after each trial's training, spliced in. lr 100 diverges. */
export function sweepCell(on: string, before = '', after = ''): string {
  return `
const result = await lossbook.sweep({
  space: { lr: lossbook.sweep.choice([0.05, 0.2, 0.5, 100]) },
  strategy: 'grid',
  trials: 4,
  metric: 'val_loss',
  ${on ? `on: ${on},` : ''}
  train: async ({ lr }, report) => { ${before} await train(lr, 3, [report.callback]); ${after} },
});
JSON.stringify(result.state.trials)
`;
}
