// `lossbook runs compare A B --html` (issue 20): two recorded runs side by side as ONE offline
// HTML file, in the notebook report's document (./document.ts: same CSP, inlined Plotly, styles)
// and with its findings and chart pieces. Every text from the runs goes through escapeHtml; code
// is shown as text, never as markup.
import { comparisonCharts, type ReportChart } from '../../shared/chart/report-chart';
import { OVERLAY_COLORS } from '../../shared/chart/runs-overlay';
import type { Finding } from '../../shared/protocol';
import { metricsForPeople, type MetricDelta, type RunComparison } from '../../shared/runs/compare';
import { shownLines, type DiffLine } from '../../shared/runs/line-diff';
import type { RunDetail, StoredSeries } from '../../shared/runs/model';
import { formatRunValue } from '../../shared/runs/table';
import { renderDocument } from './document';
import { renderFinding } from './findings';
import { escapeHtml, formatDuration, formatTimestamp } from './format';

export interface ComparisonReportInput {
  comparison: RunComparison;
  a: RunDetail;
  b: RunDetail;
  seriesA: readonly StoredSeries[];
  seriesB: readonly StoredSeries[];
  /** When the page was made (defaults to now); fixed in tests. */
  generatedAt?: Date;
}

/** Unchanged lines shown around each change of a code diff; longer unchanged stretches fold. */
export const DIFF_CONTEXT = 3;

const RUN_COLORS = [OVERLAY_COLORS[0]!, OVERLAY_COLORS[1]!] as const;

const value = (item: Parameters<typeof formatRunValue>[0]) => escapeHtml(formatRunValue(item));
const signed = (delta: number | null) => (delta === null ? '—' : `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${escapeHtml(formatRunValue(Math.abs(delta)))}`);

function runHeader(run: RunDetail, side: 'A' | 'B', color: string): string {
  const where = [run.notebook ? run.notebook : '', run.cellIndex !== null ? `cell ${run.cellIndex + 1}` : ''].filter(Boolean).join(' · ');
  return `<div class="compare-run" style="border-top-color:${color}">
  <h3><span class="side" style="color:${color}">${side}</span> Run #${run.number} <span class="status ${escapeHtml(run.status)}">${escapeHtml(run.status)}</span></h3>
  <dl class="facts">
    <dt>started</dt><dd>${escapeHtml(formatTimestamp(run.createdAt))}</dd>
    <dt>duration</dt><dd>${formatDuration(run.durationMs ?? undefined)}</dd>
    <dt>verdict</dt><dd>${run.verdict ? `${escapeHtml(run.verdict.title)} <code>${escapeHtml(run.verdict.id)}</code>` : 'none'}</dd>
    ${where ? `<dt>from</dt><dd>${escapeHtml(where)}</dd>` : ''}
    <dt>id</dt><dd><code>${escapeHtml(run.id)}</code></dd>
  </dl>
</div>`;
}

