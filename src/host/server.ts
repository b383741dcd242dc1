// Browser mode (`lossbook serve`, and `npm start` where Electron cannot run): the built renderer
// served over HTTP on 127.0.0.1 only, plus one WebSocket carrying ApiCalls (request/response)
// and pushed HostEvents. The page can run code on this machine, so every request is checked:
// the Host header (against DNS rebinding), the Origin (against other sites in the same
// browser) and a random token that only the printed URL carries (as Jupyter does).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_API_MESSAGE_BYTES, RecoverySessionSchema } from '../shared/api';
import type { BackendRequest, Disposable } from '../shared/protocol';
import { RENDERER_CSP } from '../shared/renderer-csp';
import { ApiHost, diskFiles, type NotebookFileStore } from './api-host';
import { withRunRecording } from './runs/recorder';
import { RunsHost } from './runs/runs-host';
import { sharedNotebookReader } from './isolated-reader';
import type { KernelSupervisorApi } from './kernel-api';
import { stringifyReply } from '../shared/raw-json';

export interface StartServerOptions {
  /** 0 or undefined: a free port chosen by the system. */
  port?: number;
  /** A notebook (or percent script) the page opens first. */
  notebookPath?: string;
  /** The folder the page's file browser shows (default: the notebook's folder, else the working folder). */
  notebookRoot?: string;
  backend?: BackendRequest;
  /** The built renderer (out/renderer by default). */
  rendererDir?: string;
  examplesDir?: string;
  /** A supervisor to use instead of starting a kernel process (tests, embedding). */
  supervisor?: KernelSupervisorApi;
  files?: NotebookFileStore;
  /** The run store (issue 20): every run is recorded there and the runs view reads it. */
  runsDb?: string;
}

