// Browser mode's client end to end without a browser: the one API client over the page's
// WebSocket transport, against the real `lossbook serve` server and ApiHost (a recording
// supervisor instead of a kernel). Every call goes through the API table on both sides.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Libsql from 'libsql';
import NodeWebSocket from 'ws';
import { RecordingSupervisor } from '../../../../e2e/helpers';
import { RunStore } from '../../../host/runs/store';
import { sampleRun } from '../../../host/runs/store.testing';
import { startServer, type RunningServer } from '../../../host/server';
import type { LossbookApi } from '../../../shared/api';
import { createApiClient } from '../../../shared/api-client';
import type { HostEvent } from '../../../shared/protocol';
import { HostCallError, WebSocketTransport } from './websocket-api';

const notebookRoot = mkdtempSync(join(tmpdir(), 'lossbook-ws-client-'));
writeFileSync(join(notebookRoot, 'index.html'), '<!doctype html><div id="app"></div>');
writeFileSync(join(notebookRoot, 'a.lossbook'), '{}');

describe('browser mode: the API client over the WebSocket transport', () => {
  let server: RunningServer;
  let api: LossbookApi;
  let transport: WebSocketTransport;
  const supervisor = new RecordingSupervisor();

  beforeAll(async () => {
    server = await startServer({ supervisor, rendererDir: notebookRoot, examplesDir: notebookRoot, notebookRoot });
    const origin = `http://127.0.0.1:${server.port}`;
    // The page's WebSocket sends its Origin; ws in Node is told to.
    transport = new WebSocketTransport(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, (url) => new NodeWebSocket(url, { headers: { origin } }) as unknown as WebSocket);
    api = createApiClient(transport);
  });
  afterAll(async () => {
    transport.close();
    await server.close();
  });

  it('answers typed calls, with positional arguments turned into the params the host validates', async () => {
    expect(api.transport).toBe('browser');
    expect(await api.kernelInfo()).toMatchObject({ state: 'idle', backend: { name: 'cpu' } });
    expect(await api.execute({ cellId: 'c1', code: '1 + 1' })).toEqual({ runId: 'run-1' });
    await api.setBackend('wasm');
    const listing = await api.listFolder!();
    expect(listing.entries.map((entry) => entry.name)).toContain('a.lossbook');
    expect(await api.listExamples()).toEqual([]);
    expect(supervisor.calls.filter((call) => call.method !== 'start')).toEqual([
      { method: 'execute', args: [{ cellId: 'c1', code: '1 + 1', language: 'typescript' }] },
      { method: 'setBackend', args: ['wasm'] },
    ]);
  });

  it('rejects with the host’s message for bad input, and pushes host events', async () => {
    const error = await api.execute({ cellId: '', code: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostCallError);
    expect((error as Error).message).toMatch(/invalid request/i);
    const events: HostEvent[] = [];
    const subscription = api.onEvent((event) => events.push(event));
    supervisor.emit({ type: 'kernel-state', state: 'busy' });
    await expect.poll(() => events).toEqual([{ type: 'kernel-state', state: 'busy' }]);
    subscription.dispose();
  });
});

describe('browser mode: the runs listing crosses as JSON text, spliced into the reply', () => {
  let server: RunningServer;
  let api: LossbookApi;
  let transport: WebSocketTransport;
  const frames: string[] = [];
  const runsDb = join(mkdtempSync(join(tmpdir(), 'lossbook-ws-runs-')), 'runs.db');

  beforeAll(async () => {
    const store = RunStore.open(runsDb);
    for (let index = 1; index <= 3; index++) store.add(sampleRun(index, { overrides: { note: '' } }));
    store.close();
    server = await startServer({ supervisor: new RecordingSupervisor(), rendererDir: notebookRoot, examplesDir: notebookRoot, notebookRoot, runsDb });
    const origin = `http://127.0.0.1:${server.port}`;
    transport = new WebSocketTransport(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, (url) => {
      const socket = new NodeWebSocket(url, { headers: { origin } });
      socket.on('message', (data) => frames.push(String(data)));
      return socket as unknown as WebSocket;
    });
    api = createApiClient(transport);
  });
  afterAll(async () => {
    transport.close();
    await server.close();
  });

  it('lists the runs as objects; on the wire they are JSON, not a JSON string escaped into the reply', async () => {
    const listing = await api.listRuns();
    expect(listing.store).toBe(runsDb);
    expect(listing.runs.map((run) => [run.number, run.params.learningRate])).toEqual([
      [3, 0.03],
      [2, 0.01],
      [1, 0.003],
    ]);
    const reply = frames.find((frame) => frame.includes('"runs":'))!;
    expect(reply).toMatch(/^\{"id":\d+,"result":\{"store":".*","total":3,"runs":\[\{"id":"run-000003"/);
  });

  it('a stored entry that is not JSON fails the listing with the reason, and only that call', async () => {
    const store = RunStore.open(runsDb);
    store.add(sampleRun(4, { overrides: { note: '' } }));
    store.close();
    // Damage one stored entry as another program might (the store's own writes are JSON.stringify's).
    const db = new Libsql(runsDb);
    db.prepare('UPDATE listing SET entry = ? WHERE number = 4').run('{"id": broken');
    db.close();
    const error = await api.listRuns().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostCallError);
    expect((error as Error).message).toMatch(/answer the page could not read/);
    expect(await api.kernelInfo()).toMatchObject({ state: 'idle' });
  });
});
