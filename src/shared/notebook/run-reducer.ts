// One event stream, three consumers (design.md): the renderer store, `lossbook run --json` and
// the saved notebook all fold kernel events into RunRecords with this one reducer.
import type { Finding, HostEvent } from '../protocol';
import type { CellOutput, RunRecord, Series } from './model';

/** Longest stream output kept per cell; the kernel bounds it too, this guards files and the UI. */
export const MAX_STREAM_CHARS = 1_000_000;

export function createRunRecord(runId: string, cellId: string, executionCount: number, startedAt: number): RunRecord {
  return { runId, cellId, executionCount, startedAt, status: 'running', series: [], findings: [], artifacts: [] };
}

function seriesFor(run: RunRecord, name: string): Series {
  let series = run.series.find((s) => s.name === name);
  if (!series) {
    series = { name, steps: [], values: [], epochs: [] };
    run.series.push(series);
  }
  return series;
}

/** Add or update findings in place by key, so a confirmed finding never floods the list. */
export function mergeFindings(existing: Finding[], incoming: Finding[]): Finding[] {
  for (const finding of incoming) {
    const index = existing.findIndex((f) => f.key === finding.key);
    if (index >= 0) existing[index] = finding;
    else existing.push(finding);
  }
  return existing;
}

/** Append a stream chunk, merging with the previous chunk of the same stream and bounding size. */
export function appendStream(outputs: CellOutput[], name: 'stdout' | 'stderr', text: string): void {
  const last = outputs[outputs.length - 1];
  if (last && last.type === 'stream' && last.name === name) {
    if (last.text.length >= MAX_STREAM_CHARS) return;
    last.text = (last.text + text).slice(0, MAX_STREAM_CHARS);
    if (last.text.length >= MAX_STREAM_CHARS) last.text += '\n… output truncated (over 1,000,000 characters)';
    return;
  }
  outputs.push({ type: 'stream', name, text: text.slice(0, MAX_STREAM_CHARS) });
}

/**
 * Fold one event into the run it belongs to (and its cell's outputs). Returns true if the
 * event was about this run. Events for other runs are ignored.
 */
export function applyRunEvent(run: RunRecord, outputs: CellOutput[], event: HostEvent): boolean {
  if (!('runId' in event) || event.runId !== run.runId) return false;
  switch (event.type) {
    case 'stream':
      appendStream(outputs, event.name, event.text);
      return true;
    case 'display':
      outputs.push({ type: 'display', value: event.value });
      return true;
    case 'error':
      outputs.push({ type: 'error', error: event.error });
      return true;
    case 'metrics':
      for (const point of event.points) {
        const series = seriesFor(run, point.name);
        series.steps.push(point.step);
        series.values.push(point.value);
        if (point.epoch !== undefined) series.epochs.push(point.epoch);
      }
      return true;
    case 'progress':
      run.progress = { epoch: event.epoch, epochs: event.epochs, step: event.step, batch: event.batch, batchesPerEpoch: event.batchesPerEpoch };
      return true;
    case 'findings':
      mergeFindings(run.findings, event.findings);
      return true;
    case 'artifact': {
      // A live artifact (a sweep republishes its whole state after every trial) is identified by
      // kind + data.name: the newer one replaces the older, so saved notebooks do not grow with
      // every snapshot.
      const name = artifactName(event.data);
      const index = name === undefined ? -1 : run.artifacts.findIndex((a) => a.kind === event.kind && artifactName(a.data) === name);
      if (index >= 0) run.artifacts[index] = { kind: event.kind, data: event.data };
      else run.artifacts.push({ kind: event.kind, data: event.data });
      return true;
    }
    case 'run-finished':
      run.status = event.status;
      run.durationMs = event.durationMs;
      run.memory = event.memory;
      return true;
    default:
      return true;
  }
}

function artifactName(data: unknown): string | undefined {
  const name = data && typeof data === 'object' ? (data as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}
