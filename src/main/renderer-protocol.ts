// Serves the built renderer (out/renderer) on lossbook://app/ with our CSP as a response header.
// A custom scheme instead of file:// keeps the page's origin ours alone (a file:// page could
// read any file:// URL) and lets IPC handlers check the sender's URL exactly.
import { readFile as readFileFromDisk } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { RENDERER_CSP, RENDERER_HOST, RENDERER_SCHEME } from './security';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface RendererProtocolOptions {
  /** The built renderer folder (out/renderer). */
  rootDir: string;
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** Map a lossbook://app/… URL to a file under rootDir, or undefined when it points elsewhere. */
export function rendererFileForUrl(url: string, rootDir: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${RENDERER_SCHEME}:` || parsed.host !== RENDERER_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const relativePath = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const file = resolve(root, relativePath);
  const inside = relative(root, file);
  // `..` segments are already folded by URL parsing; this also rejects encoded ones (%2e%2e%2f).
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return undefined;
  return file;
}

export function createRendererProtocolHandler(options: RendererProtocolOptions): (request: Request) => Promise<Response> {
  const read = options.readFile ?? ((path: string) => readFileFromDisk(path));
  const headersFor = (contentType: string): Record<string, string> => ({
    'Content-Type': contentType,
    'Content-Security-Policy': RENDERER_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: headersFor('text/plain') });
    const file = rendererFileForUrl(request.url, options.rootDir);
    if (!file) return new Response('Not found', { status: 404, headers: headersFor('text/plain') });
    try {
      const body = await read(file);
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : Buffer.from(body), { status: 200, headers: headersFor(type) });
    } catch {
      return new Response('Not found', { status: 404, headers: headersFor('text/plain') });
    }
  };
}
