// Finding markers on training charts: where a finding goes on the step axis and the dotted
// vertical line that marks it, for the app's live charts and the report's alike.
import type { RunRecord } from '../notebook/model';
import type { Finding } from '../protocol';

/** A finding placed on a chart: plain data (the report keeps it beside the figure it draws). */
export interface ChartMarker {
  step: number;
  label: string;
  severity: Finding['severity'];
}

/** The last step recorded in an epoch (epochs are 0-based, as tfjs reports them). */
export function stepOfEpoch(run: RunRecord, epoch: number): number | undefined {
  for (const series of run.series) {
    if (series.epochs.length !== series.steps.length) continue;
    let found: number | undefined;
    for (let index = 0; index < series.epochs.length; index++) if (series.epochs[index] === epoch) found = series.steps[index];
    if (found !== undefined) return found;
  }
  const perEpoch = run.progress?.batchesPerEpoch;
  return perEpoch ? (epoch + 1) * perEpoch - 1 : undefined;
}

/**
 * Where the live chart marks a finding: where it was first seen; a trend finding knows only its
 * epoch, so it is marked at that epoch's last step. Undefined: the finding has no place in time.
 */
export function firstSeenStep(finding: Finding, run: RunRecord): number | undefined {
  return finding.firstStep ?? finding.step ?? (finding.epoch !== undefined ? stepOfEpoch(run, finding.epoch) : undefined);
}

/** A dotted vertical line across the plot at x (a Plotly shape). */
export function markerLine(x: number, color: string, width: number): Record<string, unknown> {
  return { type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color, width, dash: 'dot' } };
}
