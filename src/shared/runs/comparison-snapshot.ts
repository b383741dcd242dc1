// A comparison of two recorded runs as a notebook keeps it (issue 20; format version 2): the
// RunComparison plus what its page shows — both runs' headers, the whole findings that appeared
// or went, the curves the comparison chart draws — bounded by COMPARISON_LIMITS so one
// comparison stays small. Made here, in shared code, by `lossbook runs compare --into` and by
// the app's Compare view alike; the standalone page (`--html`) renders the same shape, unbounded.
import { comparisonChartGroups, chartGroup } from '../chart/report-chart';
import { COMPARISON_LIMITS, newId, type ComparedRunHeader, type RunComparisonSnapshot, type Series } from '../notebook/model';
import type { Finding } from '../protocol';
import { decimateMinMax } from '../series/decimate';
import type { RunComparison } from './compare';
import { foldDiff, type DiffLine, type ShownDiffLine } from './line-diff';
import type { RunDetail, RunParamValue, StoredSeries } from './model';

export interface ComparisonSource {
  comparison: RunComparison;
  a: RunDetail;
  b: RunDetail;
  seriesA: readonly StoredSeries[];
  seriesB: readonly StoredSeries[];
}

export interface SnapshotLimits {
  seriesPoints: number;
  diffRows: number;
  lineChars: number;
  configKeys: number;
  metrics: number;
  findings: number;
}

/** No bound at all: what the standalone comparison page (`runs compare --html`) shows. */
export const UNBOUNDED: SnapshotLimits = { seriesPoints: Infinity, diffRows: Infinity, lineChars: Infinity, configKeys: Infinity, metrics: Infinity, findings: Infinity };

function header(run: RunDetail): ComparedRunHeader {
  return { id: run.id, number: run.number, createdAt: run.createdAt, durationMs: run.durationMs, status: run.status, verdict: run.verdict ? { id: run.verdict.id, title: run.verdict.title } : null, notebook: run.notebook, cellId: run.cellId, cellIndex: run.cellIndex };
}

/** JSON has no NaN or Infinity, and the notebook's schema takes finite numbers only. */
const finite = (value: number | null | undefined): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : value);
const param = (value: RunParamValue, limits: SnapshotLimits): RunParamValue => (typeof value === 'number' ? finite(value) : typeof value === 'string' ? cut(value, limits.lineChars) : value);
const cut = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/**
 * A code diff as kept: folded around its changes (or, when the code did not change, the lines
 * as they are), at most `diffRows` rows of at most `lineChars` characters; the rows past the
 * bound become one `omitted` count.
 */
export function boundDiff(lines: readonly DiffLine[], changed: boolean, limits: Pick<SnapshotLimits, 'diffRows' | 'lineChars'>): ShownDiffLine[] {
  const rows = changed ? foldDiff(lines) : [...lines];
  const kept = rows.slice(0, limits.diffRows).map((row) => ('text' in row ? { kind: row.kind, text: cut(row.text, limits.lineChars) } : row));
  const omitted = rows.slice(limits.diffRows).reduce((total, row) => total + ('count' in row ? row.count : 1), 0);
  return omitted ? [...kept, { kind: 'omitted', count: omitted }] : kept;
}

/** The curves the comparison chart draws, each min/max-decimated to at most `points` points. */
function curves(series: readonly StoredSeries[], groups: ReadonlySet<string>, points: number): Series[] {
  // Min/max decimation keeps up to 5 points per bucket (first, min, max, gap, last).
  const buckets = Math.max(1, Math.floor(points / 5));
  return series
    .filter((entry) => groups.has(chartGroup(entry.name)))
    .map((entry) => {
      const { x, y } = Number.isFinite(points) ? decimateMinMax(entry.steps, entry.values, { buckets }) : { x: entry.steps, y: entry.values.map(finite) };
      return { name: entry.name, steps: x, values: y, epochs: [] };
    });
}

/** The whole findings with these ids, from the run that has them (one per id). */
function findingsOf(run: RunDetail, ids: ReadonlyArray<{ id: string }>): Finding[] {
  return ids.map(({ id }) => run.findings.find((finding) => finding.id === id)).filter((finding): finding is Finding => finding !== undefined);
}

export function comparisonSnapshot(source: ComparisonSource, options: { limits?: SnapshotLimits; id?: string; addedAt?: Date } = {}): RunComparisonSnapshot {
  const limits = options.limits ?? COMPARISON_LIMITS;
  const { comparison, a, b } = source;
  const groups = new Set(comparisonChartGroups([{ series: source.seriesA.map(asSeries) }, { series: source.seriesB.map(asSeries) }]));
  const { added, removed, kept } = comparison.findings;
  const briefs = (list: typeof added) => list.slice(0, limits.findings);
  return {
    id: options.id ?? newId('comparison'),
    addedAt: (options.addedAt ?? new Date()).toISOString(),
    runs: { a: header(a), b: header(b) },
    comparison: {
      config: comparison.config.slice(0, limits.configKeys).map((difference) => ({ key: difference.key, a: param(difference.a, limits), b: param(difference.b, limits) })),
      configOmitted: Math.max(0, comparison.config.length - limits.configKeys),
      sameKeys: comparison.sameKeys,
      code: {
        sourceChanged: comparison.code.sourceChanged,
        source: boundDiff(comparison.code.source, comparison.code.sourceChanged, limits),
        priorChanged: comparison.code.priorChanged,
        prior: boundDiff(comparison.code.prior, comparison.code.priorChanged, limits),
      },
      metrics: comparison.metrics.slice(0, limits.metrics).map((metric) => {
        const point = (entry: { step: number; a: number | null; b: number | null; delta: number | null }) => ({ step: entry.step, a: finite(entry.a), b: finite(entry.b), delta: finite(entry.delta) });
        // Per-layer series are many: the page counts them and shows none of their steps, so only their final delta is kept.
        return { name: metric.name, matchedSteps: metric.matchedSteps, points: metric.name.includes('/') ? [] : metric.points.map(point), final: metric.final ? point(metric.final) : null };
      }),
      onlyInA: comparison.onlyInA.slice(0, limits.metrics),
      onlyInB: comparison.onlyInB.slice(0, limits.metrics),
      findings: { added: briefs(added), removed: briefs(removed), kept: briefs(kept) },
    },
    findingDetails: { added: findingsOf(b, added).slice(0, limits.findings), removed: findingsOf(a, removed).slice(0, limits.findings) },
    curves: { a: curves(source.seriesA, groups, limits.seriesPoints), b: curves(source.seriesB, groups, limits.seriesPoints) },
  };
}

function asSeries(series: StoredSeries): Series {
  return { name: series.name, steps: series.steps, values: series.values, epochs: [] };
}
