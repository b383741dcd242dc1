// The renderer page's Content-Security-Policy, one policy for every way the page is served:
// Electron's lossbook:// protocol (src/main/renderer-protocol.ts) and browser mode's HTTP server.

/**
 * The page's Content-Security-Policy. Scripts only from our own origin (no inline script, no
 * eval); styles allow 'unsafe-inline' because Monaco and Plotly set element styles at run time;
 * workers from our origin or blob: (Monaco's language workers); nothing may be framed, posted
 * or fetched from elsewhere. With `electron-vite dev`, 'self' is the dev server's origin (and
 * CSP3's 'self' covers its hot-reload WebSocket), so the same policy serves both. Browser mode
 * (src/host/server.ts) sends it too: there 'self' is http://127.0.0.1:<port> and its API WebSocket.
 */
export const RENDERER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-src 'none'; child-src 'none'; object-src 'none'; media-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
