import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Notebook, RunRecord } from '../shared/notebook/model';
import type { Finding } from '../shared/protocol';
import { formatValue } from '../shared/sweep/view-model';
import { runSyntheticSweep } from '../shared/sweep/view-model.testing';
import { renderReport } from '../host/report';
import { ProgressReporter } from './progress';
import { buildRunJson, failingFindings } from './run-json';

function finding(id: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return { id, key: id, family: 'dynamic', severity, title: `${id} title`, evidence: { summary: `${id} evidence`, values: {} }, explanation: '', fix: { text: '' }, source: '', count: 1, ...extra };
}

function fixture(): { notebook: Notebook; run: RunRecord } {
  const run: RunRecord = {
    runId: 'r1',
    cellId: 'c2',
    executionCount: 1,
    startedAt: 0,
    status: 'ok',
    series: [{ name: 'loss', steps: [0, 1, 2], values: [1.5, null, 0.5], epochs: [] }],
    findings: [finding('loss.nan', 'error', { step: 1, epoch: 0 }), finding('opt.lr-out-of-range', 'warning'), finding('perf.backend-fallback', 'info')],
    memory: {
      before: { numTensors: 2, numBytes: 16, rssBytes: 0, heapUsedBytes: 0, time: 0 },
      after: { numTensors: 4, numBytes: 48, rssBytes: 0, heapUsedBytes: 0, time: 1 },
      kept: { tensors: 2, bytes: 32 },
      disposed: { tensors: 9, bytes: 90 },
      leaked: { tensors: 0, bytes: 0 },
    },
    artifacts: [],
  };
  const notebook: Notebook = {
    metadata: { title: 't', created: '', modified: '', lossbookVersion: '0.1.0' },
    cells: [
      { id: 'c1', kind: 'markdown', source: '# x', outputs: [], runs: [], dismissed: [] },
      { id: 'c2', kind: 'code', source: 'fit()', outputs: [], runs: [run], dismissed: ['opt.lr-out-of-range'] },
    ],
  };
  return { notebook, run };
}

