import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../protocol';
import { createCell, type Cell } from './model';
import { runFinished as finished } from './run-events.testing';
import { EARLY_EVENTS_KEPT, EARLY_RUNS_KEPT, NotebookRunFold, type RunFoldOptions } from './run-fold';

const started = (runId: string, cellId: string, executionCount = 1, time = 100): HostEvent => ({ type: 'run-started', runId, cellId, executionCount, time });
const stream = (runId: string, text: string): HostEvent => ({ type: 'stream', runId, name: 'stdout', text });

function setup(options: Partial<RunFoldOptions> = {}): { cells: Cell[]; fold: NotebookRunFold } {
  const cells = [createCell('code', 'a'), createCell('code', 'b')];
  const fold = new NotebookRunFold({ findCell: (id) => cells.find((cell) => cell.id === id), now: () => 42, ...options });
  return { cells, fold };
}

describe('NotebookRunFold', () => {
  it('makes a record on run-started, sends output to its cell and folds the run into it', () => {
    const { cells, fold } = setup({ backend: () => ({ name: 'wasm', tfjsVersion: '4.22.0', attempts: [] }) as never });
    const cell = cells[1]!;
    cell.outputs = [{ type: 'stream', name: 'stdout', text: 'old\n' }];
    const update = fold.apply(started('r1', cell.id, 7, 100))!;
    expect(update).toMatchObject({ created: true, cell, events: [{ type: 'run-started' }] });
    expect(cell.executionCount).toBe(7);
    expect(cell.outputs).toEqual([]);
    fold.apply(stream('r1', 'hi\n'));
    fold.apply({ type: 'metrics', runId: 'r1', points: [{ name: 'loss', step: 0, value: 1 }] });
    expect(fold.apply(finished('r1'))).toMatchObject({ created: false, events: [{ type: 'run-finished' }] });
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'hi\n' }]);
    expect(cell.runs).toHaveLength(1);
    expect(cell.runs[0]).toMatchObject({ runId: 'r1', executionCount: 7, startedAt: 100, status: 'ok', backend: { name: 'wasm' } });
    expect(cell.runs[0]!.series[0]).toMatchObject({ name: 'loss', values: [1] });
    expect(cells[0]!.runs).toEqual([]);
  });

  it('keeps the runs it is told to, oldest dropped first, and every run by default', () => {
    const kept = setup({ runsKept: 2 });
    for (const runId of ['a', 'b', 'c']) kept.fold.apply(started(runId, kept.cells[0]!.id));
    expect(kept.cells[0]!.runs.map((run) => run.runId)).toEqual(['b', 'c']);
    // A record its cell no longer keeps takes no more events (and no more output).
    expect(kept.fold.apply(stream('a', 'late'))).toBeUndefined();
    expect(kept.cells[0]!.outputs).toEqual([]);
    const all = setup();
    for (const runId of ['a', 'b', 'c']) all.fold.apply(started(runId, all.cells[0]!.id));
    expect(all.cells[0]!.runs.map((run) => run.runId)).toEqual(['a', 'b', 'c']);
  });

  it('keeps events that come before the run is known and folds them in once it is', () => {
    const { cells, fold } = setup();
    const cell = cells[0]!;
    expect(fold.apply(stream('r1', 'early '))).toBeUndefined();
    expect(fold.apply({ type: 'metrics', runId: 'r1', points: [{ name: 'loss', step: 0, value: 2 }] })).toBeUndefined();
    const update = fold.apply(started('r1', cell.id, 3))!;
    expect(update.events.map((event) => event.type)).toEqual(['run-started', 'stream', 'metrics']);
    fold.apply(stream('r1', 'late'));
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'early late' }]);
    expect(cell.runs[0]!.series[0]!.values).toEqual([2]);
  });

  it('claims a run before its run-started (execute answered first); run-started then corrects the count and time', () => {
    const { cells, fold } = setup();
    const cell = cells[0]!;
    cell.executionCount = 4;
    fold.apply(stream('r1', 'x'));
    const claimed = fold.claim('r1', cell.id)!;
    expect(claimed).toMatchObject({ created: true, record: { executionCount: 5, startedAt: 42 }, events: [{ type: 'stream' }] });
    expect(cell.outputs).toEqual([{ type: 'stream', name: 'stdout', text: 'x' }]);
    const corrected = fold.apply(started('r1', cell.id, 2, 100))!;
    expect(corrected.created).toBe(false);
    expect(cell.runs).toHaveLength(1);
    expect(cell.runs[0]).toMatchObject({ executionCount: 2, startedAt: 100 });
    expect(cell.executionCount).toBe(2);
    // Output that came in between stays: a late run-started does not clear the cell again.
    expect(cell.outputs).toHaveLength(1);
    expect(fold.claim('r1', cell.id)).toMatchObject({ created: false, events: [] });
  });

  it('drops runs of cells that are not in the notebook, and their early events', () => {
    const { cells, fold } = setup();
    fold.apply(stream('gone', 'x'));
    expect(fold.apply(started('gone', 'no-such-cell'))).toBeUndefined();
    expect(fold.apply(finished('gone'))).toBeUndefined();
    expect(fold.record('gone')).toBeUndefined();
    expect(cells.every((cell) => cell.runs.length === 0 && cell.outputs.length === 0)).toBe(true);
  });

  it('ignores kernel-level events and bounds what it keeps for runs nobody claims', () => {
    const { cells, fold } = setup();
    expect(fold.apply({ type: 'kernel-state', state: 'idle' })).toBeUndefined();
    for (let index = 0; index < EARLY_EVENTS_KEPT + 5; index++) fold.apply(stream('flood', '.'));
    for (let index = 0; index < EARLY_RUNS_KEPT; index++) fold.apply(stream(`other-${index}`, '.'));
    // 'flood' was the oldest unclaimed run: dropped when the seventeenth arrived.
    expect(fold.apply(started('flood', cells[0]!.id))!.events).toHaveLength(1);
    const bounded = setup();
    for (let index = 0; index < EARLY_EVENTS_KEPT + 5; index++) bounded.fold.apply(stream('flood', '.'));
    expect(bounded.fold.apply(started('flood', bounded.cells[0]!.id))!.events).toHaveLength(EARLY_EVENTS_KEPT + 1);
  });

  it('wraps every record a cell keeps with adopt (the app marks them raw)', () => {
    const adopted = new Set<unknown>();
    const { cells, fold } = setup({ runsKept: 2, adopt: (record) => (adopted.add(record), record) });
    fold.apply(started('a', cells[0]!.id));
    fold.apply(started('b', cells[0]!.id));
    expect(cells[0]!.runs.every((run) => adopted.has(run))).toBe(true);
  });
});
