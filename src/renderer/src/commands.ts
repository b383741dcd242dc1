// Every notebook action with its shortcut, in one list: the command palette (Ctrl+Shift+P) runs
// them and `H` shows them as the shortcut sheet, so the two can never disagree with keyboard.ts.
import type { useNotebookStore } from './stores/notebook';
import { requestRestart } from './restart-confirm';
import { openFind } from './find/find-state';

type Store = ReturnType<typeof useNotebookStore>;

export interface NotebookCommand {
  id: string;
  title: string;
  /** As the user presses it; command-mode keys need no cell editor focused. */
  shortcut?: string;
  group: 'File' | 'Edit' | 'Run' | 'Kernel' | 'Cell' | 'View';
  run(store: Store): void;
}

const active = (store: Store) => store.cells[store.activeIndex];

export const NOTEBOOK_COMMANDS: NotebookCommand[] = [
  { id: 'new', title: 'New notebook', group: 'File', run: (store) => void store.newNotebook() },
  { id: 'open', title: 'Open…', shortcut: 'Ctrl+O', group: 'File', run: (store) => void store.openNotebook() },
  { id: 'save', title: 'Save', shortcut: 'Ctrl+S', group: 'File', run: (store) => void store.save() },
  { id: 'save-as', title: 'Save as…', shortcut: 'Ctrl+Shift+S', group: 'File', run: (store) => void store.save(true) },
  { id: 'export-report', title: 'Export HTML report', group: 'File', run: (store) => void store.exportReport() },
  { id: 'find', title: 'Find in notebook', shortcut: 'Ctrl+F', group: 'Edit', run: () => openFind() },
  { id: 'replace', title: 'Find and replace in notebook', shortcut: 'Ctrl+H', group: 'Edit', run: () => openFind(true) },
  { id: 'run-cell', title: 'Run cell', shortcut: 'Ctrl+Enter', group: 'Run', run: (store) => store.runActive('stay') },
  { id: 'run-next', title: 'Run cell and select below', shortcut: 'Shift+Enter', group: 'Run', run: (store) => store.runActive('next') },
  { id: 'run-insert', title: 'Run cell and insert below', shortcut: 'Alt+Enter', group: 'Run', run: (store) => store.runActive('insert') },
  { id: 'run-all', title: 'Run all cells', group: 'Run', run: (store) => store.runAll() },
  { id: 'run-above', title: 'Run cells above', group: 'Run', run: (store) => store.runAbove() },
  { id: 'run-below', title: 'Run cell and all below', group: 'Run', run: (store) => store.runBelow() },
  { id: 'interrupt', title: 'Interrupt the kernel', shortcut: 'I I', group: 'Kernel', run: (store) => void store.interrupt() },
  { id: 'restart', title: 'Restart the kernel', shortcut: '0 0', group: 'Kernel', run: (store) => void requestRestart(store) },
  { id: 'free-memory', title: 'Free memory (pooled GPU buffers)', group: 'Kernel', run: (store) => void store.freeMemory() },
  { id: 'clear-outputs', title: 'Clear all outputs (undoable)', group: 'Cell', run: (store) => store.clearOutputs() },
  { id: 'insert-above', title: 'Insert cell above', shortcut: 'A', group: 'Cell', run: (store) => void store.insertCell(Math.max(0, store.activeIndex), 'code') },
  { id: 'insert-below', title: 'Insert cell below', shortcut: 'B', group: 'Cell', run: (store) => void store.insertCell(store.activeIndex + 1, 'code') },
  { id: 'delete', title: 'Delete cell', shortcut: 'D D', group: 'Cell', run: (store) => active(store) && store.deleteCell(active(store)!.id) },
  { id: 'undo', title: 'Undo delete / clear outputs', shortcut: 'Z', group: 'Cell', run: (store) => void store.undo() },
  { id: 'move-up', title: 'Move cell up', shortcut: 'Alt+↑', group: 'Cell', run: (store) => store.moveActive(-1) },
  { id: 'move-down', title: 'Move cell down', shortcut: 'Alt+↓', group: 'Cell', run: (store) => store.moveActive(1) },
  { id: 'to-markdown', title: 'Change to markdown', shortcut: 'M', group: 'Cell', run: (store) => active(store) && store.setKind(active(store)!.id, 'markdown') },
  { id: 'to-code', title: 'Change to code', shortcut: 'Y', group: 'Cell', run: (store) => active(store) && store.setKind(active(store)!.id, 'code') },
  { id: 'collapse', title: 'Collapse / expand output', shortcut: 'O', group: 'Cell', run: (store) => active(store) && store.toggleCollapsed(active(store)!.id) },
  { id: 'edit', title: 'Edit cell', shortcut: 'Enter', group: 'Cell', run: (store) => active(store) && store.select(active(store)!.id, 'edit') },
  { id: 'command-mode', title: 'Command mode', shortcut: 'Esc', group: 'View', run: (store) => store.select(active(store)?.id, 'command') },
  { id: 'select-up', title: 'Select cell above', shortcut: '↑ / K', group: 'View', run: (store) => store.selectRelative(-1) },
  { id: 'select-down', title: 'Select cell below', shortcut: '↓ / J', group: 'View', run: (store) => store.selectRelative(1) },
  { id: 'catalog', title: 'Diagnosis catalog', group: 'View', run: (store) => store.showCatalog() },
  { id: 'palette', title: 'Command palette', shortcut: 'Ctrl+Shift+P', group: 'View', run: (store) => store.showPalette('commands') },
  { id: 'shortcuts', title: 'Keyboard shortcuts', shortcut: 'H', group: 'View', run: (store) => store.showPalette('shortcuts') },
];

/** Commands whose title, group or shortcut contain every word of the query. */
export function filterCommands(query: string, commands: readonly NotebookCommand[] = NOTEBOOK_COMMANDS): NotebookCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return commands.filter((command) => {
    const text = `${command.title} ${command.group} ${command.shortcut ?? ''}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}
