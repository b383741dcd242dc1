import { describe, expect, it } from 'vitest';
import { numericDimension } from './runs-parallel';

describe('parallel coordinates axes', () => {
  it('puts positive values spanning two decades or more (learning rates) on a log axis with real-number ticks', () => {
    const axis = numericDimension('learningRate', [0.1, 0.03, 0.001, 0.003]);
    expect(axis.label).toBe('learningRate (log)');
    expect(axis.values.map((value) => Number(value.toFixed(6)))).toEqual([-1, -1.522879, -3, -2.522879]);
    expect(axis.tickvals).toEqual([-3, -2, -1]);
    expect(axis.ticktext).toEqual(['0.001', '0.01', '0.1']);
    expect(numericDimension('lr', [1e-6, 1e-2]).ticktext?.[0]).toBe('1e-6');
  });

  it('keeps narrow ranges, zeros and negatives linear', () => {
    expect(numericDimension('batchSize', [32, 64, 128])).toEqual({ label: 'batchSize', values: [32, 64, 128] });
    expect(numericDimension('decay', [0, 0.1, 0.001]).label).toBe('decay');
    expect(numericDimension('shift', [-5, 500]).label).toBe('shift');
  });
});
