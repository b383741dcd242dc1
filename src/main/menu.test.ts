import { describe, expect, it } from 'vitest';
import type { MenuItemSpec } from './electron-surface';
import { buildMenuTemplate, findMenuItem, type MenuActions, type MenuState } from './menu';

function recordingActions() {
  const calls: Array<[string, ...unknown[]]> = [];
  const actions = new Proxy({} as MenuActions, {
    get: (_target, name: string) => (...args: unknown[]) => calls.push([name, ...args]),
  });
  return { actions, calls };
}

const base: MenuState = { platform: 'linux', appName: 'Lossbook', isPackaged: true, recent: [], backend: undefined, theme: 'system', hasWindow: true };
const labels = (items: MenuItemSpec[] | undefined) => (items ?? []).map((item) => item.label ?? item.role ?? item.type);

describe('application menu', () => {
  it('has File, Edit, View, Kernel, Help with the items of the issue (Linux/Windows)', () => {
    const template = buildMenuTemplate(base, recordingActions().actions);
    expect(template.map((menu) => menu.label)).toEqual(['&File', '&Edit', '&View', '&Kernel', '&Help']);
    expect(labels(template[0]!.submenu)).toEqual(['&New Notebook', '&Open…', 'Open &Recent', 'separator', '&Save', 'Save &As…', '&Export HTML Report…', 'separator', '&Close', 'separator', 'E&xit']);
    expect(template[1]!.submenu!.map((item) => item.role).filter(Boolean)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'delete', 'selectAll']);
    const view = template[2]!.submenu!;
    expect(view.map((item) => item.role).filter(Boolean)).toEqual(['zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen']);
    expect(labels(findMenuItem(template, 'theme')!.submenu)).toEqual(['Follow System', 'Light', 'Dark']);
    expect(labels(template[3]!.submenu)).toEqual(['Run &All Cells', '&Interrupt', '&Restart Kernel', 'separator', '&Free GPU Memory', '&Backend']);
    expect(findMenuItem(template, 'backend')!.submenu!.map((item) => item.id)).toEqual(['backend-auto', 'backend-gpu', 'backend-tensorflow-gpu', 'backend-webgpu', 'backend-tensorflow', 'backend-wasm', 'backend-cpu']);
    expect(labels(template[4]!.submenu)).toEqual(['Diagnosis &Catalog', 'separator', '&About Lossbook']);
  });

  it('macOS gets the app menu, the window menu and its own recent-documents list', () => {
    const template = buildMenuTemplate({ ...base, platform: 'darwin' }, recordingActions().actions);
    expect(template.map((menu) => menu.label ?? menu.role)).toEqual(['Lossbook', '&File', '&Edit', '&View', '&Kernel', 'windowMenu', '&Help']);
    expect(findMenuItem(template, 'open-recent')!.submenu!.map((item) => item.role ?? item.type)).toEqual(['recentDocuments', 'separator', 'clearRecentDocuments']);
    expect(findMenuItem(template, 'about')).toBeDefined();
    expect(labels(template[1]!.submenu)).not.toContain('E&xit');
  });

  it('lists recent notebooks (Linux/Windows) and opens the clicked one', () => {
    const { actions, calls } = recordingActions();
    const template = buildMenuTemplate({ ...base, recent: ['/a/one.lossbook', '/b/two.lossbook'] }, actions);
    expect(findMenuItem(template, 'recent-1')!.label).toBe('&2 two.lossbook — /b/two.lossbook');
    findMenuItem(template, 'recent-1')!.click!();
    findMenuItem(template, 'clear-recent')!.click!();
    expect(calls).toEqual([['openRecent', '/b/two.lossbook'], ['clearRecent']]);
    const empty = buildMenuTemplate(base, actions);
    expect(findMenuItem(empty, 'clear-recent')!.enabled).toBe(false);
    expect(findMenuItem(empty, 'open-recent')!.submenu![0]).toMatchObject({ label: 'No Recent Notebooks', enabled: false });
  });

  it('every item with an id does what its name says', () => {
    const { actions, calls } = recordingActions();
    const template = buildMenuTemplate(base, actions);
    const expected: Record<string, [string, ...unknown[]]> = {
      new: ['newNotebook'],
      open: ['open'],
      save: ['save'],
      'save-as': ['saveAs'],
      'export-report': ['exportReport'],
      close: ['close'],
      'run-all': ['runAll'],
      interrupt: ['interrupt'],
      restart: ['restart'],
      'free-memory': ['freeMemory'],
      'backend-wasm': ['setBackend', 'wasm'],
      'backend-tensorflow-gpu': ['setBackend', 'tensorflow-gpu'],
      'theme-light': ['setTheme', 'light'],
      'toggle-memory': ['togglePanel', 'memory'],
      'toggle-outline': ['togglePanel', 'outline'],
      catalog: ['showCatalog'],
      about: ['showAbout'],
    };
    for (const [id, call] of Object.entries(expected)) {
      calls.length = 0;
      findMenuItem(template, id)!.click!();
      expect(calls, id).toEqual([call]);
    }
  });

  it('document and kernel items are disabled without a window; backend and theme radios reflect state', () => {
    const template = buildMenuTemplate({ ...base, hasWindow: false, backend: 'wasm', theme: 'dark' }, recordingActions().actions);
    for (const id of ['save', 'save-as', 'export-report', 'close', 'run-all', 'interrupt', 'restart', 'backend']) expect(findMenuItem(template, id)!.enabled, id).toBe(false);
    expect(findMenuItem(template, 'new')!.enabled).toBeUndefined();
    expect(findMenuItem(template, 'backend-wasm')!.checked).toBe(true);
    expect(findMenuItem(template, 'theme-dark')!.checked).toBe(true);
  });

  it('developer tools exist only in development builds', () => {
    const packaged = JSON.stringify(buildMenuTemplate(base, recordingActions().actions));
    const development = JSON.stringify(buildMenuTemplate({ ...base, isPackaged: false }, recordingActions().actions));
    expect(packaged).not.toContain('toggleDevTools');
    expect(development).toContain('toggleDevTools');
  });
});
