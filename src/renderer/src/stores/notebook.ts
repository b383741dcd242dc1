// The notebook store: the open document, the kernel's state and the runs of each cell. It owns
// the state its parts share (./notebook-context.ts) and composes them, one job each: running
// cells and folding kernel events into runs (./notebook-runs.ts, with the shared run fold the
// CLI uses too), cells and editing (./notebook-editing.ts), documents and files
// (./notebook-files.ts), unsaved work and autosave (./document-safety.ts).
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { LossbookApi } from '../../../shared/api';
import { createNotebook, type Cell, type Notebook, type RunRecord } from '../../../shared/notebook/model';
import { LOSSBOOK_VERSION } from '../../../shared/version';
import { formatBytes } from '../../../shared/format-bytes';
import { createDocumentSafety } from './document-safety';
import { documentName, type CellRunState, type NotebookContext, type Notice } from './notebook-context';
import { createEditing } from './notebook-editing';
import { createFiles } from './notebook-files';
import { createRunControl } from './notebook-runs';
import { StaleTracker } from './staleness';

export type { CellRunState, KernelExit, Mode, Notice, PathRequest } from './notebook-context';

/** Autosave cadence; only edits since the last autosave are written, so a quiet notebook costs nothing. */
export const AUTOSAVE_INTERVAL_MS = 5_000;

let noticeCounter = 0;