describe('--json document', () => {
  it('has exactly the documented shape; dismissed findings are left out', () => {
    const { notebook, run } = fixture();
    const json = buildRunJson(notebook, [run], { name: 'wasm', requested: 'auto', requestedBy: 'default', attempts: [], tfjsVersion: '4.22.0', isGpu: false });
    expect(json).toEqual({
      lossbookVersion: '0.1.0',
      backend: 'wasm',
      runs: [
        {
          cell: 1,
          metrics: { loss: [1.5, null, 0.5] },
          steps: { loss: [0, 1, 2] },
          verdict: {
            id: 'loss.nan',
            title: 'loss.nan title',
            evidence: 'loss.nan evidence',
            role: 'symptom',
            severity: 'error',
            explains: [],
            nextCheck: { text: expect.stringContaining('first layer that produces NaN'), code: 'lossbook.checks.bisectNonFinite($model, $x)' },
          },
          findings: [
            { id: 'loss.nan', severity: 'error', title: 'loss.nan title', evidence: 'loss.nan evidence', step: 1, epoch: 0, explainedBy: null },
            { id: 'perf.backend-fallback', severity: 'info', title: 'perf.backend-fallback title', evidence: 'perf.backend-fallback evidence', step: null, epoch: null, explainedBy: null },
          ],
          memory: { tensorsBefore: 2, tensorsAfter: 4, bytesBefore: 16, bytesAfter: 48 },
        },
      ],
      sweeps: [],
    });
  });

  it('gives each series its steps, so per-epoch validation lines up with per-step loss', () => {
    const { notebook, run } = fixture();
    run.series = [
      { name: 'loss', steps: [0, 1, 2, 3, 4, 5], values: [6, 5, 4, 3, 2, 1], epochs: [0, 0, 0, 1, 1, 1] },
      { name: 'val_loss', steps: [2, 5], values: [4.5, Number.NaN], epochs: [0, 1] },
    ];
    const [entry] = buildRunJson(notebook, [run], undefined).runs;
    expect(entry!.metrics).toEqual({ loss: [6, 5, 4, 3, 2, 1], val_loss: [4.5, null] });
    expect(entry!.steps).toEqual({ loss: [0, 1, 2, 3, 4, 5], val_loss: [2, 5] });
    // The val_loss of epoch 0 sits at the step of that epoch's last batch, where loss was 4.
    const at = entry!.steps.loss!.indexOf(entry!.steps.val_loss![0]!);
    expect(entry!.metrics.loss![at]).toBe(4);
    for (const name of Object.keys(entry!.metrics)) expect(entry!.steps[name]).toHaveLength(entry!.metrics[name]!.length);
  });

  it('names the cause as the verdict and marks the symptoms it explains with explainedBy', () => {
    const { notebook, run } = fixture();
    notebook.cells[1]!.dismissed = [];
    run.findings = [
      finding('loss.saturated', 'error', { step: 9, firstStep: 4, evidence: { summary: 'loss 16.1 at step 9', values: { loss: 16.1 } } }),
      finding('loss.nan', 'error', { step: 12, evidence: { summary: 'loss NaN at step 12', values: {} } }),
      { ...finding('opt.lr-out-of-range', 'warning', { evidence: { summary: 'Adam learning rate 1 > 0.01', values: { learningRate: 1, max: 0.01, optimizer: 'Adam' } } }), family: 'static' },
    ];
    const json = buildRunJson(notebook, [run], undefined);
    expect(json.runs[0]!.verdict).toMatchObject({ id: 'opt.lr-out-of-range', role: 'cause', severity: 'error', explains: ['loss.saturated', 'loss.nan'], nextCheck: null });
    expect(json.runs[0]!.findings.map((f) => [f.id, f.explainedBy])).toEqual([
      ['loss.saturated', 'opt.lr-out-of-range'],
      ['loss.nan', 'opt.lr-out-of-range'],
      ['opt.lr-out-of-range', null],
    ]);
  });

  it('lists each sweep once (its last snapshot): best, trials best first, common findings', () => {
    const { notebook, run } = fixture();
    const sweep = runSyntheticSweep();
    run.artifacts.push(...sweep.run.artifacts);
    const json = JSON.parse(JSON.stringify(buildRunJson(notebook, [run], undefined))) as ReturnType<typeof buildRunJson>;
    expect(json.sweeps).toHaveLength(1);
    const [entry] = json.sweeps;
    const ranked = sweep.scheduler.ranked();
    expect(entry).toMatchObject({ cell: 1, name: sweep.name, metric: 'val_loss', goal: 'min' });
    expect(entry!.best).toEqual({ trial: ranked[0]!.id, params: ranked[0]!.params, value: ranked[0]!.best });
    expect(entry!.trials.map((trial) => trial.id)).toEqual(ranked.map((trial) => trial.id));
    for (const [index, trial] of entry!.trials.entries()) {
      const source = ranked[index]!;
      expect(trial).toEqual({
        id: source.id,
        status: source.status,
        params: source.params,
        best: source.best ?? null,
        final: source.final !== undefined && Number.isFinite(source.final) ? source.final : null,
        prunedAt: source.prunedAt ?? null,
        reason: source.reason ?? null,
        findings: source.findings,
        where: source.where ?? null,
        attempts: source.attempts ?? 1,
      });
    }
    const nan = entry!.commonFindings.find((finding) => finding.id === 'loss.nan')!;
    expect(nan.trials).toEqual(sweep.scheduler.state.trials.filter((trial) => trial.findings.length > 0).map((trial) => trial.id));
    expect(nan.association).toMatch(/^all \d+ with lr ≥ /);
  });

  it('--fail-on counts findings at or above the threshold, never dismissed ones', () => {
    const { notebook, run } = fixture();
    expect(failingFindings(notebook, [run], 'error').map((f) => f.id)).toEqual(['loss.nan']);
    expect(failingFindings(notebook, [run], 'warning').map((f) => f.id)).toEqual(['loss.nan']);
    notebook.cells[1]!.dismissed = [];
    expect(failingFindings(notebook, [run], 'warning').map((f) => f.id)).toEqual(['loss.nan', 'opt.lr-out-of-range']);
  });

  it('agrees with the app on dismissals: a finding dismissed there (another layer counter) neither fails --fail-on nor shows in --json, progress or the report', () => {
    const { notebook, run } = fixture();
    // The app's session had built the model four times (dense_Dense4); the CLI's fresh kernel names it dense_Dense1.
    notebook.cells[1]!.dismissed = ['act.dead-relu:dense_Dense4'];
    run.findings = [finding('act.dead-relu', 'error', { key: 'act.dead-relu:dense_Dense1' })];
    expect(failingFindings(notebook, [run], 'warning')).toEqual([]);
    expect(buildRunJson(notebook, [run], undefined).runs[0]!.findings).toEqual([]);
    const status = new Sink();
    new ProgressReporter({ status, cellOutput: new Sink(), plain: true }).event({ type: 'findings', runId: 'r1', findings: run.findings }, run, notebook.cells[1]!.dismissed);
    expect(status.text).toBe('');
    // The report the same run exports shows it dismissed (struck through), not among the active findings.
    const html = renderReport(notebook, { generatedAt: new Date(0) });
    expect(html).toMatch(/<article class="finding severity-error dismissed" data-finding="act\.dead-relu">/);
    expect(html).not.toMatch(/class="count error"/);
  });
});

