// Findings, the verdict and the run's memory table in the report. Which findings are shown as
// dismissed is decided by the caller (report.ts); this file only draws them.
import type { Diagnosis } from '../../shared/diagnosis/verdict';
import type { Finding, RunMemory } from '../../shared/protocol';
import { escapeHtml, formatBytesShort, formatNumber, highlight } from './format';

function renderEvidenceValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'number' ? formatNumber(item) : String(item))).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

export function renderFinding(finding: Finding, dismissed: boolean, severity: Finding['severity'] = finding.severity): string {
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

export function renderMemory(memory: RunMemory): string {
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

/** The verdict, then each top-level finding with the findings it explains folded in a <details>. */
export function renderDiagnosis(diagnosis: Diagnosis): string {
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
