// The only module that imports `electron`. It hands the rest of src/main an ElectronSurface;
// tests hand a fake one instead, so nothing else needs the Electron binary.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, session, shell, utilityProcess } from 'electron';
import type { ElectronSurface, MenuItemSpec } from './electron-surface';
import { isSafeExternalUrl, RENDERER_SCHEME, RENDERER_SCHEME_PRIVILEGES } from './security';

/** Must run before 'ready': our renderer's scheme is a standard, secure origin. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: { ...RENDERER_SCHEME_PRIVILEGES } }]);
}

export function electronSurface(): ElectronSurface {
  return {
    app,
    BrowserWindow,
    dialog: {
      showOpenDialog: (window, options) => (window ? dialog.showOpenDialog(window as BrowserWindow, options) : dialog.showOpenDialog(options)),
      showSaveDialog: (window, options) => (window ? dialog.showSaveDialog(window as BrowserWindow, options) : dialog.showSaveDialog(options)),
      showMessageBox: (window, options) => (window ? dialog.showMessageBox(window as BrowserWindow, options) : dialog.showMessageBox(options)),
    },
    menu: { setApplicationMenu: (template: MenuItemSpec[]) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)) },
    ipcMain,
    shell: {
      // The one place a URL leaves the app: checked here again, whatever the caller checked.
      openInBrowser: (url) => (isSafeExternalUrl(url) ? shell.openExternal(url) : Promise.reject(new Error(`Refused to open ${url.slice(0, 200)}: only https links open in the browser.`))), // eng-disable OPEN_EXTERNAL_JS_CHECK (reviewed: https only, isSafeExternalUrl)
    },
    // Getters: the default session exists only after 'ready'.
    get session() {
      return session.defaultSession;
    },
    protocol: { handle: (scheme, handler) => protocol.handle(scheme, handler) },
    nativeTheme,
    forkUtilityProcess: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
    platform: process.platform,
    versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node, v8: process.versions.v8 },
  };
}
