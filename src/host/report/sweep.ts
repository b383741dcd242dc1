// A sweep in the report (issue 9): its figures (built by shared/sweep/view-model.ts), a sortable
// table of trials, the findings common to them and the refine snippet.
import { sortRows, sweepFigures, type PlotlyFigure, type SweepPalette, type SweepView } from '../../shared/sweep/view-model';
import { escapeHtml, highlight } from './format';

/** A Plotly figure drawn as is by the chart script (sweep views build them in shared/sweep). */
export interface ReportFigure extends PlotlyFigure {
  id: string;
}

const REPORT_PALETTE: SweepPalette = { text: '#1d1f23', muted: '#667', grid: '#e6e8eb', background: '#ffffff', font: 'system-ui, sans-serif', error: '#c62828', best: '#1d1f23' };

export function renderSweep(view: SweepView, idPrefix: string, figures: ReportFigure[]): string {
  const sweepFigureList = sweepFigures(view, REPORT_PALETTE).map((figure) => ({ ...figure, id: `${idPrefix}-${figure.kind}` }));
  figures.push(...sweepFigureList);
  const figureDiv = (figure: ReportFigure) => `<div class="chart sweep-${figure.kind}" id="${figure.id}" role="img" aria-label="${escapeHtml(figure.title)} chart"></div>`;
  const small = sweepFigureList.filter((figure) => figure.kind !== 'parallel');
  const wide = sweepFigureList.filter((figure) => figure.kind === 'parallel');
  const { counts } = view;
  const outcome = [`${counts.completed} completed`, counts.pruned ? `${counts.pruned} stopped early` : '', counts.failed ? `${counts.failed} failed` : '', counts.running ? `${counts.running} interrupted` : '']
    .filter(Boolean)
    .join(', ');
  const rows = sortRows(view.rows, view.defaultSort.key, view.defaultSort.direction);
  const header = view.columns
    .map((column) => `<th data-key="${escapeHtml(column.key)}" data-numeric="${column.numeric}"${column.key === view.defaultSort.key ? ` aria-sort="${view.defaultSort.direction === 'asc' ? 'ascending' : 'descending'}"` : ''} title="Sort by ${escapeHtml(column.label)}">${escapeHtml(column.label)}</th>`)
    .join('');
  const body = rows
    .map((row) => {
      const cells = view.columns
        .map((column) => {
          const value = sortCellValue(row, column.key);
          const title = column.key === 'status' && row.reason ? ` title="${escapeHtml(row.reason)}"` : '';
          return `<td${value === undefined ? '' : ` data-value="${escapeHtml(value)}"`}${title}>${escapeHtml(row.text[column.key] ?? '')}</td>`;
        })
        .join('');
      return `<tr data-trial="${row.id}" class="trial-${row.status}${row.rank === 1 ? ' best' : ''}">${cells}</tr>`;
    })
    .join('');
  const findings = view.findings.length
    ? `<ul class="sweep-findings">${view.findings
        .map((finding) => `<li class="severity-${finding.severity}"><span class="badge ${finding.severity}">${finding.severity}</span><code>${escapeHtml(finding.id)}</code> in ${escapeHtml(finding.shareText)}${finding.association ? ` — ${escapeHtml(finding.association)}` : ''}</li>`)
        .join('')}</ul>`
    : '<p class="muted">No finding was common to the trials.</p>';
  const refine = view.refine
    ? `<h5>Refine: coarse → fine</h5>
  <p class="muted">A narrower space around the best ${view.refine.basedOn.length} trial${view.refine.basedOn.length > 1 ? 's' : ''} (${view.refine.basedOn.map((id) => `#${id}`).join(', ')}): ${view.refine.changes.map((change) => `${escapeHtml(change.param)} ${escapeHtml(change.from)} → ${escapeHtml(change.to)}`).join('; ')}.</p>
  <pre class="code refine-snippet"><code class="hljs language-typescript">${highlight(view.refine.snippet)}</code></pre>`
    : '';
  return `<section class="sweep" aria-label="Sweep ${escapeHtml(view.name)}" data-sweep="${escapeHtml(view.name)}">
  <h4>Sweep <code>${escapeHtml(view.name)}</code></h4>
  <p class="sweep-line">${escapeHtml(view.strategy)} search · ${counts.finished} of ${view.plannedTrials} trials: ${escapeHtml(outcome)} · ${escapeHtml(view.goal === 'min' ? 'minimizing' : 'maximizing')} <code>${escapeHtml(view.metric)}</code></p>
  ${view.best ? `<p class="sweep-best"><span class="label">Best</span> ${escapeHtml(view.best.text)}</p>` : '<p class="muted">No trial reached a finite value of the metric.</p>'}
  ${small.length ? `<div class="charts">${small.map(figureDiv).join('')}</div>` : ''}
  ${wide.map(figureDiv).join('')}
  ${view.parallel?.omitted.length ? `<p class="muted">Not on the parallel coordinates: trial${view.parallel.omitted.length > 1 ? 's' : ''} ${view.parallel.omitted.map((id) => `#${id}`).join(', ')} (no finite ${escapeHtml(view.metric)}).</p>` : ''}
  <h5>Common findings</h5>
  ${findings}
  <h5>Trials <span class="muted">(click a header to sort)</span></h5>
  <div class="table-scroll"><table class="trials sortable"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table></div>
  ${refine}
</section>`;
}

/** The value a sortable column sorts by, as text for a data- attribute; undefined = no value. */
function sortCellValue(row: SweepView['rows'][number], key: string): string | undefined {
  if (key.startsWith('param:')) {
    const value = row.params[key.slice('param:'.length)];
    return value === undefined ? undefined : String(value);
  }
  switch (key) {
    case 'id':
      return String(row.id);
    case 'status':
      return String(['completed', 'pruned', 'failed', 'running'].indexOf(row.status));
    case 'best':
      return row.best === undefined ? undefined : String(row.best);
    case 'final':
      return row.final === undefined || !Number.isFinite(row.final) ? undefined : String(row.final);
    case 'epochs':
      return String(row.epochs);
    case 'duration':
      return row.durationMs === undefined ? undefined : String(row.durationMs);
    case 'findings':
      return row.findings.length ? row.findings.join(',') : undefined;
    default:
      return undefined;
  }
}