export interface RunningServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Browser mode's own log line (the CLI prints the server's stderr). */
function log(message: string): void {
  console.error(`lossbook serve: ${message}`);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

/** What crosses the WebSocket, as JSON. */
export type ClientMessage = { id: number; call: unknown };
export type ServerMessage = { id: number; result?: unknown; error?: { name: string; message: string; code?: string } } | { event: unknown };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The repository / installed package root: the nearest folder up with Lossbook's package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src')) ) return dir;
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'out'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return from;
    dir = parent;
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const root = packageRoot();
  const rendererDir = resolve(options.rendererDir ?? join(root, 'out/renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The notebook page is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` first.`);
  }
  const token = randomBytes(24).toString('base64url');
  const runs = options.runsDb ? new RunsHost(options.runsDb) : undefined;
  const kernel = options.supervisor ?? (await startKernelSupervisor(options.backend));
  const supervisor = runs ? withRunRecording(kernel, runs.sink, { origin: 'app', env: process.env, locate: (cellId) => runs.locate(cellId), onError: (error) => log(`a run was not recorded: ${error.message}`) }) : kernel;
  const files = options.files ?? diskFiles;
  // Notebooks are read in a worker thread (isolated-reader.ts); start it before the page asks.
  if (!options.files) sharedNotebookReader().warmUp();
  const apiHost = new ApiHost({
    supervisor,
    files,
    examplesDir: options.examplesDir ?? join(root, 'examples'),
    defaultNotebookPath: options.notebookPath ? resolve(options.notebookPath) : undefined,
    notebookRoot: resolve(options.notebookRoot ?? (options.notebookPath ? dirname(resolve(options.notebookPath)) : process.cwd())),
    ...(runs ? { runs } : {}),
    // A second tab must not be offered the first tab's untitled work while that tab is open.
    liveSessions: () => liveSessions.values(),
  });

  let port = 0;
  const cookieName = () => `lossbook-token-${port}`;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const requestToken = (request: IncomingMessage, url: URL): string | undefined =>
    url.searchParams.get('token') ?? readCookie(request.headers.cookie, cookieName());

  /** Why a request is refused, or undefined when it may proceed. */
  const refusal = (request: IncomingMessage, url: URL, requireOrigin: boolean): { status: number; message: string } | undefined => {
    if (!allowedHosts().has(request.headers.host ?? '')) return { status: 403, message: 'Forbidden: unexpected Host header (Lossbook answers only on 127.0.0.1).' };
    const origin = request.headers.origin;
    if (origin !== undefined ? !allowedOrigins().has(origin) : requireOrigin) return { status: 403, message: 'Forbidden: cross-origin request.' };
    if (!tokenMatches(requestToken(request, url))) return { status: 403, message: 'Forbidden: open Lossbook with the URL it printed (it carries the access token).' };
    return undefined;
  };

  const server = createServer((request, response) => {
    void serveHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Internal error: ${(error as Error).message}`);
    });
  });

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(request, url, false);
    if (refused) {
      response.writeHead(refused.status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(refused.message);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' });
      response.end();
      return;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    } catch {
      // A malformed %-escape is the client's mistake (400), not the server's (it was a 500).
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Bad request: the URL has a malformed %-escape.');
      return;
    }
    const file = normalize(join(rendererDir, relative));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) {
      response.writeHead(404);
      response.end();
      return;
    }
    let body: Buffer;
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      body = await readFile(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(body.length),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      // The Electron window's policy: scripts, workers and connections only from this origin.
      'content-security-policy': RENDERER_CSP,
      'cache-control': file.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
    };
    // The URL's token becomes a same-site cookie so the page's scripts, styles and workers load.
    if (url.searchParams.has('token')) headers['set-cookie'] = `${cookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  // One WebSocket per page: ApiCalls answered by id, HostEvents pushed to every page.
  // A message is at most one notebook (issue 17: frames were accepted up to 512 MB and the
  // server grew to 913 MB). Larger ones are refused by ws with close code 1009, which the page
  // explains (websocket-api.ts); the page also refuses to send them in the first place.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_API_MESSAGE_BYTES });
  const subscriptions = new Map<WebSocket, Disposable>();
  // The autosave session each connected page announced (`?session=` on its socket's URL, sent
  // again on every reconnect); a session is live exactly while its page's socket is open.
  const liveSessions = new Map<WebSocket, string>();
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const session = url.searchParams.get('session') ?? undefined;
    const refused =
      url.pathname !== '/api'
        ? { status: 404, message: 'Not found' }
        : (refusal(request, url, true) ??
          (session === undefined || RecoverySessionSchema.safeParse(session).success ? undefined : { status: 400, message: 'Bad request: an autosave session key holds 1 to 64 letters, digits, - and _.' }));
    if (refused) {
      socket.end(`HTTP/1.1 ${refused.status} ${STATUS_TEXT[refused.status] ?? 'Forbidden'}\r\nconnection: close\r\ncontent-type: text/plain\r\n\r\n${refused.message}`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => acceptClient(client, session));
  });

  function acceptClient(client: WebSocket, session: string | undefined): void {
    if (session !== undefined) liveSessions.set(client, session);
    // No send may throw out of the server (issue 17: JSON.stringify of 10,000 nested arrays threw
    // inside send() and took the server down). A reply that cannot be sent becomes an error reply.
    const send = (message: ServerMessage) => {
      if (client.readyState !== client.OPEN) return;
      let text: string;
      try {
        // A raw JSON result (the runs listing) is spliced in, not escaped into a string.
        text = 'result' in message ? stringifyReply(message.id, message.result) : JSON.stringify(message);
      } catch (error) {
        if (!('id' in message)) {
          log(`could not send an event to the page: ${(error as Error).message}`);
          return;
        }
        text = JSON.stringify({ id: message.id, error: { name: 'Error', message: `Lossbook could not send the answer to the page: ${(error as Error).message}`, code: 'io' } });
      }
      try {
        client.send(text);
      } catch (error) {
        log(`could not send to the page: ${(error as Error).message}`);
      }
    };
    client.on('error', (error) => log(`page connection: ${error.message}`));
    subscriptions.set(client, apiHost.onEvent((event) => send({ event })));
    client.on('message', (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString()) as ClientMessage;
        if (typeof message !== 'object' || message === null || typeof message.id !== 'number') throw new Error('missing id');
      } catch {
        client.close(1003, 'malformed message');
        return;
      }
      apiHost.handle(message.call).then(
        (result) => send({ id: message.id, result }),
        (error: unknown) => {
          const failure = error as Error & { code?: string };
          send({ id: message.id, error: { name: failure.name ?? 'Error', message: failure.message ?? String(error), code: failure.code } });
        },
      );
    });
    client.on('close', () => {
      subscriptions.get(client)?.dispose();
      subscriptions.delete(client);
      // The page is gone (tab closed, reloaded, crashed): its untitled autosave may be offered.
      liveSessions.delete(client);
    });
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  // The kernel starts in the background: the page shows "starting" and then the backend.
  void supervisor.start().catch(() => undefined);

  const query = new URLSearchParams({ token });
  if (options.notebookPath) query.set('notebook', resolve(options.notebookPath));
  const url = `http://127.0.0.1:${port}/?${query.toString()}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    token,
    port,
    close() {
      closing ??= (async () => {
        for (const [client, subscription] of subscriptions) {
          subscription.dispose();
          client.terminate();
        }
        subscriptions.clear();
        liveSessions.clear();
        sockets.close();
        apiHost.dispose();
        const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
        server.closeAllConnections();
        await closed;
        if (!options.supervisor) await supervisor.shutdown();
        runs?.dispose();
      })();
      return closing;
    },
  };
}

/** The real kernel (loaded only when no supervisor is given, so tests never spawn one). */
async function startKernelSupervisor(backend: BackendRequest | undefined): Promise<KernelSupervisorApi> {
  const { KernelSupervisor } = await import('./kernel-supervisor');
  return new KernelSupervisor({ backend, backendRequestedBy: backend && backend !== 'auto' ? 'flag' : 'default' });
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
