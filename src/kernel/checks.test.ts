import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KernelEvent } from '../shared/protocol';
import { createChecks } from './checks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function data(n: number, classes: number) {
  const xs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    labels.push(label);
    xs.push([Math.sin(i * 1.3) + label, Math.cos(i * 0.7) - label, ((i * 37) % 11) / 11, label * 0.5]);
  }
  return { x: tf.tensor2d(xs), y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat(), labels };
}

function classifier(classes: number, outputActivation = 'softmax', kernelInitializer?: ReturnType<typeof tf.initializers.randomNormal>) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], ...(kernelInitializer ? { kernelInitializer } : {}) }),
      tf.layers.dense({ units: classes, activation: outputActivation as 'softmax', ...(kernelInitializer ? { kernelInitializer } : {}) }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

describe('lossbook.checks', () => {
  const events: KernelEvent[] = [];
  const checks = createChecks(tf, { runId: 'r1', emit: (e) => events.push(e) });

  it('initialLoss: ≈ ln C for a fresh classifier, flagged for a huge initialization', () => {
    const { x, y } = data(60, 3);
    const fresh = classifier(3);
    const good = checks.initialLoss(fresh, x, y);
    expect(good.expected).toBeCloseTo(Math.log(3), 5);
    expect(good.ok).toBe(true);
    const huge = classifier(3, 'softmax', tf.initializers.randomNormal({ stddev: 8, seed: 3 }));
    const bad = checks.initialLoss(huge, x, y);
    expect(bad.ok).toBe(false);
    expect(bad.ratio!).toBeGreaterThan(1.5);
    tf.dispose([x, y]);
    fresh.dispose();
    huge.dispose();
  });

  it('overfitTinyBatch: a correct model memorizes 10 samples, a single-unit softmax cannot; weights are restored', async () => {
    const { x, y, labels } = data(40, 2);
    const model = classifier(2);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensorsBefore = tf.memory().numTensors;
    const ok = await checks.overfitTinyBatch(model, x, y);
    expect(ok.reached).toBe(true);
    expect(ok.finalLoss).toBeLessThan(0.05 * ok.initialLoss);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const broken = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 1, activation: 'softmax' })] });
    broken.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const yBinary = tf.tensor2d(labels, [labels.length, 1]);
    const failed = await checks.overfitTinyBatch(broken, x, yBinary, { steps: 60 });
    expect(failed.reached).toBe(false);
    expect(failed.message).toContain('could not overfit');
    tf.dispose([x, y, yBinary]);
    model.dispose();
    broken.dispose();
  });

  it('predictionsVsLabels: a table of label, prediction and confidence', () => {
    const { x, y } = data(20, 3);
    const model = classifier(3);
    const result = checks.predictionsVsLabels(model, x, y, 5);
    expect(result.rows).toHaveLength(5);
    expect(result.rows[1]!.label).toBe('1');
    expect(result.display.columns).toContain('probabilities');
    expect(result.rows.every((r) => r.confidence > 0 && r.confidence <= 1)).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('lrRangeTest: log-scale sweep with a suggested rate, an artifact event, weights restored', async () => {
    const { x, y } = data(64, 2);
    const model = classifier(2);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const tensorsBefore = tf.memory().numTensors;
    const result = await checks.lrRangeTest(model, x, y, { steps: 40, minLearningRate: 1e-5, maxLearningRate: 10 });
    expect(result.points.length).toBeGreaterThan(10);
    const rates = result.points.map((p) => p.learningRate);
    expect(rates[1]! / rates[0]!).toBeCloseTo(rates[2]! / rates[1]!, 5);
    expect(result.suggested).toBeGreaterThan(1e-5);
    expect(result.suggested).toBeLessThan(10);
    expect(events.some((e) => e.type === 'artifact' && e.kind === 'lr-range-test')).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('bisectNonFinite: names the first layer whose output overflows', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: 'ones', name: 'first' }),
        tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: 'ones', name: 'second' }),
        tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }),
      ],
    });
    const x = tf.tensor2d([[3e37, 3e37, 3e37, 3e37], [1, 2, 3, 4]]);
    const result = checks.bisectNonFinite(model, x);
    expect(result.inputsNonFinite).toBe(0);
    expect(result.firstLayer).toBe('second');
    expect(result.layers[0]!.nonFinite).toBe(0);
    expect(result.message).toContain('second');
    x.dispose();
    model.dispose();
  });
});
