// Which live charts the app draws for a run (TrainingView → MetricChart): train and validation
// of a metric on one chart, timing series left out, optimizer and per-layer series as "training
// internals" shown on request. Colors are CSS variables, resolved by the chart for the theme.

import { ACCURACY_NAMES, isInternalSeries, isValidationName, parsePerLayer, perLayerTitle, SERIES, TIMING_SERIES, trainingName, validationName } from '../series/names';

/** One chart of the live view: its series, each with its legend label and color variable. */
export interface LiveChartGroup {
  key: string;
  title: string;
  internal: boolean;
  names: Array<{ name: string; label: string; colorVar: string }>;
}

/** Series about the optimizer and the layers rather than the task (isInternalSeries) are shown on request. */
const METRIC_TITLES: Record<string, string> = { ...Object.fromEntries(ACCURACY_NAMES.map((name) => [name, 'Accuracy'])), mse: 'Mean squared error', mae: 'Mean absolute error' };
const COLORS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

/** Charts: loss (train + val on one chart), each metric likewise, then lr, gradient norms, the rest. */
export function liveChartGroups(seriesNames: Iterable<string>): LiveChartGroup[] {
  const names = new Set(seriesNames);
  const result: LiveChartGroup[] = [];
  const used = new Set<string>();
  const pair = (base: string, title: string, internal = false) => {
    const entries = [base, validationName(base)].filter((name) => names.has(name));
    if (!entries.length) return;
    entries.forEach((name) => used.add(name));
    result.push({ key: base, title, internal, names: entries.map((name, index) => ({ name, label: isValidationName(name) ? 'validation' : 'train', colorVar: COLORS[index]! })) });
  };
  pair(SERIES.loss, 'Loss');
  for (const name of [...names].sort()) {
    if (used.has(name) || TIMING_SERIES.includes(name) || parsePerLayer(name)) continue;
    const base = trainingName(name);
    if (used.has(base) || used.has(validationName(base))) continue;
    if (base === SERIES.learningRate) {
      used.add(name);
      result.push({ key: base, title: 'Learning rate', internal: true, names: [{ name, label: base, colorVar: '--chart-3' }] });
    } else if (isInternalSeries(base)) pair(base, base.replace(/_/g, ' '), true);
    else pair(base, METRIC_TITLES[base] ?? base.charAt(0).toUpperCase() + base.slice(1).replace(/_/g, ' '));
  }
  const prefixes = new Map<string, string[]>();
  for (const name of names) {
    const prefix = parsePerLayer(name)?.series;
    if (prefix) prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), name]);
  }
  for (const [prefix, members] of prefixes) {
    result.push({
      // Not the prefix alone: a run can have both grad_norm (global) and grad_norm/<layer>, and
      // two charts with one key confused Vue's list diffing.
      key: `${prefix}/*`,
      title: perLayerTitle(prefix),
      internal: true,
      names: members.sort().slice(0, 8).map((name, index) => ({ name, label: name.slice(prefix.length + 1), colorVar: COLORS[index % COLORS.length]! })),
    });
  }
  return result;
}
