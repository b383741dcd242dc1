// Add to notebook (issue 20): the Compare view's comparison becomes a bounded snapshot in the open
// notebook — modified, saved with it, taken back by undo — and Remove takes it out (undoable).
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LossbookApi } from '../../../shared/api';
import { parseNotebook, serializeNotebook } from '../../../shared/notebook/format';
import type { Notebook } from '../../../shared/notebook/model';
import { testComparisonSource } from '../../../shared/runs/comparison.testing';
import { useNotebookStore } from './notebook';
import { useRunsStore } from './runs';

function fakeApi(saved: Notebook[]): LossbookApi {
  const source = testComparisonSource({ points: 5000 });
  return {
    transport: 'electron',
    onEvent: () => ({ dispose() {} }),
    kernelInfo: async () => ({ state: 'idle', lossbookVersion: '0' }),
    listExamples: async () => [],
    compareRuns: async () => ({ comparison: source.comparison, a: source.a, b: source.b }),
    runSeries: async (ids: string[]) => [...source.seriesA, ...source.seriesB].filter((series) => ids.includes(series.runId)),
    saveNotebook: async (notebook: Notebook, path?: string) => {
      saved.push(notebook);
      return { path: path ?? '/work/lr.lossbook' };
    },
  } as unknown as LossbookApi;
}

describe('comparisons in the open notebook', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('adds the comparison on screen as a snapshot: modified, saved with the notebook, undone by undo', async () => {
    const saved: Notebook[] = [];
    const api = fakeApi(saved);
    const notebook = useNotebookStore();
    const runs = useRunsStore();
    await notebook.connect(api);
    runs.connect(api);
    runs.comparison = await api.compareRuns('run-12', 'run-13');

    const snapshot = await runs.comparisonSnapshotOfCurrent();
    expect(snapshot!.runs.a.number).toBe(12);
    expect(snapshot!.curves.a.map((series) => series.name)).toEqual(['loss', 'val_loss', 'acc']);
    expect(Math.max(...snapshot!.curves.a.map((series) => series.steps.length))).toBeLessThanOrEqual(2000);
    expect(notebook.dirty).toBe(false);
    notebook.addComparison(snapshot!);
    expect(notebook.dirty).toBe(true);
    expect(notebook.notebook.comparisons!.map((kept) => kept.id)).toEqual([snapshot!.id]);

    expect(await notebook.save()).toBe(true);
    const written = saved.at(-1)!;
    expect(written.comparisons).toHaveLength(1);
    // What the host writes (the same serializer) reads back with the comparison.
    expect(parseNotebook(serializeNotebook(written)).comparisons![0]!.comparison.config).toEqual([{ key: 'params.learningRate', a: 0.1, b: 0.001 }]);

    expect(notebook.undo()).toBe(true);
    expect(notebook.notebook.comparisons).toEqual([]);
    expect(notebook.dirty).toBe(true);
  });

  it('removes a comparison, and undo puts it back where it was', async () => {
    const api = fakeApi([]);
    const notebook = useNotebookStore();
    const runs = useRunsStore();
    runs.connect(api);
    runs.comparison = await api.compareRuns('run-12', 'run-13');
    const first = (await runs.comparisonSnapshotOfCurrent())!;
    const second = (await runs.comparisonSnapshotOfCurrent())!;
    notebook.addComparison(first);
    notebook.addComparison(second);
    notebook.removeComparison(first.id);
    expect(notebook.notebook.comparisons!.map((kept) => kept.id)).toEqual([second.id]);
    expect(notebook.notices.at(-1)).toMatchObject({ text: 'Removed the comparison of run #12 and #13.', action: { label: 'Undo' } });
    notebook.undo();
    expect(notebook.notebook.comparisons!.map((kept) => kept.id)).toEqual([first.id, second.id]);
  });
});
