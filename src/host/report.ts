// The HTML report (issue 7): ONE self-contained file a user can mail to a colleague. No network
// request at all — Plotly is inlined from node_modules, styles are inline, images only data: —
// and safe to open: markdown and HTML outputs are sanitized (shared/markdown.ts, the app's policy
// too), everything else is escaped text, and a Content-Security-Policy meta tag allows only the
// two inline scripts the report itself ships (by their sha256), so even a sanitizer miss cannot
// run script. The empty data: icon keeps browsers from asking a web server for /favicon.ico when
// the report is hosted. This file lays out the document and decides what is dismissed; the
// sections are drawn in ./report/, the charts built in shared/chart.
import { reportCharts, type ReportChart } from '../shared/chart/report-chart';
import { activeFindings, dismissedFindings } from '../shared/diagnosis/findings-policy';
import { SEVERITIES } from '../shared/diagnosis/severity';
import { diagnose } from '../shared/diagnosis/verdict';
import { renderMarkdown } from '../shared/markdown';
import type { Cell, Notebook, RunComparisonSnapshot, RunRecord } from '../shared/notebook/model';
import { sweepViews } from '../shared/sweep/view-model';
import { renderComparisonSection } from './report/comparison';
import { renderEnvironment } from './report/environment';
import { renderDiagnosis, renderFinding, renderMemory } from './report/findings';
import { escapeHtml, formatDuration, formatNumber, formatTimestamp, highlight } from './report/format';
import { renderArtifact, renderOutput } from './report/outputs';
import { renderDocument } from './report/document';
import { renderSweep, type ReportFigure } from './report/sweep';

export { escapeHtml, formatTimestamp } from './report/format';
export { renderMarkdown, sanitizeNotebookHtml as sanitize } from '../shared/markdown';

export interface ReportOptions {
  title?: string;
  /** When the report was made (defaults to now); fixed in tests. */
  generatedAt?: Date;
}

function runSummaryLine(run: RunRecord, dismissed: Set<string>, withNumber = true): string {
  const active = activeFindings(run.findings, dismissed);
  const diagnosis = diagnose(active);
  const counts = SEVERITIES.map((severity) => [severity, diagnosis.groups.filter((group) => group.severity === severity).length] as const).filter(([, count]) => count > 0);
  return `<span class="status ${run.status}">${run.status}</span>${withNumber ? ` run ${run.executionCount}` : ''} · ${formatDuration(run.durationMs)}${run.backend ? ` · ${escapeHtml(run.backend.name)}` : ''}${
    counts.length ? ` · ${counts.map(([severity, count]) => `<span class="count ${severity}">${count} ${severity}${count > 1 ? 's' : ''}</span>`).join(' ')}` : ' · no findings'
  }${run.memory ? (run.memory.processEnded ? ' · kernel restarted, memory released with the process' : ` · leaked ${formatNumber(run.memory.leaked.tensors)} tensors`) : ''}`;
}

function renderRun(run: RunRecord, cell: Cell, charts: ReportChart[], figures: ReportFigure[], idPrefix: string): string {
  const dismissed = new Set(cell.dismissed);
  // A sweep publishes a snapshot after every trial: the sweep section shows the last one per
  // sweep; unreadable sweep artifacts fall back to the raw data view like any other artifact.
  const sweeps = sweepViews(run);
  const otherArtifacts = sweeps.length ? run.artifacts.filter((artifact) => artifact.kind !== 'sweep') : run.artifacts;
  const active = activeFindings(run.findings, dismissed);
  const runCharts = reportCharts(run, active, idPrefix);
  charts.push(...runCharts);
  const dismissedOnes = dismissedFindings(run.findings, dismissed);
  const progress = run.progress ? ` · epoch ${run.progress.epoch + 1}${run.progress.epochs ? ` of ${run.progress.epochs}` : ''}, step ${run.progress.step}` : '';
  return `<section class="run" aria-label="Run ${run.executionCount}">
  <h3>Run ${run.executionCount} <span class="run-line">${runSummaryLine(run, dismissed, false)}${progress}</span></h3>
  <p class="muted">Started ${escapeHtml(formatTimestamp(run.startedAt))}</p>
  ${runCharts.length ? `<div class="charts">${runCharts.map((chart) => `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)} chart"></div>`).join('')}</div>` : ''}
  ${run.findings.length ? `<h4>Findings</h4>${renderDiagnosis(diagnose(active))}${dismissedOnes.map((finding) => renderFinding(finding, true)).join('')}` : '<p class="muted">No findings.</p>'}
  ${run.memory ? `<h4>Memory</h4>${renderMemory(run.memory)}` : ''}
  ${sweeps.map((sweep, index) => renderSweep(sweep, `${idPrefix}-sweep-${index}`, figures)).join('')}
  ${otherArtifacts.length ? `<h4>Artifacts</h4>${otherArtifacts.map(renderArtifact).join('')}` : ''}
</section>`;
}

