// Text for `lossbook runs list | show | compare`: what a terminal shows. --json prints the
// records themselves (RunEntry, RunDetail, RunComparison); this is only for people.
import { basename } from 'node:path';
import { metricsForPeople, type RunComparison } from '../shared/runs/compare';
import { formatDiff } from '../shared/runs/line-diff';
import type { RunDetail, RunEntry } from '../shared/runs/model';
import { FIRST_METRICS, formatRunValue as formatValue } from '../shared/runs/table';

function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 16);
}

/** The params shown as columns: the usual hyperparameters first, then the most common others. */
const FIRST_PARAMS = ['learningRate', 'optimizer', 'batchSize', 'epochs', 'validationSplit'];

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatRunList(runs: readonly RunEntry[], storePath: string): string {
  if (!runs.length) return `No runs in ${storePath}.`;
  const paramCount = new Map<string, number>();
  for (const run of runs) for (const name of Object.keys(run.params)) paramCount.set(name, (paramCount.get(name) ?? 0) + 1);
  const params = [...FIRST_PARAMS.filter((name) => paramCount.has(name)), ...[...paramCount.entries()].filter(([name]) => !FIRST_PARAMS.includes(name) && (name === 'trial' || name === 'sweep' || runs.some((run) => run.origin === 'sweep' && name in run.params))).sort((a, b) => b[1] - a[1]).map(([name]) => name)].slice(0, 8);
  const metricNames = FIRST_METRICS.filter((name) => runs.some((run) => name in run.metrics));
  const header = ['#', 'started', 'status', 'origin', 'notebook', ...params, ...metricNames, 'verdict', 'tags'];
  const rows = runs.map((run) => [
    String(run.number),
    formatTime(run.createdAt),
    run.status,
    run.origin,
    run.notebook ? `${basename(run.notebook)}${run.cellIndex !== null ? `:${run.cellIndex}` : ''}` : '—',
    ...params.map((name) => formatValue(run.params[name])),
    ...metricNames.map((name) => formatValue(run.metrics[name]?.last)),
    run.verdict?.id ?? '',
    run.tags.join(','),
  ]);
  return `${table(header, rows)}\n${runs.length} run(s) in ${storePath}`;
}

export function formatRunDetail(run: RunDetail): string {
  const out: string[] = [];
  out.push(`Run #${run.number}  ${run.id}`);
  out.push(`  started   ${formatTime(run.createdAt)}  (${run.origin}${run.parentId ? `, trial of ${run.parentId}` : ''})`);
  out.push(`  notebook  ${run.notebook ?? '—'}${run.cellIndex !== null ? `, cell ${run.cellIndex}` : ''}`);
  out.push(`  status    ${run.status}${run.durationMs !== null ? ` in ${(run.durationMs / 1000).toFixed(2)} s` : ''}`);
  if (run.verdict) out.push(`  verdict   ${run.verdict.title} [${run.verdict.id}]`);
  if (run.tags.length) out.push(`  tags      ${run.tags.join(', ')}`);
  if (run.note) out.push(`  note      ${run.note}`);
  out.push('', 'Params');
  for (const [name, value] of Object.entries(run.params)) out.push(`  ${name.padEnd(22)} ${formatValue(value)}`);
  const metrics = Object.entries(run.metrics);
  if (metrics.length) {
    out.push('', 'Metrics (final, min, max, points)');
    for (const [name, summary] of metrics) out.push(`  ${name.padEnd(22)} ${formatValue(summary.last).padEnd(10)} ${formatValue(summary.min).padEnd(10)} ${formatValue(summary.max).padEnd(10)} ${summary.count}`);
  }
  if (run.config.model) out.push('', `Model  ${run.config.model.layers.map((layer) => `${layer.className}${layer.units !== undefined ? `(${layer.units}${layer.activation && layer.activation !== 'linear' ? `, ${layer.activation}` : ''})` : ''}`).join(' → ')}  ${run.config.model.totalParams} params, hash ${run.config.model.structuralHash.slice(0, 12)}`);
  if (run.memory) out.push(`Memory  tensors ${run.memory.before.numTensors} → ${run.memory.after.numTensors}, leaked ${run.memory.leaked.tensors}`);
  if (run.findings.length) {
    out.push('', 'Findings');
    for (const finding of run.findings) out.push(`  ${finding.severity.padEnd(8)} ${finding.id}: ${finding.evidence.summary}`);
  }
  out.push('', `Code (sha-256 ${run.sourceHash.slice(0, 12)}; code before it ${run.priorCodeHash.slice(0, 12)})`);
  out.push(...run.source.trimEnd().split('\n').map((line) => `  │ ${line}`));
  return out.join('\n');
}

const signed = (value: number | null) => (value === null ? '—' : `${value > 0 ? '+' : ''}${formatValue(value)}`);

export function formatComparison(comparison: RunComparison): string {
  const { a, b } = comparison;
  const out: string[] = [`Compare A = #${a.number} ${a.id} (${a.status}) with B = #${b.number} ${b.id} (${b.status})`];
  out.push('', `Configuration: ${comparison.config.length} difference(s), ${comparison.sameKeys} the same`);
  for (const difference of comparison.config) out.push(`  ${difference.key}: ${formatValue(difference.a)} → ${formatValue(difference.b)}`);
  out.push('', comparison.code.sourceChanged ? 'Code of the cell: changed' : 'Code of the cell: the same');
  if (comparison.code.sourceChanged) out.push(indent(formatDiff(comparison.code.source)));
  out.push(comparison.code.priorChanged ? 'Code that ran before it: changed' : 'Code that ran before it: the same');
  if (comparison.code.priorChanged) out.push(indent(formatDiff(comparison.code.prior)));
  out.push('', 'Metrics at matched steps (A → B, Δ)');
  if (!comparison.metrics.length) out.push('  no series in common');
  const { main, perLayer } = metricsForPeople(comparison);
  for (const metric of main) {
    const final = metric.final;
    out.push(`  ${metric.name}: ${metric.matchedSteps} matched step(s)${final ? `; at step ${final.step}: ${formatValue(final.a)} → ${formatValue(final.b)} (Δ ${signed(final.delta)})` : ''}`);
    const earlier = metric.points.slice(0, -1);
    if (earlier.length) out.push(`    ${earlier.map((point) => `step ${point.step}: Δ ${signed(point.delta)}`).join(', ')}`);
  }
  if (perLayer.length) out.push(`  and ${perLayer.length} per-layer series (${[...new Set(perLayer.map((metric) => metric.name.split('/')[0]))].join(', ')}): see --json`);
  if (comparison.onlyInA.length) out.push(`  only in A: ${comparison.onlyInA.join(', ')}`);
  if (comparison.onlyInB.length) out.push(`  only in B: ${comparison.onlyInB.join(', ')}`);
  out.push('', 'Findings');
  const { added, removed, kept } = comparison.findings;
  if (!added.length && !removed.length && !kept.length) out.push('  none in either run');
  for (const finding of added) out.push(`  + ${finding.severity} ${finding.id}: ${finding.evidence}`);
  for (const finding of removed) out.push(`  - ${finding.severity} ${finding.id}: ${finding.evidence}`);
  for (const finding of kept) out.push(`    ${finding.severity} ${finding.id} (in both)`);
  out.push('', `Verdict: ${a.verdict ?? 'none'} → ${b.verdict ?? 'none'}`);
  return out.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
