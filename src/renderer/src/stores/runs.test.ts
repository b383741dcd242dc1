import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { watch } from 'vue';
import type { LossbookApi } from '../../../shared/api';
import type { RunEntry } from '../../../shared/runs/model';
import { FIRST_PAGE_RUNS, MAX_OVERLAY_RUNS, useRunsStore } from './runs';

function entry(number: number, learningRate: number): RunEntry {
  return { id: `run-${number}`, number, createdAt: number * 1000, notebook: '/nb/a.lossbook', cellId: 'c', cellIndex: 0, origin: 'app', parentId: null, status: 'ok', durationMs: 1, params: { learningRate, optimizer: number % 2 ? 'Adam' : 'SGD' }, metrics: { loss: { last: learningRate, min: 0, max: 1, count: 3 } }, verdict: null, findingCounts: { error: 0, warning: 0, info: 0 }, tags: [], note: '' };
}

function fakeApi(runs: RunEntry[]): { api: LossbookApi; calls: string[] } {
  const calls: string[] = [];
  const api = {
    // Newest first, as the host lists them; `limit` keeps the newest.
    listRuns: async (limit?: number) => {
      calls.push(`list ${limit ?? 'all'}`);
      const newest = [...runs].sort((a, b) => b.number - a.number);
      return { store: '/data/runs.db', total: runs.length, runs: newest.slice(0, limit ?? runs.length) };
    },
    runSeries: async (ids: string[], names?: string[]) => {
      calls.push(`series ${ids.join(',')} ${names?.join(',')}`);
      return ids.map((runId) => ({ runId, name: 'loss', steps: [0, 1], values: [1, 0.5] }));
    },
    compareRuns: async (a: string, b: string) => {
      calls.push(`compare ${a} ${b}`);
      return { comparison: {}, a: {}, b: {} };
    },
    deleteRuns: async (ids: string[]) => ({ deleted: ids.length }),
    tagRun: async () => [],
    setRunNote: async () => undefined,
  } as unknown as LossbookApi;
  return { api, calls };
}

describe('runs store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists newest first, filters and sorts, and says what is wrong with a bad filter', async () => {
    const store = useRunsStore();
    store.connect(fakeApi([entry(1, 0.1), entry(2, 0.001), entry(3, 0.01)]).api);
    await store.show();
    expect(store.storePath).toBe('/data/runs.db');
    expect(store.visible.map((run) => run.number)).toEqual([3, 2, 1]);
    store.filterText = 'learningRate>0.005';
    expect(store.visible.map((run) => run.number)).toEqual([3, 1]);
    store.setSort(store.columns.find((column) => column.key === 'learningRate')!);
    expect(store.visible.map((run) => run.number)).toEqual([1, 3]);
    store.filterText = 'learningRate>fast';
    expect(store.filterError).toMatch(/not one/);
    expect(store.visible).toHaveLength(3);
    store.filterText = '';
    store.groupBy = 'optimizer';
    expect(store.rows.filter((row) => row.kind === 'group').map((row) => (row.kind === 'group' ? row.label : ''))).toEqual(['optimizer: Adam', 'optimizer: SGD']);
  });

  it('overlays the selected runs (at most 20) and compares two, the older as A', async () => {
    const runs = Array.from({ length: MAX_OVERLAY_RUNS + 2 }, (_, index) => entry(index + 1, 0.01));
    const { api, calls } = fakeApi(runs);
    const store = useRunsStore();
    store.connect(api);
    await store.show();
    store.toggle('run-5');
    store.toggle('run-2');
    await store.loadOverlay();
    expect(store.overlaySeries.map((series) => series.runId)).toEqual(['run-5', 'run-2']);
    await store.compareSelected();
    expect(calls).toContain('compare run-2 run-5');
    for (const run of runs) store.toggle(run.id);
    expect(store.selected).toHaveLength(MAX_OVERLAY_RUNS);
    store.clearSelection();
    expect(store.selected).toEqual([]);
  });

  it('draws the newest runs first, then loads them all; a newer refresh wins', async () => {
    const runs = Array.from({ length: FIRST_PAGE_RUNS + 50 }, (_, index) => entry(index + 1, 0.01));
    const { api, calls } = fakeApi(runs);
    const store = useRunsStore();
    store.connect(api);
    // What the table has after each answer: the newest page (not yet complete), then all.
    const seen: Array<[number, boolean]> = [];
    const watching = watch(() => store.runs, () => seen.push([store.runs.length, store.complete]), { flush: 'sync' });
    store.selected = ['run-1'];
    await store.show();
    expect(calls.filter((call) => call.startsWith('list'))).toEqual([`list ${FIRST_PAGE_RUNS}`, 'list all']);
    expect(seen).toEqual([
      [FIRST_PAGE_RUNS, false],
      [FIRST_PAGE_RUNS + 50, true],
    ]);
    watching();
    expect([store.runs.length, store.total, store.complete, store.loading]).toEqual([FIRST_PAGE_RUNS + 50, FIRST_PAGE_RUNS + 50, true, false]);
    // run-1 is older than the first page: still selected, since the whole listing has it.
    expect(store.selected).toEqual(['run-1']);

    // Two refreshes at once: the older one's late answer (a stale listing) is dropped.
    const listRuns = api.listRuns;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    api.listRuns = async () => {
      await gate;
      return { store: '/data/runs.db', total: 3, runs: runs.slice(0, 3) };
    };
    const older = store.refresh();
    api.listRuns = listRuns;
    await store.refresh();
    release();
    await older;
    expect([store.runs.length, store.total, store.runs[0]!.number, store.loading]).toEqual([FIRST_PAGE_RUNS + 50, FIRST_PAGE_RUNS + 50, FIRST_PAGE_RUNS + 50, false]);
  });

  it('says so when the host has no run store', async () => {
    const store = useRunsStore();
    // What the host answers without a store (api-host.ts), shown to the user as it is.
    store.connect({ listRuns: () => Promise.reject(new Error('Runs are not recorded here: there is no run store.')) } as unknown as LossbookApi);
    await store.show();
    expect(store.error).toMatch(/no run store/);
  });
});
