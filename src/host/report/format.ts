// Text helpers of the HTML report: escaping, truncation, numbers, sizes, durations, code
// highlighting and JSON inside a script block. Everything a report prints from a notebook goes
// through escapeHtml or the shared sanitizer (shared/markdown.ts); nothing else builds HTML.
import hljs from 'highlight.js/lib/core';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';

hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('javascript', javascript);

export const MAX_OUTPUT_CHARS = 20_000;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function truncate(text: string, limit = MAX_OUTPUT_CHARS): string {
  return text.length > limit ? `${text.slice(0, limit)}\n… (${(text.length - limit).toLocaleString('en-US')} more characters not shown)` : text;
}

/** A run's start time; a schema-valid but impossible one (startedAt: 1e308) prints as a number, not a RangeError. */
export function formatTimestamp(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms (not a valid date)` : date.toISOString();
}

export function highlight(code: string, language: 'typescript' | 'javascript' = 'typescript'): string {
  return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}

/** JSON inside <script type="application/json">: no "<" at all, so nothing can close the block. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (Number.isInteger(value) && size < 1e9) return value.toLocaleString('en-US');
  return value === 0 || (size >= 1e-3 && size < 1e6) ? Number(value.toPrecision(5)).toString() : value.toExponential(3);
}

export function formatBytesShort(bytes: number): string {
  const sign = bytes < 0 ? '−' : '';
  const size = Math.abs(bytes);
  if (size >= 1024 ** 3) return `${sign}${(size / 1024 ** 3).toFixed(2)} GB`;
  if (size >= 1024 ** 2) return `${sign}${(size / 1024 ** 2).toFixed(1)} MB`;
  if (size >= 1024) return `${sign}${(size / 1024).toFixed(1)} kB`;
  return `${sign}${size} B`;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
