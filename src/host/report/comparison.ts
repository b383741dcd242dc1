// A comparison of two recorded runs in HTML (issue 20), in two places: the standalone page of
// `lossbook runs compare A B --html` (one offline file in the notebook report's document,
// ./document.ts: same CSP, inlined Plotly, styles) and the "Comparisons" section of a notebook's
// report (report.ts), one per comparison the notebook keeps. Both draw a RunComparisonSnapshot
// with the same section renderer; the page's snapshot is unbounded. Every text from the runs
// goes through escapeHtml; code is shown as text, never as markup.
import { comparisonCharts, type ReportChart } from '../../shared/chart/report-chart';
import { OVERLAY_COLORS } from '../../shared/chart/runs-overlay';
import type { ComparedRunHeader, RunComparisonSnapshot } from '../../shared/notebook/model';
import { metricsForPeople, type MetricDelta } from '../../shared/runs/compare';
import { comparisonSnapshot, UNBOUNDED, type ComparisonSource } from '../../shared/runs/comparison-snapshot';
import { diffLineCount, foldDiff, type ShownDiffLine } from '../../shared/runs/line-diff';
import { formatRunValue } from '../../shared/runs/table';
import { renderDocument } from './document';
import { renderFinding } from './findings';
import { escapeHtml, formatDuration, formatTimestamp } from './format';

export { DIFF_CONTEXT } from '../../shared/runs/line-diff';

export interface ComparisonReportInput extends ComparisonSource {
  /** When the page was made (defaults to now); fixed in tests. */
  generatedAt?: Date;
}

/**
 * Heading levels: the page's sections are h2 (its run cards h3, their parts h4); in a notebook's
 * report each comparison is an h3 under "Comparisons", so its sections are h4, cards h5, parts h6.
 */
type Level = 2 | 4;
const heading = (level: number, inner: string) => `<h${level}>${inner}</h${level}>`;

const RUN_COLORS = [OVERLAY_COLORS[0]!, OVERLAY_COLORS[1]!] as const;

