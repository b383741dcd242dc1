import { describe, expect, it } from 'vitest';
import { accuracyName, isInternalSeries, isValidationName, LAYER_SERIES, layerSeriesPoints, parsePerLayer, perLayer, perLayerTitle, trainingName, validationName } from './names';

describe('series names', () => {
  it('per-layer names round-trip through perLayer and parsePerLayer; run-level names are not per-layer', () => {
    expect(perLayer('grad_norm', 'dense_1')).toBe('grad_norm/dense_1');
    expect(parsePerLayer(perLayer('dead_fraction', 'conv/2'))).toEqual({ series: 'dead_fraction', layer: 'conv/2' });
    expect(parsePerLayer('grad_norm')).toBeUndefined();
  });

  it('validation names are the training name with Keras’s val_ prefix', () => {
    expect(validationName('loss')).toBe('val_loss');
    expect(isValidationName('val_acc')).toBe(true);
    expect(isValidationName('value')).toBe(false);
    expect(trainingName('val_acc')).toBe('acc');
    expect(trainingName('acc')).toBe('acc');
  });

  it('finds the accuracy series by any Keras name, with or without the validation prefix', () => {
    expect(accuracyName({ loss: 1, binaryAccuracy: 0.5 })).toBe('binaryAccuracy');
    expect(accuracyName({ acc: 0.5, val_acc: 0.4 }, 'val_')).toBe('val_acc');
    expect(accuracyName({ loss: 1, mse: 2 })).toBeUndefined();
  });

  it('internal series are the per-layer ones, by name or with a layer; a metric called constructor is not one', () => {
    expect(isInternalSeries('grad_norm')).toBe(true);
    expect(isInternalSeries('update_ratio/dense')).toBe(true);
    expect(isInternalSeries('acc')).toBe(false);
    expect(isInternalSeries('constructor')).toBe(false);
    expect(perLayerTitle('grad_norm')).toBe('Gradient norm by layer');
    expect(perLayerTitle('something_else')).toBe('something else by layer');
  });

  it('reads each per-layer series from its sample field, layer by layer, skipping layers without a value', () => {
    expect(layerSeriesPoints('gradients', [{ name: 'a', norm: 2, rms: 1 }, { name: 'b', norm: 3, rms: 1 }])).toEqual([
      { name: 'grad_norm/a', value: 2 },
      { name: 'grad_norm/b', value: 3 },
    ]);
    expect(layerSeriesPoints('updates', [{ name: 'a', weightNorm: 1, deltaNorm: 0.01, ratio: 0.01 }])).toEqual([{ name: 'update_ratio/a', value: 0.01 }]);
    expect(
      layerSeriesPoints('probes', [
        { name: 'relu', activation: 'relu', units: 4, deadFraction: 0.25, nonFinite: 0 },
        { name: 'tanh', activation: 'tanh', units: 4, saturatedFraction: 0.5, nonFinite: 0 },
      ]),
    ).toEqual([
      { name: 'dead_fraction/relu', value: 0.25 },
      { name: 'saturated_fraction/tanh', value: 0.5 },
    ]);
  });

  it('every per-layer series has a title of its own', () => {
    for (const [name, spec] of Object.entries(LAYER_SERIES)) expect(perLayerTitle(name)).toBe(spec.title);
  });
});
