import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom as mulberry32 } from '../shared/sweep/space';
import { reseedMathRandom, seedFromEnvironment } from './seeded-random';

const original = Math.random;
afterEach(() => {
  Math.random = original;
});

describe('LOSSBOOK_SEED', () => {
  it('reads an integer seed, none when unset, and refuses anything else with the reason', () => {
    expect(seedFromEnvironment(undefined)).toBeUndefined();
    expect(seedFromEnvironment(' ')).toBeUndefined();
    expect(seedFromEnvironment('42')).toBe(42);
    expect(() => seedFromEnvironment('4.2')).toThrow(/LOSSBOOK_SEED must be an integer/);
  });

  it('mulberry32 repeats for one seed, differs between seeds, and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(first[0]);
  });

  it('makes tfjs unseeded initializers repeat after each reseed (what the gallery relies on)', () => {
    const weights = () => {
      const layer = tf.layers.dense({ units: 4, inputShape: [3] });
      const model = tf.sequential({ layers: [layer] });
      const values = Array.from(layer.getWeights()[0]!.dataSync());
      model.dispose();
      return values;
    };
    reseedMathRandom(123);
    const first = weights();
    reseedMathRandom(123);
    expect(weights()).toEqual(first);
    reseedMathRandom(undefined);
    expect(weights()).not.toEqual(first);
  });
});
