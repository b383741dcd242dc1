// Numbers as the sweep views print them, and the log-axis decisions their plots share.
import type { ParamValue } from './space';

/** Short, readable numbers: 0.00123, 3.2e-5, 128, 0.5. */
export function formatValue(value: ParamValue | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e5) return String(Number(value.toPrecision(4)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

export function formatDurationShort(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** A positive series spanning two decades or more reads better on a log axis. */
export function wantsLog(values: number[]): boolean {
  const finite = values.filter(isFiniteNumber);
  if (finite.length < 2) return false;
  const low = Math.min(...finite);
  return low > 0 && Math.max(...finite) / low >= 100;
}

/**
 * Ticks for an axis drawn in log10 units (Plotly's parcoords has no log axis): whole decades
 * when the range holds two or more, else the ends and the middle, labelled in real units.
 */
export function logTicks(lowLog: number, highLog: number): { tickvals: number[]; ticktext: string[] } {
  const first = Math.ceil(lowLog - 1e-9);
  const last = Math.floor(highLog + 1e-9);
  // At most about seven labels: an exploding trial can stretch a metric axis over 15 decades.
  const step = Math.max(1, Math.ceil((last - first + 1) / 7));
  const decades: number[] = [];
  for (let exponent = first; exponent <= last; exponent += step) decades.push(exponent);
  const tickvals = decades.length >= 2 ? decades : [...new Set([lowLog, (lowLog + highLog) / 2, highLog])];
  return { tickvals, ticktext: tickvals.map((tick) => tickLabel(Number((10 ** tick).toPrecision(2)))) };
}

/** Axis labels: plain numbers in the everyday range, 1e5 / 1e-6 outside it. */
function tickLabel(value: number): string {
  const size = Math.abs(value);
  return size >= 1e4 || (size > 0 && size < 1e-3) ? value.toExponential(1).replace(/\.0e/, 'e').replace('e+', 'e') : formatValue(value);
}

