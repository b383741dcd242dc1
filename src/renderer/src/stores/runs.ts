// The runs view's state (issue 20): the recorded runs, the filter, sort and grouping, which runs
// are selected to overlay, and the comparison of two. The rows are plain frozen objects (markRaw):
// ten thousand of them must not become ten thousand reactive proxies.
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { LossbookApi } from '../../../shared/api';
import type { RunsListing } from '../../../shared/runs/api';
import type { RunComparisonSnapshot } from '../../../shared/notebook/model';
import type { RunComparison } from '../../../shared/runs/compare';
import { comparisonSnapshot } from '../../../shared/runs/comparison-snapshot';
import { filterRuns } from '../../../shared/runs/filter';
import type { RunDetail, RunEntry, StoredSeries } from '../../../shared/runs/model';
import { groupRuns, runColumns, sortRuns, type RunColumn } from '../../../shared/runs/table';

/** The most runs overlaid at once: more curves than this are not readable on one chart. */
export const MAX_OVERLAY_RUNS = 20;
/**
 * Runs in the first answer when the view opens: its first screenfuls, drawn while the whole
 * listing loads (10,000 runs take the page a second or more to receive and parse; bench/runs.bench.ts).
 */
export const FIRST_PAGE_RUNS = 200;

/** After the page's next frame is drawn (a timer where there are no frames: tests). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => setTimeout(resolve, 0)) : setTimeout(resolve, 0)));
}

export type RunsRow = { kind: 'group'; label: string; count: number } | { kind: 'run'; run: RunEntry };

export const useRunsStore = defineStore('runs', () => {
  let api: LossbookApi | undefined;
  const open = ref(false);
  const storePath = ref('');
  const runs = shallowRef<readonly RunEntry[]>([]);
  /** How many runs the store holds; `runs` has them all once `complete`. */
  const total = ref(0);
  const complete = computed(() => runs.value.length >= total.value);
  const loading = ref(false);
  /** Which refresh is current: an older one's answers are dropped. */
  let generation = 0;
  const error = ref<string | undefined>();
  const filterText = ref('');
  const sort = ref<{ key: string; kind: RunColumn['kind']; direction: 'asc' | 'desc' }>({ key: 'createdAt', kind: 'field', direction: 'desc' });
  const groupBy = ref<string>('');
  const selected = ref<string[]>([]);
  const overlayMetric = ref('loss');
  const overlaySeries = shallowRef<StoredSeries[]>([]);
  const comparison = shallowRef<{ comparison: RunComparison; a: RunDetail; b: RunDetail } | undefined>();

  const columns = computed(() => runColumns(runs.value));
  /** The filter's rows, or every row and what is wrong with the filter text. */
  const filtered = computed<{ rows: RunEntry[]; error?: string }>(() => {
    try {
      return { rows: filterRuns(runs.value, filterText.value) };
    } catch (problem) {
      return { rows: [...runs.value], error: (problem as Error).message };
    }
  });
  const filterError = computed(() => filtered.value.error);
  const visible = computed(() => sortRuns(filtered.value.rows, sort.value, sort.value.direction));
  /** Rows as drawn: runs, with a header row per group when grouping. */
  const rows = computed<RunsRow[]>(() => {
    const column = columns.value.find((candidate) => candidate.key === groupBy.value);
    if (!column) return visible.value.map((run) => ({ kind: 'run', run }));
    return groupRuns(visible.value, column).flatMap((group): RunsRow[] => [{ kind: 'group', label: `${column.label}: ${group.value ?? '—'}`, count: group.runs.length }, ...group.runs.map((run): RunsRow => ({ kind: 'run', run }))]);
  });
  /** Metrics the selected runs have, for the overlay's picker. */
  const metricNames = computed(() => {
    const chosen = new Set(selected.value);
    const names = new Set<string>();
    for (const run of runs.value) if (chosen.has(run.id)) for (const name of Object.keys(run.metrics)) names.add(name);
    return [...names].sort((a, b) => Number(b === 'loss') - Number(a === 'loss') || a.localeCompare(b));
  });

  function connect(transport: LossbookApi): void {
    api = transport;
  }

  async function guarded<T>(work: (runsApi: LossbookApi) => Promise<T>): Promise<T | undefined> {
    // A host without a run store answers each call with that reason (api-host.ts).
    if (!api) {
      error.value = 'Not connected to Lossbook.';
      return undefined;
    }
    try {
      error.value = undefined;
      return await work(api);
    } catch (problem) {
      error.value = (problem as Error).message;
      return undefined;
    }
  }

  function apply(listing: RunsListing): void {
    storePath.value = listing.store;
    total.value = listing.total;
    runs.value = markRaw(listing.runs.map((run) => Object.freeze(run)));
  }

  /** The newest runs first (a screenful to draw at once), then all of them. */
  async function refresh(): Promise<void> {
    const current = ++generation;
    loading.value = true;
    try {
      const first = await guarded((runsApi) => runsApi.listRuns(FIRST_PAGE_RUNS));
      if (current !== generation || !first) return;
      apply(first);
      if (first.runs.length < first.total) {
        // Let the page draw the first rows before the whole listing's reply takes its thread.
        await nextFrame();
        const all = await guarded((runsApi) => runsApi.listRuns());
        if (current !== generation || !all) return;
        apply(all);
      }
    } finally {
      if (current === generation) loading.value = false;
    }
    // Only the whole listing tells which selected runs were deleted elsewhere.
    const present = new Set(runs.value.map((run) => run.id));
    selected.value = selected.value.filter((id) => present.has(id));
    await loadOverlay();
  }

  async function show(): Promise<void> {
    open.value = true;
    await refresh();
  }

  function setSort(column: RunColumn): void {
    const current = sort.value;
    sort.value = { key: column.key, kind: column.kind, direction: current.key === column.key && current.direction === 'desc' ? 'asc' : 'desc' };
  }

  function toggle(id: string): void {
    const index = selected.value.indexOf(id);
    if (index >= 0) selected.value = selected.value.filter((other) => other !== id);
    else if (selected.value.length < MAX_OVERLAY_RUNS) selected.value = [...selected.value, id];
    void loadOverlay();
  }

  function clearSelection(): void {
    selected.value = [];
    overlaySeries.value = [];
  }

  async function loadOverlay(): Promise<void> {
    if (!selected.value.length) {
      overlaySeries.value = [];
      return;
    }
    if (!metricNames.value.includes(overlayMetric.value) && metricNames.value.length) overlayMetric.value = metricNames.value[0]!;
    const series = await guarded((runsApi) => runsApi.runSeries([...selected.value], [overlayMetric.value]));
    if (series) overlaySeries.value = markRaw(series);
  }

  async function compareSelected(): Promise<void> {
    const [a, b] = selected.value;
    if (!a || !b) return;
    // Older run as A: the comparison reads as "what changed since".
    const [first, second] = [a, b].map((id) => runs.value.find((run) => run.id === id)!).sort((x, y) => x.createdAt - y.createdAt) as [RunEntry, RunEntry];
    const result = await guarded((runsApi) => runsApi.compareRuns(first.id, second.id));
    if (result) comparison.value = markRaw(result);
  }

  /**
   * The comparison on screen as a notebook keeps it (a bounded snapshot, issue 20): its runs'
   * series are read whole from the store, then the snapshot keeps what the comparison chart draws.
   */
  async function comparisonSnapshotOfCurrent(): Promise<RunComparisonSnapshot | undefined> {
    const current = comparison.value;
    if (!current) return undefined;
    const series = await guarded((runsApi) => runsApi.runSeries([current.a.id, current.b.id]));
    if (!series) return undefined;
    const of = (id: string) => series.filter((entry) => entry.runId === id);
    return comparisonSnapshot({ ...current, seriesA: of(current.a.id), seriesB: of(current.b.id) });
  }

  async function deleteSelected(): Promise<void> {
    const ids = [...selected.value];
    if (!ids.length) return;
    const done = await guarded((runsApi) => runsApi.deleteRuns(ids));
    if (done) {
      selected.value = [];
      await refresh();
    }
  }

  async function tag(id: string, add: string[], remove: string[]): Promise<void> {
    if (await guarded((runsApi) => runsApi.tagRun(id, add, remove))) await refresh();
  }

  async function setNote(id: string, note: string): Promise<void> {
    await guarded((runsApi) => runsApi.setRunNote(id, note));
    await refresh();
  }

  return { open, storePath, runs, total, complete, loading, error, filterText, filterError, sort, groupBy, selected, overlayMetric, overlaySeries, comparison, columns, visible, rows, metricNames, connect, refresh, show, setSort, toggle, clearSelection, loadOverlay, compareSelected, comparisonSnapshotOfCurrent, deleteSelected, tag, setNote };
});
