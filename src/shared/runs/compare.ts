// What changed between two runs (issue 20): configuration, code, metrics at matched steps, and
// the findings that appeared or went away. One comparison for `lossbook runs compare`, its
// --json and the app's Compare view.
import type { Finding, Severity } from '../protocol';
import { diffLines, type DiffLine } from './line-diff';
import type { RunDetail, RunParamValue, StoredSeries } from './model';
import { FIRST_METRICS } from './table';

export interface ConfigDifference {
  key: string;
  a: RunParamValue;
  b: RunParamValue;
}

export interface MetricDelta {
  name: string;
  /** Steps both runs recorded. */
  matchedSteps: number;
  /** Up to MAX_DELTA_POINTS matched steps, evenly spread, always with the last. */
  points: Array<{ step: number; a: number | null; b: number | null; delta: number | null }>;
  final: { step: number; a: number | null; b: number | null; delta: number | null } | null;
}

export interface FindingBrief {
  id: string;
  severity: Severity;
  title: string;
  evidence: string;
}

export interface RunComparison {
  a: { id: string; number: number; createdAt: number; status: string; verdict: string | null };
  b: { id: string; number: number; createdAt: number; status: string; verdict: string | null };
  /** Keys whose values differ (params first, then the rest of the configuration); `sameKeys` counts the others. */
  config: ConfigDifference[];
  sameKeys: number;
  code: {
    sourceChanged: boolean;
    source: DiffLine[];
    /** The code that ran before the cell in each kernel session. */
    priorChanged: boolean;
    prior: DiffLine[];
  };
  metrics: MetricDelta[];
  /** Series only one of the runs has. */
  onlyInA: string[];
  onlyInB: string[];
  findings: { added: FindingBrief[]; removed: FindingBrief[]; kept: FindingBrief[] };
}

export const MAX_DELTA_POINTS = 10;

/** Flatten nested config into `path → value` ("model.layers[1].units" → 1). */
export function flattenConfig(value: unknown, prefix = '', out: Record<string, RunParamValue> = {}): Record<string, RunParamValue> {
  if (value === null || typeof value !== 'object') {
    if (prefix) out[prefix] = value === undefined ? null : (value as RunParamValue);
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) out[prefix] = `[${value.join(', ')}]`;
    else value.forEach((item, index) => flattenConfig(item, `${prefix}[${index}]`, out));
    return out;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) flattenConfig(item, prefix ? `${prefix}.${key}` : key, out);
  return out;
}

function configOf(run: RunDetail): Record<string, RunParamValue> {
  return { ...Object.fromEntries(Object.entries(run.params).map(([key, value]) => [`params.${key}`, value])), ...flattenConfig(run.config, 'config') };
}

function brief(finding: Finding): FindingBrief {
  return { id: finding.id, severity: finding.severity, title: finding.title, evidence: finding.evidence.summary };
}

const delta = (a: number | null, b: number | null) => (a !== null && b !== null ? b - a : null);

function metricDelta(name: string, a: StoredSeries, b: StoredSeries): MetricDelta {
  const bByStep = new Map(b.steps.map((step, index) => [step, b.values[index] ?? null]));
  const matched: Array<{ step: number; a: number | null; b: number | null; delta: number | null }> = [];
  a.steps.forEach((step, index) => {
    if (!bByStep.has(step)) return;
    const valueA = a.values[index] ?? null;
    const valueB = bByStep.get(step)!;
    matched.push({ step, a: valueA, b: valueB, delta: delta(valueA, valueB) });
  });
  const stride = Math.max(1, Math.ceil(matched.length / MAX_DELTA_POINTS));
  const points = matched.filter((_, index) => index % stride === 0 && index !== matched.length - 1);
  if (matched.length) points.push(matched.at(-1)!);
  return { name, matchedSteps: matched.length, points: points.slice(-MAX_DELTA_POINTS), final: matched.at(-1) ?? null };
}

export function compareRuns(a: RunDetail, b: RunDetail, seriesA: readonly StoredSeries[], seriesB: readonly StoredSeries[]): RunComparison {
  const configA = configOf(a);
  const configB = configOf(b);
  const keys = [...new Set([...Object.keys(configA), ...Object.keys(configB)])];
  const config = keys.filter((key) => !Object.is(configA[key] ?? null, configB[key] ?? null)).map((key) => ({ key, a: configA[key] ?? null, b: configB[key] ?? null }));
  const byNameB = new Map(seriesB.map((series) => [series.name, series]));
  const namesA = new Set(seriesA.map((series) => series.name));
  const keysA = new Set(a.findings.map((finding) => finding.id));
  const keysB = new Set(b.findings.map((finding) => finding.id));
  const unique = (findings: Finding[]) => [...new Map(findings.map((finding) => [finding.id, brief(finding)])).values()];
  const head = (run: RunDetail) => ({ id: run.id, number: run.number, createdAt: run.createdAt, status: run.status, verdict: run.verdict?.title ?? null });
  return {
    a: head(a),
    b: head(b),
    config,
    sameKeys: keys.length - config.length,
    code: { sourceChanged: a.sourceHash !== b.sourceHash, source: diffLines(a.source, b.source), priorChanged: a.priorCodeHash !== b.priorCodeHash, prior: diffLines(a.priorCode, b.priorCode) },
    metrics: seriesA.filter((series) => byNameB.has(series.name)).map((series) => metricDelta(series.name, series, byNameB.get(series.name)!)),
    onlyInA: seriesA.filter((series) => !byNameB.has(series.name)).map((series) => series.name),
    onlyInB: seriesB.filter((series) => !namesA.has(series.name)).map((series) => series.name),
    findings: {
      added: unique(b.findings.filter((finding) => !keysA.has(finding.id))),
      removed: unique(a.findings.filter((finding) => !keysB.has(finding.id))),
      kept: unique(b.findings.filter((finding) => keysA.has(finding.id))),
    },
  };
}

/**
 * The metric deltas in the order people read them (loss, val_loss, acc, val_acc, then the rest by
 * name), the per-layer series (grad_norm/<layer>, …) apart: they are many, --json has them all.
 */
export function metricsForPeople(comparison: { metrics: readonly MetricDelta[] }): { main: MetricDelta[]; perLayer: MetricDelta[] } {
  const rank = (name: string) => (FIRST_METRICS.includes(name) ? FIRST_METRICS.indexOf(name) : name.includes('/') ? 100 : 50);
  const ordered = [...comparison.metrics].sort((x, y) => rank(x.name) - rank(y.name) || x.name.localeCompare(y.name));
  return { main: ordered.filter((metric) => !metric.name.includes('/')), perLayer: ordered.filter((metric) => metric.name.includes('/')) };
}
