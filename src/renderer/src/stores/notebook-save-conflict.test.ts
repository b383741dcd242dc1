// Saving over a file another program changed since this page opened or saved it asks first
// (disk-conflict.ts): the page sends the version it knows, the host refuses a changed file, and
// only the user's Overwrite writes it. Cancel keeps the page's version unsaved.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LossbookApi } from '../../../shared/api';
import { createNotebook, type Notebook } from '../../../shared/notebook/model';
import { diskConflictPrompt } from '../disk-conflict';
import { useNotebookStore } from './notebook';

/** A host with one file on disk whose version another program can bump. */
function fakeDisk() {
  const disk = { version: 1, saves: [] as Array<{ expected?: string; overwrite?: boolean }> };
  const refused = Object.assign(new Error('"lr.lossbook" changed on disk after it was opened or saved here. Nothing was written.'), { code: 'changed-on-disk' });
  const api = {
    transport: 'electron',
    onEvent: () => ({ dispose() {} }),
    kernelInfo: async () => ({ state: 'idle', lossbookVersion: '0' }),
    listExamples: async () => [],
    openNotebook: async (path: string) => ({ path, notebook: createNotebook('lr', '0'), diskVersion: `v${disk.version}` }),
    saveNotebook: async (_notebook: Notebook, path: string, expected?: string, overwrite?: boolean) => {
      disk.saves.push({ expected, overwrite });
      if (expected !== undefined && expected !== `v${disk.version}` && !overwrite) throw refused;
      disk.version++;
      return { path, diskVersion: `v${disk.version}` };
    },
  } as unknown as LossbookApi;
  return { api, disk };
}

async function answerPrompt(overwrite: boolean): Promise<void> {
  await expect.poll(() => diskConflictPrompt.value).toBeDefined();
  expect(diskConflictPrompt.value!.name).toBe('lr.lossbook');
  diskConflictPrompt.value!.resolve(overwrite);
}

describe('saving over a file changed on disk', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('saves with the version it opened, and then with the version it wrote', async () => {
    const { api, disk } = fakeDisk();
    const store = useNotebookStore();
    await store.connect(api);
    await store.openNotebook('/work/lr.lossbook');
    expect(await store.save()).toBe(true);
    expect(await store.save()).toBe(true);
    expect(disk.saves).toEqual([{ expected: 'v1' }, { expected: 'v2' }]);
    expect(diskConflictPrompt.value).toBeUndefined();
  });

  it('asks when another program wrote the file: Cancel writes nothing and keeps the edits, Overwrite writes', async () => {
    const { api, disk } = fakeDisk();
    const store = useNotebookStore();
    await store.connect(api);
    await store.openNotebook('/work/lr.lossbook');
    store.updateSource(store.notebook.cells[0]!.id, 'const mine = 1;');
    disk.version = 7; // `lossbook runs compare --into` wrote it meanwhile

    const cancelled = store.save();
    await answerPrompt(false);
    expect(await cancelled).toBe(false);
    expect(store.dirty).toBe(true);
    expect(store.notices.at(-1)).toMatchObject({ kind: 'warning', text: 'Not saved: the file changed on disk.' });

    const overwritten = store.save();
    await answerPrompt(true);
    expect(await overwritten).toBe(true);
    expect(store.dirty).toBe(false);
    expect(disk.saves.slice(-3)).toEqual([{ expected: 'v1' }, { expected: 'v1' }, { expected: 'v1', overwrite: true }]);
    // The next save checks against what it just wrote.
    expect(await store.save()).toBe(true);
    expect(disk.saves.at(-1)).toEqual({ expected: 'v8' });
  });
});
