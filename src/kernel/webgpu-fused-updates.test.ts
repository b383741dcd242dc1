// Fused optimizer updates on the real webgpu backend (issue 18): the same seeded model trained
// with tfjs's own applyGradients and with the fused one ends with the same weights (float32
// rounding apart), in far fewer dispatches, with the optimizer's state, iterations and memory as
// tfjs keeps them. Runs where Dawn finds an adapter — a GPU, or Mesa's lavapipe (Vulkan on the
// CPU, mesa-vulkan-drivers ≥ 24) — and is reported skipped where none exists.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { monitoredRun } from './instrument.testing';
import { startWebgpuForTests } from './webgpu.testing';
import { countDispatches, installFusedUpdates, updateShader, type FusedUpdates } from './webgpu-fused-updates';

let unavailable: string | undefined;
let fused: FusedUpdates | undefined;

beforeAll(async () => {
  unavailable = await startWebgpuForTests();
  if (unavailable) console.log(`fused updates on webgpu: SKIPPED — ${unavailable}`);
  else fused = installFusedUpdates(tf);
});

afterAll(() => fused?.dispose());

const OPTIMIZERS: Record<string, () => tf.Optimizer> = {
  adam: () => tf.train.adam(0.01),
  rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0.5),
  // tfjs's centered RMSProp takes sqrt(ms - (mg² + eps)): with decay 0.9 the first step is NaN for
  // any |gradient| < ~1e-3 (tfjs's code and the fused one alike). Decay 0.5 and a tiny epsilon keep it finite here.
  'rmsprop centered': () => tf.train.rmsprop(0.01, 0.5, 0.5, 1e-12, true),
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  sgd: () => tf.train.sgd(0.1),
};

// tanh, not relu: tfjs's centered RMSProp takes sqrt(ms - (mg² + eps)), NaN wherever a gradient is
// exactly 0 (a dead relu unit) — in tfjs's code and the fused one alike; NaN would compare as unequal.
function buildModel(optimizer: tf.Optimizer, activation: 'tanh' | 'relu' = 'tanh'): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 24, activation, inputShape: [12], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 2 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

