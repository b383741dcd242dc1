import { describe, expect, it } from 'vitest';
import { liveChartGroups } from './live-groups';

describe('the live charts of a run', () => {
  it('puts train and validation of a metric on one chart, loss first; timing left out; internals last', () => {
    const groups = liveChartGroups(['batch_ms', 'val_acc', 'acc', 'grad_norm/dense_2', 'lr', 'val_loss', 'loss', 'grad_norm/dense_1', 'epoch_ms', 'grad_norm', 'mean_squared_error', 'update_ratio/dense_1']);
    expect(groups.map((group) => [group.key, group.title, group.internal])).toEqual([
      ['loss', 'Loss', false],
      ['acc', 'Accuracy', false],
      ['grad_norm', 'grad norm', true],
      ['lr', 'Learning rate', true],
      ['mean_squared_error', 'Mean squared error', false],
      ['grad_norm/*', 'Gradient norm by layer', true],
      ['update_ratio/*', 'update ratio by layer', true],
    ]);
    expect(groups[0]!.names).toEqual([
      { name: 'loss', label: 'train', colorVar: '--chart-1' },
      { name: 'val_loss', label: 'validation', colorVar: '--chart-2' },
    ]);
    expect(groups[5]!.names.map((entry) => entry.label)).toEqual(['dense_1', 'dense_2']);
    expect(new Set(groups.map((group) => group.key)).size).toBe(groups.length);
  });

  it('draws a validation-only metric and at most eight layers of a per-layer series', () => {
    const layers = Array.from({ length: 12 }, (_, index) => `dead_fraction/layer_${String(index).padStart(2, '0')}`);
    const groups = liveChartGroups(['val_loss', ...layers]);
    expect(groups[0]).toEqual({ key: 'loss', title: 'Loss', internal: false, names: [{ name: 'val_loss', label: 'validation', colorVar: '--chart-1' }] });
    expect(groups[1]!.names).toHaveLength(8);
    expect(groups[1]!.names[4]!.colorVar).toBe('--chart-1');
    expect(liveChartGroups([])).toEqual([]);
  });
});
