// The report's document around its content, shared by the notebook report (report.ts) and the
// run comparison (comparison.ts): the CSP that allows only the two inline scripts the page ships
// (by their sha256), no network at all, the data: icon, the stylesheet, the charts' JSON blocks,
// Plotly and the page script.
import { createHash } from 'node:crypto';
import type { ReportChart } from '../../shared/chart/report-chart';
import { LOSSBOOK_VERSION } from '../../shared/version';
import { escapeHtml, jsonForScript } from './format';
import { PAGE_SCRIPT, plotly, STYLE } from './page';
import type { ReportFigure } from './sweep';

function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export interface ReportDocument {
  title: string;
  /** The line under the title (plain text, escaped here). */
  subtitle: string;
  /** The content: HTML built from escaped text and sanitized markdown only. */
  body: string;
  charts: ReportChart[];
  figures?: ReportFigure[];
}

export function renderDocument({ title, subtitle, body, charts, figures = [] }: ReportDocument): string {
  const plotlyScript = plotly();
  const policy = [
    "default-src 'none'",
    `script-src ${scriptHash(plotlyScript)} ${scriptHash(PAGE_SCRIPT)}`,
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
  <div class="muted">${escapeHtml(subtitle)}</div>
</header>
${body}
<script type="application/json" id="lossbook-charts">${jsonForScript(charts)}</script>
<script type="application/json" id="lossbook-figures">${jsonForScript(figures)}</script>
<script>${plotlyScript}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
