// Tensor lifetimes through a real kernel process on tfjs's wasm backend (design.md "Kernel
// rules"): 20 cycles of each way a training cell can end badly, asserting after every cycle
// that tf.memory() is back to the baseline plus exactly what the namespace holds.
//
// What the namespace holds, counted by hand (no tfjs introspection, so the test can fail):
//   xs [64, 8] + ys [64, 1]                      2 tensors   (512 + 64) × 4 = 2304 bytes
//   model 8→16→1: kernels 8×16, 16×1, biases 16, 1   4 tensors   161 × 4 = 644 bytes
//   Adam, at compile: accBeta1, accBeta2          2 tensors   8 bytes
//   Adam, after the first step: m and v per weight   8 tensors   2 × 644 = 1288 bytes
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../shared/protocol';
import type { KernelLauncher } from './kernel-api';
import { forkLauncher, type KernelSupervisor } from './kernel-supervisor';
import { ipcOnlyLauncher, runCell, startSupervisor, streamIncludes, type CellOutcome } from './kernel-supervisor.testing';

const CYCLES = 20;
const DATA = { tensors: 2, bytes: 2304 };
const MODEL_COMPILED = { tensors: 6, bytes: 652 };
const TRAINED = { tensors: 16, bytes: 2304 + 652 + 1288 };

const SETUP_DATA = 'const xs = tf.randomNormal([64, 8], 0, 1, "float32", 1);\nconst ys = tf.randomNormal([64, 1], 0, 1, "float32", 2);';
const BUILD_MODEL = `const model = tf.sequential({ layers: [
  tf.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }),
  tf.layers.dense({ units: 1 }),
] });
model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });`;

function expectMemory(outcome: CellOutcome, expected: { tensors: number; bytes: number }): void {
  const { after, leaked } = outcome.finished.memory;
  expect({ tensors: after.numTensors, bytes: after.numBytes }).toEqual(expected);
  expect(leaked).toEqual({ tensors: 0, bytes: 0 });
}

describe('tensor lifetimes across interrupted, failing and re-run training cells (wasm, real kernel process)', () => {
  let supervisor: KernelSupervisor;

  beforeAll(async () => {
    supervisor = startSupervisor();
    await supervisor.start();
    expect(supervisor.backend?.name).toBe('wasm');
    expect(supervisor.lastMemory?.numTensors).toBe(0);
    expectMemory(await runCell(supervisor, SETUP_DATA), DATA);
    expectMemory(await runCell(supervisor, BUILD_MODEL), { tensors: DATA.tensors + MODEL_COMPILED.tensors, bytes: DATA.bytes + MODEL_COMPILED.bytes });
    expectMemory(await runCell(supervisor, 'await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });'), TRAINED);
  });

  afterAll(async () => {
    await supervisor?.shutdown();
  });

  it(`fit interrupted mid-epoch, ${CYCLES} times: stops at the batch it was told to, frees everything but the namespace`, async () => {
    // The cell's own callback pauses at batch 5 of the first epoch until the interrupt arrives,
    // so "mid-epoch" is a fact of the run, not a timing accident.
    const cell = `await model.fit(xs, ys, { epochs: 1000, batchSize: 4, verbose: 0, callbacks: { onBatchEnd: async (batch, logs) => {
  if (batch === 5) {
    console.log('MID-EPOCH');
    const signal = lossbook.signal;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve));
  }
} } });`;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const outcome = await runCell(supervisor, cell, streamIncludes('MID-EPOCH'));
      expect(outcome.finished.status).toBe('interrupted');
      expect(outcome.error).toMatchObject({ name: 'InterruptError', phase: 'interrupted' });
      expect(outcome.error?.message).toContain('epoch 1, batch 6');
      expectMemory(outcome, TRAINED);
    }
  });

  it(`a custom loop that leaks its per-step tensors, interrupted ${CYCLES} times`, async () => {
    // No tidy, no dispose: every step leaves a prediction and a loss behind, and the optimizer
    // is never assigned to the namespace (block scope).
    const cell = `{
  const loopOptimizer = tf.train.sgd(0.01);
  for (let step = 0; ; step++) {
    const prediction = model.predict(xs);
    const loss = loopOptimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs)), true);
    await loss.data();
    if (step === 5) console.log('STEP-5');
    await tf.nextFrame();
  }
}`;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const outcome = await runCell(supervisor, cell, streamIncludes('STEP-5'));
      expect(outcome.finished.status).toBe('interrupted');
      // At least the six steps' predictions and losses, and the optimizer's scalar.
      expect(outcome.finished.memory.disposed.tensors).toBeGreaterThanOrEqual(13);
      expectMemory(outcome, TRAINED);
    }
  });

  it('a custom loop that only awaits microtasks (await loss.data() on wasm) still stops, through the interrupt channel', async () => {
    const cell = 'for (let step = 0; ; step++) {\n  const loss = tf.losses.meanSquaredError(ys, model.predict(xs));\n  await loss.data();\n}';
    const outcome = await runCell(supervisor, cell, (event) => event.type === 'run-started');
    expect(outcome.finished.status).toBe('interrupted');
    expectMemory(outcome, TRAINED);
  });

  it(`a cell that throws mid-training, ${CYCLES} times`, async () => {
    const cell = `await model.fit(xs, ys, { epochs: 3, batchSize: 4, verbose: 0, callbacks: { onBatchEnd: async (batch) => {
  if (batch === 5) throw new Error('bad batch 5');
} } });`;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const outcome = await runCell(supervisor, cell);
      expect(outcome.finished.status).toBe('error');
      expect(outcome.error).toMatchObject({ message: 'bad batch 5', phase: 'runtime' });
      expect(outcome.finished.memory.disposed.tensors).toBeGreaterThan(0);
      expectMemory(outcome, TRAINED);
    }
  });

  it(`a model re-assigned and re-trained by re-running its cell, ${CYCLES} times; a model never assigned is freed`, async () => {
    const cell = `${BUILD_MODEL}
{
  const scratch = tf.sequential({ layers: [tf.layers.dense({ units: 32, inputShape: [8] })] });
  scratch.predict(xs);
}
await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });`;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const outcome = await runCell(supervisor, cell);
      expect(outcome.finished.status).toBe('ok');
      // The previous model (its weights, Adam's slots) and the scratch model are gone.
      expectMemory(outcome, TRAINED);
    }
  });

  it(`an infinite synchronous loop, interrupted ${CYCLES} times, stops at its loop checkpoint and keeps the namespace`, async () => {
    const cell = 'while (true) {\n  const junk = tf.ones([16]);\n}';
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const outcome = await runCell(supervisor, cell, (event) => event.type === 'run-started');
      expect(outcome.finished.status).toBe('interrupted');
      expect(outcome.events.some((event) => event.type === 'kernel-exit')).toBe(false);
      expectMemory(outcome, TRAINED);
    }
    expect((await runCell(supervisor, 'xs.shape')).display).toEqual({ kind: 'json', json: [64, 8] });
  });

  it('free memory: the namespace cleared and every tensor released', async () => {
    const freed: HostEvent[] = [];
    const subscription = supervisor.onEvent((event) => event.type === 'memory-freed' && freed.push(event));
    await supervisor.freeMemory();
    expect(supervisor.lastMemory?.numTensors).toBe(TRAINED.tensors);
    await supervisor.resetNamespace();
    subscription.dispose();
    expect(freed).toHaveLength(2);
    expect(supervisor.lastMemory).toMatchObject({ numTensors: 0, numBytes: 0 });
    const after = await runCell(supervisor, 'typeof model');
    expect(after.display).toEqual({ kind: 'text', text: 'undefined' });
  });
});

