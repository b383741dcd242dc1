import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { runFinished as finished } from '../../../shared/notebook/run-events.testing';
import { fakeApi } from './fake-api.testing';
import { useNotebookStore } from './notebook';

/** An API whose runs end when the test says so; `run-started` comes at once unless startedLate. */
function fakeRunApi(store: ReturnType<typeof useNotebookStore>, options: { startedLate?: boolean } = {}) {
  return fakeApi(({ runId, cellId, count }) => {
    if (!options.startedLate) store.handleEvent({ type: 'run-started', runId, cellId, executionCount: count, time: 0 });
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('notebook store: runs', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('goes on with the queue when a cell is cleared while it runs', async () => {
    const store = useNotebookStore();
    store.updateSource(store.cells[0]!.id, 'first');
    store.insertCell(1, 'code', 'second');
    const { api, executed } = fakeRunApi(store);
    await store.connect(api);
    store.runAll();
    await settle();
    expect(executed).toHaveLength(1);
    store.clearOutputs([store.cells[0]!.id]);
    store.handleEvent(finished('run-1'));
    await settle();
    expect(executed).toEqual([store.cells[0]!.id, store.cells[1]!.id]);
    expect(store.cells[0]!.runs).toEqual([]);
  });

  it('keeps output that comes before run-started (execute answered first) in the run it belongs to', async () => {
    const store = useNotebookStore();
    const cell = store.cells[0]!;
    store.updateSource(cell.id, 'print()');
    const { api } = fakeRunApi(store, { startedLate: true });
    await store.connect(api);
    store.handleEvent({ type: 'stream', runId: 'run-1', name: 'stdout', text: 'early\n' });
    store.runCells([cell.id]);
    await settle();
    store.handleEvent({ type: 'run-started', runId: 'run-1', cellId: cell.id, executionCount: 7, time: 5 });
    store.handleEvent({ type: 'stream', runId: 'run-1', name: 'stdout', text: 'late\n' });
    store.handleEvent(finished('run-1'));
    await settle();
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'early\nlate\n' }]);
    expect(cell.runs.map((run) => [run.runId, run.executionCount, run.status])).toEqual([['run-1', 7, 'ok']]);
    expect(cell.executionCount).toBe(7);
    expect(store.busy).toBe(false);
  });
});
