// Cell outputs and artifacts in the report: text escaped, long values folded or cut, html
// outputs through the sanitizer the app uses too (shared/markdown.ts).
import type { CellOutput, RunRecord } from '../../shared/notebook/model';
import type { DisplayValue } from '../../shared/protocol';
import { describeValue } from '../../shared/describe-value';
import { sanitizeNotebookHtml } from '../../shared/markdown';
import { escapeHtml, formatNumber, truncate } from './format';

const MAX_TABLE_ROWS = 200;

/** JSON outputs longer than this are folded behind a one-line summary. */
const JSON_FOLD_LINES = 12;

function renderDisplay(value: DisplayValue): string {
  switch (value.kind) {
    case 'text':
      return `<pre class="output">${escapeHtml(truncate(value.text))}</pre>`;
    case 'json': {
      const text = JSON.stringify(value.json, null, 2) ?? 'undefined';
      // A long value (model.fit's History: every metric of every epoch) is folded, as in the app:
      // unfolded it made a report thousands of pixels tall (issue 21).
      if (text.split('\n').length <= JSON_FOLD_LINES) return `<pre class="output">${escapeHtml(truncate(text))}</pre>`;
      return `<details class="output json-fold"><summary>${escapeHtml(describeValue(value.json))}</summary><pre class="output">${escapeHtml(truncate(text))}</pre></details>`;
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
      return `<div class="output html">${sanitizeNotebookHtml(value.html)}</div>`;
  }
}

export function renderOutput(output: CellOutput): string {
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

/** Structured output of lossbook.* tools (sweeps, LR range tests): shown as data, collapsed. */
export function renderArtifact(artifact: RunRecord['artifacts'][number]): string {
  const text = truncate(JSON.stringify(artifact.data, null, 2) ?? 'undefined', 8000);
  return `<details class="artifact"><summary>${escapeHtml(artifact.kind)}</summary><pre>${escapeHtml(text)}</pre></details>`;
}
