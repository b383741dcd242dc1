import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RecordingSupervisor } from '../../e2e/helpers';
import { RENDERER_CSP } from '../shared/renderer-csp';
import { startServer, type RunningServer } from './server';

// A built page stand-in: the server's checks do not depend on what the page is.
const rendererDir = mkdtempSync(join(tmpdir(), 'lossbook-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="app"></div>');
mkdirSync(join(rendererDir, 'assets'));
writeFileSync(join(rendererDir, 'assets/app.js'), 'console.log(1)');

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}

function connect(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('browser-mode server', () => {
  let server: RunningServer;
  const supervisor = new RecordingSupervisor();
  let origin: string;
  let host: string;

  beforeAll(async () => {
    server = await startServer({ supervisor, rendererDir, examplesDir: rendererDir });
    origin = `http://127.0.0.1:${server.port}`;
    host = `127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 only, with a long random token in the printed URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    expect(server.url).toContain(server.token);
  });

  it('serves the page with the token and sets a same-site cookie for the page assets', async () => {
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain(server.token);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await get(`${origin}/assets/app.js`, { cookie: cookie.split(';')[0]! });
    expect(asset.status).toBe(200);
  });

  it("sends the Electron window's Content-Security-Policy with the page and its assets", async () => {
    const page = await get(server.url);
    expect(page.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(RENDERER_CSP).toContain("script-src 'self';");
    const asset = await get(`${origin}/assets/app.js`, { cookie: String(page.headers['set-cookie']).split(';')[0]! });
    expect(asset.headers['content-security-policy']).toBe(RENDERER_CSP);
  });

  it('refuses requests without the token, or with a wrong one', async () => {
    expect((await get(`${origin}/`)).status).toBe(403);
    expect((await get(`${origin}/assets/app.js`)).status).toBe(403);
    // One character changed (to one it is not: a random token ends in 'x' one time in 64).
    const wrong = server.token.slice(0, -1) + (server.token.endsWith('x') ? 'y' : 'x');
    expect((await get(`${origin}/?token=${wrong}`)).status).toBe(403);
    expect((await get(`${origin}/`, { cookie: `lossbook-token-${server.port}=nope` })).status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const response = await get(server.url, { host: `evil.example:${server.port}` });
    expect(response.status).toBe(403);
    expect(response.body).toMatch(/Host/);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const response = await get(server.url, { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
  });

  it('does not serve files outside the page folder', async () => {
    const response = await get(`${origin}/..%2f..%2fetc%2fpasswd?token=${server.token}`);
    expect(response.status).toBe(404);
  });

  it('accepts a WebSocket from the page and answers ApiCalls by id', async () => {
    const socket = await connect(`ws://${host}/api?token=${server.token}`, { origin });
    const reply = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    socket.send(JSON.stringify({ id: 7, call: { method: 'kernelInfo' } }));
    expect(await reply).toMatchObject({ id: 7, result: { state: 'idle', backend: { name: 'cpu' } } });
    socket.close();
  });

  it('pushes host events to the page', async () => {
    const socket = await connect(`ws://${host}/api?token=${server.token}`, { origin });
    const pushed = new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    supervisor.emit({ type: 'kernel-state', state: 'busy' });
    expect(await pushed).toEqual({ event: { type: 'kernel-state', state: 'busy' } });
    socket.close();
  });

  it('rejects invalid calls with a readable error and does not reach the kernel', async () => {
    const socket = await connect(`ws://${host}/api?token=${server.token}`, { origin });
    const reply = new Promise<{ id: number; error: { message: string } }>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    const before = supervisor.calls.length;
    socket.send(JSON.stringify({ id: 1, call: { method: 'execute', params: { cellId: '', code: 1 } } }));
    const answer = await reply;
    expect(answer.id).toBe(1);
    expect(answer.error.message).toMatch(/invalid request/i);
    expect(supervisor.calls.length).toBe(before);
    socket.close();
  });

  it('refuses WebSockets without the token, from another Origin, without an Origin, or to another Host', async () => {
    await expect(connect(`ws://${host}/api`, { origin })).rejects.toThrow(/403/);
    await expect(connect(`ws://${host}/api?token=${server.token}`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(`ws://${host}/api?token=${server.token}`, {})).rejects.toThrow(/403/);
    await expect(connect(`ws://${host}/api?token=${server.token}`, { origin, host: 'evil.example' })).rejects.toThrow(/403/);
  });
});
