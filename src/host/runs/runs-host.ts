// The run store behind the app and browser mode: opened on first use and shared by every window
// of the process; answers the runs API calls and is where the recorder writes. A store that
// cannot be opened is reported on every call with the reason (the file is left as it was).
import type { Disposable } from '../../shared/protocol';
import type { RunsHandlers, RunsListing } from '../../shared/runs/api';
import { rawJson } from '../../shared/raw-json';
import { compareRuns } from '../../shared/runs/compare';
import type { Notebook } from '../../shared/notebook/model';
import type { RunSink } from './recorder';
import { RunStore } from './store';

export class RunsHost implements Disposable {
  private store: RunStore | undefined;
  /** Where each cell id was last seen: which notebook, which index (from open/save/autosave). */
  private readonly cells = new Map<string, { notebook: string | null; cellIndex: number }>();

  constructor(readonly path: string) {}

  private open(): RunStore {
    // Not cached on failure: the user may move the bad file aside and try again.
    this.store ??= RunStore.open(this.path);
    return this.store;
  }

  readonly sink: RunSink = { add: (run) => this.open().add(run) };

  /** The notebook the page opened or saved: recorded runs of its cells name it. */
  noteNotebook(path: string | undefined, notebook: Notebook): void {
    notebook.cells.forEach((cell, cellIndex) => this.cells.set(cell.id, { notebook: path ?? null, cellIndex }));
  }

  locate(cellId: string): { notebook: string | null; cellIndex: number | null } {
    return this.cells.get(cellId) ?? { notebook: null, cellIndex: null };
  }

  /** The runs API methods (src/shared/runs/api.ts), each given params the host validated. */
  readonly handlers: RunsHandlers = {
    // The stored entries go to the page as JSON text, never parsed and re-serialized here
    // (10,000 runs: bench/runs.bench.ts); the transports splice or copy the text (raw-json.ts).
    listRuns: (params) => {
      const store = this.open();
      return rawJson<RunsListing>([`{"store":${JSON.stringify(this.path)},"total":${store.count()},"runs":[`, ...store.listingParts(params.limit), ']}']);
    },
    getRun: (params) => this.open().get(params.id),
    runSeries: (params) => {
      const store = this.open();
      return store.series(params.ids.map((id) => store.resolve(id)), params.names);
    },
    compareRuns: (params) => {
      const store = this.open();
      const a = store.get(params.a);
      const b = store.get(params.b);
      return { comparison: compareRuns(a, b, store.series([a.id]), store.series([b.id])), a, b };
    },
    deleteRuns: (params) => ({ deleted: this.open().delete(params.ids) }),
    tagRun: (params) => {
      const store = this.open();
      return store.tag(store.resolve(params.id), params.add, params.remove);
    },
    setRunNote: (params) => {
      const store = this.open();
      store.setNote(store.resolve(params.id), params.note);
    },
  };

  dispose(): void {
    this.store?.close();
    this.store = undefined;
  }
}
