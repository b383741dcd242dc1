// What the report's page carries besides its content: the stylesheet, the one script of its own
// (hashed into the CSP by report.ts) and Plotly's source, all inline so the file opens offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let plotlySource: string | undefined;
/**
 * Plotly's strict bundle, read once from node_modules at run time (not bundled by esbuild). The
 * strict build ships regl's shader code pre-generated: the regular bundle compiles it with
 * `new Function`, which this report's CSP (no 'unsafe-eval') refuses, so WebGL traces such as
 * the sweep's parcoords would show "WebGL is not supported" instead of drawing.
 */
export function plotly(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('plotly.js-strict-dist-min'), 'utf8');
    // A literal "</script" would end the inline script early; "<\/" means the same inside JS strings.
    plotlySource = source.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  }
  return plotlySource;
}

// The only code of the report's own that runs in the page: draws the figures from the JSON
// blocks as they are (built in shared/chart and shared/sweep; there is no trace builder here)
// and makes the trial tables sortable. Plain ES5-ish text, hashed into the CSP.
export const PAGE_SCRIPT = `(function () {
  var block = document.getElementById('lossbook-charts');
  var charts = block ? JSON.parse(block.textContent || '[]') : [];
  var config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'] };
  var rendered = 0;
  charts.forEach(function (chart) {
    var element = document.getElementById(chart.id);
    if (!element || typeof Plotly === 'undefined') return;
    Plotly.newPlot(element, chart.traces, chart.layout, config);
    rendered++;
  });
  var figureBlock = document.getElementById('lossbook-figures');
  var figures = figureBlock ? JSON.parse(figureBlock.textContent || '[]') : [];
  var pending = [];
  figures.forEach(function (figure) {
    var element = document.getElementById(figure.id);
    if (!element || typeof Plotly === 'undefined') return;
    var drawn = Promise.resolve(Plotly.newPlot(element, figure.data, figure.layout, config)).then(function () {
      // Parallel coordinates need WebGL; where Plotly says it has none, draw the SVG version.
      if (figure.fallback && element.querySelector('.no-webgl')) {
        Plotly.purge(element);
        element.setAttribute('data-fallback', 'svg');
        return Plotly.newPlot(element, figure.fallback.data, figure.fallback.layout, config);
      }
    }).then(function () { rendered++; }, function (error) {
      element.textContent = 'This chart could not be drawn here (' + (error && error.message ? error.message : error) + ').';
    });
    pending.push(drawn);
  });
  // Sortable tables (sweep trials): click a header; rows without a value stay last.
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll('th[data-key]'), function (header, column) {
      header.addEventListener('click', function () {
        var direction = header.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(table.querySelectorAll('th'), function (other) { other.removeAttribute('aria-sort'); });
        header.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
        var numeric = header.getAttribute('data-numeric') === 'true';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute('data-value');
          var y = b.cells[column].getAttribute('data-value');
          if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
          var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, 'en', { numeric: true });
          return direction * order || Number(a.getAttribute('data-trial')) - Number(b.getAttribute('data-trial'));
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute('data-charts-rendered', String(rendered));
  });
})();`;

