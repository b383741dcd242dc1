import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/protocol';
import { fakeApi } from './fake-api.testing';
import { documentName, formatBytes, isDismissed, useNotebookStore } from './notebook';

const memory = { numTensors: 3, numBytes: 12, rssBytes: 1, heapUsedBytes: 1, time: 0 };

describe('notebook store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('folds a run into its cell with the shared reducer: counter, outputs, series, findings, memory', () => {
    const store = useNotebookStore();
    const cell = store.cells[0]!;
    const events: HostEvent[] = [
      { type: 'run-started', runId: 'r1', cellId: cell.id, executionCount: 4, time: 0 },
      { type: 'stream', runId: 'r1', name: 'stdout', text: 'hello\n' },
      { type: 'metrics', runId: 'r1', points: [{ name: 'loss', step: 0, value: 2.3 }, { name: 'loss', step: 1, value: 2.1 }] },
      { type: 'progress', runId: 'r1', epoch: 0, epochs: 3, step: 1 },
      {
        type: 'findings',
        runId: 'r1',
        findings: [{ id: 'loss.nan', key: 'loss.nan', family: 'dynamic', severity: 'error', title: 'NaN', evidence: { summary: 's', values: {} }, explanation: 'e', fix: { text: 'f' }, source: 'seed', count: 1 }],
      },
      { type: 'run-finished', runId: 'r1', status: 'ok', durationMs: 5, memory: { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 2, bytes: 8 }, leaked: { tensors: 0, bytes: 0 } } },
    ];
    for (const event of events) store.handleEvent(event);
    const run = store.latestRun(cell)!;
    expect(cell.executionCount).toBe(4);
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'hello\n' }]);
    expect(run.series[0]).toMatchObject({ name: 'loss', steps: [0, 1], values: [2.3, 2.1] });
    expect(run.findings.map((f) => f.id)).toEqual(['loss.nan']);
    expect(run.status).toBe('ok');
    expect(store.lastRunMemory?.disposed.tensors).toBe(2);
    expect(store.revisions.get(cell.id)).toBeGreaterThan(0);
  });

  it('keeps the latest run and the previous one for the overlay', () => {
    const store = useNotebookStore();
    const cell = store.cells[0]!;
    for (const runId of ['a', 'b', 'c']) store.handleEvent({ type: 'run-started', runId, cellId: cell.id, executionCount: 1, time: 0 });
    expect(cell.runs.map((run) => run.runId)).toEqual(['b', 'c']);
  });

  it('runs queued cells one at a time and stops the queue when a cell fails', async () => {
    const store = useNotebookStore();
    store.updateSource(store.cells[0]!.id, 'first');
    store.insertCell(1, 'code', 'second');
    store.insertCell(2, 'code', '   \n');
    store.insertCell(3, 'code', 'fourth');
    // Each run starts and ends on the next turn; the second one fails.
    const { api, executed } = fakeApi(({ runId, cellId, count }) => {
      setTimeout(() => {
        store.handleEvent({ type: 'run-started', runId, cellId, executionCount: count, time: 0 });
        store.handleEvent({ type: 'run-finished', runId, status: count === 2 ? 'error' : 'ok', durationMs: 1, memory: { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 } } });
      }, 0);
    });
    await store.connect(api);
    store.runAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(executed).toEqual([store.cells[0]!.id, store.cells[1]!.id]);
    expect(store.busy).toBe(false);
    // An empty cell is skipped: it takes no execution count, and the cells after it still run.
    executed.length = 0;
    store.runCells([store.cells[2]!.id, store.cells[3]!.id]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(executed).toEqual([store.cells[3]!.id]);
    expect(store.cells[2]!.executionCount).toBeNull();
  });

  it('deletes and undoes a delete, converts kinds, and builds the outline from markdown headings', () => {
    const store = useNotebookStore();
    const markdown = store.insertCell(0, 'markdown', '# Data\ntext\n## Model');
    expect(store.outline).toEqual([
      { cellId: markdown.id, level: 1, text: 'Data' },
      { cellId: markdown.id, level: 2, text: 'Model' },
    ]);
    store.deleteCell(markdown.id);
    expect(store.cells.some((cell) => cell.id === markdown.id)).toBe(false);
    store.undo();
    expect(store.cells[0]!.id).toBe(markdown.id);
    store.setKind(markdown.id, 'code');
    expect(store.cells[0]!.kind).toBe('code');
  });

  it('clears every output undoably: Z brings back outputs, runs and counters', () => {
    const store = useNotebookStore();
    const cell = store.cells[0]!;
    store.handleEvent({ type: 'run-started', runId: 'r1', cellId: cell.id, executionCount: 3, time: 0 });
    store.handleEvent({ type: 'stream', runId: 'r1', name: 'stdout', text: 'trained\n' });
    store.clearOutputs();
    expect(cell.outputs).toEqual([]);
    expect(cell.runs).toEqual([]);
    expect(store.notices.at(-1)?.action?.label).toBe('Undo');
    expect(store.undo()).toBe(true);
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'trained\n' }]);
    expect(cell.runs.map((run) => run.runId)).toEqual(['r1']);
    expect(cell.executionCount).toBe(3);
    expect(store.undo()).toBe(false);
  });

  it('asks before replacing unsaved work: Cancel keeps it, Discard replaces it', async () => {
    const store = useNotebookStore();
    store.updateSource(store.cells[0]!.id, 'const precious = 1;');
    expect(store.dirty).toBe(true);
    const cancelled = store.newNotebook();
    await Promise.resolve();
    expect(store.unsavedPrompt?.action).toBe('start a new notebook');
    store.unsavedPrompt!.resolve('cancel');
    await cancelled;
    expect(store.cells[0]!.source).toBe('const precious = 1;');
    const discarded = store.newNotebook();
    await Promise.resolve();
    store.unsavedPrompt!.resolve('discard');
    await discarded;
    expect(store.cells[0]!.source).toBe('');
    expect(store.dirty).toBe(false);
    // A clean notebook is replaced without a question.
    await store.newNotebook();
    expect(store.unsavedPrompt).toBeUndefined();
  });

  it('names the document after its file, or its title while unsaved', () => {
    expect(documentName('/work/runs/mnist-sweep.lossbook', 'Untitled')).toBe('mnist-sweep');
    expect(documentName('C:\\notebooks\\cnn.ipynb', 'x')).toBe('cnn');
    expect(documentName(undefined, 'My experiment')).toBe('My experiment');
    expect(documentName(undefined, '  ')).toBe('Untitled');
  });

  it('marks a cell stale when it or a cell above is edited after it ran, or the kernel restarted', () => {
    const store = useNotebookStore();
    const first = store.cells[0]!;
    store.updateSource(first.id, 'const a = 1;');
    const second = store.insertCell(1, 'code', 'a + 1');
    const run = (cellId: string, runId: string) => store.handleEvent({ type: 'run-started', runId, cellId, executionCount: 1, time: 0 });
    run(first.id, 'r1');
    run(second.id, 'r2');
    expect(store.staleReason(first)).toBeUndefined();
    expect(store.staleReason(second)).toBeUndefined();
    store.updateSource(first.id, 'const a = 2;');
    expect(store.staleReason(first)).toMatch(/Edited since it ran/);
    expect(store.staleReason(second)).toMatch(/cell above \(1\) was edited/);
    run(first.id, 'r3');
    expect(store.staleReason(first)).toBeUndefined();
    expect(store.staleReason(second)).toMatch(/cell above/);
    run(second.id, 'r4');
    expect(store.staleReason(second)).toBeUndefined();
    store.handleEvent({ type: 'kernel-exit', code: 0, signal: null, reason: 'restarted', lostState: '', expected: true });
    expect(store.staleReason(first)).toMatch(/kernel restarted/);
    expect(store.staleReason(second)).toMatch(/kernel restarted/);
  });

  it('moves the selected cell with Alt+arrows and keeps it selected', () => {
    const store = useNotebookStore();
    const [top] = store.cells;
    const bottom = store.insertCell(1, 'code', 'bottom');
    store.moveActive(-1);
    expect(store.cells.map((cell) => cell.id)).toEqual([bottom.id, top!.id]);
    expect(store.activeCellId).toBe(bottom.id);
    store.moveActive(-1);
    expect(store.cells[0]!.id).toBe(bottom.id);
    store.moveActive(1);
    expect(store.cells.map((cell) => cell.id)).toEqual([top!.id, bottom.id]);
  });

  it('keeps a dismissed finding dismissed when a re-run renumbers the layers', () => {
    expect(isDismissed(['model.double-softmax:dense_Dense2'], { key: 'model.double-softmax:dense_Dense4' })).toBe(true);
    expect(isDismissed(['model.double-softmax:dense_Dense2'], { key: 'model.no-bias:dense_Dense2' })).toBe(false);
    expect(isDismissed(['loss.nan'], { key: 'loss.nan' })).toBe(true);
  });

  it('formats bytes for the memory strip', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(-2 * 1024 * 1024)).toBe('−2.0 MB');
    expect(formatBytes(undefined)).toBe('—');
  });
});
