// The native menus as data: buildMenuTemplate is a pure function of the app's state and the
// actions behind each item, so tests click items without Electron. Menu items that only the
// renderer can perform (it holds the notebook) become MenuCommands sent to the focused window.
import type { BackendRequest } from '../shared/protocol';
import type { PanelName, ThemeChoice } from '../shared/api';
import type { MenuItemSpec } from './electron-surface';
import { basename } from 'node:path';
import { BACKEND_CHOICES } from '../shared/backends';

export interface MenuActions {
  newNotebook(): void;
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  save(): void;
  saveAs(): void;
  exportReport(): void;
  close(): void;
  runAll(): void;
  interrupt(): void;
  restart(): void;
  freeMemory(): void;
  setBackend(backend: BackendRequest): void;
  setTheme(theme: ThemeChoice): void;
  togglePanel(panel: PanelName): void;
  showCatalog(): void;
  showAbout(): void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and reload only in development builds. */
  isPackaged: boolean;
  recent: readonly string[];
  /** The focused window's requested backend (checked in Kernel → Backend). */
  backend: BackendRequest | undefined;
  theme: ThemeChoice;
  /** A notebook window is focused: document and kernel items are enabled. */
  hasWindow: boolean;
}


const PANELS: ReadonlyArray<{ panel: PanelName; label: string }> = [
  { panel: 'diagnosis', label: 'Diagnosis Panel' },
  { panel: 'memory', label: 'Memory Strip' },
  { panel: 'outline', label: 'Outline' },
];

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemSpec[] {
  const mac = state.platform === 'darwin';
  const doc = state.hasWindow;
  const separator: MenuItemSpec = { type: 'separator' };

  // macOS keeps its own recent-documents list (fed by app.addRecentDocument); elsewhere we list ours.
  const recentSubmenu: MenuItemSpec[] = mac
    ? [{ role: 'recentDocuments' }, separator, { role: 'clearRecentDocuments' }]
    : [
        ...(state.recent.length === 0
          ? [{ label: 'No Recent Notebooks', enabled: false }]
          : state.recent.map((path, index) => ({ id: `recent-${index}`, label: `${index < 9 ? `&${index + 1} ` : ''}${basename(path)} — ${path}`, click: () => actions.openRecent(path) }))),
        separator,
        { id: 'clear-recent', label: 'Clear Recent', enabled: state.recent.length > 0, click: actions.clearRecent },
      ];

  const file: MenuItemSpec = {
    label: '&File',
    submenu: [
      { id: 'new', label: '&New Notebook', accelerator: 'CmdOrCtrl+N', click: actions.newNotebook },
      { id: 'open', label: '&Open…', accelerator: 'CmdOrCtrl+O', click: actions.open },
      { id: 'open-recent', label: 'Open &Recent', submenu: recentSubmenu },
      separator,
      { id: 'save', label: '&Save', accelerator: 'CmdOrCtrl+S', enabled: doc, click: actions.save },
      { id: 'save-as', label: 'Save &As…', accelerator: 'CmdOrCtrl+Shift+S', enabled: doc, click: actions.saveAs },
      { id: 'export-report', label: '&Export HTML Report…', accelerator: 'CmdOrCtrl+Shift+E', enabled: doc, click: actions.exportReport },
      separator,
      { id: 'close', label: '&Close', accelerator: 'CmdOrCtrl+W', enabled: doc, click: actions.close },
      ...(mac ? [] : [separator, { role: 'quit' as const, label: 'E&xit' }]),
    ],
  };

  const edit: MenuItemSpec = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      separator,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' as const }] : []),
      { role: 'delete' },
      separator,
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemSpec = {
    label: '&View',
    submenu: [
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { role: 'resetZoom' },
      separator,
      {
        id: 'theme',
        label: '&Theme',
        submenu: (['system', 'light', 'dark'] as const).map((theme) => ({
          id: `theme-${theme}`,
          label: theme === 'system' ? 'Follow System' : theme === 'light' ? 'Light' : 'Dark',
          type: 'radio' as const,
          checked: state.theme === theme,
          click: () => actions.setTheme(theme),
        })),
      },
      separator,
      ...PANELS.map(({ panel, label }) => ({ id: `toggle-${panel}`, label: `Toggle ${label}`, enabled: doc, click: () => actions.togglePanel(panel) })),
      separator,
      { role: 'togglefullscreen' },
      ...(state.isPackaged ? [] : [separator, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
    ],
  };

  const kernel: MenuItemSpec = {
    label: '&Kernel',
    submenu: [
      { id: 'run-all', label: 'Run &All Cells', accelerator: 'CmdOrCtrl+Shift+Enter', enabled: doc, click: actions.runAll },
      { id: 'interrupt', label: '&Interrupt', enabled: doc, click: actions.interrupt },
      { id: 'restart', label: '&Restart Kernel', enabled: doc, click: actions.restart },
      separator,
      { id: 'free-memory', label: '&Free GPU Memory', enabled: doc, click: actions.freeMemory },
      {
        id: 'backend',
        label: '&Backend',
        enabled: doc,
        submenu: BACKEND_CHOICES.map(({ backend, label }) => ({
          id: `backend-${backend}`,
          label,
          type: 'radio' as const,
          checked: (state.backend ?? 'auto') === backend,
          click: () => actions.setBackend(backend),
        })),
      },
    ],
  };

  const help: MenuItemSpec = {
    label: '&Help',
    submenu: [
      { id: 'catalog', label: 'Diagnosis &Catalog', enabled: doc, click: actions.showCatalog },
      ...(mac ? [] : [separator, { id: 'about', label: `&About ${state.appName}`, click: actions.showAbout }]),
    ],
  };

  const appMenu: MenuItemSpec = {
    label: state.appName,
    submenu: [
      { id: 'about', label: `About ${state.appName}`, click: actions.showAbout },
      separator,
      { role: 'services' },
      separator,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      separator,
      { role: 'quit' },
    ],
  };

  return mac ? [appMenu, file, edit, view, kernel, { role: 'windowMenu' }, help] : [file, edit, view, kernel, help];
}

/** Find an item by id anywhere in a template (tests and the app use it to click or inspect items). */
export function findMenuItem(template: readonly MenuItemSpec[], id: string): MenuItemSpec | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    const inner = item.submenu ? findMenuItem(item.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
