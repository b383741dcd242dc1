// Command mode, as in Jupyter: with no editor focused, single keys act on the selected cell.
// Two-key chords (D D, I I, 0 0) must be pressed within half a second.
import { onBeforeUnmount, onMounted } from 'vue';
import type { useNotebookStore } from './stores/notebook';
import { requestRestart } from './restart-confirm';
import { openFind } from './find/find-state';

type Store = ReturnType<typeof useNotebookStore>;
const CHORD_MS = 500;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return true;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useCommandMode(store: Store): void {
  let lastKey = '';
  let lastTime = 0;
  const chord = (key: string): boolean => {
    const now = performance.now();
    const hit = lastKey === key && now - lastTime < CHORD_MS;
    lastKey = hit ? '' : key;
    lastTime = now;
    return hit;
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const modifier = event.ctrlKey || event.metaKey;
    // Global shortcuts, in either mode.
    if (modifier && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void store.save(event.shiftKey);
      return;
    }
    if (modifier && event.key.toLowerCase() === 'o') {
      event.preventDefault();
      void store.openNotebook();
      return;
    }
    // The command palette, from anywhere (Monaco's own F1 palette stays on F1).
    if (modifier && event.shiftKey && event.key.toLowerCase() === 'p') {
      event.preventDefault();
      store.showPalette(store.palette ? undefined : 'commands');
      return;
    }
    // Notebook-wide find / replace from command mode (inside an editor Monaco's own find is kept).
    if (modifier && !event.shiftKey && (event.key.toLowerCase() === 'f' || event.key.toLowerCase() === 'h') && !isTyping(event.target)) {
      event.preventDefault();
      openFind(event.key.toLowerCase() === 'h');
      return;
    }
    if (isTyping(event.target) || store.pathRequest || store.catalog || store.unsavedPrompt || store.palette) return;
    // Ctrl+Z outside an editor takes back a deleted cell or cleared outputs (Monaco has its own).
    if (modifier && !event.shiftKey && event.key.toLowerCase() === 'z') {
      if (store.undo()) event.preventDefault();
      return;
    }
    const cell = store.cells[store.activeIndex];
    if (event.key === 'Enter') {
      if (event.shiftKey) store.runActive('next');
      else if (event.altKey) store.runActive('insert');
      else if (modifier) store.runActive('stay');
      else if (cell) {
        if (cell.kind === 'markdown') store.editingMarkdown.add(cell.id);
        store.select(cell.id, 'edit');
      } else return;
      event.preventDefault();
      return;
    }
    if (event.altKey && !modifier && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      store.moveActive(event.key === 'ArrowUp' ? -1 : 1);
      return;
    }
    if (modifier || event.altKey) return;
    let handled = true;
    switch (event.key) {
      case 'ArrowUp':
      case 'k':
        store.selectRelative(-1);
        break;
      case 'ArrowDown':
      case 'j':
        store.selectRelative(1);
        break;
      case 'a':
        store.insertCell(Math.max(0, store.activeIndex), 'code');
        break;
      case 'b':
        store.insertCell(store.activeIndex + 1, 'code');
        break;
      case 'd':
        if (chord('d') && cell) store.deleteCell(cell.id);
        break;
      case 'z':
        store.undo();
        break;
      case 'm':
        if (cell) store.setKind(cell.id, 'markdown');
        break;
      case 'y':
        if (cell) store.setKind(cell.id, 'code');
        break;
      case 'o':
        if (cell) store.toggleCollapsed(cell.id);
        break;
      case 'i':
        if (chord('i')) void store.interrupt();
        break;
      case '0':
        if (chord('0')) void requestRestart(store);
        break;
      case 'h':
        store.showPalette('shortcuts');
        break;
      case 'Escape':
        store.select(cell?.id, 'command');
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  };

  onMounted(() => window.addEventListener('keydown', onKeyDown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown));
}
