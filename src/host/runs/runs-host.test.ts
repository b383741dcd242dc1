import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Disposable } from '../../shared/protocol';
import { ApiHost } from '../api-host';
import type { KernelSupervisorApi } from '../kernel-api';
import { resolveRawJson } from '../../shared/raw-json';
import type { RunsListing } from '../../shared/runs/api';
import { RunsHost } from './runs-host';
import { RunStore } from './store';
import { sampleRun } from './store.testing';

const idleSupervisor = { state: 'idle', backend: undefined, lastMemory: undefined, onEvent: (): Disposable => ({ dispose() {} }) } as unknown as KernelSupervisorApi;
const hosts: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.dispose();
});

function hostWithRuns(count: number): { api: ApiHost; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'lossbook-runs-host-')), 'runs.db');
  const store = RunStore.open(path);
  for (let index = 1; index <= count; index++) store.add(sampleRun(index));
  store.close();
  const runs = new RunsHost(path);
  const api = new ApiHost({ supervisor: idleSupervisor, runs });
  hosts.push(api, runs);
  return { api, path };
}

describe('the runs API calls', () => {
  it('lists, reads, compares, tags, notes and deletes runs through ApiHost', async () => {
    const { api, path } = hostWithRuns(3);
    // The host answers the listing as JSON text (raw-json.ts); the client parses it.
    const listing = resolveRawJson(await api.handle({ method: 'listRuns', params: {} })) as RunsListing;
    expect(listing.store).toBe(path);
    expect(listing.runs.map((run) => run.id)).toEqual(['run-000003', 'run-000002', 'run-000001']);
    expect(listing.total).toBe(3);
    // The newest first, for the view's first screenful; the total still counts them all.
    const first = resolveRawJson(await api.handle({ method: 'listRuns', params: { limit: 2 } })) as RunsListing;
    expect([first.runs.map((run) => run.id), first.total]).toEqual([['run-000003', 'run-000002'], 3]);
    await expect(api.handle({ method: 'listRuns', params: { limit: 0 } })).rejects.toThrow(/Rejected an invalid request/);
    const series = (await api.handle({ method: 'runSeries', params: { ids: ['1', '2'], names: ['loss'] } })) as Array<{ runId: string; name: string }>;
    expect(series.map((entry) => [entry.runId, entry.name])).toEqual([['run-000001', 'loss'], ['run-000002', 'loss']]);
    const compared = (await api.handle({ method: 'compareRuns', params: { a: '1', b: '2' } })) as { comparison: { config: Array<{ key: string }> } };
    expect(compared.comparison.config.map((difference) => difference.key)).toContain('params.learningRate');
    expect(await api.handle({ method: 'tagRun', params: { id: '1', add: ['keep'], remove: [] } })).toEqual(['keep']);
    await api.handle({ method: 'setRunNote', params: { id: '1', note: 'good' } });
    expect(await api.handle({ method: 'getRun', params: { id: '1' } })).toMatchObject({ tags: ['keep'], note: 'good' });
    expect(await api.handle({ method: 'deleteRuns', params: { ids: ['run-000003'] } })).toEqual({ deleted: 1 });
  });

  it('refuses malformed calls, and says so where there is no store', async () => {
    const { api } = hostWithRuns(1);
    await expect(api.handle({ method: 'getRun', params: { id: '' } })).rejects.toThrow(/Rejected an invalid request/);
    await expect(api.handle({ method: 'deleteRuns', params: { ids: [] } })).rejects.toThrow(/Rejected an invalid request/);
    await expect(api.handle({ method: 'getRun', params: { id: 'nope' } })).rejects.toThrow(/There is no run "nope"/);
    const bare = new ApiHost({ supervisor: idleSupervisor });
    hosts.push(bare);
    await expect(bare.handle({ method: 'listRuns', params: {} })).rejects.toThrow(/no run store/);
  });
});