export const STYLE = `
:root { color-scheme: light; --fg: #1d1f23; --muted: #667; --line: #dde1e6; --error: #c62828; --warning: #ef6c00; --info: #1565c0; --ok: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 60px; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 14px 0 4px; } h4 { font-size: 13px; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.muted { color: var(--muted); } code { font: 12.5px/1.45 ui-monospace, 'SF Mono', Menlo, Consolas, monospace; }
pre { margin: 6px 0; padding: 8px 10px; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; } .facts dt { color: var(--muted); } .facts dd { margin: 0; }
table { border-collapse: collapse; margin: 6px 0; font-size: 13px; } th, td { border-bottom: 1px solid var(--line); padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
.attempts tr.skipped td:nth-child(2) { color: var(--warning); } .attempts tr.ok td:nth-child(2) { color: var(--ok); font-weight: 600; }
.cell { margin: 18px 0; position: relative; } .cell.code { border-left: 3px solid var(--line); padding-left: 14px; }
.prompt { color: var(--muted); font: 12px ui-monospace, monospace; }
.markdown img { max-width: 100%; } .image-omitted { color: var(--muted); font-style: italic; }
.output.stream.stderr { background: #fff5f5; } .output.error { border: 1px solid #f3c2c2; background: #fff5f5; border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.run { margin-top: 10px; } .run-line { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 8px; }
.status { font-weight: 600; } .status.ok { color: var(--ok); } .status.error, .status.killed { color: var(--error); } .status.interrupted { color: var(--warning); }
.count.error { color: var(--error); } .count.warning { color: var(--warning); } .count.info { color: var(--info); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 8px; } .chart { min-height: 260px; border: 1px solid var(--line); border-radius: 6px; }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--info); border-radius: 6px; padding: 8px 12px; margin: 8px 0; page-break-inside: avoid; break-inside: avoid; }
.finding.severity-error { border-left-color: var(--error); } .finding.severity-warning { border-left-color: var(--warning); }
.finding p { margin: 4px 0; } .finding header code { color: var(--muted); margin-left: 4px; }
.verdict { border: 1px solid var(--line); border-left: 4px solid var(--warning); border-radius: 6px; padding: 8px 12px; margin: 8px 0; } .verdict.severity-error { border-left-color: var(--error); } .verdict p { margin: 4px 0; }
details.folded { margin: -4px 0 8px 18px; } details.folded summary { cursor: pointer; color: var(--muted); }
.finding.dismissed { opacity: .55; border-left-style: dashed; } .finding.dismissed strong { text-decoration: line-through; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 0 6px; border-radius: 4px; margin-right: 6px; color: #fff; background: var(--info); }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); } .badge.dismissed-badge { background: #888; }
.label { font-weight: 600; margin-right: 4px; } .label::after { content: ':'; }
.evidence-values { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 2px 0 4px 12px; font-size: 12.5px; } .evidence-values dt { color: var(--muted); } .evidence-values dd { margin: 0; font-family: ui-monospace, monospace; }
.memory tr.leak td { color: var(--error); font-weight: 700; } .memory tr.no-leak td { color: var(--ok); }
details.earlier { margin: 8px 0; color: var(--muted); } details.json-fold summary { cursor: pointer; color: var(--muted); font-family: ui-monospace, monospace; font-size: 12px; } details.artifact summary { cursor: pointer; font-family: ui-monospace, monospace; }
.sweep { margin: 12px 0; padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px; } .sweep h4 { margin-top: 2px; } .sweep h4 code { text-transform: none; letter-spacing: 0; color: var(--fg); }
.sweep h5 { font-size: 12.5px; margin: 14px 0 4px; } .sweep-line, .sweep-best { margin: 2px 0; } .chart.sweep-parallel { margin-top: 8px; min-height: 320px; }
.sweep-findings { list-style: none; padding: 0; margin: 4px 0; } .sweep-findings li { margin: 2px 0; } .sweep-findings code { margin-right: 4px; }
.table-scroll { overflow-x: auto; } table.trials td, table.trials th { white-space: nowrap; font-variant-numeric: tabular-nums; } table.trials th[data-key] { cursor: pointer; user-select: none; }
table.trials td:last-child { white-space: normal; min-width: 150px; }
table.trials th[aria-sort=ascending]::after { content: ' ▲'; font-size: 9px; } table.trials th[aria-sort=descending]::after { content: ' ▼'; font-size: 9px; }
table.trials tr.best td { font-weight: 700; } table.trials tr.trial-failed td, table.trials tr.trial-pruned td { color: var(--muted); }
.hljs-keyword, .hljs-built_in { color: #cf222e; } .hljs-string, .hljs-regexp { color: #0a3069; } .hljs-number, .hljs-literal { color: #0550ae; }
.hljs-comment { color: #6e7781; font-style: italic; } .hljs-title, .hljs-title.function_ { color: #8250df; } .hljs-attr, .hljs-property { color: #116329; } .hljs-params, .hljs-variable { color: #953800; }
.compare-runs { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; margin-top: 14px; } .compare-run { border: 1px solid var(--line); border-top: 4px solid var(--line); border-radius: 6px; padding: 4px 12px 8px; }
.compare-run .side { font-weight: 800; margin-right: 4px; } .compare-run .facts dd { overflow-wrap: anywhere; } .verdict-line { font-weight: 600; }
h4 .changed, h6 .changed { color: var(--warning); text-transform: none; letter-spacing: 0; margin-left: 6px; }
.comparison { margin: 14px 0 24px; padding: 2px 14px 12px; border: 1px solid var(--line); border-radius: 8px; break-inside: auto; } .comparison > h3 { font-size: 16px; }
.comparison h5 { font-size: 14px; margin: 8px 0 4px; } .comparison h6 { font-size: 12px; margin: 12px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
table.diff { width: 100%; table-layout: fixed; border: 1px solid var(--line); font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; } table.diff th { font-family: system-ui, sans-serif; padding-left: 8px; }
table.diff td { border: 0; padding: 0 8px 0 0; white-space: pre-wrap; word-break: break-word; } table.diff col.ln { width: 3.4em; } table.diff td.ln { text-align: right; color: var(--muted); user-select: none; padding: 0 8px 0 4px; }
table.diff td.removed { background: #ffebe9; } table.diff td.added { background: #e6ffec; } table.diff td.empty { background: #f6f8fa; }
table.diff tr.fold td { background: #f1f5fb; color: var(--muted); text-align: center; font-family: system-ui, sans-serif; }
table.metric-deltas td, table.config-diff td, table.deltas td { font-variant-numeric: tabular-nums; } table.metric-deltas td.delta { font-weight: 600; } details.steps summary { cursor: pointer; color: var(--muted); }
.findings-kept { list-style: none; padding: 0; } .findings-kept li { margin: 3px 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; } .prompt { display: none; } .cell.code { padding-left: 8px; }
  .modebar-container, .modebar { display: none !important; } .charts { grid-template-columns: 1fr 1fr; } .chart { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; break-inside: avoid; } a { color: inherit; text-decoration: none; } details.earlier { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; } .finding.dismissed { display: none; }
}`;

