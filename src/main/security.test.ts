// The security checklist, checked on the real BrowserWindow options and the handlers the app
// installs (through the adapter boundary: a fake BrowserWindow records what it was given).
import { describe, expect, it } from 'vitest';
import { RecentDocuments } from './documents';
import { fakeElectron, FakeBrowserWindow, FakeHost, FakeWebContents, preventable, settle } from './fake-electron';
import { LossbookApp } from './lossbook-app';
import {
  addCspToDevServerResponses,
  denyAllPermissions,
  isSafeExternalUrl,
  isTrustedRendererUrl,
  notebookPathFromFileUrl,
  RENDERER_CSP,
  RENDERER_ENTRY_URL,
  RENDERER_SCHEME_PRIVILEGES,
} from './security';

async function startedApp() {
  FakeBrowserWindow.instances.length = 0;
  const electron = fakeElectron();
  const app = new LossbookApp({
    electron,
    recent: new RecentDocuments({ read: async () => undefined, write: async () => undefined }),
    preloadPath: '/app/out/preload/index.cjs',
    rendererUrl: RENDERER_ENTRY_URL,
    createHost: (dialogs) => new FakeHost(dialogs),
  });
  app.install();
  await app.start(['lossbook'], '/');
  return { electron, app, window: FakeBrowserWindow.instances[0]! };
}

describe('notebook window options', () => {
  it('are isolated, sandboxed, Node-free, with our CJS preload and no webview', async () => {
    const { window } = await startedApp();
    const preferences = window.options.webPreferences;
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(preferences.preload).toBe('/app/out/preload/index.cjs');
    expect(Object.keys(preferences)).not.toContain('enableBlinkFeatures');
    // No remote content: the one URL loaded is our own scheme.
    expect(window.webContents.loaded).toEqual(['lossbook://app/index.html']);
    expect(window.options.show).toBe(false);
  });
});

describe('handlers on every web contents', () => {
  async function contents() {
    const { electron } = await startedApp();
    const webContents = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, webContents);
    return { electron, webContents };
  }

  it('new windows are always denied; only https links go to the OS browser', async () => {
    const { electron, webContents } = await contents();
    const handler = webContents.windowOpenHandler!;
    expect(handler({ url: 'https://js.tensorflow.org/api/latest/' })).toEqual({ action: 'deny' });
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'lossbook://app/index.html', 'https://user:pw@example.com/', 'smb://host/share', 'not a url']) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    await settle();
    expect(electron.shell.opened).toEqual(['https://js.tensorflow.org/api/latest/']);
  });

  it('navigation is blocked; a dropped .lossbook that reached navigation is opened instead', async () => {
    const { electron, webContents } = await contents();
    const away = preventable();
    webContents.emit('will-navigate', away, 'https://evil.example/phish');
    expect(away.defaultPrevented).toBe(true);
    const dropped = preventable();
    webContents.emit('will-navigate', dropped, 'file:///home/u/run%201.lossbook');
    expect(dropped.defaultPrevented).toBe(true);
    const fileUrl = preventable();
    webContents.emit('will-navigate', fileUrl, 'file:///etc/passwd');
    expect(fileUrl.defaultPrevented).toBe(true);
    await settle();
    expect(electron.shell.opened).toEqual(['https://evil.example/phish']);
    // The dropped notebook opened in the untouched first window.
    await electron.ipcMain.invoke('lossbook:call', FakeBrowserWindow.instances[0]!.webContents, { method: 'shellReady' });
    expect(FakeBrowserWindow.instances[0]!.webContents.sentOn('lossbook:menu-command')).toEqual([{ command: 'open-document', path: '/home/u/run 1.lossbook' }]);
  });

  it('redirects and <webview> are refused', async () => {
    const { webContents } = await contents();
    const redirect = preventable();
    webContents.emit('will-redirect', redirect, 'https://elsewhere');
    const webview = preventable();
    webContents.emit('will-attach-webview', webview);
    expect(redirect.defaultPrevented).toBe(true);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('the notebook windows themselves get the handlers (the app installs them for every contents)', async () => {
    const { window } = await startedApp();
    expect(window.webContents.windowOpenHandler?.({ url: 'https://a.b' })).toEqual({ action: 'deny' });
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('content security policy', () => {
  const directive = (name: string) => RENDERER_CSP.split('; ').find((part) => part.startsWith(`${name} `));

  it('allows scripts only from our origin, never inline or eval', () => {
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
    expect(directive('default-src')).toBe("default-src 'none'");
    expect(directive('object-src')).toBe("object-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive('base-uri')).toBe("base-uri 'none'");
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(RENDERER_CSP).not.toMatch(/\*|https?:|ws:/);
  });

  it('is added, identical, to dev-server responses only', () => {
    const electron = fakeElectron();
    addCspToDevServerResponses(electron.session, 'http://localhost:5173');
    let headers: Record<string, string[]> | undefined;
    electron.session.headersListener!({ url: 'http://localhost:5173/index.html', responseHeaders: { 'content-type': ['text/html'] } }, (response) => (headers = response.responseHeaders));
    expect(headers?.['Content-Security-Policy']).toEqual([RENDERER_CSP]);
    expect(headers?.['content-type']).toEqual(['text/html']);
    for (const url of ['https://other/', 'http://localhost:51730/']) {
      headers = undefined;
      electron.session.headersListener!({ url, responseHeaders: {} }, (response) => (headers = response.responseHeaders));
      expect(headers).toBeUndefined();
    }
  });
});

describe('URL checks', () => {
  it('trusts only our renderer origin (and the dev server when one is configured)', () => {
    expect(isTrustedRendererUrl('lossbook://app/index.html')).toBe(true);
    expect(isTrustedRendererUrl('lossbook://app/')).toBe(true);
    expect(isTrustedRendererUrl('lossbook://evil/index.html')).toBe(false);
    expect(isTrustedRendererUrl('lossbook://user@app/index.html')).toBe(false);
    expect(isTrustedRendererUrl('file:///app/out/renderer/index.html')).toBe(false);
    expect(isTrustedRendererUrl('https://app/index.html')).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/')).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedRendererUrl('')).toBe(false);
  });

  it('external links must be https with a host and no credentials', () => {
    expect(isSafeExternalUrl('https://github.com/tensorflow/tfjs')).toBe(true);
    expect(isSafeExternalUrl('http://github.com')).toBe(false);
    expect(isSafeExternalUrl('https://a:b@github.com')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl(`https://x.io/${'a'.repeat(3000)}`)).toBe(false);
  });

  it('reads a dropped notebook from a file URL only', () => {
    expect(notebookPathFromFileUrl('file:///tmp/a%20b.lossbook')).toBe('/tmp/a b.lossbook');
    expect(notebookPathFromFileUrl('file:///tmp/a.txt')).toBeUndefined();
    expect(notebookPathFromFileUrl('https://x/a.lossbook')).toBeUndefined();
  });
});

describe('renderer scheme', () => {
  it('is a standard, secure origin that never bypasses the CSP', () => {
    expect(RENDERER_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, bypassCSP: false });
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    const electron = fakeElectron();
    denyAllPermissions(electron.session);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) electron.session.permissionRequestHandler!({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(electron.session.permissionCheckHandler!({}, 'media')).toBe(false);
  });
});
