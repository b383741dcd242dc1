// The list of series names (src/shared/series/names.ts) is what the monitor emits: a per-layer
// series added to LAYER_SERIES reaches the charts with no other edit.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAYER_SERIES, parsePerLayer, SERIES, TIMING_SERIES } from '../../shared/series';
import { monitoredRun } from '../instrument.testing';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('the monitor emits the listed series', () => {
  it('a fit with relu and tanh layers charts every per-layer series of the list, and the run-level ones', async () => {
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 7);
    const y = tf.tidy(() => x.sum(1, true).greater(0).toFloat());
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
    const run = monitoredRun(tf);
    await run.fit(model, x, y, { epochs: 2, batchSize: 16 });
    run.finish();
    const names = new Set(run.events.flatMap((event) => (event.type === 'metrics' ? event.points.map((point) => point.name) : [])));
    const perLayerSeries = new Set([...names].map((name) => parsePerLayer(name)?.series).filter((series) => series !== undefined));
    expect([...perLayerSeries].sort()).toEqual(Object.keys(LAYER_SERIES).sort());
    for (const name of [SERIES.loss, SERIES.gradientNorm, ...TIMING_SERIES]) expect(names).toContain(name);
    tf.dispose([x, y]);
    model.dispose();
  });
});