/** Trains `steps` batches; returns the weights, the optimizer's state and the dispatches of the last step. */
async function train(makeOptimizer: () => tf.Optimizer, useFusion: boolean, steps: number, activation: 'tanh' | 'relu' = 'tanh') {
  fused!.enabled = useFusion;
  const x = tf.randomNormal([32, 12], 0, 1, 'float32', 7);
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([32], 0, 3, 'int32', 8), 3).toFloat());
  const optimizer = makeOptimizer();
  const model = buildModel(optimizer, activation);
  let lastStepDispatches = 0;
  let tensorsAfterFirstStep = 0;
  for (let step = 0; step < steps; step++) {
    const counter = countDispatches();
    await model.trainOnBatch(x, y);
    counter.dispose();
    lastStepDispatches = counter.count;
    if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
  }
  const weights = await Promise.all(model.getWeights().map((w) => w.data()));
  const state = await optimizer.getWeights();
  // Layer names count up per model (dense_Dense1, dense_Dense3…): compare the state's names without the number.
  const stateValues = await Promise.all(state.map(async ({ name, tensor }) => ({ name: name.replace(/\d+\//, '/'), shape: tensor.shape, values: await tensor.data() })));
  tf.dispose(state.map(({ tensor }) => tensor).filter((tensor) => !(tensor instanceof tf.Variable)));
  const result = { weights, state: stateValues, iterations: optimizer.iterations, lastStepDispatches, tensorsLeakedPerStep: (tf.memory().numTensors - tensorsAfterFirstStep) / (steps - 1) };
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return result;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('fused optimizer updates on webgpu', () => {
  for (const [name, makeOptimizer] of Object.entries(OPTIMIZERS)) {
    it(`${name}: same weights and optimizer state as tfjs's own update, in fewer dispatches, nothing leaked`, async (context) => {
      if (unavailable) context.skip();
      expect(tf.getBackend()).toBe('webgpu');
      const plain = await train(makeOptimizer, false, 6);
      const lossbook = await train(makeOptimizer, true, 6);
      expect(lossbook.iterations).toBe(6);
      expect(lossbook.iterations).toBe(plain.iterations);
      // Weights moved (the comparison is not between two untouched initializations) and agree.
      for (const weights of plain.weights) expect(weights.every(Number.isFinite)).toBe(true);
      for (const [i, weights] of lossbook.weights.entries()) {
        expect(maxDifference(weights, plain.weights[i]!), `weight ${i}`).toBeLessThan(2e-5);
      }
      expect(lossbook.state.map(({ name: stateName, shape }) => [stateName, shape])).toEqual(plain.state.map(({ name: stateName, shape }) => [stateName, shape]));
      for (const [i, slot] of lossbook.state.entries()) expect(maxDifference(slot.values, plain.state[i]!.values), slot.name).toBeLessThan(2e-5);
      expect(lossbook.tensorsLeakedPerStep).toBe(0);
      expect(plain.tensorsLeakedPerStep).toBe(0);
      // Four variables: tfjs runs 2 (SGD) to ~14 (Adam) elementwise kernels for each, fused one; and the
      // loss (about 20 kernels with its gradient) is 2.
      // Centered RMSProp stays tfjs's update (9 storage buffers; the device has 8): only the loss is fused.
      if (name === 'rmsprop centered') expect(lossbook.lastStepDispatches).toBeLessThan(plain.lastStepDispatches);
      else expect(plain.lastStepDispatches - lossbook.lastStepDispatches, `${plain.lastStepDispatches} → ${lossbook.lastStepDispatches} dispatches`).toBeGreaterThanOrEqual(4 + 10);
    });
  }

  it('a relu MLP with categorical cross-entropy: dense+relu in one kernel, its gradient and the loss fused, same weights as plain tfjs', async (context) => {
    if (unavailable) context.skip();
    const plain = await train(OPTIMIZERS.adam!, false, 6, 'relu');
    const lossbook = await train(OPTIMIZERS.adam!, true, 6, 'relu');
    for (const [i, weights] of lossbook.weights.entries()) expect(maxDifference(weights, plain.weights[i]!), `weight ${i}`).toBeLessThan(2e-5);
    for (const [i, slot] of lossbook.state.entries()) expect(maxDifference(slot.values, plain.state[i]!.values), slot.name).toBeLessThan(2e-5);
    expect(lossbook.tensorsLeakedPerStep).toBe(0);
    // Adam's 4 variables (13 dispatches saved each) plus the relu layer (forward 3 → 1, its
    // gradient 2 → 1) plus the loss (about 20 → 2): at least 3× fewer in all.
    expect(plain.lastStepDispatches / lossbook.lastStepDispatches, `${plain.lastStepDispatches} → ${lossbook.lastStepDispatches} dispatches`).toBeGreaterThanOrEqual(3);
  });

  it('Adam: fused from the start, the model trains to the same weights as plain tfjs and setWeights/getWeights round-trip the state', async (context) => {
    if (unavailable) context.skip();
    const plain = await train(OPTIMIZERS.adam!, false, 3);
    const lossbook = await train(OPTIMIZERS.adam!, true, 3);
    // Adam: 4 variables × (14 elementwise kernels → 1), and the 4 accBeta kernels gone.
    expect(plain.lastStepDispatches - lossbook.lastStepDispatches).toBeGreaterThanOrEqual(4 * 12);
    // The state saved from a fused run restores into a fresh optimizer that continues fused.
    fused!.enabled = true;
    const optimizer = tf.train.adam(0.01) as tf.AdamOptimizer;
    const model = buildModel(optimizer);
    const x = tf.randomNormal([8, 12], 0, 1, 'float32', 9);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniform([8], 0, 3, 'int32', 10), 3).toFloat());
    await model.trainOnBatch(x, y);
    const saved = await optimizer.getWeights();
    const restored = tf.train.adam(0.01) as tf.AdamOptimizer;
    await restored.setWeights(saved.map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
    expect(restored.iterations).toBe(1);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    restored.dispose();
  });

  it("the training monitor sees every series through the fused kernels (its hooks wrap the fused applyGradients), nothing left behind", async (context) => {
    if (unavailable) context.skip();
    const x = tf.randomNormal([128, 12], 0, 1, 'float32', 11);
    const y = tf.tidy(() => tf.oneHot(tf.randomUniform([128], 0, 3, 'int32', 12), 3).toFloat());
    // What a plain fit keeps (tfjs's update, no monitor), to compare with.
    fused!.enabled = false;
    const plainModel = buildModel(tf.train.adam(0.01), 'relu');
    const plainBefore = tf.memory().numTensors;
    await plainModel.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
    const plainDelta = tf.memory().numTensors - plainBefore;
    plainModel.dispose();
    plainModel.optimizer.dispose();
    fused!.enabled = true;
    const model = buildModel(tf.train.adam(0.01), 'relu');
    const before = tf.memory().numTensors;
    const counter = countDispatches();
    const run = monitoredRun(tf, 'webgpu', true);
    await run.fit(model, x, y, { epochs: 2, batchSize: 32 });
    run.finish();
    counter.dispose();
    const series = new Set(run.events.flatMap((event) => (event.type === 'metrics' ? event.points.map((point) => point.name.split('/')[0]) : [])));
    for (const name of ['loss', 'grad_norm', 'update_ratio', 'dead_fraction']) expect(series, name).toContain(name);
    expect(run.events.filter((event) => event.type === 'log' && event.level === 'warn')).toEqual([]);
    expect(counter.count).toBeGreaterThan(0);
    // The monitor's reads and the fused kernels leave behind exactly what a plain fit does (the optimizer's moments).
    expect(tf.memory().numTensors - before).toBe(plainDelta);
    model.dispose();
    model.optimizer.dispose();
    tf.dispose([x, y]);
  });

  it('the update shader binds each input read-only and each output read_write, with the parameters as a uniform', () => {
    const adam = updateShader({ kernelName: 'k', inputs: ['value', 'gradient'], outputs: ['value'], params: ['negLearningRate'], body: 'out_value[i] = p.negLearningRate * g + value[i];' });
    expect(adam).toContain('@group(0) @binding(0) var<storage, read> value: array<f32>;');
    expect(adam).toContain('@group(0) @binding(2) var<storage, read_write> out_value: array<f32>;');
    expect(adam).toContain('@group(0) @binding(3) var<uniform> p: Params;');
    expect(adam).toContain('struct Params { size: u32, negLearningRate: f32 };');
  });

  it('the kernel installs them when it selects webgpu, says so in the device, and LOSSBOOK_WEBGPU_FUSION=off leaves tfjs alone', async (context) => {
    if (unavailable) context.skip();
    const flags = tf.env().getFlags();
    try {
      const selection = await selectBackend({ request: 'webgpu', requestedBy: 'flag' });
      expect(selection.info.name).toBe('webgpu');
      expect(selection.info.device).toMatch(/fused optimizer updates \(Adam, RMSProp, Momentum, SGD: one dispatch per variable\), dense\+relu and categorical cross-entropy kernels/);
      fused!.dispose();
      process.env.LOSSBOOK_WEBGPU_FUSION = 'off';
      const off = await selectBackend({ request: 'webgpu', requestedBy: 'flag' });
      expect(off.info.device).not.toMatch(/fused/);
    } finally {
      delete process.env.LOSSBOOK_WEBGPU_FUSION;
      tf.env().setFlags(flags);
      fused = installFusedUpdates(tf);
    }
  });
});
