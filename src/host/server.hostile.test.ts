// Issue 17 against browser mode's server: hostile notebooks, answers that cannot be serialized,
// oversized frames and malformed URLs are refused with a reason, and the server stays up.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RecordingSupervisor } from '../../e2e/helpers';
import { MAX_API_MESSAGE_BYTES } from '../shared/api';
import { createNotebook, type Notebook } from '../shared/notebook/model';
import { diskFiles, type NotebookFileStore } from './api-host';
import { deepArtifact, fixturePath, memoryBomb } from './hostile-notebooks.testing';
import { sharedNotebookReader } from './isolated-reader';
import { startServer, type RunningServer } from './server';

const rendererDir = mkdtempSync(join(tmpdir(), 'lossbook-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><div id="app"></div>');
mkdirSync(join(rendererDir, 'assets'));
const notebooks = mkdtempSync(join(tmpdir(), 'lossbook-hostile-serve-'));
writeFileSync(join(notebooks, 'bomb.lossbook'), memoryBomb());
writeFileSync(join(notebooks, 'deep.lossbook'), deepArtifact(10_000));

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** Real files, except one path whose notebook no JSON.stringify can write (a stand-in for any unsendable answer). */
const files: NotebookFileStore = {
  ...diskFiles,
  readNotebookFile: async (path) => {
    if (!path.endsWith('unsendable.lossbook')) return diskFiles.readNotebookFile(path);
    const notebook: Notebook = createNotebook('unsendable');
    notebook.cells[0]!.outputs.push({ type: 'display', value: { kind: 'json', json: nested(20_000) } });
    return notebook;
  },
  findRecovery: async () => undefined,
};

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('browser-mode server against hostile input (issue 17)', () => {
  let server: RunningServer;
  const supervisor = new RecordingSupervisor();
  let origin: string;

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { origin, maxPayload: 0 });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });

  const call = async (socket: WebSocket, id: number, apiCall: unknown): Promise<{ id: number; result?: unknown; error?: { message: string } }> => {
    const reply = new Promise<{ id: number; result?: unknown; error?: { message: string } }>((resolve) => {
      const listener = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as { id?: number };
        if (message.id !== id) return;
        socket.off('message', listener);
        resolve(message as { id: number });
      };
      socket.on('message', listener);
    });
    socket.send(JSON.stringify({ id, call: apiCall }));
    return reply;
  };

  const alive = async (): Promise<void> => {
    const socket = await connect();
    expect(await call(socket, 99, { method: 'kernelInfo' })).toMatchObject({ id: 99, result: { state: 'idle' } });
    socket.close();
  };

  beforeAll(async () => {
    // As the app does at startup: the 5 s below measure the refusal, not the reader's first start.
    sharedNotebookReader().warmUp();
    await diskFiles.readNotebookFile(fixturePath('healthy-binary.lossbook'));
    server = await startServer({ supervisor, rendererDir, examplesDir: rendererDir, files });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers a malformed %-escape with 400, not 500', async () => {
    const response = await get(`${origin}/assets/%E0%A4%A?token=${server.token}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatch(/malformed %-escape/);
  });

  it('refuses the memory bomb and 10,000 nested arrays when the page opens them, in under 5 s, and stays up', async () => {
    const socket = await connect();
    for (const [name, reason] of [
      ['bomb.lossbook', /epochs for \d+ values/],
      ['deep.lossbook', /more than 256 levels deep/],
    ] as const) {
      const started = performance.now();
      const answer = await call(socket, 1, { method: 'openNotebook', params: { path: join(notebooks, name) } });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(answer.error?.message).toMatch(reason);
    }
    socket.close();
    await alive();
  });

  it('turns an answer JSON.stringify cannot write into an error reply, and an unsendable event into nothing', async () => {
    const socket = await connect();
    const answer = await call(socket, 2, { method: 'openNotebook', params: { path: join(notebooks, 'unsendable.lossbook') } });
    expect(answer.error?.message).toMatch(/could not send the answer/);
    supervisor.emit({ type: 'artifact', runId: 'r', kind: 'deep', data: nested(20_000) });
    supervisor.emit({ type: 'kernel-state', state: 'busy' });
    const next = await new Promise<unknown>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
    expect(next).toEqual({ event: { type: 'kernel-state', state: 'busy' } });
    socket.close();
    await alive();
  });

  it(`refuses a frame over ${MAX_API_MESSAGE_BYTES / 1024 / 1024} MB (close code 1009) and keeps serving`, async () => {
    const socket = await connect();
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => undefined);
    socket.send(Buffer.alloc(MAX_API_MESSAGE_BYTES + 1, 0x20));
    expect(await closed).toBe(1009);
    await alive();
  });
});
