import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitoredRun } from './instrument.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function blobs(n: number, seed = 1) {
  // Two noisy Gaussian blobs in 4 features, balanced and shuffled (deterministic).
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    xs.push([0, 1, 2, 3].map((j) => gauss() * 1.0 + (label ? 0.8 : -0.8) * (j < 2 ? 1 : 0)));
    ys.push(label);
  }
  return { xs, ys };
}

describe('TrainingMonitor on real tiny models', () => {
  it('a healthy binary classifier produces no warning or error findings', async () => {
    const { xs, ys } = blobs(128);
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const run = monitoredRun(tf);
    await run.fit(model, x, y, { epochs: 8, batchSize: 16, validationSplit: 0.25 });
    run.finish();
    const bad = run.findings().filter((f) => f.severity !== 'info');
    expect(bad.map((f) => `${f.id}: ${f.evidence.summary}`)).toEqual([]);
    expect(run.events.some((e) => e.type === 'metrics' && e.points.some((p) => p.name === 'grad_norm'))).toBe(true);
    expect(run.events.some((e) => e.type === 'metrics' && e.points.some((p) => p.name === 'val_loss'))).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('perf.backend-fallback names the reason: no GPU backend, or WebGPU on a software adapter (as the kernel reports it)', async () => {
    const x = tf.tensor2d(blobs(32).xs);
    const y = tf.tensor2d(blobs(32).ys, [32, 1]);
    const summaries: Record<string, string | undefined> = {};
    for (const [backend, isGpu] of [['wasm', undefined], ['webgpu', false], ['webgpu', true]] as const) {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [4] })] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
      const run = monitoredRun(tf, backend, isGpu);
      await run.fit(model, x, y, { epochs: 1, batchSize: 16 });
      run.finish();
      summaries[`${backend}/${String(isGpu)}`] = run.finding('perf.backend-fallback')?.evidence.summary;
      model.dispose();
    }
    expect(summaries['wasm/undefined']).toMatch(/no GPU backend \(tfjs-node-gpu or WebGPU\) is active/);
    expect(summaries['webgpu/false']).toMatch(/webgpu runs on a software adapter \(on the CPU\), not a GPU/);
    expect(summaries['webgpu/true']).toBeUndefined();
    tf.dispose([x, y]);
  });
});

describe('bugs the monitor must catch', () => {
  it('adds zero net tensors compared with a plain fit', async () => {
    const { xs, ys } = blobs(64);
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const build = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      return model;
    };
    const plainModel = build();
    const plainBefore = tf.memory().numTensors;
    await plainModel.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25 });
    const plainDelta = tf.memory().numTensors - plainBefore;

    const model = build();
    const before = tf.memory().numTensors;
    const run = monitoredRun(tf);
    await run.fit(model, x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25 });
    run.finish();
    const delta = tf.memory().numTensors - before;
    expect(delta).toBe(plainDelta);
    tf.dispose([x, y]);
    model.dispose();
    plainModel.dispose();
  });

  it('single-unit softmax: model.softmax-single-unit before the first step, loss.zero-early after', async () => {
    const { xs, ys } = blobs(64);
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    // seed 001: softmax cross-entropy over a single logit is always 0
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy, metrics: ['accuracy'] });
    const run = monitoredRun(tf);
    await run.fit(model, x, y, { epochs: 2, batchSize: 16 });
    run.finish();
    expect(run.finding('model.softmax-single-unit')?.evidence.values.units).toBe(1);
    const zero = run.finding('loss.zero-early');
    expect(zero?.evidence.values.losses).toEqual([0, 0, 0]);
    // static findings are emitted before training starts
    const firstFindings = run.events.findIndex((e) => e.type === 'findings');
    const firstLoss = run.events.findIndex((e) => e.type === 'metrics' && e.points.some((p) => p.name === 'loss'));
    expect(firstFindings).toBeLessThan(firstLoss);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('custom loop with log(0): loss.nan with the first step, through optimizer.minimize', async () => {
    const w = tf.variable(tf.tensor2d([[0.5], [-0.5]]));
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const optimizer = tf.train.sgd(0.5);
    const run = monitoredRun(tf);
    const restore = run.watch(optimizer);
    for (let i = 0; i < 12; i++) {
      // the bug: log of a prediction that can be ≤ 0 (no epsilon, no clipping)
      const cost = optimizer.minimize(() => tf.mean(tf.neg(tf.log(tf.matMul(x, w)))) as tf.Scalar, true);
      cost?.dispose();
    }
    restore();
    run.finish();
    const nan = run.finding('loss.nan');
    expect(nan).toBeDefined();
    expect(nan!.step).toBeGreaterThanOrEqual(0);
    expect(nan!.step).toBeLessThan(12);
    w.dispose();
    x.dispose();
  });
});

