// The HTML report (issue 7): ONE self-contained file a user can mail to a colleague. No network
// request at all — Plotly is inlined from node_modules, styles are inline, images only data: —
// and safe to open: markdown and HTML outputs are sanitized (sanitize-html), everything else is
// escaped text, and a Content-Security-Policy meta tag allows only the two inline scripts the
// report itself ships (by their sha256), so even a sanitizer miss cannot run script. The empty
// data: icon keeps browsers from asking a web server for /favicon.ico when the report is hosted.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import hljs from 'highlight.js/lib/core';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { renderMarkdownSafely } from '../shared/markdown-limits';
import type { Cell, CellOutput, Notebook, RunRecord, Series } from '../shared/notebook/model';
import type { BackendInfo, DisplayValue, Finding, RunMemory } from '../shared/protocol';
import { diagnose, type Diagnosis } from '../shared/diagnosis/verdict';
import { decimateMinMax } from '../shared/series/decimate';
import { ACCURACY_NAMES, isValidationName, parsePerLayer, SERIES, trainingName } from '../shared/series/names';
import { sortRows, sweepFigures, sweepViews, type PlotlyFigure, type SweepPalette, type SweepView } from '../shared/sweep/view-model';
import { LOSSBOOK_VERSION } from '../shared/version';

hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('javascript', javascript);

export interface ReportOptions {
  title?: string;
  /** When the report was made (defaults to now); fixed in tests. */
  generatedAt?: Date;
}

/** Points per series drawn in the report: min/max decimation keeps spikes (NaN, 87.33) visible. */
const CHART_BUCKETS = 1500;
const MAX_OUTPUT_CHARS = 20_000;
const MAX_TABLE_ROWS = 200;

let plotlySource: string | undefined;
/**
 * Plotly's strict bundle, read once from node_modules at run time (not bundled by esbuild). The
 * strict build ships regl's shader code pre-generated: the regular bundle compiles it with
 * `new Function`, which this report's CSP (no 'unsafe-eval') refuses, so WebGL traces such as
 * the sweep's parcoords would show "WebGL is not supported" instead of drawing.
 */
function plotly(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve('plotly.js-strict-dist-min'), 'utf8');
    // A literal "</script" would end the inline script early; "<\/" means the same inside JS strings.
    plotlySource = source.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  }
  return plotlySource;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function truncate(text: string, limit = MAX_OUTPUT_CHARS): string {
  return text.length > limit ? `${text.slice(0, limit)}\n… (${(text.length - limit).toLocaleString('en-US')} more characters not shown)` : text;
}

// Markdown and html outputs keep formatting but lose anything active: no script, style, iframe,
// form, event handler or javascript: URL, and images only as data: (a remote image would be a
// network request when the report opens).
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'h1', 'h2', 'del', 'ins', 'sup', 'sub', 'input'],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    th: ['align', 'colspan', 'rowspan'],
    td: ['align', 'colspan', 'rowspan'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' } }),
    // A relative src would load a file beside the report: only inline data: images survive.
    img: (tagName, attribs): sanitizeHtml.Tag => {
      const { src, ...rest } = attribs;
      if (src && /^data:image\/(png|jpeg|gif|webp);base64,/i.test(src)) return { tagName, attribs: { ...rest, src } };
      return { tagName: 'span', attribs: { class: 'image-omitted' }, text: `[image${rest.alt ? `: ${rest.alt}` : ''} — not embedded]` };
    },
    input: (tagName, attribs) => (attribs.type === 'checkbox' ? { tagName, attribs: { ...attribs, disabled: 'disabled' } } : { tagName: 'span', attribs: {} }),
  },
  allowedClasses: { code: [/^language-[\w-]+$/], span: ['image-omitted'] },
};

export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

const markdownParser = new Marked({ gfm: true, async: false });

export function renderMarkdown(source: string): string {
  return sanitize(renderMarkdownSafely(source, (text) => markdownParser.parse(text, { async: false })));
}