export const useNotebookStore = defineStore('notebook', () => {
  let api: LossbookApi | undefined;
  const notebook = ref<Notebook>(createNotebook('Untitled', LOSSBOOK_VERSION));
  const path = ref<string | undefined>();
  const dirty = ref(false);
  const editingMarkdown = reactive(new Set<string>());
  const cellRunState = reactive(new Map<string, CellRunState>());
  const revisions = reactive(new Map<string, number>());
  const examples = ref<Array<{ name: string; title: string; path: string; expected: string[] }>>([]);
  const notices = ref<Notice[]>([]);
  const staleness = new StaleTracker();
  /** The diagnosis catalog dialog, when open, and the rule it was opened at. */
  const catalog = ref<{ ruleId?: string } | undefined>();
  /** The command palette (Ctrl+Shift+P) or the shortcut sheet (H), when open. */
  const palette = ref<'commands' | 'shortcuts' | undefined>();

  const cells = computed(() => notebook.value.cells);
  const name = computed(() => documentName(path.value, notebook.value.metadata.title));
  // Read by activeIndex below; set once the editing part exists (it owns the selection).
  const activeCellId = ref<string | undefined>();
  const activeIndex = computed(() => cells.value.findIndex((cell) => cell.id === activeCellId.value));

  function notify(kind: Notice['kind'], text: string, detail?: string, action?: Notice['action']): void {
    const notice: Notice = { id: ++noticeCounter, kind, text, detail, ...(action ? { action } : {}) };
    notices.value = [...notices.value.slice(-3), notice];
    setTimeout(() => dismissNotice(notice.id), kind === 'error' || action ? 12_000 : 5_000);
  }
  function dismissNotice(id: number): void {
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  function touch(): void {
    dirty.value = true;
    safety.edited();
    notebook.value.metadata.modified = new Date().toISOString();
  }

  /** Renaming is an edit like any other: marks the document changed and gets it autosaved. */
  function setTitle(title: string): void {
    notebook.value.metadata.title = title;
    touch();
  }

  function cellById(id: string): Cell | undefined {
    return notebook.value.cells.find((cell) => cell.id === id);
  }

  const context: NotebookContext = {
    api: () => api,
    notebook, path, dirty, name, cells, activeIndex, editingMarkdown, cellRunState, revisions, staleness,
    cellById, touch, notify,
    bump: (cellId) => revisions.set(cellId, (revisions.get(cellId) ?? 0) + 1),
    edited: () => safety.edited(),
  };
  const editing = createEditing(context, activeCellId);
  const runs = createRunControl(context, editing, (transport) => (api = transport));
  const files = createFiles(context, editing, () => safety);
  const busy = computed(() => runs.kernel.state === 'busy' || runs.kernel.state === 'interrupting' || runs.queue.length > 0 || [...cellRunState.values()].some((s) => s !== 'idle'));
  const safety = createDocumentSafety({ api: () => api, dirty, path, name, busy, plainNotebook: files.plainNotebook, save: () => files.save(), load: files.load, touch, notify });

  const outline = computed(() => {
    const headings: Array<{ cellId: string; level: number; text: string }> = [];
    for (const cell of cells.value) {
      if (cell.kind !== 'markdown') continue;
      for (const line of cell.source.split('\n')) {
        const match = /^(#{1,4})\s+(.+?)\s*#*$/.exec(line);
        if (match) headings.push({ cellId: cell.id, level: match[1]!.length, text: match[2]! });
      }
    }
    return headings;
  });

  async function connect(transport: LossbookApi): Promise<void> {
    await runs.connect(transport);
    void transport.listExamples().then((list) => (examples.value = list), () => undefined);
  }

  function latestRun(cell: Cell): RunRecord | undefined {
    return cell.runs[cell.runs.length - 1];
  }

  /** Why a cell's outputs are stale (see staleness.ts), or undefined. */
  function staleReason(cell: Cell): string | undefined {
    const index = cells.value.indexOf(cell);
    return staleness.reason(cell, cells.value.slice(0, Math.max(0, index)));
  }

  function showPalette(kind: 'commands' | 'shortcuts' | undefined): void {
    palette.value = kind;
  }

  function showCatalog(ruleId?: string): void {
    catalog.value = ruleId ? { ruleId } : {};
  }

  return {
    notebook, path, dirty, activeCellId, mode: editing.mode, editingMarkdown, cellRunState, revisions, kernel: runs.kernel, lastRunMemory: runs.lastRunMemory, examples, notices,
    pathRequest: files.pathRequest, recoveryOffer: files.recoveryOffer, catalog,
    unsavedPrompt: safety.unsavedPrompt, untitledRecoveries: safety.untitledRecoveries, name, palette, showPalette, moveActive: editing.moveActive,
    cells, activeIndex, busy, outline,
    connect, handleEvent: runs.handleEvent, setTitle, notify, dismissNotice, latestRun, cellById,
    runCells: runs.runCells, runActive: runs.runActive, runAll: runs.runAll, runAbove: runs.runAbove, runBelow: runs.runBelow,
    interrupt: runs.interrupt, restart: runs.restart, freeMemory: runs.freeMemory, setBackend: runs.setBackend,
    select: editing.select, insertCell: editing.insertCell, deleteCell: editing.deleteCell, undo: editing.undo, setKind: editing.setKind, updateSource: editing.updateSource,
    moveCell: editing.moveCell, selectRelative: editing.selectRelative, toggleCollapsed: editing.toggleCollapsed, clearOutputs: editing.clearOutputs,
    dismissFinding: editing.dismissFinding, restoreFindings: editing.restoreFindings, insertFix: editing.insertFix,
    addComparison: editing.addComparison, removeComparison: editing.removeComparison,
    openNotebook: files.openNotebook, openExample: files.openExample, newNotebook: files.newNotebook, save: files.save, autosave: safety.autosave,
    exportReport: files.exportReport, acceptRecovery: files.acceptRecovery, load: files.load, showCatalog,
    confirmReplace: safety.confirmReplace, checkUntitledRecoveries: safety.checkUntitledRecoveries, restoreUntitled: safety.restoreUntitled, discardUntitled: safety.discardUntitled,
    listFolder: files.listFolder, staleReason, pushUndo: editing.pushUndo, cellsRunSinceRestart: () => staleness.ranSinceRestart(),
  };
});

// Which findings a dismissal hides is the shared findings policy's (the CLI and report use it too).
export { isDismissed } from '../../../shared/diagnosis/findings-policy';
export { documentName, formatBytes };
