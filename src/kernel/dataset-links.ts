// tf.data datasets hold their source in closures: `tf.data.array([t1, t2])` keeps the tensors
// only inside the iterator function, `ds.map(f).batch(8)` keeps `ds` the same way. The run-end
// reachability walk cannot see into closures, so a dataset kept in the namespace would have its
// tensors disposed under it (lifetimes.ts). Each dataset is linked to its sources through a
// symbol-keyed property the walk follows, so "what the namespace reaches" includes them.
import { createRequire } from 'node:module';
import type { Disposable } from '../shared/protocol';
import type { Tf } from './monitor-api';

export const DATASET_SOURCES = Symbol.for('lossbook.datasetSources');

const TRANSFORMS = ['batch', 'concatenate', 'filter', 'map', 'mapAsync', 'prefetch', 'repeat', 'skip', 'shuffle', 'take'] as const;

function link(dataset: unknown, sources: unknown[]): void {
  if (dataset && typeof dataset === 'object') {
    Object.defineProperty(dataset, DATASET_SOURCES, { value: sources, enumerable: false, configurable: true });
  }
}

export function linkDatasetSources(tf: Tf): Disposable {
  const undo: Array<() => void> = [];
  const datasetPrototype = (tf.data?.Dataset as unknown as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  if (datasetPrototype) {
    for (const name of TRANSFORMS) {
      const original = datasetPrototype[name];
      if (typeof original !== 'function') continue;
      datasetPrototype[name] = function (this: unknown, ...args: unknown[]) {
        const result = (original as (...a: unknown[]) => unknown).apply(this, args);
        link(result, [this, ...args.filter((argument) => argument instanceof (tf.data.Dataset as unknown as new () => object))]);
        return result;
      };
      undo.push(() => {
        datasetPrototype[name] = original;
      });
    }
  }
  // tf.data's namespace reads these from the tfjs-data module object at call time.
  let dataModule: Record<string, unknown> | undefined;
  try {
    const fromTfjs = createRequire(createRequire(import.meta.url).resolve('@tensorflow/tfjs'));
    dataModule = fromTfjs('@tensorflow/tfjs-data') as Record<string, unknown>;
  } catch {
    dataModule = undefined;
  }
  for (const name of ['array', 'zip'] as const) {
    const original = dataModule?.[name];
    if (!dataModule || typeof original !== 'function') continue;
    const module = dataModule;
    try {
      module[name] = (source: unknown) => {
        const dataset = (original as (value: unknown) => unknown)(source);
        link(dataset, [source]);
        return dataset;
      };
      undo.push(() => {
        module[name] = original;
      });
    } catch {
      // A frozen module object: datasets made by this function stay unlinked.
    }
  }
  return { dispose: () => undo.splice(0).reverse().forEach((restore) => restore()) };
}
