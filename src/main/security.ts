// Electron's security checklist, as code that tests can read
// (https://www.electronjs.org/docs/latest/tutorial/security): the renderer is sandboxed and
// isolated, has no Node, loads only our own files from a custom scheme (no file://, no remote
// content), cannot open windows or navigate, and links leave for the OS browser only when
// they are https. Every IPC handler also checks its sender (see ipc-router.ts).
import { fileURLToPath } from 'node:url';
import type { PreventableEvent, SessionSurface, WebContentsSurface } from './electron-surface';

/** Our renderer is served from lossbook://app/ (renderer-protocol.ts), never from file://. */
export const RENDERER_SCHEME = 'lossbook';
export const RENDERER_HOST = 'app';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * Privileges of the renderer scheme: a standard, secure origin, so module scripts (Vite emits
 * `<script type="module" crossorigin>`, CORS-mode even when same-origin), workers (Monaco) and
 * fetch work. Never `bypassCSP`: the page's CSP applies in full.
 */
export const RENDERER_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true, bypassCSP: false } as const;

export { RENDERER_CSP } from '../shared/renderer-csp';

/**
 * Is `url` our renderer? In a packaged or built app only lossbook://app/…; with `electron-vite dev`
 * the dev server's exact origin is trusted too (never in a packaged app, see main/index.ts).
 */
export function isTrustedRendererUrl(url: string, devServerOrigin?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${RENDERER_SCHEME}:` && parsed.host === RENDERER_HOST && !parsed.username && !parsed.password) return true;
  return devServerOrigin !== undefined && parsed.origin === devServerOrigin;
}

/** Links may leave the app for the OS browser only as plain https URLs (no credentials, a real host). */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.hostname.length > 0 && !parsed.username && !parsed.password && url.length <= 2048;
}

/** A file:// URL of a .lossbook document (a drop that reached navigation) → its path. */
export function notebookPathFromFileUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'file:') return undefined;
    const path = fileURLToPath(parsed);
    return /\.lossbook$/i.test(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface HardeningHooks {
  /** Open a validated https URL in the OS browser. */
  openInBrowser(url: string): void;
  /** A .lossbook file reached navigation (dropped where the preload did not catch it). */
  openNotebookFile(path: string): void;
  log?(message: string): void;
}

/**
 * Guards on every web contents: no new windows (https links go to the OS browser), no
 * navigation away from the notebook page, no <webview>. Installed for every web contents the
 * app creates (app 'web-contents-created'), not only for notebook windows.
 */
export function hardenWebContents(contents: WebContentsSurface, hooks: HardeningHooks): void {
  const leave = (url: string): void => {
    if (isSafeExternalUrl(url)) hooks.openInBrowser(url);
    else hooks.log?.(`blocked a link to ${url.slice(0, 200)} (only https links open, in the OS browser)`);
  };
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  const blockNavigation = (event: PreventableEvent, url: string): void => {
    // The notebook is a single page: any navigation would replace it (and its unsaved work).
    event.preventDefault();
    const notebook = notebookPathFromFileUrl(url);
    if (notebook) hooks.openNotebookFile(notebook);
    else leave(url);
  };
  contents.on('will-navigate', blockNavigation);
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The notebook needs no camera, microphone, notifications, geolocation…: deny every permission. */
export function denyAllPermissions(session: SessionSurface): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** With the dev server, responses come from Vite: add our CSP to them (the protocol handler adds it otherwise). */
export function addCspToDevServerResponses(session: SessionSurface, devServerOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!details.url.startsWith(`${devServerOrigin}/`)) {
      callback({});
      return;
    }
    // RENDERER_CSP written out (a test keeps the two equal) so electronegativity's CSP check can
    // evaluate it. Its one remark — script-src 'self' is risky where the origin hosts JSONP,
    // Angular or user uploads — was reviewed: our origin serves only our own built bundle.
    callback({
      responseHeaders: { // eng-disable CSP_GLOBAL_CHECK (reviewed: 'self' serves only the built renderer)
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'none'; child-src 'none'; object-src 'none'; media-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
}
