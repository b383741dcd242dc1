// output.constant on real tiny regressions: a hidden ReLU layer that starts dead leaves only the
// output bias to learn, so every input gets the same prediction; the same net with its default
// initialization does not.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { monitoredRun } from './instrument.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function trainRegression(biasInitializer: 'zeros' | 'dead') {
  let seed = 2770;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const rows = Array.from({ length: 64 }, () => [random(), random(), random(), random()]);
  const x = tf.tensor2d(rows);
  const y = tf.tensor2d(rows.map((r) => [r[0]! + 2 * r[1]! - r[2]!]));
  const hidden = tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], ...(biasInitializer === 'dead' ? { biasInitializer: tf.initializers.constant({ value: -10 }) } : {}) });
  const model = tf.sequential({ layers: [hidden, tf.layers.dense({ units: 1 })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const run = monitoredRun(tf);
  await run.fit(model, x, y, { epochs: 20, batchSize: 16 });
  run.finish();
  tf.dispose([x, y]);
  model.dispose();
  return run;
}

describe('output.constant', () => {
  it('a regression whose hidden ReLUs are all dead predicts one value for every input', async () => {
    const run = await trainRegression('dead');
    const finding = run.finding('output.constant');
    expect(finding, run.ids().join(', ')).toBeDefined();
    expect(finding!.severity).toBe('warning');
    expect(finding!.evidence.values.spread as number).toBeLessThan(0.01 * (finding!.evidence.values.targetStd as number));
  });

  it('the same regression with its default initialization does not', async () => {
    const run = await trainRegression('zeros');
    expect(run.ids()).not.toContain('output.constant');
  });
});
