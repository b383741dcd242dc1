import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL } from '../preload/channels';
import { rawJson, resolveRawJson } from '../shared/raw-json';
import { FakeIpcMain, FakeWebContents } from './fake-electron';
import { registerIpcRouter, type CallTarget } from './ipc-router';
import { isTrustedRendererUrl } from './security';

function setup() {
  const ipcMain = new FakeIpcMain();
  const calls: unknown[] = [];
  const target: CallTarget = {
    handleApiCall: async (call) => {
      calls.push(call);
      if (call.method === 'restart') throw Object.assign(new Error('The kernel could not be restarted.'), { name: 'KernelError', code: 'kernel-dead' });
      // The runs listing: the host answers it as JSON text in parts (raw-json.ts).
      if (call.method === 'listRuns') return rawJson(['{"store":"/d/runs.db","runs":[', '{"id":"run-2"}', ',{"id":"run-1"}', ']}']);
      return { handled: call.method };
    },
    handleShellCall: async (call) => {
      calls.push(call);
      return { shell: call.method };
    },
  };
  const ours = new FakeWebContents();
  ours.mainFrame.url = 'lossbook://app/index.html';
  const logs: string[] = [];
  const registration = registerIpcRouter(ipcMain, { targetFor: (id) => (id === ours.id ? target : undefined), isTrustedUrl: (url) => isTrustedRendererUrl(url), log: (message) => logs.push(message) });
  const invoke = (payload: unknown, contents = ours, frame = contents.mainFrame as { url: string; parent: unknown } | null) => ipcMain.invoke(IPC_CALL_CHANNEL, contents, payload, frame as never);
  return { ipcMain, calls, ours, logs, registration, invoke };
}

describe('IPC router: sender checks', () => {
  it('answers a valid call from our window', async () => {
    const { invoke, calls } = setup();
    expect(await invoke({ method: 'kernelInfo' })).toEqual({ ok: true, value: { handled: 'kernelInfo' } });
    expect(await invoke({ method: 'shellReady' })).toEqual({ ok: true, value: { shell: 'shellReady' } });
    expect(calls).toHaveLength(2);
  });

  it('rejects web contents that are not a notebook window', async () => {
    const { invoke, calls, logs } = setup();
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'lossbook://app/index.html';
    expect(await invoke({ method: 'kernelInfo' }, stranger)).toMatchObject({ ok: false, error: { name: 'IpcRejection', message: expect.stringContaining('not a Lossbook notebook window') } });
    expect(calls).toHaveLength(0);
    expect(logs[0]).toContain('rejected');
  });

  it('rejects a subframe, a missing frame, and a page that navigated elsewhere', async () => {
    const { invoke, ours, calls } = setup();
    expect(await invoke({ method: 'kernelInfo' }, ours, { url: 'lossbook://app/index.html', parent: ours.mainFrame })).toMatchObject({ ok: false, error: { message: expect.stringContaining('subframe') } });
    expect(await invoke({ method: 'kernelInfo' }, ours, null)).toMatchObject({ ok: false, error: { message: expect.stringContaining('gone') } });
    ours.mainFrame.url = 'https://evil.example/';
    expect(await invoke({ method: 'kernelInfo' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('not the Lossbook renderer') } });
    ours.mainFrame.url = 'file:///tmp/index.html';
    expect(await invoke({ method: 'kernelInfo' })).toMatchObject({ ok: false });
    expect(calls).toHaveLength(0);
  });
});

describe('IPC router: payload checks', () => {
  it.each([
    ['not an object', 'kernelInfo'],
    ['unknown method', { method: 'readFile', params: { path: '/etc/passwd' } }],
    ['execute without code', { method: 'execute', params: { cellId: 'c1' } }],
    ['execute with an empty cell id', { method: 'execute', params: { cellId: '', code: '1' } }],
    ['a backend that does not exist', { method: 'setBackend', params: 'cuda-13' }],
    ['setDocumentState without dirty', { method: 'setDocumentState', params: { title: 'x' } }],
    ['openFiles with no paths', { method: 'openFiles', params: { paths: [] } }],
    ['openFiles with a non-string path', { method: 'openFiles', params: { paths: [42] } }],
    ['null', null],
    ['a prototype-polluting object', JSON.parse('{"__proto__": {"method": "kernelInfo"}}')],
  ])('rejects %s without calling anything', async (_name, payload) => {
    const { invoke, calls } = setup();
    const answer = (await invoke(payload)) as { ok: boolean; error?: { message: string } };
    expect(answer.ok).toBe(false);
    expect(answer.error?.message).toMatch(/invalid call/);
    expect(calls).toHaveLength(0);
  });

  it('passes the host error through with its user-facing message and code', async () => {
    const { invoke } = setup();
    expect(await invoke({ method: 'restart' })).toEqual({ ok: false, error: { name: 'KernelError', message: 'The kernel could not be restarted.', code: 'kernel-dead' } });
  });

  it('fills defaults from the schema (a cell without a language is TypeScript)', async () => {
    const { invoke, calls } = setup();
    await invoke({ method: 'execute', params: { cellId: 'c1', code: 'tf.scalar(1)' } });
    expect(calls[0]).toEqual({ method: 'execute', params: { cellId: 'c1', code: 'tf.scalar(1)', language: 'typescript' } });
  });

  it('sends a raw JSON result as one string, which the page’s client parses', async () => {
    const { invoke } = setup();
    const envelope = (await invoke({ method: 'listRuns', params: {} })) as { ok: true; value: unknown };
    expect(envelope.value).toEqual({ $lossbookRawJson: ['{"store":"/d/runs.db","runs":[{"id":"run-2"},{"id":"run-1"}]}'] });
    expect(resolveRawJson(structuredClone(envelope.value))).toEqual({ store: '/d/runs.db', runs: [{ id: 'run-2' }, { id: 'run-1' }] });
  });

  it('dispose removes the handler', () => {
    const { ipcMain, registration } = setup();
    registration.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
