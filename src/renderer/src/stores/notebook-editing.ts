// Cells and editing: the selection and mode, inserting, deleting, moving and converting cells,
// clearing outputs, dismissing findings, keeping run comparisons, and the undo steps that take
// deletions, clears and comparisons back.
// Part of the notebook store (./notebook.ts), which owns the document.
import { markRaw, ref, type Ref } from 'vue';
import { createCell, type Cell, type RunComparisonSnapshot } from '../../../shared/notebook/model';
import type { Mode, NotebookContext } from './notebook-context';

/** One step Z / Ctrl+Z takes back: a deleted cell, cleared outputs. */
interface UndoEntry {
  label: string;
  undo(): void;
}

/** Undo steps kept per document: enough for a session of edits, bounded in memory. */
const UNDO_KEPT = 50;

/** `activeCellId` is the store's (it derives the active index from it); this part moves it. */
export function createEditing(context: NotebookContext, activeCellId: Ref<string | undefined>) {
  const { notebook, cells, activeIndex, editingMarkdown, staleness, cellById, touch, bump, notify } = context;
  const mode = ref<Mode>('command');
  const undoStack: UndoEntry[] = [];

  function select(id: string | undefined, nextMode: Mode = mode.value): void {
    activeCellId.value = id;
    mode.value = nextMode;
  }

  function insertCell(index: number, kind: Cell['kind'], source = ''): Cell {
    const cell = createCell(kind, source);
    notebook.value.cells.splice(Math.max(0, Math.min(index, notebook.value.cells.length)), 0, cell);
    if (kind === 'markdown' && !source) editingMarkdown.add(cell.id);
    select(cell.id, source ? 'command' : 'edit');
    touch();
    return cell;
  }

  function deleteCell(id: string): void {
    const index = cells.value.findIndex((cell) => cell.id === id);
    if (index < 0) return;
    const [cell] = notebook.value.cells.splice(index, 1);
    if (cell) {
      pushUndo({
        label: 'delete cell',
        undo: () => {
          notebook.value.cells.splice(Math.min(index, notebook.value.cells.length), 0, cell);
          select(cell.id, 'command');
        },
      });
    }
    if (!notebook.value.cells.length) notebook.value.cells.push(createCell('code'));
    select(cells.value[Math.min(index, cells.value.length - 1)]?.id, 'command');
    touch();
  }

  function pushUndo(entry: UndoEntry): void {
    undoStack.push(entry);
    if (undoStack.length > UNDO_KEPT) undoStack.shift();
  }

  /** Take back the last deleted cell or cleared outputs (Z / Ctrl+Z in command mode). */
  function undo(): boolean {
    const last = undoStack.pop();
    if (!last) return false;
    last.undo();
    touch();
    return true;
  }

  /** Undo steps belong to the document they were taken in: dropped when another is loaded. */
  function forgetUndo(): void {
    undoStack.length = 0;
  }

  function setKind(id: string, kind: Cell['kind']): void {
    const cell = cellById(id);
    if (!cell || cell.kind === kind) return;
    cell.kind = kind;
    cell.language = kind === 'code' ? 'typescript' : undefined;
    if (kind === 'markdown') {
      cell.outputs = [];
      cell.executionCount = null;
    }
    touch();
  }

  function updateSource(id: string, source: string): void {
    const cell = cellById(id);
    if (!cell || cell.source === source) return;
    cell.source = source;
    staleness.edited(id);
    touch();
  }

  function moveCell(id: string, toIndex: number): void {
    const from = cells.value.findIndex((cell) => cell.id === id);
    if (from < 0) return;
    const [cell] = notebook.value.cells.splice(from, 1);
    notebook.value.cells.splice(Math.max(0, Math.min(toIndex, notebook.value.cells.length)), 0, cell!);
    touch();
  }

  /** Alt+↑ / Alt+↓: move the selected cell one place, keeping it selected. */
  function moveActive(offset: -1 | 1): void {
    const index = activeIndex.value;
    const cell = cells.value[index];
    const target = index + offset;
    if (!cell || target < 0 || target >= cells.value.length) return;
    moveCell(cell.id, target);
    select(cell.id, 'command');
  }

  function selectRelative(offset: number): void {
    const index = activeIndex.value < 0 ? 0 : activeIndex.value + offset;
    const cell = cells.value[Math.max(0, Math.min(index, cells.value.length - 1))];
    if (cell) select(cell.id, 'command');
  }

  function toggleCollapsed(id: string): void {
    const cell = cellById(id);
    if (cell) cell.collapsed = !cell.collapsed;
  }

  /**
   * Clear outputs, runs (charts, findings) and counters — of every cell, or of `ids`. Undoable:
   * a whole notebook of training runs must not be one misclick away from gone (issue 21).
   */
  function clearOutputs(ids?: string[]): void {
    const cleared: Array<{ cell: Cell; outputs: Cell['outputs']; runs: Cell['runs']; executionCount: Cell['executionCount'] }> = [];
    for (const cell of cells.value) {
      if (ids && !ids.includes(cell.id)) continue;
      if (!cell.outputs.length && !cell.runs.length && cell.executionCount == null) continue;
      cleared.push({ cell, outputs: cell.outputs, runs: cell.runs, executionCount: cell.executionCount });
      cell.outputs = [];
      cell.runs = [];
      cell.executionCount = null;
      bump(cell.id);
    }
    if (!cleared.length) return;
    pushUndo({
      label: 'clear outputs',
      undo: () => {
        for (const entry of cleared) {
          entry.cell.outputs = entry.outputs;
          entry.cell.runs = entry.runs;
          entry.cell.executionCount = entry.executionCount;
          bump(entry.cell.id);
        }
      },
    });
    touch();
    if (!ids) {
      notify('info', `Cleared the outputs of ${cleared.length} cell${cleared.length === 1 ? '' : 's'}.`, 'Charts, findings and runs too. Z or Ctrl+Z (command mode) brings them back.', {
        label: 'Undo',
        run: () => void undo(),
      });
    }
  }

  /** Dismiss a finding in its cell; which findings that hides is the shared findings policy's call. */
  function dismissFinding(cellId: string, key: string): void {
    const cell = cellById(cellId);
    if (!cell || cell.dismissed.includes(key)) return;
    cell.dismissed.push(key);
    touch();
  }

  function restoreFindings(cellId: string): void {
    const cell = cellById(cellId);
    if (!cell) return;
    cell.dismissed = [];
    touch();
  }

  function insertFix(cellId: string, code: string, title: string): void {
    const index = cells.value.findIndex((cell) => cell.id === cellId);
    const cell = insertCell(index + 1, 'code', `// Fix: ${title}\n${code.trimEnd()}`);
    select(cell.id, 'command');
  }

  /**
   * Keep a run comparison in the notebook (issue 20), after the others. Snapshots are data to
   * show, never edited in place: kept raw, not as deep reactive proxies of their curves.
   */
  function addComparison(snapshot: RunComparisonSnapshot): void {
    notebook.value.comparisons = [...(notebook.value.comparisons ?? []), markRaw(snapshot)];
    pushUndo({ label: 'add comparison', undo: () => (notebook.value.comparisons = (notebook.value.comparisons ?? []).filter((kept) => kept.id !== snapshot.id)) });
    touch();
  }

  function removeComparison(id: string): void {
    const comparisons = notebook.value.comparisons ?? [];
    const index = comparisons.findIndex((snapshot) => snapshot.id === id);
    if (index < 0) return;
    const removed = comparisons[index]!;
    notebook.value.comparisons = comparisons.filter((snapshot) => snapshot.id !== id);
    pushUndo({
      label: 'remove comparison',
      undo: () => {
        const now = [...(notebook.value.comparisons ?? [])];
        now.splice(Math.min(index, now.length), 0, removed);
        notebook.value.comparisons = now;
      },
    });
    touch();
    notify('info', `Removed the comparison of run #${removed.runs.a.number} and #${removed.runs.b.number}.`, 'Z or Ctrl+Z (command mode) brings it back.', { label: 'Undo', run: () => void undo() });
  }

  return {
    mode,
    select, insertCell, deleteCell, undo, forgetUndo, pushUndo, setKind, updateSource, moveCell, moveActive, selectRelative, toggleCollapsed, clearOutputs,
    dismissFinding, restoreFindings, insertFix, addComparison, removeComparison,
  };
}

export type NotebookEditing = ReturnType<typeof createEditing>;