const value = (item: Parameters<typeof formatRunValue>[0]) => escapeHtml(formatRunValue(item));
const signed = (delta: number | null) => (delta === null ? '—' : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${escapeHtml(formatRunValue(Math.abs(delta)))}`);

function runHeader(run: ComparedRunHeader, side: 'A' | 'B', color: string, level: Level): string {
  const where = [run.notebook ? run.notebook : '', run.cellIndex !== null ? `cell ${run.cellIndex + 1}` : ''].filter(Boolean).join(' · ');
  return `<div class="compare-run" style="border-top-color:${color}">
  ${heading(level + 1, `<span class="side" style="color:${color}">${side}</span> Run #${run.number} <span class="status ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span>`)}
  <dl class="facts">
    <dt>started</dt><dd>${escapeHtml(formatTimestamp(run.createdAt))}</dd>
    <dt>duration</dt><dd>${formatDuration(run.durationMs ?? undefined)}</dd>
    <dt>verdict</dt><dd>${run.verdict ? `${escapeHtml(run.verdict.title)} <code>${escapeHtml(run.verdict.id)}</code>` : 'none'}</dd>
    ${where ? `<dt>from</dt><dd>${escapeHtml(where)}</dd>` : ''}
    <dt>id</dt><dd><code>${escapeHtml(run.id)}</code></dd>
  </dl>
</div>`;
}

type SnapshotComparison = RunComparisonSnapshot['comparison'];

function renderConfig(comparison: SnapshotComparison): string {
  const differences = comparison.config.length + comparison.configOmitted;
  const same = `<p class="muted">${differences} difference${differences === 1 ? '' : 's'}, ${comparison.sameKeys} key${comparison.sameKeys === 1 ? '' : 's'} the same.</p>`;
  if (!comparison.config.length) return same;
  const rows = comparison.config.map((difference) => `<tr><td><code>${escapeHtml(difference.key)}</code></td><td>${value(difference.a)}</td><td>${value(difference.b)}</td></tr>`).join('');
  const omitted = comparison.configOmitted ? `<p class="muted">And ${comparison.configOmitted} more differences, not kept in the notebook.</p>` : '';
  return `${same}<table class="config-diff"><thead><tr><th>key</th><th>A</th><th>B</th></tr></thead><tbody>${rows}</tbody></table>${omitted}`;
}

/**
 * A side-by-side diff: unchanged lines on both sides, a change as its removed lines (A) next to
 * its added lines (B), stretches of more than 2 × DIFF_CONTEXT unchanged lines folded to one row
 * (foldDiff), and the rows a notebook's snapshot did not keep as one row saying so.
 */
export function renderDiff(lines: readonly ShownDiffLine[]): string {
  const folded = foldDiff(lines);
  const rows: string[] = [];
  const cell = (number: number | '', text: string | undefined, kind: string) =>
    text === undefined ? '<td class="ln"></td><td class="code empty"></td>' : `<td class="ln">${number}</td><td class="code ${kind}">${escapeHtml(text) || ' '}</td>`;
  const plural = (count: number) => `${count} unchanged line${count === 1 ? '' : 's'}`;
  let lineA = 0;
  let lineB = 0;
  let index = 0;
  while (index < folded.length) {
    const line = folded[index]!;
    if (line.kind === 'same') rows.push(`<tr class="same">${cell(++lineA, line.text, 'same')}${cell(++lineB, line.text, 'same')}</tr>`);
    else if (line.kind === 'folded') {
      rows.push(`<tr class="fold"><td colspan="4">⋯ ${plural(line.count)}</td></tr>`);
      lineA += line.count;
      lineB += line.count;
    } else if (line.kind === 'omitted') rows.push(`<tr class="fold omitted"><td colspan="4">⋯ ${line.count} more line${line.count === 1 ? '' : 's'} of the diff, not kept in the notebook</td></tr>`);
    if (line.kind !== 'added' && line.kind !== 'removed') {
      index++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    for (let change = folded[index]; change && (change.kind === 'added' || change.kind === 'removed'); change = folded[++index]) (change.kind === 'removed' ? removed : added).push(change.text);
    for (let row = 0; row < Math.max(removed.length, added.length); row++) {
      const left = removed[row] === undefined ? cell('', undefined, '') : cell(++lineA, removed[row], 'removed');
      const right = added[row] === undefined ? cell('', undefined, '') : cell(++lineB, added[row], 'added');
      rows.push(`<tr class="change">${left}${right}</tr>`);
    }
  }
  return `<div class="table-scroll"><table class="diff"><colgroup><col class="ln"><col><col class="ln"><col></colgroup><thead><tr><th colspan="2">A</th><th colspan="2">B</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function renderCode(title: string, changed: boolean, lines: readonly ShownDiffLine[], level: Level): string {
  if (!changed) {
    const text = lines.map((line) => ('text' in line ? line.text : `⋯ ${line.count} more line${line.count === 1 ? '' : 's'}, not kept in the notebook`)).join('\n');
    if (!text.trim()) return `${heading(level + 2, title)}<p class="muted">None in either run.</p>`;
    const count = diffLineCount(lines);
    return `${heading(level + 2, title)}<details class="code-same"><summary>the same in both runs (${count} line${count === 1 ? '' : 's'})</summary><pre class="code"><code>${escapeHtml(text)}</code></pre></details>`;
  }
  return `${heading(level + 2, `${title} <span class="changed">changed</span>`)}${renderDiff(lines)}`;
}

function renderMetric(metric: MetricDelta): string {
  const final = metric.final;
  const earlier = metric.points.slice(0, -1);
  const steps = earlier.length ? `<details class="steps"><summary>at ${earlier.length} earlier step${earlier.length === 1 ? '' : 's'}</summary><table class="deltas"><thead><tr><th>step</th><th>A</th><th>B</th><th>Δ</th></tr></thead><tbody>${earlier.map((point) => `<tr><td>${point.step}</td><td>${value(point.a)}</td><td>${value(point.b)}</td><td>${signed(point.delta)}</td></tr>`).join('')}</tbody></table></details>` : '';
  return `<tr data-metric="${escapeHtml(metric.name)}"><td><code>${escapeHtml(metric.name)}</code></td><td>${metric.matchedSteps}</td><td>${final ? final.step : '—'}</td><td>${value(final?.a)}</td><td>${value(final?.b)}</td><td class="delta">${signed(final?.delta ?? null)}</td><td>${steps}</td></tr>`;
}

function renderMetrics(comparison: SnapshotComparison): string {
  const { main, perLayer } = metricsForPeople(comparison);
  const only = [comparison.onlyInA.length ? `only in A: ${comparison.onlyInA.join(', ')}` : '', comparison.onlyInB.length ? `only in B: ${comparison.onlyInB.join(', ')}` : ''].filter(Boolean);
  const table = main.length
    ? `<table class="metric-deltas"><thead><tr><th>series</th><th>matched steps</th><th>last matched step</th><th>A</th><th>B</th><th>Δ (B − A)</th><th></th></tr></thead><tbody>${main.map(renderMetric).join('')}</tbody></table>`
    : '<p class="muted">No series in common.</p>';
  const layers = perLayer.length ? `<p class="muted">And ${perLayer.length} per-layer series (${escapeHtml([...new Set(perLayer.map((metric) => metric.name.split('/')[0]))].join(', '))}): <code>lossbook runs compare --json</code> has them.</p>` : '';
  return `${table}${layers}${only.map((line) => `<p class="muted">${escapeHtml(line)}</p>`).join('')}`;
}

function renderFindings({ comparison, findingDetails }: RunComparisonSnapshot, level: Level): string {
  const { kept } = comparison.findings;
  if (!findingDetails.added.length && !findingDetails.removed.length && !kept.length) return '<p class="muted">No findings in either run.</p>';
  const group = (title: string, findings: RunComparisonSnapshot['findingDetails']['added'], kind: string) =>
    `${heading(level + 2, `${title} (${findings.length})`)}${findings.length ? `<div class="findings-${kind}">${findings.map((finding) => renderFinding(finding, false)).join('')}</div>` : '<p class="muted">None.</p>'}`;
  return `${group('Appeared in B', findingDetails.added, 'appeared')}${group('Gone in B', findingDetails.removed, 'gone')}${
    kept.length ? `${heading(level + 2, `In both (${kept.length})`)}<ul class="findings-kept">${kept.map((finding) => `<li><span class="badge ${finding.severity}">${finding.severity}</span>${escapeHtml(finding.title)} <code>${escapeHtml(finding.id)}</code></li>`).join('')}</ul>` : ''
  }`;
}

/**
 * One comparison's content: headers, verdict, curves, configuration, code, metric deltas and
 * findings. Its charts (ids under `idPrefix`, unique in the page) are returned for the document.
 */
export function renderComparisonSection(snapshot: RunComparisonSnapshot, idPrefix: string, level: Level): { html: string; charts: ReportChart[] } {
  const { runs, comparison } = snapshot;
  const charts: ReportChart[] = comparisonCharts(
    [
      { label: `A #${runs.a.number}`, color: RUN_COLORS[0], series: snapshot.curves.a },
      { label: `B #${runs.b.number}`, color: RUN_COLORS[1], series: snapshot.curves.b },
    ],
    idPrefix,
  );
  const section = (label: string, title: string, content: string) => `<section aria-label="${label}">${heading(level, title)}${content}</section>`;
  const html = `<section class="compare-runs" aria-label="The two runs">${runHeader(runs.a, 'A', RUN_COLORS[0], level)}${runHeader(runs.b, 'B', RUN_COLORS[1], level)}</section>
<p class="verdict-line">Verdict: ${escapeHtml(runs.a.verdict?.title ?? 'none')} → ${escapeHtml(runs.b.verdict?.title ?? 'none')}</p>
${section('Curves', 'Curves', charts.length ? `<div class="charts">${charts.map((chart) => `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)} of both runs"></div>`).join('')}</div>` : '<p class="muted">The runs have no series in common to draw.</p>')}
${section('Configuration', 'Configuration', renderConfig(comparison))}
${section('Code', 'Code', `${renderCode('The cell', comparison.code.sourceChanged, comparison.code.source, level)}${renderCode('The code that ran before it', comparison.code.priorChanged, comparison.code.prior, level)}`)}
${section('Metrics', 'Metrics at matched steps', renderMetrics(comparison))}
${section('Findings', 'Findings', renderFindings(snapshot, level))}`;
  return { html, charts };
}

/** The comparison page: one comparison, unbounded, in the report's document. */
export function renderComparisonReport({ generatedAt = new Date(), ...source }: ComparisonReportInput): string {
  const { html, charts } = renderComparisonSection(comparisonSnapshot(source, { limits: UNBOUNDED, id: 'compare', addedAt: generatedAt }), 'compare', 2);
  return renderDocument({
    title: `Run #${source.a.number} vs #${source.b.number}`,
    subtitle: `Lossbook run comparison · ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    body: html,
    charts,
  });
}
