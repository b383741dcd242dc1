// The training step the GPU benchmark times, as source text: the very same code runs as a
// Lossbook cell (through the kernel) and as a plain tfjs script (bench/gpu-plain.ts), so the
// comparison measures Lossbook, not two different programs. MLP 784-H-H-10 with Adam, as in
// shared/gpu-kit/README.md's table.

export interface TrainingConfig {
  hidden: number;
  batch: number;
  /** Timed steps after warm-up. */
  steps: number;
  warmupSteps: number;
}

/** Body of an async function of `tf` that returns { samplesPerSecond, msPerStep }. */
export function trainingSource({ hidden, batch, steps, warmupSteps }: TrainingConfig): string {
  return `
const model = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [784], units: ${hidden}, activation: 'relu' }),
  tf.layers.dense({ units: ${hidden}, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const xs = tf.randomUniform([${batch * 4}, 784], 0, 1, 'float32', 1);
const ys = tf.oneHot(tf.randomUniform([${batch * 4}], 0, 10, 'int32', 2), 10).toFloat();
const batchesPerEpoch = 4;
await model.fit(xs, ys, { batchSize: ${batch}, epochs: Math.max(1, Math.ceil(${warmupSteps} / batchesPerEpoch)), shuffle: false, verbose: 0 });
const started = performance.now();
const epochs = Math.max(1, Math.ceil(${steps} / batchesPerEpoch));
await model.fit(xs, ys, { batchSize: ${batch}, epochs, shuffle: false, verbose: 0 });
const seconds = (performance.now() - started) / 1000;
const timedSteps = epochs * batchesPerEpoch;
xs.dispose(); ys.dispose(); model.dispose();
({ samplesPerSecond: (timedSteps * ${batch}) / seconds, msPerStep: (seconds * 1000) / timedSteps })
`;
}

/** The same source wrapped so a plain script can run it (the cell's last expression becomes the return value). */
export function asFunctionBody(source: string): string {
  const lines = source.trim().split('\n');
  const last = lines.pop()!;
  return `${lines.join('\n')}\nreturn ${last};`;
}

/** A long-running training cell to interrupt: it trains until stopped. */
export const interruptibleSource = (hidden: number, batch: number) => `
const model = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [784], units: ${hidden}, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
const xs = tf.randomUniform([${batch * 8}, 784]);
const ys = tf.oneHot(tf.randomUniform([${batch * 8}], 0, 10, 'int32'), 10).toFloat();
await model.fit(xs, ys, { batchSize: ${batch}, epochs: 100000, verbose: 0 });
`;