describe('a launcher without the extra pipe (as Electron’s utilityProcess): the interrupt file stops synchronous loops', () => {
  it('while (true) {} interrupted 5 times: stopped at its checkpoint, no restart, namespace kept', async () => {
    const supervisor = startSupervisor({ launcher: ipcOnlyLauncher, interruptGraceMs: 10_000 });
    try {
      await supervisor.start();
      expectMemory(await runCell(supervisor, SETUP_DATA), DATA);
      for (let cycle = 0; cycle < 5; cycle++) {
        const outcome = await runCell(supervisor, 'while (true) {}', (event) => event.type === 'run-started');
        expect(outcome.finished.status).toBe('interrupted');
        expectMemory(outcome, DATA);
      }
    } finally {
      await supervisor.shutdown();
    }
  });
});

describe('a cell no interrupt can reach (no pipe, no file): killed and restarted', () => {
  // A launcher that passes neither channel: a synchronous loop is ended by the graded
  // interrupt's second step, as code stuck outside any loop always is.
  const launcherWithoutChannel: KernelLauncher = (options) => {
    const { LOSSBOOK_INTERRUPT_FILE: _file, ...env } = options.env;
    const handle = forkLauncher({ ...options, env });
    return {
      get pid() {
        return handle.pid;
      },
      send: (message) => handle.send(message),
      onMessage: (listener) => handle.onMessage(listener),
      onExit: (listener) => handle.onExit(listener),
      ...(handle.onOutput ? { onOutput: handle.onOutput.bind(handle) } : {}),
      kill: (signal) => handle.kill(signal),
    };
  };
  let supervisor: KernelSupervisor;

  beforeAll(async () => {
    supervisor = startSupervisor({ launcher: launcherWithoutChannel, interruptGraceMs: 300 });
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor?.shutdown();
  });

  it(`while (true) {} interrupted ${CYCLES} times: each time killed, restarted, memory of a fresh kernel, lost state named`, async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      expectMemory(await runCell(supervisor, SETUP_DATA), DATA);
      const exits: HostEvent[] = [];
      const subscription = supervisor.onEvent((event) => event.type === 'kernel-exit' && exits.push(event));
      const outcome = await runCell(supervisor, 'while (true) {}', (event) => event.type === 'run-started');
      subscription.dispose();
      expect(outcome.finished.status).toBe('killed');
      expect(outcome.error?.phase).toBe('killed');
      expect(exits).toHaveLength(1);
      expect(exits[0]).toMatchObject({ type: 'kernel-exit', expected: true });
      expect((exits[0] as Extract<HostEvent, { type: 'kernel-exit' }>).lostState).toContain('xs, ys');
      expect(supervisor.state).toBe('idle');
      expect(supervisor.lastMemory).toMatchObject({ numTensors: 0, numBytes: 0 });
    }
    // 20 kills and kernel starts: minutes on a loaded 2-core machine. A bound for a hang, not a speed test.
  }, 360_000);
});