describe('robustness', () => {
  it('a rule that throws becomes an internal finding and training goes on', async () => {
    const { TrainingMonitor } = await import('./monitor');
    const { allRules } = await import('../shared/diagnosis');
    const broken = { ...allRules.find((r) => r.id === 'loss.plateau')!, id: 'test.broken', check: () => { throw new Error('rule bug'); } };
    const events: import('../shared/protocol').KernelEvent[] = [];
    const monitor = new TrainingMonitor(tf, { runId: 'r', emit: (e) => events.push(e), signal: new AbortController().signal, backend: 'cpu' }, [...allRules, broken]);
    const { xs, ys } = blobs(64);
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 16, callbacks: monitor.beforeFit({ model, x, y, args: { epochs: 3, batchSize: 16 } }) });
    monitor.finish('ok');
    expect(history.history.loss).toHaveLength(3);
    const internal = monitor.findings().find((f) => f.id === 'internal.rule-failed');
    expect(internal?.evidence.summary).toContain('rule bug');
    expect(internal!.count).toBeGreaterThan(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('keeps its memory bounded and its events coalesced on a long run', async () => {
    const { TrainingMonitor, MONITOR_LIMITS } = await import('./monitor');
    const events: import('../shared/protocol').KernelEvent[] = [];
    const monitor = new TrainingMonitor(tf, { runId: 'long', emit: (e) => events.push(e), signal: new AbortController().signal, backend: 'cpu' });
    // A hand-written loop reporting 50,000 steps through lossbook.log.
    for (let step = 0; step < 50_000; step++) monitor.log({ loss: 1 / (1 + step / 1000), acc: Math.min(1, step / 40_000) });
    monitor.finish('ok');
    const context = (monitor as unknown as { context: import('../shared/diagnosis').DiagnosisContext }).context;
    expect(context.loss.values.length).toBeLessThanOrEqual(MONITOR_LIMITS.recentSteps);
    expect(context.metrics.acc!.values.length).toBeLessThanOrEqual(MONITOR_LIMITS.recentSteps);
    expect(context.epochs.length).toBeLessThanOrEqual(MONITOR_LIMITS.epochRecords);
    expect(context.memory.length).toBeLessThanOrEqual(MONITOR_LIMITS.memorySamples);
    const metricEvents = events.filter((e) => e.type === 'metrics');
    const points = metricEvents.reduce((n, e) => n + (e.type === 'metrics' ? e.points.length : 0), 0);
    expect(points).toBe(100_000); // every point is delivered…
    expect(metricEvents.length).toBeLessThan(1000); // …in coalesced batches, not one event per point
  });
});

describe('training written other ways', () => {
  it('re-running training on the same tensors reuses the data checks (same finding, data not read again); new tensors are checked afresh', async () => {
    const { xs, ys } = blobs(64);
    xs[5]![2] = Number.NaN;
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const build = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
      return model;
    };
    const trainOnce = async (labels: tf.Tensor) => {
      const model = build();
      const run = monitoredRun(tf);
      await run.fit(model, x, labels, { epochs: 1, batchSize: 16 });
      run.finish();
      model.dispose();
      return run.findings().find((f) => f.id === 'data.nan-inf');
    };
    // The labels are read by the data checks only (the probe batch comes from x).
    const readsOf = (tensor: tf.Tensor) => {
      let reads = 0;
      const original = tensor.dataSync.bind(tensor);
      tensor.dataSync = (() => {
        reads++;
        return original();
      }) as typeof tensor.dataSync;
      return () => reads;
    };
    const yReads = readsOf(y);
    const first = await trainOnce(y);
    expect(first?.evidence.summary).toMatch(/1 non-finite values in the inputs \(1 NaN/);
    const readsAfterFirst = yReads();
    expect(readsAfterFirst).toBeGreaterThan(0);
    const second = await trainOnce(y);
    expect(second?.evidence.summary).toBe(first?.evidence.summary);
    expect(yReads()).toBe(readsAfterFirst);
    const otherLabels = y.clone();
    const otherReads = readsOf(otherLabels);
    expect((await trainOnce(otherLabels))?.evidence.summary).toBe(first?.evidence.summary);
    expect(otherReads()).toBeGreaterThan(0);
    tf.dispose([x, y, otherLabels]);
  });

  it('fit called in a loop: epochs keep counting across fits and the plateau is seen', async () => {
    const { xs, ys } = blobs(64);
    const x = tf.tensor2d(xs);
    const y = tf.tensor2d(ys, [ys.length, 1]);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    // the bug: a learning rate of 1e-6 — nothing moves from one fit to the next
    model.compile({ optimizer: tf.train.adam(1e-6), loss: 'binaryCrossentropy' });
    const run = monitoredRun(tf);
    for (let round = 0; round < 8; round++) await run.fit(model, x, y, { epochs: 1, batchSize: 16 });
    run.finish();
    const context = (run.monitor as unknown as { context: import('../shared/diagnosis').DiagnosisContext }).context;
    expect(context.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const plateau = run.finding('loss.plateau');
    expect(plateau?.evidence.values.improvement).toBeLessThan(0.01);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('hand-written gradient descent reported with lossbook.log: an exploding loss is caught from the logged values', async () => {
    const run = monitoredRun(tf);
    const w = tf.variable(tf.zeros([3, 1]));
    const x = tf.tensor2d([[1, 2, 3], [2, 1, 0], [3, 3, 3], [0, 1, 4]]);
    const y = tf.tensor2d([[6], [3], [9], [5]]);
    const lossOf = () => tf.losses.meanSquaredError(y, x.matMul(w)) as tf.Scalar;
    for (let step = 0; step < 30; step++) {
      // the bug: a step size far above 2/λmax of this quadratic — no optimizer involved, only tf.grads
      const loss = tf.tidy(() => {
        const gradient = tf.grad(() => lossOf())(w);
        w.assign(w.sub(gradient.mul(0.2)));
        return lossOf();
      });
      run.monitor.log({ loss: loss.dataSync()[0]! });
      loss.dispose();
    }
    run.finish();
    const exploding = run.finding('loss.exploding');
    expect(exploding).toBeDefined();
    expect(exploding!.evidence.values.ratio as number).toBeGreaterThan(10);
    tf.dispose([w, x, y]);
  });
});

describe('fitDataset: the data checks and probes read the batches the dataset produces', () => {
  const build = () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return model;
  };
  const datasetOf = (xs: number[][], ys: number[]) =>
    tf.data.zip({ xs: tf.data.array(xs.map((row) => tf.tensor1d(row))), ys: tf.data.array(ys.map((label) => tf.tensor1d([label]))) }) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
  const sortedBlobs = (n: number) => {
    const { xs, ys } = blobs(n);
    const order = ys.map((_, i) => i).sort((a, b) => ys[a]! - ys[b]! || a - b);
    return { xs: order.map((i) => xs[i]!), ys: order.map((i) => ys[i]!) };
  };

  it('a dataset of rows sorted by class, batched without shuffle: data.unshuffled from its batches, no class-imbalance; the user dataset is untouched and no tensor is left behind', async () => {
    const { xs, ys } = sortedBlobs(256);
    const source = datasetOf(xs, ys);
    const dataset = source.batch(16);
    const plain = build();
    const plainBefore = tf.memory().numTensors;
    await plain.fitDataset(dataset, { epochs: 2 });
    const plainDelta = tf.memory().numTensors - plainBefore;

    const model = build();
    const before = tf.memory().numTensors;
    const run = monitoredRun(tf);
    await run.fitDataset(model, dataset, { epochs: 2 });
    run.finish();
    expect(tf.memory().numTensors - before).toBe(plainDelta);
    expect(Object.prototype.hasOwnProperty.call(dataset, 'iterator')).toBe(false);

    const finding = run.finding('data.unshuffled');
    expect(finding, run.ids().join(', ')).toBeDefined();
    expect(finding!.evidence.summary).toMatch(/of the dataset's first \d+ batches hold a single class/);
    expect(finding!.evidence.values.singleClassBatches).toBeGreaterThanOrEqual(finding!.evidence.values.batchesChecked as number / 2);
    expect(finding!.evidence.values.batchesSampled).toBe(16); // 256 rows in batches of 16: the whole first epoch
    expect(run.ids()).not.toContain('data.class-imbalance');
    plain.dispose();
    model.dispose();
  });

  it('the same rows shuffled before batching: no order finding, and the probe batch comes from the dataset (dead-unit fractions are charted)', async () => {
    const { xs, ys } = sortedBlobs(256);
    const dataset = datasetOf(xs, ys).shuffle(256, 'seed').batch(16);
    const model = build();
    const run = monitoredRun(tf);
    await run.fitDataset(model, dataset, { epochs: 3 });
    run.finish();
    expect(run.ids()).not.toContain('data.unshuffled');
    expect(run.ids()).not.toContain('data.class-imbalance');
    expect(run.findings().filter((f) => f.severity === 'error').map((f) => f.id)).toEqual([]);
    const points = run.events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(points.some((p) => p.name.startsWith('dead_fraction/'))).toBe(true);
    model.dispose();
  });

  it('a validation dataset cut from the training rows: data.train-val-overlap counts the copied rows; a disjoint one gives none', async () => {
    const { xs, ys } = blobs(320);
    const train = { xs: xs.slice(0, 256), ys: ys.slice(0, 256) };
    // the bug: "validation" rows taken from the training set (40 of them), plus 24 rows of its own
    const leaked = { xs: [...train.xs.slice(100, 140), ...xs.slice(256, 280)], ys: [...train.ys.slice(100, 140), ...ys.slice(256, 280)] };
    const trainSet = datasetOf(train.xs, train.ys).shuffle(256, 'seed').batch(32);
    const leakedSet = datasetOf(leaked.xs, leaked.ys).batch(16);
    const plain = build();
    const plainBefore = tf.memory().numTensors;
    await plain.fitDataset(trainSet, { epochs: 2, validationData: leakedSet });
    const plainDelta = tf.memory().numTensors - plainBefore;
    plain.dispose();

    const model = build();
    const before = tf.memory().numTensors;
    const run = monitoredRun(tf);
    const history = await run.fitDataset(model, trainSet, { epochs: 2, validationData: leakedSet });
    run.finish();
    // Watching the validation dataset leaves nothing behind either.
    expect(tf.memory().numTensors - before).toBe(plainDelta);
    expect(Object.prototype.hasOwnProperty.call(leakedSet, 'iterator')).toBe(false);
    expect(history.history.val_loss).toHaveLength(2);
    const overlap = run.finding('data.train-val-overlap');
    expect(overlap, run.ids().join(', ')).toBeDefined();
    expect(overlap!.evidence.values).toMatchObject({ duplicates: 40, checked: 64 });
    expect(overlap!.count).toBe(1);
    model.dispose();

    const clean = build();
    const cleanRun = monitoredRun(tf);
    await cleanRun.fitDataset(clean, datasetOf(train.xs, train.ys).shuffle(256, 'seed').batch(32), { epochs: 2, validationData: datasetOf(xs.slice(256), ys.slice(256)).batch(16) });
    cleanRun.finish();
    expect(cleanRun.ids()).not.toContain('data.train-val-overlap');
    clean.dispose();
  });

  it('NaN in the features reaches fitDataset: data.nan-inf with counts; an imbalanced but shuffled set is class-imbalance, not unshuffled', async () => {
    const { xs, ys } = blobs(256);
    xs[3]![1] = Number.NaN;
    xs[40]![0] = Number.POSITIVE_INFINITY;
    const nanRun = monitoredRun(tf);
    const model = build();
    await nanRun.fitDataset(model, datasetOf(xs, ys).batch(32), { epochs: 1 });
    nanRun.finish();
    const nan = nanRun.finding('data.nan-inf');
    expect(nan, nanRun.ids().join(', ')).toBeDefined();
    expect(nan!.evidence.values.nan).toBe(1);
    expect(nan!.evidence.values.infinite).toBe(1);
    model.dispose();

    const clean = blobs(512);
    const rare = clean.ys.map((_, i) => (i % 25 === 7 ? 1 : 0)); // 4% positives, spread through the set
    const imbalancedRun = monitoredRun(tf);
    const second = build();
    await imbalancedRun.fitDataset(second, datasetOf(clean.xs, rare).batch(32), { epochs: 1 });
    imbalancedRun.finish();
    expect(imbalancedRun.ids()).toContain('data.class-imbalance');
    expect(imbalancedRun.ids()).not.toContain('data.unshuffled');
    second.dispose();
  });
});
