// The report's Environment section: which backend the runs used, what was tried and why.
import type { Notebook } from '../../shared/notebook/model';
import type { BackendInfo } from '../../shared/protocol';
import { LOSSBOOK_VERSION } from '../../shared/version';
import { escapeHtml } from './format';

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

export function renderEnvironment(notebook: Notebook, generatedAt: Date): string {
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