/** A run's start time; a schema-valid but impossible one (startedAt: 1e308) prints as a number, not a RangeError. */
export function formatTimestamp(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms (not a valid date)` : date.toISOString();
}

function highlight(code: string, language: 'typescript' | 'javascript' = 'typescript'): string {
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

// ───────────────────────────── charts ─────────────────────────────

interface ChartTrace {
  name: string;
  x: number[];
  y: Array<number | null>;
  dash?: 'dot';
}
interface ChartSpec {
  id: string;
  title: string;
  yLog: boolean;
  /** Fixed y range for a constant series (Plotly would centre it on a misleading ±1 range). */
  yRange?: [number, number];
  traces: ChartTrace[];
  markers: Array<{ step: number; label: string; severity: Finding['severity'] }>;
}

/** train/val of a metric share a chart (loss + val_loss); per-layer series share one (grad_norm/*). */
function chartGroup(name: string): string {
  const base = trainingName(name);
  return parsePerLayer(base)?.series ?? base;
}

const GROUP_ORDER: readonly string[] = [SERIES.loss, ...ACCURACY_NAMES];

function chartsForRun(run: RunRecord, dismissed: Set<string>, idPrefix: string): ChartSpec[] {
  const groups = new Map<string, Series[]>();
  for (const series of run.series) {
    if (series.steps.length === 0) continue;
    const group = chartGroup(series.name);
    const members = groups.get(group) ?? [];
    members.push(series);
    groups.set(group, members);
  }
  const names = [...groups.keys()].sort((a, b) => rank(a) - rank(b));
  const markers = run.findings
    .filter((finding) => finding.step !== undefined && !dismissed.has(finding.key))
    .map((finding) => ({ step: finding.step!, label: finding.id, severity: finding.severity }));
  return names.map((group, index) => {
    const members = groups.get(group)!;
    const traces = members.map((series) => {
      const decimated = decimateMinMax(series.steps, series.values, { buckets: CHART_BUCKETS });
      return { name: series.name, x: decimated.x, y: decimated.y, ...(isValidationName(series.name) ? { dash: 'dot' as const } : {}) };
    });
    const finite = members.flatMap((series) => series.values.filter((value): value is number => value !== null && Number.isFinite(value)));
    const min = finite.length ? finite.reduce((a, b) => Math.min(a, b)) : 0;
    const max = finite.length ? finite.reduce((a, b) => Math.max(a, b)) : 0;
    // A loss spanning orders of magnitude (divergence, 87.33 plateaus) reads better on a log axis.
    const yLog = group === SERIES.loss && min > 0 && max / min > 1000;
    const yRange: [number, number] | undefined = finite.length && min === max ? (min === 0 ? [-1, 1] : [Math.min(0, min * 2), Math.max(0, max * 2)]) : undefined;
    return { id: `${idPrefix}-chart-${index}`, title: group, yLog, ...(yRange ? { yRange } : {}), traces, markers: group === SERIES.loss || index === 0 ? markers : [] };
  });
}

function rank(group: string): number {
  const index = GROUP_ORDER.indexOf(group);
  return index >= 0 ? index : GROUP_ORDER.length;
}

// The only code that runs in the report: draws the charts from the JSON block. Plain ES5-ish
// text, hashed into the CSP below.
const CHART_SCRIPT = `(function () {
  var block = document.getElementById('lossbook-charts');
  var charts = block ? JSON.parse(block.textContent || '[]') : [];
  var colors = { error: '#c62828', warning: '#ef6c00', info: '#1565c0' };
  var rendered = 0;
  charts.forEach(function (chart) {
    var element = document.getElementById(chart.id);
    if (!element || typeof Plotly === 'undefined') return;
    var traces = chart.traces.map(function (trace) {
      return { type: 'scatter', mode: trace.x.length > 1 ? 'lines' : 'markers', name: trace.name, x: trace.x, y: trace.y,
        line: { width: 1.6, dash: trace.dash || 'solid' }, connectgaps: false, hovertemplate: '%{y:.5g}' };
    });
    var shapes = chart.markers.map(function (marker) {
      return { type: 'line', xref: 'x', yref: 'paper', x0: marker.step, x1: marker.step, y0: 0, y1: 1, line: { color: colors[marker.severity] || '#555', width: 1, dash: 'dot' } };
    });
    var annotations = chart.markers.map(function (marker, index) {
      return { xref: 'x', yref: 'paper', x: marker.step, y: 1 - (index % 3) * 0.09, text: marker.label, showarrow: false, xanchor: 'left',
        font: { size: 10, color: colors[marker.severity] || '#555' }, bgcolor: 'rgba(255,255,255,0.8)' };
    });
    var layout = { title: { text: chart.title + ' <span style="font-size:10px;color:#889">by step</span>', font: { size: 13 }, x: 0.01 }, height: 260, margin: { l: 55, r: 15, t: 32, b: 38 },
      xaxis: { zeroline: false, hoverformat: 'd' }, yaxis: chart.yRange ? { range: chart.yRange, zeroline: false } : { type: chart.yLog ? 'log' : 'linear', zeroline: false },
      legend: { orientation: 'h', y: -0.12, yanchor: 'top', font: { size: 11 } }, shapes: shapes, annotations: annotations, hovermode: 'x unified',
      paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: '#fafafa', font: { family: 'system-ui, sans-serif' } };
    Plotly.newPlot(element, traces, layout, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'] });
    rendered++;
  });
  var figureBlock = document.getElementById('lossbook-figures');
  var figures = figureBlock ? JSON.parse(figureBlock.textContent || '[]') : [];
  var figureConfig = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'] };
  var pending = [];
  figures.forEach(function (figure) {
    var element = document.getElementById(figure.id);
    if (!element || typeof Plotly === 'undefined') return;
    var drawn = Promise.resolve(Plotly.newPlot(element, figure.data, figure.layout, figureConfig)).then(function () {
      // Parallel coordinates need WebGL; where Plotly says it has none, draw the SVG version.
      if (figure.fallback && element.querySelector('.no-webgl')) {
        Plotly.purge(element);
        element.setAttribute('data-fallback', 'svg');
        return Plotly.newPlot(element, figure.fallback.data, figure.fallback.layout, figureConfig);
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

function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** JSON inside <script type="application/json">: no "<" at all, so nothing can close the block. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// ───────────────────────────── sections ─────────────────────────────

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (Number.isInteger(value) && size < 1e9) return value.toLocaleString('en-US');
  return value === 0 || (size >= 1e-3 && size < 1e6) ? Number(value.toPrecision(5)).toString() : value.toExponential(3);
}

function formatBytesShort(bytes: number): string {
  const sign = bytes < 0 ? '−' : '';
  const size = Math.abs(bytes);
  if (size >= 1024 ** 3) return `${sign}${(size / 1024 ** 3).toFixed(2)} GB`;
  if (size >= 1024 ** 2) return `${sign}${(size / 1024 ** 2).toFixed(1)} MB`;
  if (size >= 1024) return `${sign}${(size / 1024).toFixed(1)} kB`;
  return `${sign}${size} B`;
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function renderBackend(backend: BackendInfo): string {
  const gpu = backend.gpu ? Object.entries(backend.gpu).filter(([, value]) => value) : [];
  const attempts = backend.attempts
    .map(
      (attempt) =>
        `<tr class="${attempt.ok ? 'ok' : 'skipped'}"><td>${escapeHtml(attempt.backend)}</td><td>${attempt.ok ? 'loaded' : 'skipped'}</td><td>${escapeHtml(attempt.reason ?? '')}</td><td>${attempt.ms === undefined ? '' : `${Math.round(attempt.ms)} ms`}</td></tr>`,
    )
    .join('');
  return `<dl class="facts">
    <dt>Backend</dt><dd><strong>${escapeHtml(backend.name)}</strong>${backend.isGpu ? ' (GPU)' : ''}${backend.device ? ` — ${escapeHtml(backend.device)}` : ''}</dd>
    <dt>Requested</dt><dd>${escapeHtml(backend.requested)} (by ${escapeHtml(backend.requestedBy)})</dd>
    <dt>TensorFlow.js</dt><dd>${escapeHtml(backend.tfjsVersion)}</dd>
    ${gpu.map(([key, value]) => `<dt>GPU ${escapeHtml(key)}</dt><dd>${escapeHtml(String(value))}</dd>`).join('')}
  </dl>
  ${attempts ? `<table class="attempts"><thead><tr><th>Backend tried</th><th>Result</th><th>Reason</th><th>Time</th></tr></thead><tbody>${attempts}</tbody></table>` : ''}`;
}

function renderEnvironment(notebook: Notebook, generatedAt: Date): string {
  const runs = notebook.cells.flatMap((cell) => cell.runs);
  const latest = runs.filter((run) => run.backend).sort((a, b) => b.startedAt - a.startedAt)[0];
  const backend = latest?.backend ?? notebook.metadata.lastBackend;
  const tfjs = backend?.tfjsVersion ?? notebook.metadata.tfjsVersion;
  return `<section class="environment" aria-label="Environment">
  <h2>Environment</h2>
  <dl class="facts">
    <dt>Report made</dt><dd>${escapeHtml(generatedAt.toISOString())} by Lossbook ${escapeHtml(LOSSBOOK_VERSION)}</dd>
    <dt>Notebook</dt><dd>created ${escapeHtml(notebook.metadata.created)}, modified ${escapeHtml(notebook.metadata.modified)}, Lossbook ${escapeHtml(notebook.metadata.lossbookVersion)}</dd>
    ${tfjs && !backend ? `<dt>TensorFlow.js</dt><dd>${escapeHtml(tfjs)}</dd>` : ''}
    <dt>Runs</dt><dd>${runs.length}</dd>
  </dl>
  ${backend ? renderBackend(backend) : '<p class="muted">No run recorded a backend.</p>'}
</section>`;
}

function renderEvidenceValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'number' ? formatNumber(item) : String(item))).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

function renderFinding(finding: Finding, dismissed: boolean, severity: Finding['severity'] = finding.severity): string {
  const where = [finding.step !== undefined ? `step ${finding.step}` : '', finding.epoch !== undefined ? `epoch ${finding.epoch}` : '', finding.layer ? `layer ${finding.layer}` : '']
    .filter(Boolean)
    .join(' · ');
  const values = Object.entries(finding.evidence.values);
  return `<article class="finding severity-${severity}${dismissed ? ' dismissed' : ''}" data-finding="${escapeHtml(finding.id)}">
  <header><span class="badge ${severity}">${severity}</span>${dismissed ? '<span class="badge dismissed-badge">dismissed</span>' : ''}
    <strong>${escapeHtml(finding.title)}</strong> <code>${escapeHtml(finding.id)}</code>${finding.count > 1 ? ` <span class="muted">confirmed ${finding.count}×</span>` : ''}</header>
  <p class="evidence"><span class="label">Evidence</span> ${escapeHtml(finding.evidence.summary)}${where ? ` <span class="muted">(${escapeHtml(where)})</span>` : ''}</p>
  ${values.length ? `<dl class="evidence-values">${values.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(renderEvidenceValue(value))}</dd>`).join('')}</dl>` : ''}
  <p><span class="label">Why</span> ${escapeHtml(finding.explanation)}</p>
  <p><span class="label">Fix</span> ${escapeHtml(finding.fix.text)}</p>
  ${finding.fix.code ? `<pre class="code"><code class="hljs">${highlight(finding.fix.code)}</code></pre>` : ''}
  <p class="source"><span class="label">Source</span> ${escapeHtml(finding.source)}</p>
</article>`;
}

function renderMemory(memory: RunMemory): string {
  // A killed kernel measured nothing at the run's end: no table of zeros that reads as "no leak".
  if (memory.processEnded) return `<p class="muted memory">The kernel process ended during this run (it was restarted): nothing was measured at its end, and its memory was released with the process.</p>`;
  const leaked = memory.leaked.tensors !== 0 || memory.leaked.bytes !== 0;
  const gpu = memory.after.gpu;
  return `<table class="memory"><thead><tr><th></th><th>Tensors</th><th>Bytes</th></tr></thead><tbody>
    <tr><td>Before the run</td><td>${formatNumber(memory.before.numTensors)}</td><td>${formatBytesShort(memory.before.numBytes)}</td></tr>
    <tr><td>After the run</td><td>${formatNumber(memory.after.numTensors)}</td><td>${formatBytesShort(memory.after.numBytes)}</td></tr>
    <tr><td>Kept by the namespace</td><td>${formatNumber(memory.kept.tensors)}</td><td>${formatBytesShort(memory.kept.bytes)}</td></tr>
    <tr><td>Disposed at run end</td><td>${formatNumber(memory.disposed.tensors)}</td><td>${formatBytesShort(memory.disposed.bytes)}</td></tr>
    <tr class="${leaked ? 'leak' : 'no-leak'}"><td>Leaked</td><td>${formatNumber(memory.leaked.tensors)}</td><td>${formatBytesShort(memory.leaked.bytes)}</td></tr>
  </tbody></table>
  ${gpu && (gpu.tensorBytes !== undefined || gpu.pooledBytes !== undefined) ? `<p class="muted">GPU after the run: ${gpu.tensorBytes !== undefined ? `${formatBytesShort(gpu.tensorBytes)} held by tensors` : ''}${gpu.pooledBytes !== undefined ? `, ${formatBytesShort(gpu.pooledBytes)} allocated by the backend (pool included)` : ''}</p>` : ''}`;
}

/** JSON outputs longer than this are folded behind a one-line summary. */
const JSON_FOLD_LINES = 12;

/** `{ epoch, history, … }` / `Array(60)`: what a folded JSON value is. */
function describeJson(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return `{ ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''} }`;
  }
  return String(value);
}

function renderDisplay(value: DisplayValue): string {
  switch (value.kind) {
    case 'text':
      return `<pre class="output">${escapeHtml(truncate(value.text))}</pre>`;
    case 'json': {
      const text = JSON.stringify(value.json, null, 2) ?? 'undefined';
      // A long value (model.fit's History: every metric of every epoch) is folded, as in the app:
      // unfolded it made a report thousands of pixels tall (issue 21).
      if (text.split('\n').length <= JSON_FOLD_LINES) return `<pre class="output">${escapeHtml(truncate(text))}</pre>`;
      return `<details class="output json-fold"><summary>${escapeHtml(describeJson(value.json))}</summary><pre class="output">${escapeHtml(truncate(text))}</pre></details>`;
    }
    case 'tensor':
      return `<div class="output tensor"><div class="muted">Tensor ${escapeHtml(value.dtype)} [${value.shape.join(', ')}]${value.stats ? ` — min ${formatNumber(value.stats.min)}, max ${formatNumber(value.stats.max)}, mean ${formatNumber(value.stats.mean)}` : ''}</div><pre>${escapeHtml(truncate(value.text))}</pre></div>`;
    case 'model':
      return `<div class="output model"><div class="muted">Model ${escapeHtml(value.name)} — ${formatNumber(value.params)} parameters</div><pre>${escapeHtml(truncate(value.text))}</pre></div>`;
    case 'table': {
      const rows = value.rows.slice(0, MAX_TABLE_ROWS);
      const more = value.rows.length - rows.length;
      return `<table class="output data"><thead><tr>${value.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell === null ? '' : typeof cell === 'number' ? formatNumber(cell) : cell)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>${more > 0 ? `<p class="muted">… ${more} more rows</p>` : ''}`;
    }
    case 'html':
      return `<div class="output html">${sanitize(value.html)}</div>`;
  }
}

function renderOutput(output: CellOutput): string {
  switch (output.type) {
    case 'stream':
      return `<pre class="output stream ${output.name}">${escapeHtml(truncate(output.text))}</pre>`;
    case 'display':
      return renderDisplay(output.value);
    case 'error': {
      const error = output.error;
      const where = error.line !== undefined ? ` (line ${error.line}${error.column !== undefined ? `:${error.column}` : ''})` : '';
      return `<div class="output error"><strong>${escapeHtml(error.name)}: ${escapeHtml(error.message)}</strong><span class="muted"> — ${escapeHtml(error.phase)}${escapeHtml(where)}</span>${error.stack ? `<pre>${escapeHtml(truncate(error.stack, 4000))}</pre>` : ''}</div>`;
    }
  }
}

/** The verdict, then each top-level finding with the findings it explains folded in a <details>. */
function renderDiagnosis(diagnosis: Diagnosis): string {
  const verdict = diagnosis.verdict;
  const head = verdict
    ? `<div class="verdict severity-${verdict.severity}" data-verdict="${escapeHtml(verdict.id)}"><span class="label">${verdict.role === 'cause' ? 'Most likely cause' : 'Leading symptom (no cause found)'}</span> <strong>${escapeHtml(verdict.title)}</strong> <code>${escapeHtml(verdict.id)}</code>
  <p class="evidence">${escapeHtml(verdict.evidence)}</p>${verdict.explains.length ? `<p class="muted">Explains ${escapeHtml(verdict.explains.join(', '))}</p>` : ''}${
    verdict.nextCheck ? `<p><span class="label">Next check</span> ${escapeHtml(verdict.nextCheck.text)}</p>${verdict.nextCheck.code ? `<pre class="code"><code class="hljs">${highlight(verdict.nextCheck.code)}</code></pre>` : ''}` : ''
  }</div>`
    : '';
  const groups = diagnosis.groups
    .map((group) => {
      const own = renderFinding(group.finding, false, group.severity);
      if (!group.folded.length) return own;
      const folded = group.folded.map((finding) => renderFinding(finding, false, diagnosis.severity.get(finding.key))).join('');
      return `${own}<details class="folded" data-explained-by="${escapeHtml(group.finding.id)}"><summary>${group.folded.length} finding${group.folded.length > 1 ? 's' : ''} explained by <code>${escapeHtml(group.finding.id)}</code></summary>${folded}</details>`;
    })
    .join('');
  return head + groups;
}

function runSummaryLine(run: RunRecord, dismissed: Set<string>, withNumber = true): string {
  const active = run.findings.filter((finding) => !dismissed.has(finding.key));
  const diagnosis = diagnose(active);
  const counts = (['error', 'warning', 'info'] as const).map((severity) => [severity, diagnosis.groups.filter((group) => group.severity === severity).length] as const).filter(([, count]) => count > 0);
  return `<span class="status ${run.status}">${run.status}</span>${withNumber ? ` run ${run.executionCount}` : ''} · ${formatDuration(run.durationMs)}${run.backend ? ` · ${escapeHtml(run.backend.name)}` : ''}${
    counts.length ? ` · ${counts.map(([severity, count]) => `<span class="count ${severity}">${count} ${severity}${count > 1 ? 's' : ''}</span>`).join(' ')}` : ' · no findings'
  }${run.memory ? (run.memory.processEnded ? ' · kernel restarted, memory released with the process' : ` · leaked ${formatNumber(run.memory.leaked.tensors)} tensors`) : ''}`;
}

function renderRun(run: RunRecord, cell: Cell, charts: ChartSpec[], figures: ReportFigure[], idPrefix: string): string {
  const dismissed = new Set(cell.dismissed);
  // A sweep publishes a snapshot after every trial: the sweep section shows the last one per
  // sweep; unreadable sweep artifacts fall back to the raw data view like any other artifact.
  const sweeps = sweepViews(run);
  const otherArtifacts = sweeps.length ? run.artifacts.filter((artifact) => artifact.kind !== 'sweep') : run.artifacts;
  const runCharts = chartsForRun(run, dismissed, idPrefix);
  charts.push(...runCharts);
  const active = run.findings.filter((finding) => !dismissed.has(finding.key));
  const dismissedFindings = run.findings.filter((finding) => dismissed.has(finding.key));
  const progress = run.progress ? ` · epoch ${run.progress.epoch + 1}${run.progress.epochs ? ` of ${run.progress.epochs}` : ''}, step ${run.progress.step}` : '';
  return `<section class="run" aria-label="Run ${run.executionCount}">
  <h3>Run ${run.executionCount} <span class="run-line">${runSummaryLine(run, dismissed, false)}${progress}</span></h3>
  <p class="muted">Started ${escapeHtml(formatTimestamp(run.startedAt))}</p>
  ${runCharts.length ? `<div class="charts">${runCharts.map((chart) => `<div class="chart" id="${chart.id}" role="img" aria-label="${escapeHtml(chart.title)} chart"></div>`).join('')}</div>` : ''}
  ${run.findings.length ? `<h4>Findings</h4>${renderDiagnosis(diagnose(active))}${dismissedFindings.map((finding) => renderFinding(finding, true)).join('')}` : '<p class="muted">No findings.</p>'}
  ${run.memory ? `<h4>Memory</h4>${renderMemory(run.memory)}` : ''}
  ${sweeps.map((sweep, index) => renderSweep(sweep, `${idPrefix}-sweep-${index}`, figures)).join('')}
  ${otherArtifacts.length ? `<h4>Artifacts</h4>${otherArtifacts.map(renderArtifact).join('')}` : ''}
</section>`;
}

// ───────────────────────────── sweeps (issue 9) ─────────────────────────────

/** A Plotly figure drawn as is by the chart script (sweep views build them in shared/sweep). */
interface ReportFigure extends PlotlyFigure {
  id: string;
}

const REPORT_PALETTE: SweepPalette = { text: '#1d1f23', muted: '#667', grid: '#e6e8eb', background: '#ffffff', font: 'system-ui, sans-serif', error: '#c62828', best: '#1d1f23' };

function renderSweep(view: SweepView, idPrefix: string, figures: ReportFigure[]): string {
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

/** Structured output of lossbook.* tools (sweeps, LR range tests): shown as data, collapsed. */
function renderArtifact(artifact: RunRecord['artifacts'][number]): string {
  const text = truncate(JSON.stringify(artifact.data, null, 2) ?? 'undefined', 8000);
  return `<details class="artifact"><summary>${escapeHtml(artifact.kind)}</summary><pre>${escapeHtml(text)}</pre></details>`;
}


function renderCell(cell: Cell, index: number, charts: ChartSpec[], figures: ReportFigure[]): string {
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

function renderOverview(notebook: Notebook): string {
  const rows = notebook.cells
    .map((cell, index) => ({ cell, index, run: cell.runs[cell.runs.length - 1] }))
    .filter((entry) => entry.run)
    .map(({ cell, index, run }) => `<tr><td><a href="#cell-${index}">cell ${index + 1}</a></td><td>${runSummaryLine(run!, new Set(cell.dismissed))}</td></tr>`)
    .join('');
  return rows ? `<section class="overview" aria-label="Runs"><h2>Runs</h2><table><tbody>${rows}</tbody></table></section>` : '';
}

const STYLE = `
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
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; } .prompt { display: none; } .cell.code { padding-left: 8px; }
  .modebar-container, .modebar { display: none !important; } .charts { grid-template-columns: 1fr 1fr; } .chart { break-inside: avoid; page-break-inside: avoid; }
  pre { white-space: pre-wrap; break-inside: avoid; } a { color: inherit; text-decoration: none; } details.earlier { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; } .finding.dismissed { display: none; }
}`;

/** The whole report: one HTML document with Plotly, styles, data and charts inside. */
export function renderReport(notebook: Notebook, options: ReportOptions = {}): string {
  const title = options.title ?? notebook.metadata.title ?? 'Lossbook report';
  const generatedAt = options.generatedAt ?? new Date();
  const charts: ChartSpec[] = [];
  const figures: ReportFigure[] = [];
  const cells = notebook.cells.map((cell, index) => renderCell(cell, index, charts, figures)).join('\n');
  const plotlyScript = plotly();
  const policy = [
    "default-src 'none'",
    `script-src ${scriptHash(plotlyScript)} ${scriptHash(CHART_SCRIPT)}`,
    // Plotly sets inline styles on its SVG; styles cannot run script, so this is safe.
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Lossbook ${escapeHtml(LOSSBOOK_VERSION)}">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="report-header">
  <h1>${escapeHtml(title)}</h1>
  <div class="muted">Lossbook report · ${escapeHtml(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC</div>
</header>
${renderOverview(notebook)}
${renderEnvironment(notebook, generatedAt)}
<h2>Notebook</h2>
<main class="cells">
${cells}
</main>
<script type="application/json" id="lossbook-charts">${jsonForScript(charts)}</script>
<script type="application/json" id="lossbook-figures">${jsonForScript(figures)}</script>
<script>${plotlyScript}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
