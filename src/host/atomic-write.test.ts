// Issue 17's save litter: temps of interrupted saves are removed by the next save or open (only
// ours, by name), and a finished save fsyncs the folder after the rename.
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNotebook } from '../shared/notebook/model';

// Record what the writer opens and syncs: a folder fsync is an open(folder, 'r') whose handle is synced.
const synced: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof actual.open = async (path, flags, mode) => {
    const handle = await actual.open(path, flags, mode);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      synced.push(String(path));
      return sync();
    };
    return handle;
  };
  return { ...actual, open, default: { ...actual, open } };
});

const { removeStaleSaveTemps, tempPathFor, writeFileAtomically } = await import('./atomic-write');
const { readNotebookFile, saveNotebookFile } = await import('./files');

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lossbook-atomic-'));
  process.env.LOSSBOOK_RECOVERY_DIR = join(folder, 'recovery');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A pid no process has: above Linux's default pid_max (2^22). */
const DEAD_PID = 4194305;

describe('atomic saves without litter (issue 17)', () => {
  it('a save fsyncs the temp file and then the folder, and leaves only the target', async () => {
    const target = join(folder, 'synced.lossbook');
    synced.length = 0;
    await saveNotebookFile(target, createNotebook('synced'));
    expect(synced).toHaveLength(2);
    expect(synced[0]).toMatch(/\.synced\.lossbook\.\d+-[0-9a-f]{12}\.saving$/);
    expect(synced[1]).toBe(folder);
    expect((await readdir(folder)).filter((name) => name.includes('synced'))).toEqual(['synced.lossbook']);
    synced.length = 0;
    await writeFileAtomically(join(folder, 'plain.txt'), 'hello');
    expect(await readFile(join(folder, 'plain.txt'), 'utf8')).toBe('hello');
    expect(synced[1]).toBe(folder);
  });

  it('the next save removes temps that killed saves left (ours by pid, write-file-atomic’s by age), nothing else', async () => {
    const target = join(folder, 'exp.lossbook');
    const deadTemp = tempPathFor(target, DEAD_PID);
    const oldLegacy = join(folder, 'exp.lossbook.3735928559');
    const freshLegacy = join(folder, 'exp.lossbook.123456');
    const liveOther = tempPathFor(target, process.ppid);
    const unrelated = [join(folder, 'exp.lossbook.bak'), join(folder, 'exp.lossbook.1.2'), join(folder, 'other.lossbook.3735928559')];
    for (const path of [deadTemp, oldLegacy, freshLegacy, liveOther, ...unrelated]) await writeFile(path, 'x'.repeat(1024));
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(oldLegacy, hourAgo, hourAgo);
    await utimes(unrelated[2]!, hourAgo, hourAgo);

    await saveNotebookFile(target, createNotebook('exp'));
    const names = await readdir(folder);
    expect(names).not.toContain('exp.lossbook.3735928559');
    expect(names.some((name) => name.includes(`.${DEAD_PID}-`))).toBe(false);
    // A save in progress in a live process, and a fresh write-file-atomic temp, are left alone.
    expect(names).toContain('exp.lossbook.123456');
    expect(names.some((name) => name.includes(`.${process.ppid}-`))).toBe(true);
    for (const path of unrelated) expect(names).toContain(path.slice(folder.length + 1));
    await rm(liveOther);
  });

  it('opening a file removes its stale temps too, and never touches the file', async () => {
    const target = join(folder, 'open-me.lossbook');
    await saveNotebookFile(target, createNotebook('open me'));
    const before = await readFile(target, 'utf8');
    const deadTemp = tempPathFor(target, DEAD_PID);
    await writeFile(deadTemp, 'partial');
    await readNotebookFile(target);
    expect(await readdir(folder)).not.toContain(deadTemp.slice(folder.length + 1));
    expect(await readFile(target, 'utf8')).toBe(before);
    expect(await removeStaleSaveTemps(target)).toEqual([]);
  });
});
