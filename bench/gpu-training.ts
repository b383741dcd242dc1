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

/** The benchmark's MLP (784 → hidden → hidden → 10), compiled with Adam, as cell source. */
function modelSource(hidden: number): string {
  return `const model = tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [784], units: ${hidden}, activation: 'relu' }),
  tf.layers.dense({ units: ${hidden}, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });`;
}

/** Body of an async function of `tf` that returns { samplesPerSecond, msPerStep }. */
export function trainingSource({ hidden, batch, steps, warmupSteps }: TrainingConfig): string {
  return `
${modelSource(hidden)}
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

/**
 * One training step of the benchmark's MLP, taken apart (issue 11 "Speed": a webgpu step costs
 * ~50 ms whatever the model's size): the wall time of model.trainOnBatch; the same step written
 * with optimizer.minimize split into the JavaScript time that records every dispatch (enqueueMs)
 * and the time then spent waiting for the GPU and the readback (waitMs); and one step under
 * tf.profile: kernels dispatched, the most frequent ones, their GPU time where the adapter has
 * timestamp queries. On webgpu it also counts, for one step, the backend's queue submits,
 * readbacks and shader pipelines compiled (0 once warm, or the shader cache misses).
 */
export function stepProfileSource({ hidden, batch }: Pick<TrainingConfig, 'hidden' | 'batch'>): string {
  return `
${modelSource(hidden)}
const xs = tf.randomUniform([${batch}, 784], 0, 1, 'float32', 1);
const ys = tf.oneHot(tf.randomUniform([${batch}], 0, 10, 'int32', 2), 10).toFloat();
const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
for (let i = 0; i < 3; i++) await model.trainOnBatch(xs, ys);
const stepMs = [];
for (let i = 0; i < 7; i++) { const t = performance.now(); await model.trainOnBatch(xs, ys); stepMs.push(performance.now() - t); }
const optimizer = tf.train.adam(1e-3);
const lossOf = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs));
for (let i = 0; i < 2; i++) { const l = optimizer.minimize(lossOf, true); await l.data(); l.dispose(); }
const enqueueMs = [], waitMs = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const l = optimizer.minimize(lossOf, true);
  const t1 = performance.now();
  await l.data();
  enqueueMs.push(t1 - t0); waitMs.push(performance.now() - t1);
  l.dispose();
}
const backend = tf.backend();
const counters = { submits: 0, readbacks: 0, dispatches: 0 };
const wrapped = [];
const wrap = (name, counter) => {
  const original = backend[name];
  if (typeof original !== 'function') return;
  backend[name] = function (...args) { counters[counter]++; return original.apply(this, args); };
  wrapped.push(() => { backend[name] = original; });
};
wrap('submitQueue', 'submits'); wrap('getBufferData', 'readbacks'); wrap('runWebGPUProgram', 'dispatches');
const pipelinesBefore = backend.pipelineCache ? Object.keys(backend.pipelineCache).length : undefined;
await model.trainOnBatch(xs, ys);
const pipelinesAfter = backend.pipelineCache ? Object.keys(backend.pipelineCache).length : undefined;
for (const undo of wrapped) undo();
const profile = await tf.profile(async () => { await model.trainOnBatch(xs, ys); });
const byName = {};
let kernelMs = 0;
for (const k of profile.kernels) { byName[k.name] = (byName[k.name] ?? 0) + 1; kernelMs += Number(k.kernelTimeMs) || 0; }
const topKernels = Object.entries(byName).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, count]) => name + ' ' + count);
xs.dispose(); ys.dispose(); model.dispose(); optimizer.dispose();
({
  backend: tf.getBackend(),
  hidden: ${hidden}, batch: ${batch},
  stepMs: median(stepMs),
  customStepEnqueueMs: median(enqueueMs),
  customStepWaitMs: median(waitMs),
  kernelsPerStep: profile.kernels.length,
  profiledKernelMs: kernelMs,
  topKernels,
  ...(backend.pipelineCache ? { submitsPerStep: counters.submits, readbacksPerStep: counters.readbacks, dispatchesPerStep: counters.dispatches, pipelinesCompiledPerStep: pipelinesAfter - pipelinesBefore } : {}),
  flags: Object.fromEntries(Object.keys(tf.env().flags).filter((f) => f.startsWith('WEBGPU_')).map((f) => [f, tf.env().get(f)])),
})
`;
}
