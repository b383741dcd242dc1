// Fixes name the notebook's own variables (issue 22): which globals hold the model and data of a
// fit, the fit call as written, and no placeholder code when a name cannot be bound.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bindFixCode } from '../shared/diagnosis/fix-binding';
import { findBindings, fitCallText } from './fix-binding';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fix bindings', () => {
  it('finds the globals that hold the model, data and optimizer, and quotes the fit call as written', () => {
    const net = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const adam = tf.train.adam(0.1);
    net.compile({ optimizer: adam, loss: 'meanSquaredError' });
    const trainX = tf.zeros([4, 2]);
    const trainY = tf.zeros([4, 1]);
    const scope = { net, adam, trainX, trainY, epochs: 7 };
    const source = "console.log('net.fit(');\nconst h = await net.fit(trainX, trainY, { epochs, batchSize: 2, shuffle: true });";
    const bindings = findBindings({ model: net, x: trainX, y: trainY, args: { epochs: 7, batchSize: 2 } }, source, scope);
    expect(bindings).toEqual({
      model: 'net',
      x: 'trainX',
      y: 'trainY',
      optimizer: 'adam',
      fit: 'await net.fit(trainX, trainY, { epochs, batchSize: 2, shuffle: true })',
    });
    tf.dispose([trainX, trainY]);
    net.dispose();
  });

  it('rebuilds the fit call from its arguments when the written one passes locals the namespace does not hold', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const xs = tf.zeros([4, 2]);
    const ys = tf.zeros([4, 1]);
    const source = "async function train(a, b) { await model.fit(a, b, { epochs: 3, callbacks: { onEpochEnd: (e) => console.log(e, ')') } }); }\nawait train(xs, ys);";
    const bindings = findBindings({ model, x: xs, y: ys, args: { epochs: 3, validationSplit: 0.2 } }, source, { model, xs, ys });
    expect(bindings.fit).toBe('await model.fit(xs, ys, { epochs: 3, validationSplit: 0.2 })');
    expect(fitCallText('m.fit(a, (b))', 'm', 'fit')).toBe('m.fit(a, (b))');
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('offers no code, and says why, when a name cannot be bound', () => {
    const code = 'await lossbook.checks.lrRangeTest($model, $x, $y)';
    expect(bindFixCode(code, { model: 'net', x: 'trainX', y: 'trainY' })).toEqual({ code: 'await lossbook.checks.lrRangeTest(net, trainX, trainY)', missing: [] });
    expect(bindFixCode(code, { model: 'net' })).toEqual({ missing: ['the training inputs', 'the training targets'] });
    // $optimizer falls back to the model's own optimizer.
    expect(bindFixCode('$model.compile({ optimizer: $optimizer, loss: "mse" })', { model: 'm' }).code).toBe('m.compile({ optimizer: m.optimizer, loss: "mse" })');
  });
});
