// The API table drives the client: positional arguments land where the entry says, the call is
// one the host's schema accepts, and browser-only methods exist only in browser mode.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_METHODS, ApiCallSchema } from './api';
import { rawJson } from './raw-json';
import { createApiClient, type ApiTransport } from './api-client';
import { createNotebook } from './notebook/model';

function recordingTransport(transport: 'electron' | 'browser', answer: (call: { method: string; params?: unknown }) => unknown = () => undefined) {
  const calls: Array<{ method: string; params?: unknown }> = [];
  const value: ApiTransport = {
    transport,
    call: async (call) => {
      calls.push(call);
      return answer(call);
    },
    onEvent: () => ({ dispose: () => undefined }),
  };
  return { calls, transport: value };
}

describe('the API client derived from API_METHODS', () => {
  it('puts positional arguments into the params the host validates', async () => {
    const { calls, transport } = recordingTransport('browser');
    const api = createApiClient(transport);
    const notebook = createNotebook('T', '0.1.0');
    await api.kernelInfo();
    await api.execute({ cellId: 'c1', code: '1' });
    await api.setBackend('wasm');
    await api.openNotebook();
    await api.openNotebook('/n/a.lossbook');
    await api.saveNotebook(notebook);
    await api.autosave(notebook, undefined, 'page-a');
    await api.exportReport(notebook, '/n/r.html');
    await api.listFolder!();
    expect(calls).toEqual([
      { method: 'kernelInfo' },
      { method: 'execute', params: { cellId: 'c1', code: '1' } },
      { method: 'setBackend', params: 'wasm' },
      { method: 'openNotebook', params: {} },
      { method: 'openNotebook', params: { path: '/n/a.lossbook' } },
      { method: 'saveNotebook', params: { notebook } },
      { method: 'autosave', params: { notebook, session: 'page-a' } },
      { method: 'exportReport', params: { notebook, path: '/n/r.html' } },
      { method: 'listFolder', params: {} },
    ]);
    for (const call of calls) expect(ApiCallSchema.safeParse(call).success, call.method).toBe(true);
  });

  it('answers with what the transport answers, and rejects with its error', async () => {
    const { transport } = recordingTransport('electron', (call) => {
      if (call.method === 'restart') throw new Error('The kernel could not be restarted.');
      return { runId: 'run-7' };
    });
    const api = createApiClient(transport);
    expect(await api.execute({ cellId: 'c', code: '' })).toEqual({ runId: 'run-7' });
    await expect(api.restart()).rejects.toThrow('could not be restarted');
  });

  it('parses a result the host gave as JSON text (the runs listing over IPC), and nothing else', async () => {
    const listing = { store: '/data/runs.db', total: 1, runs: [{ id: 'run-1', note: 'text "quoted"' }] };
    const { transport } = recordingTransport('electron', (call) => (call.method === 'listRuns' ? rawJson([JSON.stringify(listing)]) : { $lossbookRawJson: 7 }));
    const api = createApiClient(transport);
    expect(await api.listRuns()).toEqual(listing);
    // Not the marker (its text is not a string): handed on as it came.
    expect(await api.getRun('1')).toEqual({ $lossbookRawJson: 7 });
  });

  it('offers browser-only methods in browser mode only, and passes the shell extras through', () => {
    const browserOnly = Object.entries(API_METHODS).filter(([, definition]) => 'browserOnly' in definition).map(([name]) => name);
    expect(browserOnly).toEqual(['listRecoveries', 'openRecovery', 'discardRecovery', 'listFolder']);
    const electron = createApiClient({ ...recordingTransport('electron').transport, setDocumentState: () => undefined });
    const browser = createApiClient(recordingTransport('browser').transport);
    for (const name of browserOnly) {
      expect(name in electron, name).toBe(false);
      expect(typeof (browser as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(electron.transport).toBe('electron');
    expect(typeof electron.setDocumentState).toBe('function');
    expect(browser.setDocumentState).toBeUndefined();
  });

  it('names only argument keys its params schema has', () => {
    for (const [name, definition] of Object.entries(API_METHODS)) {
      if (!('args' in definition) || definition.args === 'params') continue;
      const shape = (definition.params as z.ZodObject).shape;
      for (const key of definition.args) expect(Object.keys(shape), `${name}(${key})`).toContain(key);
    }
  });

  it('is typed from the table (checked by the typecheck)', () => {
    const api = createApiClient(recordingTransport('browser').transport);
    const typed = async () => {
      const info: { lossbookVersion: string } = await api.kernelInfo();
      // @ts-expect-error execute takes a request, not a string
      await api.execute('1 + 1');
      // @ts-expect-error saveNotebook needs the notebook
      await api.saveNotebook();
      // @ts-expect-error no such method
      await api.formatDisk();
      return info;
    };
    expect(typeof typed).toBe('function');
  });
});
