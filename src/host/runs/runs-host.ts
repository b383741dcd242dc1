// The run store behind the app and browser mode: opened on first use and shared by every window
// of the process; answers the runs API calls and is where the recorder writes. A store that
// cannot be opened is reported on every call with the reason (the file is left as it was).
import type { Disposable } from '../../shared/protocol';
import type { RunsApiCall } from '../../shared/runs/api';
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

  handle(call: RunsApiCall): unknown {
    const store = this.open();
    switch (call.method) {
      case 'listRuns':
        return { store: this.path, runs: store.list() };
      case 'getRun':
        return store.get(call.params.id);
      case 'runSeries':
        return store.series(call.params.ids.map((id) => store.resolve(id)), call.params.names);
      case 'compareRuns': {
        const a = store.get(call.params.a);
        const b = store.get(call.params.b);
        return { comparison: compareRuns(a, b, store.series([a.id]), store.series([b.id])), a, b };
      }
      case 'deleteRuns':
        return { deleted: store.delete(call.params.ids) };
      case 'tagRun':
        return store.tag(store.resolve(call.params.id), call.params.add, call.params.remove);
      case 'setRunNote':
        store.setNote(store.resolve(call.params.id), call.params.note);
        return undefined;
    }
  }

  dispose(): void {
    this.store?.close();
    this.store = undefined;
  }
}
