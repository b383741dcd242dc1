// Same run, same findings (issue 22): the monitor's time budget decides how often it may
// measure, but which measurements feed the diagnosis is fixed by the step. A seeded run diagnosed
// with a starved budget on a machine whose clock races (every performance.now() call 40 ms
// later, as on a loaded box) must give exactly the findings of an unhurried run.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../shared/protocol';
import { MONITOR_LIMITS } from './monitor';
import { monitoredRun } from './instrument.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const defaults = { ...MONITOR_LIMITS };
afterEach(() => {
  Object.assign(MONITOR_LIMITS, defaults);
  vi.restoreAllMocks();
});

function data(n: number, seed: number) {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const xs = Array.from({ length: n }, () => [random() * 4 - 2, random() * 4 - 2, random() * 4 - 2]);
  return { x: tf.tensor2d(xs), y: tf.tensor2d(xs.map(([a, b, c]) => [Math.sin(a!) + b! * c! * 0.5])) };
}

/** A seeded ReLU regression (fixed initializers, no shuffling): the same numbers on every run. */
async function seededRun(learningRate: number): Promise<Finding[]> {
  const { x, y } = data(256, 7);
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden1', units: 32, activation: 'relu', inputShape: [3], kernelInitializer: init(1) }),
      tf.layers.dense({ name: 'hidden2', units: 32, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ name: 'output', units: 1, kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  const run = monitoredRun(tf);
  await run.fit(model, x, y, { epochs: 12, batchSize: 16, shuffle: false, validationSplit: 0.2 });
  run.finish();
  tf.dispose([x, y]);
  model.dispose();
  return run.findings();
}

const fingerprint = (findings: Finding[]) => findings.map((f) => `${f.key} ${f.severity} @${f.firstStep ?? '-'}: ${f.evidence.summary}`).sort();

function throttle(): void {
  Object.assign(MONITOR_LIMITS, { gradientBudget: 1e-9, updateBudget: 1e-9, probeBudget: 1e-9, samplingAllowanceMs: 0 });
  let clock = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (clock += 40));
}

describe('the time budget does not change what is found', () => {
  for (const [name, learningRate] of [['healthy', 3e-3], ['too high a learning rate', 0.3]] as const) {
    it(`${name}: the same findings, evidence and steps with a starved budget and a racing clock`, async () => {
      const unhurried = fingerprint(await seededRun(learningRate));
      throttle();
      const starved = fingerprint(await seededRun(learningRate));
      expect(starved).toEqual(unhurried);
      if (name === 'healthy') expect(unhurried.filter((line) => !/ info /.test(line))).toEqual([]);
      else expect(unhurried.some((line) => !/ info /.test(line))).toBe(true);
    }, 60_000);
  }
});