class Sink extends Writable {
  text = '';
  isTTY = false;
  columns = 80;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

describe('progress output', () => {
  const progress = (epoch: number, batch: number) => ({ type: 'progress' as const, runId: 'r1', epoch, epochs: 2, step: epoch * 4 + batch, batch, batchesPerEpoch: 4, loss: 0.5 / (epoch + 1) });

  it('writes one plain line per epoch when not on a terminal', () => {
    const { run } = fixture();
    const status = new Sink();
    const reporter = new ProgressReporter({ status, cellOutput: new Sink() });
    reporter.startCell(1, 1, 1);
    for (const epoch of [0, 1]) for (const batch of [0, 1, 2, 3]) reporter.event(progress(epoch, batch), run, new Set());
    reporter.event({ type: 'findings', runId: 'r1', findings: [finding('loss.nan', 'error')] }, run, new Set());
    reporter.event({ type: 'findings', runId: 'r1', findings: [finding('loss.nan', 'error')] }, run, new Set());
    reporter.finishCell(run);
    const lines = status.text.trimEnd().split('\n');
    expect(lines).toEqual([
      '▶ cell 2 (1/1)',
      '  cell 2 (1/1) · epoch 1/2 · step 0 · loss 0.5000',
      '  cell 2 (1/1) · epoch 2/2 · step 4 · loss 0.2500',
      '  ✖ error   loss.nan: loss.nan title — loss.nan evidence',
      '  cell 2 (1/1): ok · last loss 0.5000 · 0 tensors leaked',
    ]);
    expect(status.text).not.toContain('\r');
  });

  it('prints one line per finished sweep trial, once, with the best so far', () => {
    const { run } = fixture();
    const sweep = runSyntheticSweep({ trials: 4 });
    const status = new Sink();
    const reporter = new ProgressReporter({ status, cellOutput: new Sink() });
    for (const artifact of sweep.run.artifacts) reporter.event({ type: 'artifact', runId: 'r1', kind: artifact.kind, data: artifact.data }, run, new Set());
    reporter.event({ type: 'artifact', runId: 'r1', kind: 'sweep', data: sweep.run.artifacts.at(-1)!.data }, run, new Set());
    const lines = status.text.trimEnd().split('\n');
    const trials = sweep.scheduler.state.trials;
    expect(lines).toHaveLength(trials.length);
    for (const [index, trial] of trials.entries()) {
      expect(lines[index]).toContain(`sweep trial ${trial.id} (${index + 1}/4) ${trial.status === 'pruned' ? `stopped early at epoch ${trial.prunedAt}` : trial.status}`);
      expect(lines[index]).toContain(`lr=${formatValue(trial.params.lr)}`);
    }
    const best = sweep.scheduler.ranked()[0]!;
    expect(lines.at(-1)).toContain(`best so far: trial ${best.id} (${best.best!.toFixed(4)})`);
  });

  it('draws a bar redrawn in place on a terminal, and keeps cell output on its own lines', () => {
    const { run } = fixture();
    const status = new Sink();
    status.isTTY = true;
    const cellOutput = new Sink();
    const reporter = new ProgressReporter({ status, cellOutput });
    reporter.startCell(1, 1, 1);
    reporter.event(progress(0, 1), run, new Set());
    expect(status.text).toContain('\r\x1b[2K  cell 2 (1/1) epoch 1/2 [████████████············] batch 2/4 · loss 0.5000');
    reporter.event({ type: 'stream', runId: 'r1', name: 'stdout', text: 'hello\n' }, run, new Set());
    expect(cellOutput.text).toBe('hello\n');
    reporter.finishCell(run);
    expect(status.text.endsWith('leaked\n')).toBe(true);
  });
});
