// `npm run bench -- backends` (issue 18 "wasm on every core"): samples/s of an MNIST MLP
// (784-256-256-10, Adam, batch 128: the gpu-kit README's row), a wide one (784-1024-1024-10, batch
// 256; wasm only, the cpu backend would take minutes) and a small CNN (two 3×3 conv +
// max-pool blocks, Adam, batch 32) on the CPU backends Lossbook's kernel can pick — wasm with 1
// thread, wasm on every core, the JavaScript cpu backend, tfjs-node where it loads — and PyTorch
// on the same machine as the reference where `python3 -c 'import torch'` works. Every backend runs
// in its own process (one wasm build per process), the processes interleaved over rounds and the
// medians compared. Real MNIST digits (the `mnist` package).
// LOSSBOOK_BENCH_QUICK=1: tiny configs, one round. LOSSBOOK_BENCH_REPS: rounds (default 2).
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { WASM_MAX_THREADS } from '../src/kernel/wasm-threads';
import type { TrainRequest } from './backends-worker';
import { median, runJsonWorker, type Benchmark } from './harness';

const QUICK = process.env.LOSSBOOK_BENCH_QUICK === '1';
const ROUNDS = QUICK ? 1 : Number(process.env.LOSSBOOK_BENCH_REPS ?? 2);
const worker = fileURLToPath(new URL('./backends-worker.ts', import.meta.url));
const torchScript = fileURLToPath(new URL('./backends-torch.py', import.meta.url));
const cores = availableParallelism();
const threads = Math.min(cores, WASM_MAX_THREADS);

const shapes: Omit<TrainRequest, 'backend'> = QUICK
  ? { mlp: { hidden: 64, batch: 32, steps: 4, warmupSteps: 2 }, cnn: { batch: 8, steps: 2, warmupSteps: 1 } }
  : { mlp: { hidden: 256, batch: 128, steps: 16, warmupSteps: 4 }, cnn: { batch: 32, steps: 6, warmupSteps: 2 } };

interface Config {
  label: string;
  request: TrainRequest['backend'];
  env: Record<string, string>;
  /** The wide MLP too (the cpu backend would take minutes on it). */
  wide?: boolean;
}
const wideMlp = QUICK ? { hidden: 256, batch: 64, steps: 2, warmupSteps: 1 } : { hidden: 1024, batch: 256, steps: 4, warmupSteps: 1 };
const configs: Config[] = [
  { label: 'wasm, 1 thread', request: 'wasm', env: { LOSSBOOK_WASM_THREADS: '1' }, wide: true },
  { label: `wasm, ${threads} threads (every core)`, request: 'wasm', env: { LOSSBOOK_WASM_THREADS: String(threads) }, wide: true },
  { label: 'cpu (JavaScript)', request: 'cpu', env: {} },
  { label: 'tfjs-node', request: 'node', env: {} },
];

interface Measured {
  available: boolean;
  reason?: string;
  device?: string;
  mlpTrainSamplesPerSecond?: number;
  wideMlpTrainSamplesPerSecond?: number;
  cnnPredictSamplesPerSecond?: number;
  cnnTrainSamplesPerSecond?: number;
  cnnTrainError?: string;
}

function runWorker(config: Config): Promise<Measured> {
  return runJsonWorker<Measured>(worker, ['train', JSON.stringify({ backend: config.request, ...shapes, ...(config.wide ? { wideMlp } : {}) })], { ...process.env, ...config.env });
}

