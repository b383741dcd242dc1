// Which live charts the app draws for a run (TrainingView → MetricChart): train and validation
// of a metric on one chart, timing series left out, optimizer and per-layer series as "training
// internals" shown on request. Colors are CSS variables, resolved by the chart for the theme.

/** One chart of the live view: its series, each with its legend label and color variable. */
export interface LiveChartGroup {
  key: string;
  title: string;
  internal: boolean;
  names: Array<{ name: string; label: string; colorVar: string }>;
}

const TIMING_SERIES = new Set(['batch_ms', 'epoch_ms']);
/** Series about the optimizer and the layers rather than the task: shown on request. */
const INTERNAL_SERIES = new Set(['grad_norm', 'update_ratio', 'dead_fraction', 'weight_norm']);
const METRIC_TITLES: Record<string, string> = { acc: 'Accuracy', accuracy: 'Accuracy', mse: 'Mean squared error', mae: 'Mean absolute error', categoricalAccuracy: 'Accuracy' };
const COLORS = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'];

/** Charts: loss (train + val on one chart), each metric likewise, then lr, gradient norms, the rest. */
export function liveChartGroups(seriesNames: Iterable<string>): LiveChartGroup[] {
  const names = new Set(seriesNames);
  const result: LiveChartGroup[] = [];
  const used = new Set<string>();
  const pair = (base: string, title: string, internal = false) => {
    const entries = [base, `val_${base}`].filter((name) => names.has(name));
    if (!entries.length) return;
    entries.forEach((name) => used.add(name));
    result.push({ key: base, title, internal, names: entries.map((name, index) => ({ name, label: name.startsWith('val_') ? 'validation' : 'train', colorVar: COLORS[index]! })) });
  };
  pair('loss', 'Loss');
  for (const name of [...names].sort()) {
    if (used.has(name) || TIMING_SERIES.has(name) || name.includes('/')) continue;
    const base = name.startsWith('val_') ? name.slice(4) : name;
    if (used.has(base) || used.has(`val_${base}`)) continue;
    if (base === 'lr') {
      used.add(name);
      result.push({ key: 'lr', title: 'Learning rate', internal: true, names: [{ name, label: 'lr', colorVar: '--chart-3' }] });
    } else if (INTERNAL_SERIES.has(base)) pair(base, base.replace(/_/g, ' '), true);
    else pair(base, METRIC_TITLES[base] ?? base.charAt(0).toUpperCase() + base.slice(1).replace(/_/g, ' '));
  }
  const prefixes = new Map<string, string[]>();
  for (const name of names) {
    if (!name.includes('/')) continue;
    const prefix = name.slice(0, name.indexOf('/'));
    prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), name]);
  }
  for (const [prefix, members] of prefixes) {
    result.push({
      // Not the prefix alone: a run can have both grad_norm (global) and grad_norm/<layer>, and
      // two charts with one key confused Vue's list diffing.
      key: `${prefix}/*`,
      title: prefix === 'grad_norm' ? 'Gradient norm by layer' : `${prefix.replace(/_/g, ' ')} by layer`,
      internal: true,
      names: members.sort().slice(0, 8).map((name, index) => ({ name, label: name.slice(prefix.length + 1), colorVar: COLORS[index % COLORS.length]! })),
    });
  }
  return result;
}
