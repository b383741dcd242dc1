// The names of the metric series a run emits, in one place: the kernel's monitor writes them, the
// diagnosis rules, the app's charts and the HTML report read them. Keras names are kept as the
// user's code writes them (`acc`, `val_loss`); per-layer series are `<series>/<layer>`.
//
// Adding a per-layer series the monitor already measures (a field of its gradient, update or
// probe samples) is one entry in LAYER_SERIES: the monitor emits it and the views chart it.
import type { GradientSample, ProbeLayerStats, UpdateSample } from '../diagnosis/types';

/** The run-level series the monitor emits itself. */
export const SERIES = {
  loss: 'loss',
  learningRate: 'lr',
  /** Duration of each training step (ms); the supervisor reads it for its interrupt grace. */
  batchMs: 'batch_ms',
  epochMs: 'epoch_ms',
  /** The global gradient norm, one point per sampled step (per layer: LAYER_SERIES.grad_norm). */
  gradientNorm: 'grad_norm',
} as const;

/** Timing series: charted apart from what the model learns. */
export const TIMING_SERIES: readonly string[] = [SERIES.batchMs, SERIES.epochMs];

/** Keras names of accuracy, in the order a rule looks for them. */
export const ACCURACY_NAMES = ['acc', 'accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy'] as const;

/** The first accuracy series among `names` (a logs object or a map of series), with `prefix` (e.g. the validation prefix). */
export function accuracyName(names: Record<string, unknown>, prefix = ''): string | undefined {
  return ACCURACY_NAMES.map((name) => prefix + name).find((name) => name in names);
}

/** Keras's prefix for what a fit measured on its validation data. */
export const VALIDATION_PREFIX = 'val_';

/** `val_loss` for `loss`. */
export const validationName = (name: string): string => VALIDATION_PREFIX + name;

export const isValidationName = (name: string): boolean => name.startsWith(VALIDATION_PREFIX);

/** `loss` for `val_loss`; other names as they are. */
export const trainingName = (name: string): string => (isValidationName(name) ? name.slice(VALIDATION_PREFIX.length) : name);

type NumberFields<T> = { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : never }[keyof T] & string;

/** Where a per-layer series is read from: a number field of the layers of one kind of the monitor's samples. */
export type LayerSeriesSource =
  | { from: 'gradients'; field: NumberFields<GradientSample['layers'][number]> }
  | { from: 'updates'; field: NumberFields<UpdateSample['layers'][number]> }
  | { from: 'probes'; field: NumberFields<ProbeLayerStats> };

export type LayerSeriesSpec = LayerSeriesSource & {
  /** Chart title of the series' per-layer chart. */
  title: string;
};

/** Per-layer series (`grad_norm/dense_1`), one chart per entry in the app and the report. */
export const LAYER_SERIES = {
  grad_norm: { from: 'gradients', field: 'norm', title: 'Gradient norm by layer' },
  update_ratio: { from: 'updates', field: 'ratio', title: 'update ratio by layer' },
  dead_fraction: { from: 'probes', field: 'deadFraction', title: 'dead fraction by layer' },
  saturated_fraction: { from: 'probes', field: 'saturatedFraction', title: 'saturated fraction by layer' },
} as const satisfies Record<string, LayerSeriesSpec>;

export type LayerSeriesName = keyof typeof LAYER_SERIES;

/** `grad_norm/dense_1` for the layer `dense_1`. */
export const perLayer = (series: LayerSeriesName, layer: string): string => `${series}/${layer}`;

/** The series and layer of a per-layer name; undefined for a run-level series. */
export function parsePerLayer(name: string): { series: string; layer: string } | undefined {
  const slash = name.indexOf('/');
  return slash > 0 ? { series: name.slice(0, slash), layer: name.slice(slash + 1) } : undefined;
}

// Own keys only: a metric the user logs as `constructor` is not a per-layer series.
const isLayerSeriesName = (name: string): name is LayerSeriesName => Object.prototype.hasOwnProperty.call(LAYER_SERIES, name);

/** Series about the optimizer and the layers rather than the task (the app shows them on request). */
export const isInternalSeries = (name: string): boolean => isLayerSeriesName(name) || parsePerLayer(name) !== undefined;

/** The chart title of a per-layer series' chart (`grad_norm` → 'Gradient norm by layer'). */
export function perLayerTitle(series: string): string {
  return isLayerSeriesName(series) ? LAYER_SERIES[series].title : `${series.replace(/_/g, ' ')} by layer`;
}

type LayersOf<S extends LayerSeriesSource['from']> = S extends 'gradients' ? GradientSample['layers'] : S extends 'updates' ? UpdateSample['layers'] : ProbeLayerStats[];

/**
 * The per-layer points of one sample: for each layer (model order), each series read from this
 * kind of sample that the layer has a value for.
 */
export function layerSeriesPoints<S extends LayerSeriesSource['from']>(from: S, layers: LayersOf<S>): Array<{ name: string; value: number }> {
  const specs = (Object.entries(LAYER_SERIES) as Array<[LayerSeriesName, LayerSeriesSpec]>).filter(([, spec]) => spec.from === from);
  const points: Array<{ name: string; value: number }> = [];
  for (const layer of layers as ReadonlyArray<{ name: string } & Record<string, unknown>>) {
    for (const [series, spec] of specs) {
      const value = layer[spec.field];
      if (typeof value === 'number') points.push({ name: perLayer(series, layer.name), value });
    }
  }
  return points;
}