/** PyTorch CPU on the same machine, where it is installed; why not otherwise. */
function runTorch(): Measured & { threads?: number; version?: string } {
  // Debian's python3-torch installs for /usr/bin/python3, which a pyenv `python3` on PATH hides.
  const python = ['python3', '/usr/bin/python3'].find((candidate) => {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return { available: false, reason: 'PyTorch is not installed for python3 here (pip cannot reach its index; Debian\u2019s python3-torch 1.13 via apt where it installs)' };
  try {
    const output = execFileSync(python, [torchScript, JSON.stringify({ threads, ...shapes, wideMlp })], { encoding: 'utf8', timeout: 600_000 });
    return JSON.parse(output.trim().split('\n').at(-1)!) as Measured;
  } catch (error) {
    return { available: false, reason: `PyTorch run failed: ${String((error as Error).message).split('\n')[0]}` };
  }
}

const metrics = ['mlpTrainSamplesPerSecond', 'wideMlpTrainSamplesPerSecond', 'cnnPredictSamplesPerSecond', 'cnnTrainSamplesPerSecond'] as const;

const benchmark: Benchmark = {
  name: 'backends',
  description: `samples/s on the CPU backends: wasm 1 thread vs ${threads} threads vs cpu (vs tfjs-node, PyTorch where they load); MNIST MLP and a small CNN`,
  async run() {
    const loadBefore = loadavg();
    const measured = new Map<string, Measured[]>(configs.map((c) => [c.label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const config of configs) {
        // tfjs-node does not install here: once it has said why, do not ask again.
        const earlier = measured.get(config.label)!;
        if (earlier.length && !earlier[0]!.available) continue;
        earlier.push(await runWorker(config));
      }
    }
    const torch = runTorch();
    const loadAfter = loadavg();
    const summary = configs.map((config) => {
      const runs = measured.get(config.label)!;
      const ok = runs.filter((r) => r.available);
      const row: Record<string, unknown> = { label: config.label, available: ok.length > 0, runs: runs.length };
      if (!ok.length) return { ...row, reason: runs[0]?.reason };
      row.device = ok[0]!.device;
      for (const metric of metrics) {
        const values = ok.map((r) => r[metric]).filter((v): v is number => typeof v === 'number');
        row[metric] = values.length ? median(values) : undefined;
        row[`${metric}All`] = values;
      }
      if (ok[0]!.cnnTrainError) row.cnnTrainError = ok[0]!.cnnTrainError;
      return row;
    });
    if (torch.available) summary.push({ label: `PyTorch CPU ${torch.version ?? ''}, ${torch.threads ?? threads} threads`.replace(/\s+,/, ','), runs: 1, ...torch });
    else summary.push({ label: 'PyTorch CPU', available: false, runs: 0, reason: torch.reason });

    const single = summary[0]!;
    const ratio = (row: Record<string, unknown>, metric: (typeof metrics)[number]) => {
      const value = row[metric];
      const base = single[metric];
      return typeof value === 'number' && typeof base === 'number' ? value / base : undefined;
    };
    const table = summary.map((row) => ({
      backend: String(row.label),
      'MLP train samples/s': typeof row.mlpTrainSamplesPerSecond === 'number' ? Math.round(row.mlpTrainSamplesPerSecond) : `not here: ${String(row.reason ?? '–').slice(0, 60)}…`,
      'wide MLP train samples/s': typeof row.wideMlpTrainSamplesPerSecond === 'number' ? Math.round(row.wideMlpTrainSamplesPerSecond) : '–',
      'CNN predict samples/s': typeof row.cnnPredictSamplesPerSecond === 'number' ? Math.round(row.cnnPredictSamplesPerSecond) : '–',
      'CNN train samples/s': typeof row.cnnTrainSamplesPerSecond === 'number' ? Math.round(row.cnnTrainSamplesPerSecond) : row.cnnTrainError ? 'no wasm kernel' : '–',
      'MLP vs wasm 1 thread': ratio(row, 'mlpTrainSamplesPerSecond')?.toFixed(2) ?? '–',
      'wide MLP vs wasm 1 thread': ratio(row, 'wideMlpTrainSamplesPerSecond')?.toFixed(2) ?? '–',
      'CNN predict vs wasm 1 thread': ratio(row, 'cnnPredictSamplesPerSecond')?.toFixed(2) ?? '–',
    }));
    const everyCore = summary[1]!;
    return {
      table,
      data: {
        quick: QUICK,
        rounds: ROUNDS,
        cores,
        wasmThreads: threads,
        shapes: { ...shapes, wideMlp },
        // The machine is shared: its load says how much these numbers can be trusted.
        loadAverage1mBeforeAfter: [loadBefore[0], loadAfter[0]],
        backends: summary,
        ratios: {
          wasmEveryCoreOverOneThreadMlpTrain: ratio(everyCore, 'mlpTrainSamplesPerSecond'),
          wasmEveryCoreOverOneThreadWideMlpTrain: ratio(everyCore, 'wideMlpTrainSamplesPerSecond'),
          wasmEveryCoreOverOneThreadCnnPredict: ratio(everyCore, 'cnnPredictSamplesPerSecond'),
          wasmEveryCoreOverOneThreadCnnTrain: ratio(everyCore, 'cnnTrainSamplesPerSecond'),
          cpuOverWasmOneThreadMlpTrain: ratio(summary[2]!, 'mlpTrainSamplesPerSecond'),
          pytorchOverWasmEveryCoreMlpTrain:
            typeof torch.mlpTrainSamplesPerSecond === 'number' && typeof everyCore.mlpTrainSamplesPerSecond === 'number' ? torch.mlpTrainSamplesPerSecond / everyCore.mlpTrainSamplesPerSecond : undefined,
        },
      },
      targets: {
        [`wasm on every core (${threads} threads) trains the MNIST MLP faster than 1 thread`]: (ratio(everyCore, 'mlpTrainSamplesPerSecond') ?? 0) > 1,
        [`wasm on every core (${threads} threads) trains the wide MLP faster than 1 thread`]: (ratio(everyCore, 'wideMlpTrainSamplesPerSecond') ?? 0) > 1,
      },
    };
  },
};

export default benchmark;