function renderCell(cell: Cell, index: number, charts: ReportChart[], figures: ReportFigure[]): string {
  if (cell.kind === 'markdown') return `<section class="cell markdown" id="cell-${index}">${renderMarkdown(cell.source)}</section>`;
  const latest = cell.runs[cell.runs.length - 1];
  const earlier = cell.runs.slice(0, -1).reverse();
  const dismissed = new Set(cell.dismissed);
  return `<section class="cell code" id="cell-${index}">
  <div class="prompt">cell ${index + 1}${cell.executionCount ? ` · run [${cell.executionCount}]` : ''}</div>
  <pre class="code source"><code class="hljs language-${cell.language ?? 'typescript'}">${highlight(cell.source, cell.language)}</code></pre>
  ${cell.outputs.length ? `<div class="outputs">${cell.outputs.map(renderOutput).join('')}</div>` : ''}
  ${latest ? renderRun(latest, cell, charts, figures, `cell-${index}`) : ''}
  ${earlier.length ? `<details class="earlier"><summary>${earlier.length} earlier run${earlier.length > 1 ? 's' : ''}</summary><ul>${earlier.map((run) => `<li>${runSummaryLine(run, dismissed)}</li>`).join('')}</ul></details>` : ''}
</section>`;
}

function comparisonTitle(snapshot: RunComparisonSnapshot): string {
  return `Run #${snapshot.runs.a.number} vs #${snapshot.runs.b.number}`;
}

function renderOverview(notebook: Notebook): string {
  const rows = notebook.cells
    .map((cell, index) => ({ cell, index, run: cell.runs[cell.runs.length - 1] }))
    .filter((entry) => entry.run)
    .map(({ cell, index, run }) => `<tr><td><a href="#cell-${index}">cell ${index + 1}</a></td><td>${runSummaryLine(run!, new Set(cell.dismissed))}</td></tr>`)
    .join('');
  const comparisons = (notebook.comparisons ?? [])
    .map((snapshot, index) => `<tr><td><a href="#comparison-${index}">${comparisonTitle(snapshot)}</a></td><td>verdict ${escapeHtml(snapshot.runs.a.verdict?.title ?? 'none')} → ${escapeHtml(snapshot.runs.b.verdict?.title ?? 'none')} · ${snapshot.comparison.config.length + snapshot.comparison.configOmitted} configuration difference${snapshot.comparison.config.length + snapshot.comparison.configOmitted === 1 ? '' : 's'}</td></tr>`)
    .join('');
  return [
    rows ? `<section class="overview" aria-label="Runs"><h2>Runs</h2><table><tbody>${rows}</tbody></table></section>` : '',
    comparisons ? `<section class="overview" aria-label="Comparisons overview"><h2>Comparisons</h2><table><tbody>${comparisons}</tbody></table></section>` : '',
  ].join('');
}

/** The notebook's saved run comparisons, after its cells: each drawn like `runs compare --html`. */
function renderComparisons(notebook: Notebook, charts: ReportChart[]): string {
  const comparisons = notebook.comparisons ?? [];
  if (!comparisons.length) return '';
  const sections = comparisons.map((snapshot, index) => {
    const { html, charts: comparisonCharts } = renderComparisonSection(snapshot, `comparison-${index}`, 4);
    charts.push(...comparisonCharts);
    return `<article class="comparison" id="comparison-${index}" aria-label="${comparisonTitle(snapshot)}">
  <h3>${comparisonTitle(snapshot)} <span class="run-line">added ${escapeHtml(formatTimestamp(Date.parse(snapshot.addedAt)))}</span></h3>
${html}
</article>`;
  });
  return `<h2 id="comparisons">Comparisons</h2>
<section class="comparisons" aria-label="Comparisons">
${sections.join('\n')}
</section>`;
}

/** The whole report: one HTML document with Plotly, styles, data and charts inside. */
export function renderReport(notebook: Notebook, options: ReportOptions = {}): string {
  const title = options.title ?? notebook.metadata.title ?? 'Lossbook report';
  const generatedAt = options.generatedAt ?? new Date();
  const charts: ReportChart[] = [];
  const figures: ReportFigure[] = [];
  const cells = notebook.cells.map((cell, index) => renderCell(cell, index, charts, figures)).join('\n');
  return renderDocument({
    title,
    subtitle: `Lossbook report · ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    body: `${renderOverview(notebook)}
${renderEnvironment(notebook, generatedAt)}
<h2>Notebook</h2>
<main class="cells">
${cells}
</main>
${renderComparisons(notebook, charts)}`,
    charts,
    figures,
  });
}