function renderConfig(comparison: RunComparison): string {
  const same = `<p class="muted">${comparison.config.length} difference${comparison.config.length === 1 ? '' : 's'}, ${comparison.sameKeys} key${comparison.sameKeys === 1 ? '' : 's'} the same.</p>`;
  if (!comparison.config.length) return same;
  const rows = comparison.config.map((difference) => `<tr><td><code>${escapeHtml(difference.key)}</code></td><td>${value(difference.a)}</td><td>${value(difference.b)}</td></tr>`).join('');
  return `${same}<table class="config-diff"><thead><tr><th>key</th><th>A</th><th>B</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A side-by-side diff: unchanged lines on both sides, a change as its removed lines (A) next to
 * its added lines (B), stretches of more than 2 × DIFF_CONTEXT unchanged lines folded to one row.
 */
export function renderDiff(lines: readonly DiffLine[]): string {
  const shown = new Set(shownLines(lines, DIFF_CONTEXT));
  const rows: string[] = [];
  const cell = (number: number | '', text: string | undefined, kind: string) =>
    text === undefined ? '<td class="ln"></td><td class="code empty"></td>' : `<td class="ln">${number}</td><td class="code ${kind}">${escapeHtml(text) || ' '}</td>`;
  let lineA = 0;
  let lineB = 0;
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.kind === 'same') {
      if (shown.has(index)) rows.push(`<tr class="same">${cell(++lineA, line.text, 'same')}${cell(++lineB, line.text, 'same')}</tr>`);
      else {
        let end = index;
        while (end < lines.length && !shown.has(end)) end++;
        rows.push(`<tr class="fold"><td colspan="4">⋯ ${end - index} unchanged line${end - index === 1 ? '' : 's'}</td></tr>`);
        lineA += end - index;
        lineB += end - index;
        index = end;
        continue;
      }
      index++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (index < lines.length && lines[index]!.kind !== 'same') {
      const change = lines[index++]!;
      (change.kind === 'removed' ? removed : added).push(change.text);
    }
    for (let row = 0; row < Math.max(removed.length, added.length); row++) {
      const left = removed[row] === undefined ? cell('', undefined, '') : cell(++lineA, removed[row], 'removed');
      const right = added[row] === undefined ? cell('', undefined, '') : cell(++lineB, added[row], 'added');
      rows.push(`<tr class="change">${left}${right}</tr>`);
    }
  }
  return `<div class="table-scroll"><table class="diff"><colgroup><col class="ln"><col><col class="ln"><col></colgroup><thead><tr><th colspan="2">A</th><th colspan="2">B</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function renderCode(title: string, changed: boolean, lines: readonly DiffLine[]): string {
  if (!changed) {
    const text = lines.map((line) => line.text).join('\n');
    if (!text.trim()) return `<h4>${title}</h4><p class="muted">None in either run.</p>`;
    return `<h4>${title}</h4><details class="code-same"><summary>the same in both runs (${lines.length} line${lines.length === 1 ? '' : 's'})</summary><pre class="code"><code>${escapeHtml(text)}</code></pre></details>`;
  }
  return `<h4>${title} <span class="changed">changed</span></h4>${renderDiff(lines)}`;
}

function renderMetric(metric: MetricDelta): string {
  const final = metric.final;
  const earlier = metric.points.slice(0, -1);
  const steps = earlier.length ? `<details class="steps"><summary>at ${earlier.length} earlier step${earlier.length === 1 ? '' : 's'}</summary><table class="deltas"><thead><tr><th>step</th><th>A</th><th>B</th><th>Δ</th></tr></thead><tbody>${earlier.map((point) => `<tr><td>${point.step}</td><td>${value(point.a)}</td><td>${value(point.b)}</td><td>${signed(point.delta)}</td></tr>`).join('')}</tbody></table></details>` : '';
  return `<tr data-metric="${escapeHtml(metric.name)}"><td><code>${escapeHtml(metric.name)}</code></td><td>${metric.matchedSteps}</td><td>${final ? final.step : '—'}</td><td>${value(final?.a)}</td><td>${value(final?.b)}</td><td class="delta">${signed(final?.delta ?? null)}</td><td>${steps}</td></tr>`;
}

function renderMetrics(comparison: RunComparison): string {
  const { main, perLayer } = metricsForPeople(comparison);
  const only = [comparison.onlyInA.length ? `only in A: ${comparison.onlyInA.join(', ')}` : '', comparison.onlyInB.length ? `only in B: ${comparison.onlyInB.join(', ')}` : ''].filter(Boolean);
  const table = main.length
    ? `<table class="metric-deltas"><thead><tr><th>series</th><th>matched steps</th><th>last matched step</th><th>A</th><th>B</th><th>Δ (B − A)</th><th></th></tr></thead><tbody>${main.map(renderMetric).join('')}</tbody></table>`
    : '<p class="muted">No series in common.</p>';
  const layers = perLayer.length ? `<p class="muted">And ${perLayer.length} per-layer series (${escapeHtml([...new Set(perLayer.map((metric) => metric.name.split('/')[0]))].join(', '))}): <code>lossbook runs compare --json</code> has them.</p>` : '';
  return `${table}${layers}${only.map((line) => `<p class="muted">${escapeHtml(line)}</p>`).join('')}`;
}

function renderFindings(comparison: RunComparison, a: RunDetail, b: RunDetail): string {
  // The whole finding (evidence, why, fix) from the run that has it; one per id.
  const full = (run: RunDetail, ids: ReadonlyArray<{ id: string }>): Finding[] => ids.map(({ id }) => run.findings.find((finding) => finding.id === id)).filter((finding): finding is Finding => finding !== undefined);
  const { added, removed, kept } = comparison.findings;
  if (!added.length && !removed.length && !kept.length) return '<p class="muted">No findings in either run.</p>';
  const group = (title: string, findings: Finding[], kind: string) =>
    `<h4>${title} (${findings.length})</h4>${findings.length ? `<div class="findings-${kind}">${findings.map((finding) => renderFinding(finding, false)).join('')}</div>` : '<p class="muted">None.</p>'}`;
  return `${group('Appeared in B', full(b, added), 'appeared')}${group('Gone in B', full(a, removed), 'gone')}${
    kept.length ? `<h4>In both (${kept.length})</h4><ul class="findings-kept">${kept.map((finding) => `<li><span class="badge ${finding.severity}">${finding.severity}</span>${escapeHtml(finding.title)} <code>${escapeHtml(finding.id)}</code></li>`).join('')}</ul>` : ''
  }`;
}

/** The comparison page: headers, configuration, code, metric deltas, findings, overlaid curves. */
export function renderComparisonReport({ comparison, a, b, seriesA, seriesB, generatedAt = new Date() }: ComparisonReportInput): string {
  const withEpochs = (series: readonly StoredSeries[]) => series.map((entry) => ({ name: entry.name, steps: entry.steps, values: entry.values, epochs: [] }));
  const charts: ReportChart[] = comparisonCharts(
    [
      { label: `A #${a.number}`, color: RUN_COLORS[0], series: withEpochs(seriesA) },
      { label: `B #${b.number}`, color: RUN_COLORS[1], series: withEpochs(seriesB) },
    ],
    'compare',
  );
  const body = `<section class="compare-runs" aria-label="The two runs">${runHeader(a, 'A', RUN_COLORS[0])}${runHeader(b, 'B', RUN_COLORS[1])}</section>
<p class="verdict-line">Verdict: ${escapeHtml(comparison.a.verdict ?? 'none')} → ${escapeHtml(comparison.b.verdict ?? 'none')}</p>
<section aria-label="Curves"><h2>Curves</h2>${
    charts.length ? `<div class="charts">${charts.map((chart) => `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)} of both runs"></div>`).join('')}</div>` : '<p class="muted">The runs have no series in common to draw.</p>'
  }</section>
<section aria-label="Configuration"><h2>Configuration</h2>${renderConfig(comparison)}</section>
<section aria-label="Code"><h2>Code</h2>${renderCode('The cell', comparison.code.sourceChanged, comparison.code.source)}${renderCode('The code that ran before it', comparison.code.priorChanged, comparison.code.prior)}</section>
<section aria-label="Metrics"><h2>Metrics at matched steps</h2>${renderMetrics(comparison)}</section>
<section aria-label="Findings"><h2>Findings</h2>${renderFindings(comparison, a, b)}</section>`;
  return renderDocument({
    title: `Run #${a.number} vs #${b.number}`,
    subtitle: `Lossbook run comparison · ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    body,
    charts,
  });
}
