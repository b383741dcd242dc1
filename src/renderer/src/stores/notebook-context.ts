// What the parts of the notebook store share: the open document and the state every part reads.
// The store (./notebook.ts) owns it and hands it to its parts — running cells and kernel events
// (./notebook-runs.ts), editing (./notebook-editing.ts) and files (./notebook-files.ts) — so each
// part is about one job and none reaches into another's state.
import type { ComputedRef, Ref } from 'vue';
import type { LossbookApi } from '../../../shared/api';
import { fileNameOf } from '../../../shared/file-name';
import type { Cell, Notebook } from '../../../shared/notebook/model';
import type { StaleTracker } from './staleness';

export type CellRunState = 'idle' | 'queued' | 'running';
export type Mode = 'command' | 'edit';

export interface Notice {
  id: number;
  kind: 'info' | 'success' | 'warning' | 'error';
  text: string;
  detail?: string;
  /** One button on the notice (Undo after clearing outputs). */
  action?: { label: string; run(): void };
}

export interface KernelExit {
  reason: string;
  lostState: string;
  expected: boolean;
}

export interface PathRequest {
  title: string;
  label: string;
  value: string;
  /** Open picks an existing file; Save names one (the file browser fills the folder). */
  mode: 'open' | 'save';
  resolve(value: string | undefined): void;
}

/** Runs kept per cell in the open notebook: the latest and the previous one it is compared with. */
export const RUNS_KEPT = 2;

export interface NotebookContext {
  api(): LossbookApi | undefined;
  notebook: Ref<Notebook>;
  path: Ref<string | undefined>;
  dirty: Ref<boolean>;
  name: ComputedRef<string>;
  cells: ComputedRef<Cell[]>;
  activeIndex: ComputedRef<number>;
  editingMarkdown: Set<string>;
  cellRunState: Map<string, CellRunState>;
  /** Bumped on every run event of a cell: charts and panels re-read the raw RunRecords then. */
  revisions: Map<string, number>;
  staleness: StaleTracker;
  cellById(id: string): Cell | undefined;
  /** The document changed: dirty, modified now, autosave due. */
  touch(): void;
  /** A cell's runs changed (raw records: the revision is what components watch). */
  bump(cellId: string): void;
  /** Autosave is due (a run finished) without marking the document modified. */
  edited(): void;
  notify(kind: Notice['kind'], text: string, detail?: string, action?: Notice['action']): void;
}

/** The name a document goes by: its file's name, or its title while it has no file. */
export function documentName(path: string | undefined, title: string): string {
  const file = path ? fileNameOf(path).replace(/\.(lossbook|ipynb|json)$/i, '') : undefined;
  return file || title.trim() || 'Untitled';
}
